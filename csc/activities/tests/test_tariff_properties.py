"""Properties of the fee over any grid a director can save (issue 20, « Tests and benchmark »).

Every grid method (a price per bracket, a taux d'effort between a floor and a ceiling, a linear price
inside a bracket), with price columns, child ranks (a percentage or a price per rank), aids (an amount
or a rate), file fees and a daily cap, drawn at random among the grids `grid_spec_errors` accepts. No
database: the grid is read as `GridSpec.as_prices()` gives it to the fee computation; the saving and
loading round-trip is in test_tariff_real_grids.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc.activities.models import TariffAid, TariffColumn, TariffFee, TariffGrid, Unit
from csc.activities.tariff_setup import GridSpec, grid_spec_errors
from csc.activities.tariffs import Aid, Cell, ChildChoice, Family, TariffTable, estimate_fee
from csc.core.money import CENT, Bracket, bracket_errors, bracket_index
from csc.core.text import normalize
from csc.people.models import BenefitsRegime

D = Decimal
Method = TariffGrid.Method
Kind = TariffColumn.Kind
RankMode = TariffGrid.RankMode
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class FakeUnit:
    """What the fee computation and the grid checks read of a unit: no database needed."""

    pk: int
    name: str
    kind: str
    position: int
    price_rises_with_quotient: bool = True


UNITS = [
    FakeUnit(1, "Journée", Unit.Kind.DAY, 1),
    FakeUnit(2, "Matinée", Unit.Kind.HALF_DAY, 2),
    FakeUnit(3, "Après-midi", Unit.Kind.HALF_DAY, 3),
    FakeUnit(4, "Repas", Unit.Kind.MEAL, 4),
    # A meal whose published price falls as the quotient rises (the director unticked the box).
    FakeUnit(5, "Repas (tarif dégressif)", Unit.Kind.MEAL, 5, price_rises_with_quotient=False),
]
RISING = [u.pk for u in UNITS if u.price_rises_with_quotient]
HOME = "Saffré"

amounts = st.decimals(min_value=D("0"), max_value=D("30"), places=2)
steps = st.decimals(min_value=D("0"), max_value=D("8"), places=2)
percents = st.decimals(min_value=D("0"), max_value=D("100"), places=2)
quotients = st.decimals(min_value=D("0"), max_value=D("4000"), places=2)


@st.composite
def bracket_rows(draw) -> list[tuple[Decimal, Decimal | None]]:
    """Contiguous brackets from 0, in whole euros (0–650, 651–…) or with cents (0–308,00, 308,01–…)."""
    with_cents = draw(st.booleans())
    if with_cents:
        cuts = draw(st.lists(st.decimals(D("0.01"), D("3000"), places=2), max_size=5, unique=True))
    else:
        cuts = [D(c) for c in draw(st.lists(st.integers(1, 3000), max_size=5, unique=True))]
    lowers = [D(0), *sorted(cuts)]
    step = CENT if with_cents else D(1)
    rows = [(lowers[i], lowers[i + 1] - step) for i in range(len(lowers) - 1)]
    return [*rows, (lowers[-1], None)]


def _rising(draw, n: int, start=D("0")) -> list[Decimal]:
    values, running = [], start
    for _ in range(n):
        running += draw(steps)
        values.append(running)
    return values


def _cells_of_unit(draw, method: str, unit: FakeUnit, rows) -> list[Cell]:
    """One cell per bracket for one (unit, column, rank): valid, and rising along the brackets when the
    unit's price rises with the quotient (as `grid_spec_errors` requires)."""
    n = len(rows)
    if method == Method.BRACKETS:
        prices = _rising(draw, n) if unit.price_rises_with_quotient else [draw(amounts) for _ in rows]
        return [Cell(p) for p in prices]
    if method == Method.EFFORT_RATE:
        rate_steps = st.decimals(D("0"), D("0.5"), places=3)
        if unit.price_rises_with_quotient:
            # Rates, floors and ceilings that never fall from one bracket to the next.
            rate = draw(st.decimals(D("0.05"), D("3"), places=3))
            floors, ceilings, cells, ceiling = _rising(draw, n), [], [], D(0)
            for floor in floors:
                ceiling = max(ceiling, floor) + draw(steps)
                ceilings.append(ceiling)
            for floor, ceiling in zip(floors, ceilings, strict=True):
                cells.append(Cell(floor, ceiling, rate))
                rate += draw(rate_steps)
            return cells
        cells = []
        for _ in rows:
            floor = draw(amounts)
            cells.append(Cell(floor, floor + draw(steps), draw(st.decimals(D("0.05"), D("3"), places=3))))
        return cells
    # Linear: the price rises from its minimum at the bracket's start to its maximum at its end; the
    # next bracket starts at or above that maximum. The open last bracket has one price.
    if unit.price_rises_with_quotient:
        chain = _rising(draw, 2 * n)
        cells = [Cell(chain[2 * i], chain[2 * i + 1]) for i in range(n - 1)]
        return [*cells, Cell(chain[-2], draw(st.sampled_from([None, chain[-2]])))]
    return [Cell(draw(amounts), draw(st.one_of(st.none(), amounts))) for _ in rows]


