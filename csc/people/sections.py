"""The memberships' part of the household's and the person's pages (declared in module.py)."""

from __future__ import annotations

from csc.core.registry import Section
from csc.core.tenancy import centres_with, has_capability

from .capabilities import PEOPLE_EDIT
from .models import Household, Membership, Person


def household_memberships(request, household: Household) -> Section:
    """The household's memberships, cancelled ones included (with their reason): one query."""
    memberships = list(
        Membership.objects.filter(household=household).select_related("season").order_by("-season__starts_on")
    )
    return Section(
        "Adhésions",
        "people/sections/household_memberships.html",
        {
            "household": household,
            "memberships": memberships,
            "can_edit": has_capability(request.user, PEOPLE_EDIT, household.centre_id),
        },
    )


def person_memberships(request, person: Person) -> Section:
    """The memberships in force of the households the reader sees the person in, and the households the
    reader may take a membership for: two queries."""
    memberships = list(
        Membership.objects.in_force()
        .filter(household__members__person=person)
        .filter(household__in=Household.objects.visible_to(request.user))
        .select_related("season", "household")
        .order_by("-season__starts_on")
    )
    editable = list(
        Household.objects.filter(
            members__person=person, centre_id__in=centres_with(request.user, PEOPLE_EDIT)
        ).order_by("name")
    )
    return Section(
        "Adhésions",
        "people/sections/person_memberships.html",
        {"memberships": memberships, "households": editable},
    )
