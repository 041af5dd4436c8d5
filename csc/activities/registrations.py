"""Registrations of children to a period, with the units they book: the one way in.

The online requests (enrolment), the desk and, later, invoicing all create registrations through these
functions, so that the rules — one active registration per child and period, the price of each booked
unit kept as it was when booked — hold whichever screen registered the child.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from csc.core.models import Centre
from csc.people.models import Household, Person

from .models import BookedUnit, Period, Registration


class AlreadyRegistered(Exception):
    """The child already has an active registration on this period; the message names them."""


@dataclass(frozen=True)
class Booking:
    """A unit booked on a day of the period, at the price the grid gave it (before reductions)."""

    day_id: int
    unit_id: int
    price: Decimal


@transaction.atomic
def register(
    *,
    centre: Centre,
    period: Period,
    child: Person,
    household: Household,
    group_id: int,
    bookings: Iterable[Booking],
    amount: Decimal,
    family_quotient: Decimal | None,
    bracket_label: str,
) -> Registration:
    """Register `child` to `period` in a group with the units booked, and the amount due as computed by
    the tariffs (csc.activities.tariffs.estimate_fee) for the quotient applied.

    Raises AlreadyRegistered when the child is already registered on the period: checked first for a
    plain message, and by the database's constraint when two registrations of the same child race.
    """
    if Registration.objects.filter(period=period, child=child, status=Registration.Status.ACTIVE).exists():
        raise AlreadyRegistered(f"{child.first_name} est déjà inscrit(e) sur cette période.")
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                centre=centre,
                period=period,
                group_id=group_id,
                child=child,
                household=household,
                amount=amount,
                family_quotient=family_quotient,
                bracket_label=bracket_label,
            )
    except IntegrityError:
        raise AlreadyRegistered(f"{child.first_name} est déjà inscrit(e) sur cette période.") from None
    BookedUnit.objects.bulk_create(
        BookedUnit(registration=registration, day_id=b.day_id, unit_id=b.unit_id, price=b.price)
        for b in bookings
    )
    return registration
