"""What a family pays for a leisure-centre period: one computation for the parent's live estimate, the
summary they receive, the desk, the registrations reception validates and the amounts-due exports.

The activity's grids, aids and fees are loaded once into a `TariffTable` (a handful of queries, whatever
the size of the grid), then every estimate is plain arithmetic, so the public form can recompute the fee
at each click within its budget.

The rules, as the towns and centres publish them (each one set by the director on the tariff screens):
- a unit's price comes from the family-quotient bracket, and from the grid's method: a price per bracket,
  a taux d'effort (quotient × rate, between a floor and a ceiling), or a price rising linearly from a
  minimum to a maximum across a bracket. No quotient: the highest bracket, the ceiling, the maximum;
- a price column per family status (CAF, MSA, other regime, social rate, outside the commune), the grid
  saying which applies when several do (the most favourable, or the first in its order); the base
  column applies when none does;
- the child's rank among the household's children registered in the period (eldest first: the
  reduction goes to the youngest), counted across requests and desk registrations: a price per rank or a
  percentage off; families with many dependent children may pay the bracket below;
- the units of one day (meals aside) never cost more than the grid's daily cap unit;
- aids (CAF, MSA, CCAS) are deducted per unit for eligible families, never below zero;
- fixed fees: a file fee per child or per household, once per season of the activity.

Each line is computed in exact decimals and rounded to the cent once; a computed unit price (taux
d'effort, linear) is rounded to the cent before it is multiplied, as a family checking by hand would do.
The total is the sum of the lines the family sees, so the explanation always adds up.
"""

from __future__ import annotations

import uuid
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from csc.core.money import Bracket, bracket_index, euros, round_cents
from csc.core.text import normalize
from csc.people.models import BenefitsRegime, age_on

from .models import (
    Activity,
    Group,
    Period,
    TariffAid,
    TariffColumn,
    TariffFee,
    TariffGrid,
    TariffPrice,
    Unit,
)

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


Method = TariffGrid.Method
Kind = TariffColumn.Kind


@dataclass(frozen=True)
class Cell:
    """One cell of a grid, read according to the grid's method (see TariffPrice)."""

    price: Decimal
    price_max: Decimal | None = None
    rate: Decimal | None = None