@st.composite
def grids(draw, method: str | None = None):
    """(spec, table): a random grid the director could save, with aids, fees and communes around it."""
    method = method or draw(st.sampled_from(list(Method)))
    rows = draw(bracket_rows())
    others = draw(
        st.lists(
            st.sampled_from([Kind.CAF, Kind.MSA, Kind.OTHER_REGIME, Kind.SOCIAL, Kind.OUTSIDE]),
            unique=True,
            max_size=3,
        )
    )
    columns = draw(st.permutations([Kind.BASE, *others]))
    rank_mode = draw(st.sampled_from(list(RankMode)))
    rank_count = draw(st.integers(2, 4)) if rank_mode == RankMode.PRICE else 1
    ranks = range(1, rank_count + 1)
    cells = {}
    for unit in UNITS:
        for column in columns:
            for rank in ranks:
                for row, cell in enumerate(_cells_of_unit(draw, method, unit, rows)):
                    cells[(row, unit.pk, column, rank)] = cell
    spec = GridSpec(
        brackets=rows,
        cells=cells,
        method=method,
        columns=list(columns),
        column_choice=draw(st.sampled_from(list(TariffGrid.ColumnChoice))),
        rank_mode=rank_mode,
        rank_count=rank_count,
        second_child_reduction=draw(percents) if rank_mode == RankMode.PERCENT else D(0),
        third_child_reduction=draw(percents) if rank_mode == RankMode.PERCENT else D(0),
        fourth_child_reduction=draw(st.one_of(st.none(), percents))
        if rank_mode == RankMode.PERCENT
        else None,
        large_family_children=(
            draw(st.one_of(st.none(), st.integers(2, 5))) if method == Method.BRACKETS else None
        ),
        # The cap is the day (two half-days never cost more than the day), or none.
        daily_cap_unit_id=draw(st.sampled_from([None, 1])),
    )
    aids = []
    for position in range(draw(st.integers(0, 2))):
        mode = draw(st.sampled_from(list(TariffAid.Mode)))
        values = percents if mode == TariffAid.Mode.RATE else st.decimals(D("0"), D("20"), places=2)
        aids.append(
            Aid(
                name=f"Aide {position + 1}",
                funder=draw(st.sampled_from(list(TariffAid.Funder))),
                mode=mode,
                max_quotient=draw(st.one_of(st.none(), quotients)),
                per_unit={unit.pk: draw(values) for unit in UNITS if draw(st.booleans())},
            )
        )
    fees = {}
    if draw(st.booleans()):
        fees[TariffFee.Kind.PER_CHILD] = ("Frais de dossier", draw(amounts))
    if draw(st.booleans()):
        fees[TariffFee.Kind.PER_HOUSEHOLD] = ("Adhésion familiale", draw(amounts))
    table = TariffTable(
        units={u.pk: u for u in UNITS},
        grids={None: spec.as_prices()},
        resident_communes=frozenset({normalize(HOME)}),
        workers_count_as_residents=draw(st.booleans()),
        aids=tuple(aids),
        fees=fees,
    )
    return spec, table


