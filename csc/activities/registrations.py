"""Registrations of children to a period, with the units they book: the one way in.

The online requests (enrolment), the desk and, later, invoicing all create and cancel registrations
through these functions, so that the rules hold whichever screen registered the child: one active
registration per child and period; units offered to the child's group on days of the period; places
held under the capacity rules; the fee computed by `tariffs.estimate_fee` from the household as it is
on the day, with the child's rank among the household's children registered on the same period.

Ranks are eldest first over the household's active registrations of the period, so they never depend
on the order the registrations arrived in: registering an elder brother later moves the younger ones
down a rank, and their fee is computed again (`_reprice`). A registration whose rank does not change
keeps its fee as it was computed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from csc.core.audit import record
from csc.people.models import Household, Person

from . import capacity
from .models import BookedUnit, Period, Registration, Unit
from .tariffs import (
    ChildChoice,
    FeeEstimate,
    TariffMissing,
    TariffTable,
    estimate_fee,
    family_of,
    load_tariff_table,
    ranks_of,
)

__all__ = ["AlreadyRegistered", "RegistrationRefused", "TariffMissing", "register", "preview", "cancel"]


class AlreadyRegistered(Exception):
    """The child already has an active registration on this period; the message names them."""


class RegistrationRefused(Exception):
    """What was asked does not fit the period: a unit not offered to the group, a day not in the period,
    a child not in the household, nothing booked. The message says which, in French."""


@dataclass(frozen=True)
class Booking:
    """A unit booked on a day of the period, at the price the grid gave it (before reductions)."""

    day_id: int
    unit_id: int
    price: Decimal


def _check_bookings(period: Period, table: TariffTable, group_id: int, bookings: list[tuple[int, int]]):
    if not bookings:
        raise RegistrationRefused("Choisissez au moins un jour et une unité.")
    if not period.activity.groups.filter(pk=group_id).exists():
        raise RegistrationRefused("Ce groupe n'appartient pas à cette activité.")
    days = set(period.days.values_list("pk", flat=True))
    for day_id, unit_id in bookings:
        if day_id not in days:
            raise RegistrationRefused("Un des jours choisis n'est pas un jour d'ouverture de cette période.")
        if unit_id not in table.units:
            raise RegistrationRefused("Une des unités choisies n'existe pas pour cette activité.")
        if not table.offered_to(unit_id, group_id):
            raise RegistrationRefused(
                f"« {table.units[unit_id].name} » n'est pas proposée au groupe de cet enfant."
            )


def _sibling_choices(
    period: Period, household: Household, exclude_child: int | None = None
) -> list[ChildChoice]:
    """The household's children registered on the period, as the ranks count them (two queries)."""
    registrations = list(
        Registration.objects.filter(period=period, household=household, status=Registration.Status.ACTIVE)
        .exclude(child_id=exclude_child)
        .select_related("child")
    )
    booked: dict[int, list[tuple[int, int]]] = {}
    for registration_id, day_id, unit_id in BookedUnit.objects.filter(
        registration__in=[r.pk for r in registrations]
    ).values_list("registration_id", "day_id", "unit_id"):
        booked.setdefault(registration_id, []).append((day_id, unit_id))
    return [
        ChildChoice(
            key=str(r.child_id),
            name=r.child.first_name,
            birth_date=r.child.birth_date,
            group_id=r.group_id,
            bookings=tuple(booked.get(r.pk, ())),
        )
        for r in registrations
    ]


def _season_fees_paid(
    period: Period, household: Household, child: Person, before: int | None = None
) -> tuple[bool, bool]:
    """Whether the child, and the household, already carry the activity's file fees this season: a file
    fee is charged once per season (the activity's), on the first registration to one of its periods.
    `before`: for a registration priced again, only those made before it count."""
    earlier = Registration.objects.filter(
        period__activity_id=period.activity_id, household=household, status=Registration.Status.ACTIVE
    ).exclude(period=period, child=child)
    if before is not None:
        earlier = earlier.filter(pk__lt=before)
    flags = dict.fromkeys(("child", "household"), False)
    for child_id in earlier.values_list("child_id", flat=True).distinct():
        flags["household"] = True
        if child_id == child.pk:
            flags["child"] = True
    return flags["child"], flags["household"]


def preview(
    *,
    period: Period,
    child: Person,
    household: Household,
    group_id: int,
    bookings: Iterable[tuple[int, int]],
    table: TariffTable | None = None,
) -> FeeEstimate:
    """The fee `register` would record, explained line by line, without writing anything."""
    table = table or load_tariff_table(period.activity)
    bookings = list(dict.fromkeys(bookings))
    _check_bookings(period, table, group_id, bookings)
    child_paid, household_paid = _season_fees_paid(period, household, child)
    return estimate_fee(
        table,
        [
            ChildChoice(
                key=str(child.pk),
                name=child.first_name,
                birth_date=child.birth_date,
                group_id=group_id,
                bookings=tuple(bookings),
                file_fee_paid=child_paid,
            )
        ],
        family_of(household),
        siblings=_sibling_choices(period, household, exclude_child=child.pk),
        household_fee_paid=household_paid,
    )


def _lines_json(estimate: FeeEstimate, key: str) -> list[dict]:
    return [{"label": line.label, "amount": str(line.amount)} for line in estimate.child_lines(key)]