@dataclass(frozen=True)
class GridPrices:
    brackets: list[Bracket]
    # (bracket index, unit id, column kind, rank) -> cell
    cells: dict[tuple[int, int, str, int], Cell]
    columns: tuple[str, ...] = (Kind.BASE,)
    method: str = Method.BRACKETS
    column_choice: str = TariffGrid.ColumnChoice.ORDER
    rank_mode: str = TariffGrid.RankMode.NONE
    rank_count: int = 1
    second_child_reduction: Decimal = Decimal(0)
    third_child_reduction: Decimal = Decimal(0)
    fourth_child_reduction: Decimal | None = None
    large_family_children: int | None = None
    daily_cap_unit_id: int | None = None

    def reduction_for_rank(self, rank: int) -> Decimal:
        if self.rank_mode != TariffGrid.RankMode.PERCENT:
            return Decimal(0)
        if rank == 2:
            return self.second_child_reduction
        if rank == 3:
            return self.third_child_reduction
        if rank >= 4:
            if self.fourth_child_reduction is not None:
                return self.fourth_child_reduction
            return self.third_child_reduction
        return Decimal(0)

    def price_rank(self, rank: int) -> int:
        """The rank column a child's prices are read in: the last one holds « 4e et plus »."""
        if self.rank_mode != TariffGrid.RankMode.PRICE:
            return 1
        return min(max(rank, 1), self.rank_count)

    def bracket_for(self, family_quotient: Decimal | None, children: int) -> tuple[int, bool]:
        """The bracket index, and whether the large-family rule moved it down one bracket."""
        index = bracket_index(self.brackets, family_quotient)
        # Without a quotient the family pays the highest rate, large family or not: the rule rewards a
        # quotient the centre could check.
        large = self.large_family_children and children >= self.large_family_children
        if large and family_quotient is not None and index > 0:
            return index - 1, True
        return index, False

    def unit_price(
        self, bracket: int, unit_id: int, column: str, rank: int, family_quotient: Decimal | None
    ) -> tuple[Decimal, str]:
        """The price of one unit, rounded to the cent, and how it was found (for the explanation).

        Raises KeyError when the grid has no cell for it."""
        cell = self.cells[(bracket, unit_id, column, self.price_rank(rank))]
        if self.method == Method.EFFORT_RATE:
            ceiling = cell.price_max
            if family_quotient is None or cell.rate is None:
                return ceiling if ceiling is not None else cell.price, _("plafond, sans quotient")
            raw = round_cents(family_quotient * cell.rate / HUNDRED)
            rate_text = f"{cell.rate.normalize():f}".replace(".", ",")
            how = _("quotient %(qf)s × %(rate)s %%") % {"qf": euros(family_quotient), "rate": rate_text}
            if raw < cell.price:
                return cell.price, _("%(how)s, relevé au plancher") % {"how": how}
            if ceiling is not None and raw > ceiling:
                return ceiling, _("%(how)s, ramené au plafond") % {"how": how}
            return raw, how
        if self.method == Method.LINEAR:
            band = self.brackets[bracket]
            if cell.price_max is None or band.upper is None or band.upper == band.lower:
                return cell.price, ""
            if family_quotient is None:
                return cell.price_max, _("maximum, sans quotient")
            position = min(max(family_quotient, band.lower), band.upper) - band.lower
            raw = cell.price + (cell.price_max - cell.price) * position / (band.upper - band.lower)
            return round_cents(raw), _("linéaire entre %(low)s et %(high)s") % {
                "low": euros(cell.price),
                "high": euros(cell.price_max),
            }
        return cell.price, ""

    def highest_price(self, unit_id: int, column: str, rank: int) -> tuple[Decimal, str]:
        """The most a unit costs anywhere in the grid: what a family without a quotient pays for a unit
        whose price falls as the quotient rises (its last bracket holds its lowest price).

        Raises KeyError when the grid has no cell for it."""
        return max(
            self.unit_price(index, unit_id, column, rank, quotient)[0]
            for index, band in enumerate(self.brackets)
            for quotient in (None, band.lower, band.upper)
        ), _("tarif le plus haut, sans quotient")


@dataclass(frozen=True)
class Aid:
    name: str
    funder: str
    mode: str
    max_quotient: Decimal | None
    per_unit: dict[int, Decimal]  # unit id -> € or %

    def applies_to(self, family: Family) -> bool:
        if self.max_quotient is not None and (
            family.family_quotient is None or family.family_quotient > self.max_quotient
        ):
            return False
        if self.funder == TariffAid.Funder.CAF:
            return family.regime == BenefitsRegime.CAF
        if self.funder == TariffAid.Funder.MSA:
            return family.regime == BenefitsRegime.MSA
        if self.funder == TariffAid.Funder.CCAS:
            return family.social_rate
        return True

    def per_unit_amount(self, unit_id: int, unit_price: Decimal) -> Decimal:
        value = self.per_unit.get(unit_id, Decimal(0))
        if self.mode == TariffAid.Mode.RATE:
            return round_cents(unit_price * value / HUNDRED)
        return value


