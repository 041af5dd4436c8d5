"""The people module's part of `manage.py verify_restore` (csc.core.restore_check)."""

from __future__ import annotations

from csc.core.restore_check import Options, Result

from .models import Household, Person


def check_people(options: Options) -> list[Result]:
    """A restored installation in service has persons: none means the data did not come back."""
    persons = Person.objects.using(options.database).count()
    households = Household.objects.using(options.database).count()
    detail = f"{persons} personne(s), {households} foyer(s)"
    if not persons:
        return [Result("Personnes", False, f"{detail} : aucune personne restaurée.")]
    return [Result("Personnes", True, f"{detail}.")]
