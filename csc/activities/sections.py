"""Activities' part of the household's and the person's pages (declared in module.py)."""

from __future__ import annotations

from csc.core.registry import Section
from csc.core.tenancy import centres_with, has_capability
from csc.people.models import Household, Person

from .capabilities import ACTIVITIES_REGISTER, ACTIVITIES_VIEW
from .desk.services import child_registrations, household_registrations


def household_registrations_section(request, household: Household) -> Section | None:
    """The household's registrations in the reader's centres (a shared household shows only what the
    reader's centres registered): two queries, whatever their number."""
    centre_ids = centres_with(request.user, ACTIVITIES_VIEW)
    if not centre_ids:
        return None
    return Section(
        "Inscriptions aux accueils de loisirs",
        "activities/sections/household_registrations.html",
        {
            "household": household,
            "registrations": household_registrations(household, centre_ids),
            "can_register": has_capability(request.user, ACTIVITIES_REGISTER, household.centre_id),
        },
    )


def person_registrations_section(request, person: Person) -> Section | None:
    """The person's registrations as a child, when they have any."""
    centre_ids = centres_with(request.user, ACTIVITIES_VIEW)
    if not centre_ids:
        return None
    found = child_registrations(person, centre_ids)
    if not found:
        return None
    return Section(
        "Inscriptions aux accueils de loisirs",
        "activities/sections/person_registrations.html",
        {"registrations": found, "can_register": has_capability(request.user, ACTIVITIES_REGISTER)},
    )