@dataclass(frozen=True)
class TariffTable:
    """An activity's grids, units, aids and fees, loaded once."""

    units: dict[int, Unit]
    grids: dict[int | None, GridPrices]  # group id (None: the general grid) -> prices
    resident_communes: frozenset[str]
    workers_count_as_residents: bool = False
    aids: tuple[Aid, ...] = ()
    fees: dict[str, tuple[str, Decimal]] = field(default_factory=dict)  # kind -> (name, amount)
    # unit id -> the groups it is offered to (absent: every group)
    unit_groups: dict[int, frozenset[int]] = field(default_factory=dict)

    def grid_for(self, group_id: int | None) -> GridPrices:
        grid = self.grids.get(group_id) or self.grids.get(None)
        if grid is None:
            raise TariffMissing(_("Aucune grille tarifaire pour ce groupe."))
        return grid

    def lives_outside(self, city: str, works_in: str = "") -> bool:
        # No commune listed: the activity makes no difference between residents and others.
        if not self.resident_communes:
            return False
        if normalize(city) in self.resident_communes:
            return False
        return not (
            self.workers_count_as_residents and works_in and normalize(works_in) in self.resident_communes
        )

    def offered_to(self, unit_id: int, group_id: int | None) -> bool:
        groups = self.unit_groups.get(unit_id)
        return not groups or group_id in groups


# The rules of a grid beside its cells: the same names on TariffGrid, GridPrices and GridSpec.
RULE_FIELDS = (
    "method",
    "column_choice",
    "rank_mode",
    "rank_count",
    "second_child_reduction",
    "third_child_reduction",
    "fourth_child_reduction",
    "large_family_children",
    "daily_cap_unit_id",
)


def grid_rules(source) -> dict:
    """A saved grid's (or a spec's) rules, to build another of the three from it."""
    return {name: getattr(source, name) for name in RULE_FIELDS}


def load_tariff_table(activity: Activity, units: list[Unit] | None = None) -> TariffTable:
    """The activity's grids (brackets sorted, cells), units, aids, fees and communes: eight queries at
    most, whatever the size of the grids."""
    units = {unit.pk: unit for unit in (units if units is not None else activity.units.all())}
    unit_groups: dict[int, set[int]] = defaultdict(set)
    for unit_id, group_id in Unit.groups.through.objects.filter(unit__activity=activity).values_list(
        "unit_id", "group_id"
    ):
        unit_groups[unit_id].add(group_id)
    grid_rows = list(TariffGrid.objects.filter(activity=activity).prefetch_related("brackets", "columns"))
    by_grid: dict[int, list] = defaultdict(list)
    for row in TariffPrice.objects.filter(bracket__grid__activity=activity).values_list(
        "bracket__grid_id", "bracket_id", "unit_id", "column__kind", "rank", "price", "price_max", "rate"
    ):
        by_grid[row[0]].append(row[1:])
    grids: dict[int | None, GridPrices] = {}
    for grid in grid_rows:
        brackets = sorted(grid.brackets.all(), key=lambda b: b.lower)
        index_of = {b.pk: i for i, b in enumerate(brackets)}
        columns = tuple(c.kind for c in sorted(grid.columns.all(), key=lambda c: (c.position, c.pk)))
        grids[grid.group_id] = GridPrices(
            brackets=[b.as_bracket() for b in brackets],
            cells={
                (index_of[bracket_id], unit_id, kind, rank): Cell(price, price_max, rate)
                for bracket_id, unit_id, kind, rank, price, price_max, rate in by_grid.get(grid.pk, [])
            },
            columns=columns or (Kind.BASE,),
            **grid_rules(grid),
        )
    aids = tuple(
        Aid(
            name=aid.name,
            funder=aid.funder,
            mode=aid.mode,
            max_quotient=aid.max_quotient,
            per_unit={amount.unit_id: amount.value for amount in aid.amounts.all()},
        )
        for aid in TariffAid.objects.filter(activity=activity).prefetch_related("amounts")
    )
    fees = {
        kind: (name, amount)
        for kind, name, amount in TariffFee.objects.filter(activity=activity).values_list(
            "kind", "name", "amount"
        )
    }
    communes = set(activity.resident_commune_list)
    for lines in activity.resident_commune_lists.values_list("communes", flat=True):
        communes.update(line.strip() for line in lines.splitlines() if line.strip())
    return TariffTable(
        units=units,
        grids=grids,
        resident_communes=frozenset(normalize(c) for c in communes),
        workers_count_as_residents=activity.workers_count_as_residents,
        aids=aids,
        fees=fees,
        unit_groups={unit_id: frozenset(groups) for unit_id, groups in unit_groups.items()},
    )


