"""What a director sets on the tariff screens, checked whole and saved in one transaction.

A grid is typed as a `GridSpec`: its rules (method, columns, child rank, large families, daily cap) and
its cells, one per (bracket row, unit, column, rank). `grid_spec_errors` says, in French and by row,
everything that keeps it from being saved; `save_grid` replaces the saved grid only when there is
nothing to say. The arithmetic that reads a saved grid is in `tariffs.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from csc.core.money import Bracket, bracket_errors, euros

from .models import Activity, Group, TariffBracket, TariffColumn, TariffGrid, TariffPrice, Unit
from .tariffs import Cell, GridPrices, grid_rules

Method = TariffGrid.Method
RankMode = TariffGrid.RankMode
Kind = TariffColumn.Kind
HUNDRED = Decimal(100)
# Grids are not limited to 30 brackets: some towns publish 40 and more.
MAX_BRACKETS = 80


class GridInvalid(Exception):
    """A grid that cannot be saved: `errors` maps each wrong row (0-based; -1 for the whole grid) to a
    French message."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class GridSpec:
    brackets: list[tuple[Decimal, Decimal | None]]
    # (row, unit id, column kind, rank) -> cell; a missing cell is an error the screen shows on its row.
    cells: dict[tuple[int, int, str, int], Cell]
    method: str = Method.BRACKETS
    columns: list[str] = field(default_factory=lambda: [Kind.BASE])
    column_choice: str = TariffGrid.ColumnChoice.ORDER
    rank_mode: str = RankMode.NONE
    rank_count: int = 1
    second_child_reduction: Decimal = Decimal(0)
    third_child_reduction: Decimal = Decimal(0)
    fourth_child_reduction: Decimal | None = None
    large_family_children: int | None = None
    daily_cap_unit_id: int | None = None

    @property
    def ranks(self) -> range:
        return range(1, (self.rank_count if self.rank_mode == RankMode.PRICE else 1) + 1)

    def as_prices(self) -> GridPrices:
        """The spec as the fee computation reads it (rows sorted by their lower bound)."""
        order = sorted(range(len(self.brackets)), key=lambda i: self.brackets[i][0])
        position = {row: i for i, row in enumerate(order)}
        return GridPrices(
            brackets=[Bracket(*self.brackets[row]) for row in order],
            cells={
                (position[r], u, c, k): cell for (r, u, c, k), cell in self.cells.items() if r in position
            },
            columns=tuple(self.columns),
            **grid_rules(self),
        )


def _cell_name(row: int, unit: Unit, column: str, rank: int, spec: GridSpec) -> str:
    parts = [f"« {unit.name} »"]
    if len(spec.columns) > 1:
        parts.append(f"colonne « {Kind(column).label} »")
    if spec.rank_mode == RankMode.PRICE:
        parts.append(
            "1er enfant" if rank == 1 else f"{rank}e enfant{' et plus' if rank == spec.rank_count else ''}"
        )
    return ", ".join(parts)


def _cell_errors(spec: GridSpec, row: int, bracket: Bracket, unit: Unit, column: str, rank: int) -> str:
    cell = spec.cells.get((row, unit.pk, column, rank))
    name = _cell_name(row, unit, column, rank, spec)
    where = f"Tranche {row + 1} ({bracket.label})"
    if cell is None or cell.price is None:
        what = {
            Method.BRACKETS: "le prix",
            Method.EFFORT_RATE: "le plancher",
            Method.LINEAR: "le prix minimum",
        }[spec.method]
        return f"{where} : indiquez {what} de {name}."
    if cell.price < 0 or (cell.price_max is not None and cell.price_max < 0):
        return f"{where} : un prix de {name} ne peut pas être négatif."
    if spec.method == Method.EFFORT_RATE:
        if cell.rate is None or cell.rate <= 0:
            return f"{where} : indiquez le taux d'effort de {name} (en %, par exemple 0,85)."
        if cell.rate > HUNDRED:
            return f"{where} : le taux d'effort de {name} est un pourcentage du quotient, au plus 100 %."
        if cell.price_max is None:
            return (
                f"{where} : indiquez le plafond de {name} : c'est le prix d'une famille sans quotient "
                "ou au quotient le plus haut."
            )
        if cell.price_max < cell.price:
            return (
                f"{where} : le plafond de {name} ({euros(cell.price_max)}) est sous le plancher "
                f"({euros(cell.price)})."
            )
    if spec.method == Method.LINEAR and unit.price_rises_with_quotient:
        if cell.price_max is not None and cell.price_max < cell.price:
            return (
                f"{where} : le prix maximum de {name} ({euros(cell.price_max)}) est sous le prix minimum "
                f"({euros(cell.price)})."
            )
        if bracket.upper is None and cell.price_max is not None and cell.price_max != cell.price:
            return (
                f"{where} : la dernière tranche n'a pas de fin, le prix de {name} ne peut pas y monter : "
                "laissez le maximum vide ou égal au minimum."
            )
    return ""


