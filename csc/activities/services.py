"""Set-up of leisure-centre activities by the centre's staff: periods and their days, tariff grids,
membership grids. Places are in `capacity.py`, fee arithmetic in `tariffs.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError

from csc.core.money import Bracket, bracket_errors
from csc.people.models import MembershipFee, Season

from . import capacity
from .events import announce_places_added
from .models import (
    Activity,
    CommuneList,
    Group,
    Period,
    PeriodDay,
    TariffAid,
    TariffAidAmount,
    TariffColumn,
    TariffFee,
    TariffGrid,
    Unit,
)
from .tariff_setup import GridInvalid, GridSpec, save_grid
from .tariffs import Cell

Kind = TariffColumn.Kind


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
    added = sorted(wanted - set(existing))
    PeriodDay.objects.bulk_create(PeriodDay(period=period, date=d) for d in added)
    capacity.ensure_group_days(period)
    if added and existing:
        # A day opened on a period families already asked for: the waiting list may take it.
        announce_places_added(period.pk)
    return period


@dataclass
class GridRow:
    """One bracket row of a grid of prices as typed: bounds, and per unit id the price and the outside
    price (the « hors commune » column, when the row has any)."""

    lower: Decimal
    upper: Decimal | None
    prices: dict[int, Decimal | None]
    outside_prices: dict[int, Decimal | None]


def spec_from_rows(
    rows: list[GridRow],
    second_child_reduction: Decimal = Decimal(0),
    third_child_reduction: Decimal = Decimal(0),
) -> GridSpec:
    """A grid of one price per bracket, with an optional « hors commune » column (the base price where a
    row leaves it empty) and a percentage off by child rank."""
    has_outside = any(price is not None for row in rows for price in row.outside_prices.values())
    cells = {}
    for index, row in enumerate(rows):
        for unit_id, price in row.prices.items():
            if price is not None:
                cells[(index, unit_id, Kind.BASE, 1)] = Cell(price)
                if has_outside:
                    outside = row.outside_prices.get(unit_id)
                    cells[(index, unit_id, Kind.OUTSIDE, 1)] = Cell(outside if outside is not None else price)
    reductions = second_child_reduction or third_child_reduction
    return GridSpec(
        brackets=[(row.lower, row.upper) for row in rows],
        cells=cells,
        columns=[Kind.BASE, Kind.OUTSIDE] if has_outside else [Kind.BASE],
        rank_mode=TariffGrid.RankMode.PERCENT if reductions else TariffGrid.RankMode.NONE,
        second_child_reduction=second_child_reduction,
        third_child_reduction=third_child_reduction,
    )


def save_tariff_grid(
    *,
    activity: Activity,
    group=None,
    rows: list[GridRow],
    second_child_reduction: Decimal = Decimal(0),
    third_child_reduction: Decimal = Decimal(0),
) -> TariffGrid:
    """Replace a grid of one price per bracket (see `spec_from_rows`); the other methods and rules are
    saved through `tariff_setup.save_grid`. Raises GridInvalid; nothing is saved then."""
    spec = spec_from_rows(rows, second_child_reduction, third_child_reduction)
    return save_grid(activity=activity, group=group, spec=spec)


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


# --- set-up screens --------------------------------------------------------------------------------


@transaction.atomic
def create_period(period: Period, dates: list[date]) -> Period:
    """Save a new period and open it on `dates`, with each group's usual places: all or nothing."""
    period.save()
    return set_period_days(period, dates)


@transaction.atomic
def change_period_days(period: Period, dates: list[date]) -> Period:
    """`set_period_days` for the staff screens: a day a family asked for, even in a request since
    refused or cancelled, keeps its history, so it is refused with the same kind of message."""
    try:
        return set_period_days(period, dates)
    except ProtectedError as error:
        kept = sorted({obj.day.date for obj in error.protected_objects if hasattr(obj, "day")})
        if len(kept) == 1:
            message = (
                f"Des familles ont déjà demandé le {kept[0]:%d/%m/%Y} : ce jour ne peut pas être retiré."
            )
        else:
            named = ", ".join(f"{d:%d/%m/%Y}" for d in kept) or "certains des jours retirés"
            message = f"Des familles ont déjà demandé {named} : ces jours ne peuvent pas être retirés."
        raise ValueError(message) from None


@transaction.atomic
def save_group(group: Group) -> Group:
    """Save an age group; a new group gets its usual places on every day already open."""
    group.save()
    for period in group.activity.periods.all():
        capacity.ensure_group_days(period)
    return group