families = st.builds(
    Family,
    family_quotient=st.one_of(st.none(), quotients),
    city=st.sampled_from([HOME, "Nozay", ""]),
    works_in_city=st.sampled_from(["", HOME, "Nantes"]),
    regime=st.sampled_from(["", *BenefitsRegime.values]),
    social_rate=st.booleans(),
    dependent_children=st.one_of(st.none(), st.integers(0, 6)),
)


def _children(draw, units: list[int]) -> list[ChildChoice]:
    count = draw(st.integers(1, 4))
    children = []
    for index in range(count):
        # Twins and unknown birth dates too: ranks must still not depend on the order.
        birth = draw(st.sampled_from([None, date(2015, 5, 1), date(2017, 9, 3), date(2019, 1, 20)]))
        bookings = draw(
            st.lists(st.tuples(st.integers(1, 5), st.sampled_from(units)), max_size=10, unique=True)
        )
        children.append(
            ChildChoice(
                key=f"e{index}",
                name=f"Enfant {index}",
                birth_date=birth,
                group_id=None,
                bookings=tuple(bookings),
                file_fee_paid=draw(st.booleans()),
            )
        )
    return children


@st.composite
def children_of(draw, units: list[int] | None = None):
    return _children(draw, units or [u.pk for u in UNITS])


def test_the_strategies_draw_grids_the_director_can_save():
    """A sanity check of the strategies themselves, method by method."""

    @PROPERTY
    @given(st.data())
    def check(data):
        spec, _table = data.draw(grids())
        assert grid_spec_errors(None, spec, UNITS) == {}

    check()


@PROPERTY
@given(grids(), children_of(), families, st.booleans())
def test_the_fee_is_the_sum_of_its_lines_in_cents_and_never_negative(grid, children, family, paid):
    spec, table = grid
    estimate = estimate_fee(table, children, family, household_fee_paid=paid)
    assert estimate.total == sum((line.amount for line in estimate.lines), D("0"))
    for line in estimate.lines:
        assert line.amount == line.amount.quantize(CENT), line.label
        if line.unit_id is not None:
            # A unit line says how it is made: quantity × unit price, the unit price itself in cents.
            assert line.unit_price == line.unit_price.quantize(CENT)
            assert line.amount == line.quantity * line.unit_price
            assert line.amount >= 0
    assert estimate.total >= 0
    for child in children:
        # Never negative after the cap, the rank reduction and the aids, child by child.
        assert estimate.child_total(child.key) >= 0
        before_fees = sum(
            (
                line.amount
                for line in estimate.child_lines(child.key)
                if line.unit_id is not None or line.is_reduction
            ),
            D("0"),
        )
        assert before_fees >= 0


@PROPERTY
@given(grids(), children_of(RISING), families, quotients, quotients)
def test_a_higher_quotient_never_pays_less_for_units_whose_price_rises(grid, children, family, q1, q2):
    spec, table = grid
    low, high = sorted((q1, q2))
    at_low = estimate_fee(table, children, Family(**{**family.__dict__, "family_quotient": low}))
    at_high = estimate_fee(table, children, Family(**{**family.__dict__, "family_quotient": high}))
    assert at_low.total <= at_high.total, (low, high, at_low.lines, at_high.lines)


