"""What a family pays for a leisure-centre period: one computation for the parent's live estimate, the
summary they receive, the registrations reception validates and the amounts-due export.

The grid is loaded once into a `TariffTable` (three queries), then every estimate is plain arithmetic,
so the public form can recompute the fee at each click within its budget.

Rules, as published tariff grids state them:
- the price of a unit depends on the family-quotient bracket (no quotient: the highest bracket);
- a family living outside the activity's communes pays the "hors commune" price where the grid has one;
- a group (age band) may have its own grid; otherwise the activity's general grid applies;
- the second child of a request gets the grid's second-child reduction, the third and next ones the
  third-child reduction; children are ranked eldest first, so the reduction goes to the youngest.

Each line is computed in exact decimals and rounded to the cent once; the total is the sum of the lines
the family sees, so the summary always adds up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from csc.core.money import Bracket, bracket_index, euros, round_cents
from csc.core.text import normalize
from csc.people.models import age_on

from .models import Activity, Group, Period, TariffGrid, TariffPrice, Unit

HUNDRED = Decimal(100)


# --- Age bands: the group a child belongs to, at the date the activity counts ages ---------------------


def age_reference_date(period: Period, days: list | None = None) -> date | None:
    """The date children's ages are computed at: the activity's choice, else the period's first day
    (`days`, when the caller already holds them, saves a query)."""
    if period.activity.age_reference_date:
        return period.activity.age_reference_date
    if days is not None:
        return min((d.date for d in days), default=None)
    first = period.days.order_by("date").first()
    return first.date if first else None


def group_for(groups: list[Group], birth_date: date, on: date) -> Group | None:
    """The group a child of that birth date belongs to at the reference date, or None."""
    age = age_on(birth_date, on)
    return next((g for g in groups if g.accepts_age(age)), None)


def age_range_text(groups: list[Group]) -> str:
    """« de 3 à 11 ans »: the ages the activity's groups receive, for the families' pages."""
    if not groups:
        return ""
    return f"de {min(g.min_age for g in groups)} à {max(g.max_age for g in groups)} ans"


class TariffMissing(Exception):
    """The activity has no grid (or no price) for what was asked: the centre must finish its set-up."""


@dataclass(frozen=True)
class GridPrices:
    brackets: list[Bracket]
    # (bracket index, unit id) -> (price, outside price or None)
    prices: dict[tuple[int, int], tuple[Decimal, Decimal | None]]
    second_child_reduction: Decimal
    third_child_reduction: Decimal

    def reduction_for_rank(self, rank: int) -> Decimal:
        if rank == 2:
            return self.second_child_reduction
        if rank >= 3:
            return self.third_child_reduction
        return Decimal(0)


@dataclass(frozen=True)
class TariffTable:
    """An activity's grids and units, loaded once."""

    units: dict[int, Unit]
    grids: dict[int | None, GridPrices]  # group id (None: the general grid) -> prices
    resident_communes: frozenset[str]

    def grid_for(self, group_id: int | None) -> GridPrices:
        grid = self.grids.get(group_id) or self.grids.get(None)
        if grid is None:
            raise TariffMissing("Aucune grille tarifaire pour ce groupe.")
        return grid

    def lives_outside(self, city: str) -> bool:
        # No commune listed: the activity makes no difference between residents and others.
        return bool(self.resident_communes) and normalize(city) not in self.resident_communes


def load_tariff_table(activity: Activity, units: list[Unit] | None = None) -> TariffTable:
    """The activity's grids, brackets sorted, and units: three queries (two when the units are given)."""
    units = {unit.pk: unit for unit in (units if units is not None else activity.units.all())}
    grids: dict[int | None, GridPrices] = {}
    grid_rows = list(TariffGrid.objects.filter(activity=activity).prefetch_related("brackets"))
    prices = TariffPrice.objects.filter(bracket__grid__activity=activity).values_list(
        "bracket__grid_id", "bracket_id", "unit_id", "price", "outside_price"
    )
    by_grid: dict[int, list] = {}
    for grid_id, bracket_id, unit_id, price, outside in prices:
        by_grid.setdefault(grid_id, []).append((bracket_id, unit_id, price, outside))
    for grid in grid_rows:
        brackets = sorted(grid.brackets.all(), key=lambda b: b.lower)
        index_of = {b.pk: i for i, b in enumerate(brackets)}
        grids[grid.group_id] = GridPrices(
            brackets=[b.as_bracket() for b in brackets],
            prices={
                (index_of[bracket_id], unit_id): (price, outside)
                for bracket_id, unit_id, price, outside in by_grid.get(grid.pk, [])
            },
            second_child_reduction=grid.second_child_reduction,
            third_child_reduction=grid.third_child_reduction,
        )
    communes = frozenset(normalize(c) for c in activity.resident_commune_list)
    return TariffTable(units=units, grids=grids, resident_communes=communes)


