"""TEMPORARY: the desk against today's `registrations.register(…, amount=…)`, until the integrator's
`registrations.register/preview/cancel` (fee computed inside, places held, cancel with a reason) land
on main. Removed at that merge; nothing else imports this module but desk.services."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from .. import capacity, registrations, tariffs
from ..models import BookedUnit, PeriodDay, Registration


class RegistrationRefused(Exception):
    pass


def _estimate(period, child, household, group_id, bookings):
    table = tariffs.load_tariff_table(period.activity)
    days = set(PeriodDay.objects.filter(period=period).values_list("pk", flat=True))
    for day_id, unit_id in bookings:
        if day_id not in days:
            raise RegistrationRefused("Un des jours choisis n'appartient pas à la période.")
        if unit_id not in table.units:
            raise RegistrationRefused("Une des unités choisies n'est pas proposée par cette activité.")
    choice = tariffs.ChildChoice(
        key=str(child.pk),
        name=child.first_name,
        birth_date=child.birth_date,
        group_id=group_id,
        bookings=tuple(bookings),
    )
    return table, tariffs.estimate_fee(table, [choice], household.family_quotient, household.city)


def preview(*, period, child, household, group_id, bookings):
    return _estimate(period, child, household, group_id, bookings)[1]


@transaction.atomic
def register(*, period, child, household, group_id, bookings, by=None, source=None, hold_places=True):
    bookings = list(bookings)
    if Registration.objects.filter(period=period, child=child, status=Registration.Status.ACTIVE).exists():
        raise registrations.AlreadyRegistered(f"{child.first_name} est déjà inscrit(e) sur cette période.")
    table, estimate = _estimate(period, child, household, group_id, bookings)
    if hold_places:
        capacity.hold(
            sorted({(group_id, day_id) for day_id, unit_id in bookings if table.units[unit_id].takes_place})
        )
    return registrations.register(
        centre=period.activity.centre,
        period=period,
        child=child,
        household=household,
        group_id=group_id,
        bookings=[
            registrations.Booking(
                day_id, unit_id, estimate.unit_price(str(child.pk), unit_id) or Decimal("0")
            )
            for day_id, unit_id in bookings
        ],
        amount=estimate.total,
        family_quotient=household.family_quotient,
        bracket_label=estimate.bracket_label,
    )


@transaction.atomic
def cancel(*, registration, by, reason):
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status"])
    places = {
        (registration.group_id, day_id)
        for day_id, kind in BookedUnit.objects.filter(registration=registration).values_list(
            "day_id", "unit__kind"
        )
        if kind != "repas"
    }
    capacity.release(sorted(places))
    return registration