@dataclass(frozen=True)
class Family:
    """What the fee depends on about the household. Built from a household (the desk, validation) or
    from what the family typed (the public form)."""

    family_quotient: Decimal | None
    city: str = ""
    works_in_city: str = ""
    regime: str = ""
    social_rate: bool = False
    # CAF's « enfants à charge », for the large-family rule; None: the children the estimate knows.
    dependent_children: int | None = None

    def statuses(self, table: TariffTable) -> set[str]:
        """The price columns this family may pay (the base one applies when none of these does)."""
        found = set()
        if self.regime == BenefitsRegime.CAF:
            found.add(Kind.CAF)
        elif self.regime == BenefitsRegime.MSA:
            found.add(Kind.MSA)
        elif self.regime == BenefitsRegime.OTHER:
            found.add(Kind.OTHER_REGIME)
        if self.social_rate:
            found.add(Kind.SOCIAL)
        if table.lives_outside(self.city, self.works_in_city):
            found.add(Kind.OUTSIDE)
        return found


@dataclass(frozen=True)
class ChildChoice:
    """What a family chose for one child: the units booked, as (day id, unit id) pairs.

    `file_fee_paid`: the child already paid the activity's per-child file fee this season."""

    key: str
    name: str
    birth_date: date | None
    group_id: int | None
    bookings: tuple[tuple[int, int], ...]
    file_fee_paid: bool = False


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
    # What the family must know about how the fee was computed (no quotient given, large family…).
    notices: list[str] = field(default_factory=list)
    ranks: dict[str, int] = field(default_factory=dict)  # child key -> rank among the household's children
    columns: dict[str, str] = field(default_factory=dict)  # child key -> column kind that applied

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def child_total(self, child_key: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.child_key == child_key), Decimal("0.00"))

    def child_lines(self, child_key: str) -> list[FeeLine]:
        return [line for line in self.lines if line.child_key == child_key]

    def unit_price(self, child_key: str, unit_id: int) -> Decimal | None:
        for line in self.lines:
            if line.child_key == child_key and line.unit_id == unit_id:
                return line.unit_price
        return None

    def note(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)


def _eldest_first(children: list[ChildChoice]) -> list[ChildChoice]:
    # Children without a birth date go last, in key order, so they never take a reduction away and the
    # ranks never depend on the order the requests arrived in.
    return sorted(children, key=lambda c: (c.birth_date is None, c.birth_date or date.max, c.key))


def ranks_of(children: list[ChildChoice]) -> dict[str, int]:
    """Each child's rank among the household's children of the period who book something, eldest first."""
    booked = [c for c in _eldest_first(children) if c.bookings]
    return {child.key: rank for rank, child in enumerate(booked, start=1)}


def _ordinal(rank: int) -> str:
    return _("1er") if rank == 1 else _("%(rank)se") % {"rank": rank}


def _column_for(grid: GridPrices, statuses: set[str], price_of) -> str:
    """The column a child pays: among the grid's columns that apply to the family, the first in the
    grid's order or the cheapest (`price_of(kind)` gives the child's subtotal in that column)."""
    candidates = [kind for kind in grid.columns if kind in statuses]
    if not candidates:
        return Kind.BASE
    if grid.column_choice == TariffGrid.ColumnChoice.FAVOURABLE:
        return min(candidates, key=lambda kind: (price_of(kind), grid.columns.index(kind)))
    return candidates[0]