def grid_spec_errors(activity: Activity, spec: GridSpec, units: list[Unit] | None = None) -> dict[int, str]:
    """Everything that keeps the grid from being saved, by row (-1: the grid as a whole); empty when it
    can be. A family earning more never pays less for a unit whose price rises with the quotient: its
    price at the start of a bracket is at least its price at the end of the bracket before."""
    units = units if units is not None else list(activity.units.all())
    errors: dict[int, str] = {}
    if len(spec.brackets) > MAX_BRACKETS:
        errors[-1] = f"Une grille a au plus {MAX_BRACKETS} tranches."
        return errors
    if Kind.BASE not in spec.columns:
        errors[-1] = (
            "La grille a toujours une colonne « Tarif de base », pour les familles sans statut particulier."
        )
    if len(set(spec.columns)) != len(spec.columns):
        errors[-1] = "Chaque colonne de prix n'apparaît qu'une fois."
    if spec.rank_mode == RankMode.PRICE and not 2 <= spec.rank_count <= 4:
        errors[-1] = "Un prix par rang demande de 2 à 4 rangs (le dernier vaut « et plus »)."
    for label, value in (
        ("2e enfant", spec.second_child_reduction),
        ("3e enfant", spec.third_child_reduction),
        ("4e enfant et plus", spec.fourth_child_reduction),
    ):
        if value is not None and not Decimal(0) <= value <= HUNDRED:
            errors[-1] = f"La réduction {label} est un pourcentage entre 0 et 100."
    if spec.large_family_children is not None:
        if spec.method != Method.BRACKETS:
            errors[-1] = (
                "La règle des familles nombreuses (tranche du dessous) demande une grille par tranches."
            )
        elif spec.large_family_children < 2:
            errors[-1] = "Une famille nombreuse compte au moins 2 enfants à charge."
    unit_ids = {u.pk for u in units}
    if spec.daily_cap_unit_id is not None and spec.daily_cap_unit_id not in unit_ids:
        errors[-1] = "Le plafond par jour doit être une unité de cette activité."
    brackets = [Bracket(lower, upper) for lower, upper in spec.brackets]
    errors.update(bracket_errors(brackets))
    if errors:
        return errors
    for row, bracket in enumerate(brackets):
        for unit in units:
            for column in spec.columns:
                for rank in spec.ranks:
                    message = _cell_errors(spec, row, bracket, unit, column, rank)
                    if message:
                        errors.setdefault(row, message)
    prices = spec.as_prices()
    order = sorted(range(len(brackets)), key=lambda i: brackets[i].lower)
    for unit in units:
        if not unit.price_rises_with_quotient:
            continue
        for column in spec.columns:
            for rank in spec.ranks:
                for position in range(1, len(order)):
                    before, here = prices.brackets[position - 1], prices.brackets[position]
                    try:
                        end_before, _ = prices.unit_price(position - 1, unit.pk, column, rank, before.upper)
                        start_here, _ = prices.unit_price(position, unit.pk, column, rank, here.lower)
                    except (KeyError, TypeError, ArithmeticError):
                        continue  # a cell already named as missing or wrong above
                    if start_here is None or end_before is None:
                        continue
                    if start_here < end_before:
                        row = order[position]
                        errors.setdefault(
                            row,
                            f"Tranche {row + 1} ({here.label}) : {_cell_name(row, unit, column, rank, spec)} "
                            f"coûte {euros(start_here)}, moins qu'à la fin de la tranche précédente "
                            f"({euros(end_before)}). Un quotient plus haut ne doit pas payer moins ; "
                            "si votre grille publiée le prévoit pour cette unité, décochez « le prix monte "
                            "avec le quotient » sur l'unité.",
                        )
    return errors


@transaction.atomic
def save_grid(*, activity: Activity, group: Group | None = None, spec: GridSpec) -> TariffGrid:
    """Replace the activity's grid (for one group, or the general one) after checking it whole.

    Raises GridInvalid, with one message per wrong row; nothing is saved then.
    """
    errors = grid_spec_errors(activity, spec)
    if errors:
        raise GridInvalid(errors)
    grid, _ = TariffGrid.objects.update_or_create(
        activity=activity,
        group=group,
        defaults={
            **grid_rules(spec),
            "rank_count": spec.rank_count if spec.rank_mode == RankMode.PRICE else 1,
        },
    )
    grid.brackets.all().delete()
    grid.columns.all().delete()
    columns = {
        kind: TariffColumn.objects.create(grid=grid, kind=kind, position=position)
        for position, kind in enumerate(spec.columns)
    }
    rows = {}
    for row in sorted(range(len(spec.brackets)), key=lambda i: spec.brackets[i][0]):
        lower, upper = spec.brackets[row]
        rows[row] = TariffBracket.objects.create(grid=grid, lower=lower, upper=upper)
    ranks = set(spec.ranks)
    TariffPrice.objects.bulk_create(
        TariffPrice(
            bracket=rows[row],
            unit_id=unit_id,
            column=columns[column],
            rank=rank,
            price=cell.price,
            price_max=cell.price_max if spec.method != Method.BRACKETS else None,
            rate=cell.rate if spec.method == Method.EFFORT_RATE else None,
        )
        for (row, unit_id, column, rank), cell in spec.cells.items()
        if row in rows and column in columns and rank in ranks
    )
    return grid


def spec_of(grid: TariffGrid) -> GridSpec:
    """A saved grid as the screens edit it (brackets, columns and prices prefetched or queried)."""
    brackets = sorted(grid.brackets.all(), key=lambda b: b.lower)
    row_of = {b.pk: i for i, b in enumerate(brackets)}
    return GridSpec(
        brackets=[(b.lower, b.upper) for b in brackets],
        cells={
            (row_of[p.bracket_id], p.unit_id, p.column.kind, p.rank): Cell(p.price, p.price_max, p.rate)
            for p in TariffPrice.objects.filter(bracket__grid=grid).select_related("column")
        },
        columns=[c.kind for c in grid.columns.all()] or [Kind.BASE],
        **grid_rules(grid),
    )