@dataclass(frozen=True)
class ChildChoice:
    """What a family chose for one child: the units booked, as (day id, unit id) pairs."""

    key: str
    name: str
    birth_date: date | None
    group_id: int | None
    bookings: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class FeeLine:
    child_key: str
    label: str
    amount: Decimal
    quantity: int = 0
    unit_price: Decimal | None = None
    unit_id: int | None = None
    is_reduction: bool = False

    @property
    def display(self) -> str:
        return euros(self.amount)


@dataclass
class FeeEstimate:
    lines: list[FeeLine] = field(default_factory=list)
    bracket_label: str = ""
    outside_commune: bool = False

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def child_total(self, child_key: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.child_key == child_key), Decimal("0.00"))

    def unit_price(self, child_key: str, unit_id: int) -> Decimal | None:
        for line in self.lines:
            if line.child_key == child_key and line.unit_id == unit_id:
                return line.unit_price
        return None


def _eldest_first(children: list[ChildChoice]) -> list[ChildChoice]:
    # Children without a birth date go last, in the order given, so they never take a reduction away.
    return sorted(children, key=lambda c: (c.birth_date is None, c.birth_date or date.max))


def estimate_fee(
    table: TariffTable,
    children: list[ChildChoice],
    family_quotient: Decimal | None,
    city: str,
) -> FeeEstimate:
    """The fee of a request: one line per child and unit, then each child's sibling reduction.

    Raises TariffMissing when the grid has no price for a unit asked for.
    """
    outside = table.lives_outside(city)
    estimate = FeeEstimate(outside_commune=outside)
    rank = 0
    for child in _eldest_first(children):
        if not child.bookings:
            continue
        rank += 1
        grid = table.grid_for(child.group_id)
        bracket = bracket_index(grid.brackets, family_quotient)
        estimate.bracket_label = grid.brackets[bracket].label
        subtotal = Decimal(0)
        for unit_id, quantity in sorted(Counter(unit for _day, unit in child.bookings).items()):
            unit = table.units[unit_id]
            try:
                price, outside_price = grid.prices[(bracket, unit_id)]
            except KeyError:
                raise TariffMissing(f"Pas de prix pour « {unit.name} ».") from None
            unit_price = outside_price if outside and outside_price is not None else price
            exact = unit_price * quantity
            subtotal += exact
            estimate.lines.append(
                FeeLine(
                    child_key=child.key,
                    label=f"{child.name} — {unit.name} : {quantity} × {euros(unit_price)}",
                    amount=round_cents(exact),
                    quantity=quantity,
                    unit_price=unit_price,
                    unit_id=unit_id,
                )
            )
        percent = grid.reduction_for_rank(rank)
        if percent > 0 and subtotal > 0:
            # Never more than what the child's lines cost: a reduction cannot make a fee negative.
            reduction = min(round_cents(subtotal * percent / HUNDRED), round_cents(subtotal))
            ordinal = "2e" if rank == 2 else f"{rank}e"
            estimate.lines.append(
                FeeLine(
                    child_key=child.key,
                    label=f"{child.name} — réduction {ordinal} enfant ({percent.normalize():f} %)",
                    amount=-reduction,
                    is_reduction=True,
                )
            )
    return estimate


def grid_errors(
    brackets: list[Bracket],
    prices: dict[tuple[int, int], Decimal | None],
    unit_names: dict[int, str],
) -> dict[int, str]:
    """Why a tariff grid cannot be saved, by bracket row; empty when it can.

    On top of the bracket rules (contiguous from 0, only the last open), every unit needs a price in every
    bracket, and a price never goes down when the quotient goes up: a family earning more never pays less.
    `prices` maps (row, unit id) to a price; pass the outside prices separately to check them the same way.
    """
    from csc.core.money import bracket_errors

    errors = bracket_errors(brackets)
    if errors:
        return errors
    order = sorted(range(len(brackets)), key=lambda i: brackets[i].lower)
    for unit_id, unit_name in unit_names.items():
        previous_price, previous_row = None, None
        for row in order:
            price = prices.get((row, unit_id))
            if price is None:
                errors.setdefault(
                    row, f"Tranche {row + 1} ({brackets[row].label}) : indiquez le prix de « {unit_name} »."
                )
                continue
            if price < 0:
                errors.setdefault(
                    row, f"Tranche {row + 1} : le prix de « {unit_name} » ne peut pas être négatif."
                )
            elif previous_price is not None and price < previous_price:
                errors.setdefault(
                    row,
                    f"Tranche {row + 1} ({brackets[row].label}) : « {unit_name} » coûte {euros(price)}, "
                    "moins que "
                    f"dans la tranche {previous_row + 1} ({euros(previous_price)}). Un quotient plus haut ne "
                    "doit pas payer moins.",
                )
            previous_price, previous_row = price, row
    return errors