def estimate_fee(
    table: TariffTable,
    children: list[ChildChoice],
    family: Family,
    *,
    siblings: list[ChildChoice] = (),
    household_fee_paid: bool = False,
) -> FeeEstimate:
    """The fee of `children`: per child, one line per unit booked, then the daily cap, the rank reduction
    and the aids; the file fees. `siblings` are the household's other children already registered on
    the period: they count for ranks and large families but get no line.

    Raises TariffMissing when the grid has no price for a unit asked for.
    """
    family_quotient = family.family_quotient
    statuses = family.statuses(table)
    estimate = FeeEstimate(outside_commune=Kind.OUTSIDE in statuses)
    if family_quotient is None:
        estimate.note(_("Sans quotient familial, le tarif le plus haut s'applique."))
    everyone = [*siblings, *children]
    ranks = ranks_of(everyone)
    children_count = (
        family.dependent_children if family.dependent_children is not None else len({c.key for c in everyone})
    )
    pricing = [c for c in _eldest_first(list(children)) if c.bookings]
    for child in pricing:
        rank = ranks[child.key]
        estimate.ranks[child.key] = rank
        grid = table.grid_for(child.group_id)
        bracket, moved_down = grid.bracket_for(family_quotient, children_count)
        estimate.bracket_label = grid.brackets[bracket].label
        if moved_down:
            estimate.note(
                _("Famille de %(n)s enfants ou plus : la tranche du dessous s'applique.")
                % {"n": grid.large_family_children}
            )
        counts = Counter(unit for _day, unit in child.bookings)
        for unit_id in counts:
            if unit_id not in table.units:
                raise TariffMissing(_("Cette unité n'existe pas pour cette activité."))

        def price_of(unit_id: int, kind: str, bracket=bracket, rank=rank, grid=grid) -> tuple[Decimal, str]:
            # « Sans quotient, le tarif le plus haut »: for a unit whose price falls as the quotient rises
            # (a meal), the highest price is not in the last bracket.
            if family_quotient is None and not getattr(
                table.units[unit_id], "price_rises_with_quotient", True
            ):
                return grid.highest_price(unit_id, kind, rank)
            return grid.unit_price(bracket, unit_id, kind, rank, family_quotient)

        def subtotal(
            kind: str, child=child, grid=grid, bracket=bracket, rank=rank, counts=counts, price_of=price_of
        ) -> Decimal:
            # What the child's units cost in that column once the daily cap is taken off: the cap may
            # differ between columns, and the most favourable column is the one the family pays least in.
            try:
                in_column = {unit_id: price_of(unit_id, kind)[0] for unit_id in counts}
                over, _cap, _days = _over_cap(
                    table, grid, child, in_column, bracket, kind, rank, family_quotient
                )
                return sum(in_column[unit_id] * quantity for unit_id, quantity in counts.items()) - over
            except KeyError:
                return Decimal("Infinity")

        column = _column_for(grid, statuses, subtotal)
        estimate.columns[child.key] = column
        column_text = "" if column == Kind.BASE else f", {Kind(column).label}"
        rank_text = (
            " " + _("(%(ordinal)s enfant)") % {"ordinal": _ordinal(rank)}
            if grid.rank_mode == TariffGrid.RankMode.PRICE
            else ""
        )
        prices: dict[int, Decimal] = {}
        child_sum = Decimal(0)
        for unit_id, quantity in sorted(
            counts.items(), key=lambda item: (table.units[item[0]].position, item[0])
        ):
            unit = table.units[unit_id]
            try:
                unit_price, how = price_of(unit_id, column)
            except KeyError:
                raise TariffMissing(_("Pas de prix pour « %(unit)s ».") % {"unit": unit.name}) from None
            prices[unit_id] = unit_price
            amount = unit_price * quantity
            child_sum += amount
            label = f"{child.name}{rank_text} — {unit.name}{column_text} : {quantity} × {euros(unit_price)}"
            if how:
                label += f" ({how})"
            estimate.lines.append(
                FeeLine(
                    child_key=child.key,
                    label=label,
                    amount=round_cents(amount),
                    quantity=quantity,
                    unit_price=unit_price,
                    unit_id=unit_id,
                )
            )
        child_sum -= _daily_cap(
            estimate, child, _over_cap(table, grid, child, prices, bracket, column, rank, family_quotient)
        )
        percent = grid.reduction_for_rank(rank)
        if percent > 0 and child_sum > 0:
            # Never more than what the child's lines cost: a reduction cannot make a fee negative.
            reduction = min(round_cents(child_sum * percent / HUNDRED), round_cents(child_sum))
            child_sum -= reduction
            estimate.lines.append(
                FeeLine(
                    child_key=child.key,
                    label=_("%(name)s — réduction %(ordinal)s enfant (%(percent)s %%)")
                    % {"name": child.name, "ordinal": _ordinal(rank), "percent": f"{percent.normalize():f}"},
                    amount=-reduction,
                    is_reduction=True,
                )
            )
        for aid in table.aids:
            if child_sum <= 0 or not aid.applies_to(family):
                continue
            if aid.mode == TariffAid.Mode.RATE:
                wanted, detail = _rate_aid(aid, table, counts, prices, child_sum)
            else:
                per_unit = {unit_id: aid.per_unit_amount(unit_id, prices[unit_id]) for unit_id in counts}
                wanted = sum((per_unit[u] * q for u, q in counts.items()), Decimal(0))
                by_amount: Counter = Counter()
                for unit_id, quantity in counts.items():
                    if per_unit[unit_id] > 0:
                        by_amount[per_unit[unit_id]] += quantity
                detail = ", ".join(
                    f"{quantity} × {euros(amount)}" for amount, quantity in sorted(by_amount.items())
                )
            if wanted <= 0:
                continue
            deduction = min(round_cents(wanted), round_cents(child_sum))
            child_sum -= deduction
            estimate.lines.append(
                FeeLine(
                    child_key=child.key,
                    label=f"{child.name} — {aid.name} ({detail})",
                    amount=-deduction,
                    is_reduction=True,
                )
            )
        if TariffFee.Kind.PER_CHILD in table.fees and not child.file_fee_paid:
            name, amount = table.fees[TariffFee.Kind.PER_CHILD]
            estimate.lines.append(FeeLine(child_key=child.key, label=f"{child.name} — {name}", amount=amount))
    if TariffFee.Kind.PER_HOUSEHOLD in table.fees and not household_fee_paid and pricing:
        # Carried by the eldest child priced now, so that each registration's amount adds up to the whole.
        name, amount = table.fees[TariffFee.Kind.PER_HOUSEHOLD]
        estimate.lines.append(FeeLine(child_key=pricing[0].key, label=name, amount=amount))
    return estimate


