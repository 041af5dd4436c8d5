"""Registrations at the desk: reception registers a child of a household it has in front of it, with
the same rules, places and fee as the online path — both go through `csc.activities.registrations`,
which this module only frames (what the desk may choose from, and French messages for what it refuses).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Max, Min, QuerySet

from csc.people.models import Household, HouseholdMember, Person

from .. import capacity, registrations, tariffs
from ..models import Activity, Group, Period, PeriodDay, Registration, Unit


class DeskRefused(Exception):
    """What the desk asked for and the rules refuse; the message says why, in French, for reception."""


def children_of(household: Household) -> list[Person]:
    """The household's children that can be registered (not anonymised), eldest first."""
    return [
        member.person
        for member in HouseholdMember.objects.filter(
            household=household,
            relation=HouseholdMember.Relation.CHILD,
            person__anonymised_at__isnull=True,
        )
        .select_related("person")
        .order_by("person__birth_date", "person__first_name", "person_id")
    ]


def open_periods(centre_id: int, today: date) -> QuerySet[Period]:
    """The centre's periods with a day still to come: the desk registers until the last day, online
    registration dates or not (reception may take a late registration)."""
    return (
        Period.objects.filter(
            activity__centre_id=centre_id,
            activity__kind=Activity.Kind.LEISURE_CENTRE,
            days__date__gte=today,
        )
        .distinct()
        .select_related("activity")
        .order_by("activity__name", "registration_opens_on", "pk")
    )


@dataclass
class Grid:
    """The period as the desk's table shows it: days × units, with each day's free places in a group."""

    period: Period
    days: list[PeriodDay]
    units: list[Unit]
    groups: list[Group]
    proposed_group: Group | None
    free: dict[tuple[int, int], int]  # (group id, day id) -> free places

    def free_in(self, group_id: int | None) -> list[tuple[PeriodDay, int | None]]:
        return [(day, self.free.get((group_id, day.pk))) for day in self.days]

    def offered(self, unit: Unit, group_id: int | None) -> bool:
        """A unit kept for some groups (a teenagers' outing) is offered to those only."""
        groups = {g.pk for g in unit.groups.all()}
        return not groups or group_id in groups


def grid_for(period: Period, child: Person) -> Grid:
    """Days, units (with the groups they are kept for), groups, free places and the child's group at the
    activity's reference date: six queries whatever the length of the period."""
    days = list(period.days.order_by("date"))
    groups = list(period.activity.groups.order_by("min_age", "pk"))
    units = list(period.activity.units.prefetch_related("groups").order_by("position", "pk"))
    reference = tariffs.age_reference_date(period, days)
    proposed = (
        tariffs.group_for(groups, child.birth_date, reference) if child.birth_date and reference else None
    )
    return Grid(period, days, units, groups, proposed, capacity.free_places(period))


def _check(child: Person, household: Household, period: Period) -> None:
    """What the desk adds to the registration service's rules: the household is the period's centre's,
    and the child one of its children."""
    if period.activity.centre_id != household.centre_id:
        raise DeskRefused("Cette période n'est pas celle du centre du foyer.")
    if not HouseholdMember.objects.filter(
        household=household, person=child, relation=HouseholdMember.Relation.CHILD
    ).exists():
        raise DeskRefused("Cet enfant n'est pas un enfant de ce foyer.")


def _full_message(period: Period, full: list[capacity.Place]) -> str:
    days = dict(PeriodDay.objects.filter(period=period).values_list("pk", "date"))
    dates = sorted({days[day_id] for _group, day_id in full if day_id in days})
    named = ", ".join(f"{d:%d/%m/%Y}" for d in dates) or "certains des jours choisis"
    return (
        f"Plus de place dans ce groupe le {named}. Rien n'a été enregistré : retirez ces jours, ou "
        "proposez à la famille une demande en ligne, qui ira sur la liste d'attente."
    )


@contextmanager
def _refusals(period: Period) -> Iterator[None]:
    """What the registration service refuses, said to reception in French; nothing is written then."""
    try:
        yield
    except registrations.AlreadyRegistered as already:
        raise DeskRefused(str(already)) from None
    except capacity.PlacesFull as full:
        raise DeskRefused(_full_message(period, full.full)) from None
    except tariffs.TariffMissing as missing:
        raise DeskRefused(
            f"Le tarif n'est pas complet : {missing}. Le responsable doit compléter la grille."
        ) from None
    except registrations.RegistrationRefused as refused:
        raise DeskRefused(str(refused)) from None


def preview(
    *, period: Period, child: Person, household: Household, group_id: int, bookings: list[tuple[int, int]]
) -> tariffs.FeeEstimate:
    """The fee reception shows before confirming, explained line by line; nothing is written."""
    _check(child, household, period)
    with _refusals(period):
        return registrations.preview(
            period=period, child=child, household=household, group_id=group_id, bookings=bookings
        )


@transaction.atomic
def register(
    *,
    period: Period,
    child: Person,
    household: Household,
    group_id: int,
    bookings: Iterable[tuple[int, int]],
    by,
) -> Registration:
    """Register the child at the desk: places held, fee computed, journaled (by `registrations.register`,
    as « activities.registered_at_desk ») — all or nothing."""
    _check(child, household, period)
    with _refusals(period):
        return registrations.register(
            period=period,
            child=child,
            household=household,
            group_id=group_id,
            bookings=list(bookings),
            by=by,
            source=Registration.Source.DESK,
        )


@transaction.atomic
def cancel(*, registration: Registration, by, reason: str) -> Registration:
    """Cancel a registration with a reason (required): its places are released and the siblings' fees
    follow their new ranks."""
    with _refusals(registration.period):
        return registrations.cancel(registration=registration, by=by, reason=reason)


def _with_booked_days(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    """Each registration with its booked days counted and its first and last dates, in the same query."""
    return queryset.annotate(
        days_count=Count("booked_units__day", distinct=True),
        first_day=Min("booked_units__day__date"),
        last_day=Max("booked_units__day__date"),
    )


def household_registrations(household: Household, centre_ids: Iterable[int]) -> list[Registration]:
    """A household's registrations in the reader's centres, with their booked days: one query whatever
    their number."""
    return list(
        _with_booked_days(Registration.objects.filter(household=household, centre_id__in=centre_ids))
        .select_related("child", "period__activity", "group")
        .order_by("-period__registration_opens_on", "child__first_name", "pk")
    )


def child_registrations(child: Person, centre_ids: Iterable[int]) -> list[Registration]:
    """A child's registrations in the reader's centres, as `household_registrations`."""
    return list(
        _with_booked_days(Registration.objects.filter(child=child, centre_id__in=centre_ids))
        .select_related("period__activity", "group", "household")
        .order_by("-period__registration_opens_on", "pk")
    )