@transaction.atomic
def register(
    *,
    period: Period,
    child: Person,
    household: Household,
    group_id: int,
    bookings: Iterable[tuple[int, int]],
    by=None,
    source: str = Registration.Source.DESK,
    hold_places: bool = True,
) -> Registration:
    """Register `child` to `period` in a group with the units booked (day id, unit id), at the fee the
    tariffs give for the household as it is today and the child's rank among its children of the period.

    `hold_places`: take the places now (the desk); an online request already holds them.
    Raises AlreadyRegistered, RegistrationRefused, capacity.PlacesFull or TariffMissing; nothing is
    written then.
    """
    _lock_household(household.pk)
    if Registration.objects.filter(period=period, child=child, status=Registration.Status.ACTIVE).exists():
        raise AlreadyRegistered(f"{child.first_name} est déjà inscrit(e) sur cette période.")
    table = load_tariff_table(period.activity)
    bookings = list(dict.fromkeys(bookings))
    estimate = preview(
        period=period, child=child, household=household, group_id=group_id, bookings=bookings, table=table
    )
    if hold_places:
        places = {(group_id, day_id) for day_id, unit_id in bookings if table.units[unit_id].takes_place}
        capacity.hold(places)
    key = str(child.pk)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                centre_id=period.activity.centre_id,
                period=period,
                group_id=group_id,
                child=child,
                household=household,
                amount=estimate.child_total(key),
                family_quotient=household.family_quotient,
                bracket_label=estimate.bracket_label,
                fee_lines=_lines_json(estimate, key),
                rank=estimate.ranks.get(key, 1),
                source=source,
                created_by=by,
            )
    except IntegrityError:
        raise AlreadyRegistered(f"{child.first_name} est déjà inscrit(e) sur cette période.") from None
    BookedUnit.objects.bulk_create(
        BookedUnit(
            registration=registration,
            day_id=day_id,
            unit_id=unit_id,
            price=estimate.unit_price(key, unit_id) or Decimal("0.00"),
        )
        for day_id, unit_id in bookings
    )
    _reprice(period, household, table, skip=registration.pk)
    if source == Registration.Source.DESK:
        record(
            "activities.registered_at_desk",
            centre=registration.centre,
            obj=registration,
            detail=f"{period} — {len(bookings)} unité(s)",
            actor=by,
        )
    return registration


@transaction.atomic
def cancel(*, registration: Registration, by, reason: str) -> Registration:
    """Cancel a registration with the reason reception gives: its places go back, and the household's
    other children of the period are priced again if their rank changes."""
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationRefused("Indiquez le motif de l'annulation.")
    _lock_household(registration.household_id)
    registration = (
        Registration.objects.select_for_update().select_related("period__activity").get(pk=registration.pk)
    )
    if registration.status != Registration.Status.ACTIVE:
        raise RegistrationRefused("Cette inscription est déjà annulée.")
    takes_place = set(
        Unit.objects.filter(activity_id=registration.period.activity_id)
        .exclude(kind=Unit.Kind.MEAL)
        .values_list("pk", flat=True)
    )
    places = {
        (registration.group_id, day_id)
        for day_id, unit_id in registration.booked_units.values_list("day_id", "unit_id")
        if unit_id in takes_place
    }
    capacity.release(places)
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.cancelled_by = by
    registration.cancel_reason = reason
    registration.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    household = registration.household
    _reprice(registration.period, household, load_tariff_table(registration.period.activity))
    record(
        "activities.registration_cancelled",
        centre=registration.centre,
        obj=registration,
        detail="motif saisi",
        actor=by,
    )
    return registration


def _lock_household(household_id: int) -> None:
    """Register and cancel one at a time per household: each prices its child from the household's other
    registrations of the period, so two receptions registering two siblings at once would otherwise
    each see only its own child and both give rank 1. Always taken first, before the places' rows."""
    list(Household.objects.select_for_update().filter(pk=household_id).values_list("pk", flat=True))


def _reprice(period: Period, household: Household, table: TariffTable, skip: int | None = None) -> None:
    """Price again the household's registrations of the period whose rank changed."""
    registrations = {
        str(r.child_id): r
        for r in Registration.objects.filter(
            period=period, household=household, status=Registration.Status.ACTIVE
        ).select_related("child")
    }
    if len(registrations) < 2 and not any(r.rank != 1 for r in registrations.values()):
        return
    siblings = _sibling_choices(period, household)
    ranks = ranks_of(siblings)
    family = family_of(household)
    for key, registration in registrations.items():
        if registration.pk == skip or ranks.get(key, 1) == registration.rank:
            continue
        child = next(c for c in siblings if c.key == key)
        others = [c for c in siblings if c.key != key]
        child_paid, household_paid = _season_fees_paid(
            period, household, registration.child, before=registration.pk
        )
        estimate = estimate_fee(
            table,
            [ChildChoice(**{**child.__dict__, "file_fee_paid": child_paid})],
            family,
            siblings=others,
            household_fee_paid=household_paid,
        )
        registration.amount = estimate.child_total(key)
        registration.rank = estimate.ranks.get(key, 1)
        registration.fee_lines = _lines_json(estimate, key)
        registration.bracket_label = estimate.bracket_label
        registration.save(update_fields=["amount", "rank", "fee_lines", "bracket_label"])
        for booked in registration.booked_units.all():
            price = estimate.unit_price(key, booked.unit_id)
            if price is not None and price != booked.price:
                BookedUnit.objects.filter(pk=booked.pk).update(price=price)