def _rate_aid(
    aid: Aid, table: TariffTable, counts: Counter, prices: dict[int, Decimal], child_sum: Decimal
) -> tuple[Decimal, str]:
    """A rate aid takes its share of what the child's units cost once the daily cap, the rank reduction
    and the aids before it are taken off (each unit weighing what it costs): a share of the prices before
    them would make a family earning more pay less under the cap, and a 2nd child's fee fall to zero."""
    gross = sum((prices[u] * q for u, q in counts.items()), Decimal(0))
    if gross <= 0:
        return Decimal(0), ""
    rates = {u: aid.per_unit.get(u, Decimal(0)) for u in counts}
    weighted = sum((prices[u] * q * rates[u] for u, q in counts.items()), Decimal(0)) / gross
    wanted = child_sum * weighted / HUNDRED
    shown = sorted({rate for u, rate in rates.items() if rate > 0 and prices[u] > 0})
    if len(shown) == 1:
        detail = f"{shown[0].normalize():f} % de {euros(child_sum)}".replace(".", ",")
    else:
        detail = ", ".join(
            f"{table.units[u].name} : {f'{rates[u].normalize():f}'.replace('.', ',')} %"
            for u in sorted(counts, key=lambda u: (table.units[u].position, u))
            if rates[u] > 0
        )
    return wanted, detail


