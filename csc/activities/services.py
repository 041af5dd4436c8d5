"""Set-up of leisure-centre activities by the centre's staff: periods and their days, tariff grids,
membership grids. Places are in `capacity.py`, fee arithmetic in `tariffs.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from csc.core.money import Bracket, bracket_errors
from csc.people.models import MembershipFee, Season

from . import capacity
from .models import Activity, Period, PeriodDay, TariffBracket, TariffGrid, TariffPrice
from .tariffs import grid_errors


class GridInvalid(Exception):
    """A grid that cannot be saved: `errors` maps each wrong row (0-based) to a French message."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def weekdays_between(
    start: date, end: date, weekdays: set[int], closed: set[date] = frozenset()
) -> list[date]:
    """The dates between start and end (included) falling on the given weekdays (0 = Monday)."""
    days = []
    current = start
    while current <= end:
        if current.weekday() in weekdays and current not in closed:
            days.append(current)
        current += timedelta(days=1)
    return days


@transaction.atomic
def set_period_days(period: Period, dates: list[date]) -> Period:
    """Make the period's opening days exactly `dates`, with each group's places on the new days.

    A day that children already booked cannot be removed: the error names it.
    """
    wanted = set(dates)
    existing = {day.date: day for day in period.days.all()}
    for day_date, day in existing.items():
        if day_date not in wanted:
            if day.booked_units.exists() or day.group_days.filter(held__gt=0).exists():
                raise ValueError(
                    f"Le {day_date:%d/%m/%Y} a déjà des enfants inscrits : il ne peut pas être retiré."
                )
            day.delete()
    PeriodDay.objects.bulk_create(PeriodDay(period=period, date=d) for d in sorted(wanted - set(existing)))
    capacity.ensure_group_days(period)
    return period


@dataclass
class GridRow:
    """One bracket row of a grid as typed: bounds, and per unit id the price and the outside price."""

    lower: int
    upper: int | None
    prices: dict[int, Decimal | None]
    outside_prices: dict[int, Decimal | None]


def tariff_grid_errors(activity: Activity, rows: list[GridRow]) -> dict[int, str]:
    brackets = [Bracket(r.lower, r.upper) for r in rows]
    units = {u.pk: u.name for u in activity.units.all()}
    errors = grid_errors(
        brackets, {(i, u): r.prices.get(u) for i, r in enumerate(rows) for u in units}, units
    )
    if not errors:
        # Outside prices are optional, but where a unit has them they follow the same rule.
        outside_units = {
            u: name for u, name in units.items() if any(r.outside_prices.get(u) is not None for r in rows)
        }
        outside = grid_errors(
            brackets,
            {(i, u): r.outside_prices.get(u) for i, r in enumerate(rows) for u in outside_units},
            {u: f"{name} (hors commune)" for u, name in outside_units.items()},
        )
        errors.update(outside)
    return errors


@transaction.atomic
def save_tariff_grid(
    *,
    activity: Activity,
    group=None,
    rows: list[GridRow],
    second_child_reduction: Decimal = Decimal(0),
    third_child_reduction: Decimal = Decimal(0),
) -> TariffGrid:
    """Replace the activity's grid (for one group, or the general one) after checking it whole.

    Raises GridInvalid, with one message per wrong row; nothing is saved then.
    """
    errors = tariff_grid_errors(activity, rows)
    for label, value in (("2e enfant", second_child_reduction), ("3e enfant", third_child_reduction)):
        if not Decimal(0) <= value <= Decimal(100):
            errors[-1] = f"La réduction {label} est un pourcentage entre 0 et 100."
    if errors:
        raise GridInvalid(errors)
    grid, _ = TariffGrid.objects.update_or_create(
        activity=activity,
        group=group,
        defaults={
            "second_child_reduction": second_child_reduction,
            "third_child_reduction": third_child_reduction,
        },
    )
    grid.brackets.all().delete()
    for row in sorted(rows, key=lambda r: r.lower):
        bracket = TariffBracket.objects.create(grid=grid, lower=row.lower, upper=row.upper)
        TariffPrice.objects.bulk_create(
            TariffPrice(
                bracket=bracket, unit_id=unit_id, price=price, outside_price=row.outside_prices.get(unit_id)
            )
            for unit_id, price in row.prices.items()
            if price is not None
        )
    return grid


@transaction.atomic
def save_membership_fees(*, season: Season, rows: list[tuple[int, int | None, Decimal]]) -> None:
    """Replace a season's membership grid: (lower, upper or None, amount) rows, checked like a tariff grid."""
    brackets = [Bracket(lower, upper) for lower, upper, _ in rows]
    errors = bracket_errors(brackets)
    for index, (_lower, _upper, amount) in enumerate(rows):
        if amount is None or amount < 0:
            errors.setdefault(index, f"Tranche {index + 1} : indiquez un montant positif ou nul.")
    if errors:
        raise GridInvalid(errors)
    season.membership_fees.all().delete()
    MembershipFee.objects.bulk_create(
        MembershipFee(season=season, lower=lower, upper=upper, amount=amount) for lower, upper, amount in rows
    )