@PROPERTY
@given(grids(), children_of(RISING), families, quotients)
def test_no_quotient_pays_at_least_as_much_as_any_quotient(grid, children, family, quotient):
    spec, table = grid
    without = estimate_fee(table, children, Family(**{**family.__dict__, "family_quotient": None}))
    given_qf = estimate_fee(table, children, Family(**{**family.__dict__, "family_quotient": quotient}))
    assert without.total >= given_qf.total, (quotient, without.lines, given_qf.lines)
    assert "Sans quotient familial, le tarif le plus haut s'applique." in without.notices


@PROPERTY
@given(grids(), children_of(), families, quotients)
def test_no_quotient_pays_the_most_even_for_a_unit_whose_price_falls(grid, children, family, quotient):
    """« Sans quotient, le tarif le plus haut »: for a meal cheaper as the quotient rises, the highest
    price is not in the last bracket; a family keeping its quotient to itself must not pay less."""
    spec, table = grid
    without = estimate_fee(table, children, Family(**{**family.__dict__, "family_quotient": None}))
    given_qf = estimate_fee(table, children, Family(**{**family.__dict__, "family_quotient": quotient}))
    for child in children:
        for unit_id in {unit for _day, unit in child.bookings}:
            assert without.unit_price(child.key, unit_id) >= given_qf.unit_price(child.key, unit_id)


@PROPERTY
@given(grids(), children_of(), families, st.randoms(use_true_random=False))
def test_child_ranks_do_not_depend_on_the_order_children_are_given(grid, children, family, random):
    spec, table = grid
    shuffled = list(children)
    random.shuffle(shuffled)
    first = estimate_fee(table, children, family)
    second = estimate_fee(table, shuffled, family)
    assert first.ranks == second.ranks
    for child in children:
        assert first.child_total(child.key) == second.child_total(child.key)
    assert first.total == second.total


@PROPERTY
@given(grids(), children_of(), families, st.integers(0, 3))
def test_splitting_children_between_now_and_siblings_keeps_their_ranks(grid, children, family, cut):
    """The ranks of children priced now are the same whether their brothers and sisters come in the same
    request or are already registered (`siblings`): the desk, later requests and repricing agree."""
    spec, table = grid
    together = estimate_fee(table, children, family)
    now, already = children[cut:], children[:cut]
    apart = estimate_fee(table, now, family, siblings=already)
    for child in now:
        if child.bookings:
            assert apart.ranks[child.key] == together.ranks[child.key]


# --- Brackets with cents -------------------------------------------------------------------------


@PROPERTY
@given(bracket_rows(), st.decimals(D("0"), D("9999.99"), places=2))
def test_every_quotient_with_cents_falls_in_exactly_one_bracket(rows, quotient):
    brackets = [Bracket(lower, upper) for lower, upper in rows]
    assert bracket_errors(brackets) == {}
    index = bracket_index(brackets, quotient)
    with_cents = any(b.lower != b.lower.to_integral_value() for b in brackets) or any(
        b.upper is not None and b.upper != b.upper.to_integral_value() for b in brackets
    )
    # A grid in whole euros places a quotient by its whole-euro part (650,50 in 0–650).
    placed = quotient if with_cents else quotient.to_integral_value(rounding="ROUND_FLOOR")
    holding = [i for i, b in enumerate(brackets) if b.contains(placed)]
    assert len(holding) == 1
    assert holding == [index]


@PROPERTY
@given(bracket_rows(), st.integers(0, 6), st.sampled_from(["gap", "overlap"]))
def test_a_bracket_one_cent_off_is_refused_with_its_row(rows, which, fault):
    if len(rows) < 2:
        return
    row = 1 + which % (len(rows) - 1)
    lower, upper = rows[row]
    moved = lower + CENT if fault == "gap" else lower - CENT
    broken = [*rows[:row], (moved, upper), *rows[row + 1 :]]
    errors = bracket_errors([Bracket(lo, up) for lo, up in broken])
    assert row in errors
    assert errors[row].startswith(f"Tranche {row + 1} (")