def delete_group(group: Group) -> None:
    """Delete an age group and its places, unless a child is registered or asked for it.

    Raises ValueError with a French message saying why it cannot be deleted.
    """
    try:
        with transaction.atomic():
            group.delete()
    except ProtectedError:
        raise ValueError(
            f"Le groupe « {group.name} » a des inscriptions ou des demandes d'inscription : il ne peut pas "
            "être supprimé. Vous pouvez le renommer, ou mettre ses places à 0 sur les jours à venir."
        ) from None


def delete_unit(unit: Unit) -> None:
    """Delete a unit and its prices, unless a family already booked or asked for it.

    Raises ValueError with a French message saying why it cannot be deleted.
    """
    try:
        with transaction.atomic():
            unit.delete()
    except ProtectedError:
        raise ValueError(
            f"L'unité « {unit.name} » a déjà été réservée ou demandée par des familles : elle ne peut pas "
            "être supprimée. Vous pouvez la renommer."
        ) from None


class CapacityInvalid(Exception):
    """Places that cannot be set: `errors` maps (group id, day id) to a French message."""

    def __init__(self, errors: dict[tuple[int, int], str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@transaction.atomic
def set_capacities(period: Period, capacities: dict[tuple[int, int], int]) -> None:
    """Change the places of several (group id, day id) of a period at once, all or nothing.

    Raises CapacityInvalid naming every place that would fall below the children already holding it;
    nothing changes then.
    """
    groups = {g.pk: g for g in period.activity.groups.all()}
    days = {d.pk: d for d in period.days.all()}
    before = capacity.capacities(period)
    errors: dict[tuple[int, int], str] = {}
    for (group_id, day_id), places in sorted(capacities.items()):
        group, day = groups.get(group_id), days.get(day_id)
        if group is None or day is None:
            errors[(group_id, day_id)] = "Ce groupe ou ce jour n'appartient pas à la période."
            continue
        try:
            capacity.set_capacity(group, day, places, announce=False)
        except ValueError as error:
            errors[(group_id, day_id)] = f"{group.name}, {day.date:%d/%m/%Y} : {error}"
    if errors:
        # Leaving the transaction by an exception undoes the places already changed: the person
        # corrects the table and saves it whole.
        raise CapacityInvalid(errors)
    if any(places > before.get(place, places) for place, places in capacities.items()):
        announce_places_added(period.pk)  # once for the whole table


@transaction.atomic
def save_membership_grid(
    *, season: Season, basis: str, rows: list[tuple[int, int | None, Decimal]]
) -> Season:
    """Set how a season's membership is paid (per household or per person) and replace its grid.

    Raises GridInvalid like `save_membership_fees`; nothing is saved then.
    """
    save_membership_fees(season=season, rows=rows)
    if season.membership_basis != basis:
        season.membership_basis = basis
        season.save(update_fields=["membership_basis"])
    return season


def delete_group_tariff_grid(group: Group) -> None:
    """Remove a group's own grid: the group then pays the activity's general grid."""
    TariffGrid.objects.filter(activity_id=group.activity_id, group=group).delete()


# --- aids, fixed fees, commune lists (the rules around the grids) -----------------------------------


@transaction.atomic
def save_tariff_aid(aid: TariffAid, amounts: dict[int, Decimal]) -> TariffAid:
    """Save an aid with its deduction per unit (the units left out get none)."""
    aid.save()
    aid.amounts.exclude(unit_id__in=list(amounts)).delete()
    for unit_id, value in amounts.items():
        TariffAidAmount.objects.update_or_create(aid=aid, unit_id=unit_id, defaults={"value": value})
    return aid


@transaction.atomic
def delete_tariff_aid(aid: TariffAid) -> None:
    aid.delete()


@transaction.atomic
def save_tariff_fees(activity: Activity, fees: dict[str, tuple[str, Decimal | None]]) -> None:
    """Make the activity's fixed fees exactly these: a kind without an amount has no fee."""
    for kind, (name, amount) in fees.items():
        if amount is None:
            TariffFee.objects.filter(activity=activity, kind=kind).delete()
        else:
            TariffFee.objects.update_or_create(
                activity=activity, kind=kind, defaults={"name": name, "amount": amount}
            )


@transaction.atomic
def save_commune_list(commune_list: CommuneList) -> CommuneList:
    commune_list.save()
    return commune_list


@transaction.atomic
def delete_commune_list(commune_list: CommuneList) -> None:
    """The activities that used the list stop counting its communes as residents'."""
    commune_list.delete()