def _over_cap(
    table: TariffTable,
    grid: GridPrices,
    child: ChildChoice,
    prices: dict[int, Decimal],
    bracket: int,
    column: str,
    rank: int,
    family_quotient: Decimal | None,
) -> tuple[Decimal, Decimal | None, int]:
    """What the daily cap takes off the child's units (meals aside), the cap, and the days it caps."""
    cap_unit = grid.daily_cap_unit_id
    if cap_unit is None:
        return Decimal(0), None, 0
    try:
        cap, _how = grid.unit_price(bracket, cap_unit, column, rank, family_quotient)
    except KeyError:
        return Decimal(0), None, 0
    by_day: dict[int, Decimal] = defaultdict(Decimal)
    for day_id, unit_id in child.bookings:
        unit = table.units[unit_id]
        if unit.kind != Unit.Kind.MEAL:
            by_day[day_id] += prices[unit_id]
    capped_days = [total - cap for total in by_day.values() if total > cap]
    return round_cents(sum(capped_days, Decimal(0))), cap, len(capped_days)


def _daily_cap(
    estimate: FeeEstimate, child: ChildChoice, capped: tuple[Decimal, Decimal | None, int]
) -> Decimal:
    """« Two half-days on one day never cost more than the day »: what the cap takes off (`capped`, as
    `_over_cap` gives it), as one line."""
    over, cap, days = capped
    if not days:
        return Decimal(0)
    estimate.lines.append(
        FeeLine(
            child_key=child.key,
            label=_("%(name)s — plafond d'une journée à %(cap)s (%(days)s jour(s))")
            % {"name": child.name, "cap": euros(cap), "days": days},
            amount=-over,
            is_reduction=True,
        )
    )
    return over


def family_of(household, on: date | None = None) -> Family:
    """The family profile of a registry household (the desk, validation, repricing)."""
    return Family(
        family_quotient=household.family_quotient,
        city=household.city,
        works_in_city=household.works_in_city,
        regime=household.benefits_regime,
        social_rate=household.has_social_rate(on or timezone.localdate()),
        dependent_children=household.dependent_children,
    )


# --- The table for the public form, kept between requests ---------------------------------------------
#
# The parent's live estimate recomputes the fee at each click: loading a 40-bracket grid with its
# columns, ranks and aids each time would cost more than the computation (tens of milliseconds for a few
# thousand cells), and so would unpickling it from a shared cache (Decimals unpickle slowly). So each
# process keeps the tables it loaded, under a token per activity held in the shared cache (Redis when
# several machines serve): any change to what the tariffs read drops the token once the change commits
# (`forget_tariff_table`, from the signals in signals.py and the set-up services), every process then
# loads the table again on its next estimate. A parent never sees a fee from a grid the director has
# replaced. Writes (the desk, validation) never read from here.

_KEPT_TABLES = 64
_tables: OrderedDict[tuple[int, str], TariffTable] = OrderedDict()


def _token_key(activity_id: int) -> str:
    return f"activities:tariff-token:{activity_id}"


def cached_tariff_table(activity: Activity, units: list[Unit] | None = None) -> TariffTable:
    from django.core.cache import cache

    token = cache.get(_token_key(activity.pk))
    if token is None:
        cache.add(_token_key(activity.pk), uuid.uuid4().hex, None)
        token = cache.get(_token_key(activity.pk))
    if token is None:  # no cache answers (Redis down): load, as before there was a cache
        return load_tariff_table(activity, units)
    key = (activity.pk, token)
    table = _tables.get(key)
    if table is None:
        table = load_tariff_table(activity, units)
        _tables[key] = table
        while len(_tables) > _KEPT_TABLES:
            _tables.popitem(last=False)
    else:
        _tables.move_to_end(key)
    return table


def forget_tariff_table(activity_id: int | None) -> None:
    """Drop the activity's token once the current transaction commits (at once outside one): a reader
    before the commit would otherwise keep the old grid under a new token."""
    if activity_id is None:
        return
    from django.core.cache import cache
    from django.db import transaction

    transaction.on_commit(lambda: cache.delete(_token_key(activity_id)))
