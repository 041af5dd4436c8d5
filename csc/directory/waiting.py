"""What waits for the keepers of the directory on the staff home: the corrections other centres
proposed to their entries (csc.core.registry)."""

from django.urls import reverse

from csc.core.registry import Waiting

from .corrections import to_examine
from .services import keeps_entries


def waiting(user, centre) -> list[Waiting]:
    """One query: the pending corrections this user examines; none without the capability."""
    if not keeps_entries(user, centre):
        return []
    count = to_examine(user, centre).count()
    label = "correction de l'annuaire à examiner" if count == 1 else "corrections de l'annuaire à examiner"
    return [Waiting(count, label, reverse("directory:correction_list"))]
