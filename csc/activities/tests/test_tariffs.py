"""Fee arithmetic: worked examples a family could check by hand, then properties over any valid grid."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csc.activities.demo import build_leisure_centre
from csc.activities.models import TariffGrid
from csc.activities.tariff_setup import GridSpec, grid_spec_errors
from csc.activities.tariffs import (
    Cell,
    ChildChoice,
    Family,
    GridPrices,
    TariffTable,
    estimate_fee,
    load_tariff_table,
)
from csc.core.money import Bracket, bracket_errors, bracket_index, euros

D = Decimal
TODAY = date(2026, 11, 21)


@pytest.fixture
def leisure(centre_a):
    return build_leisure_centre(centre_a, today=TODAY, holiday_start=date(2026, 12, 21))


def child(key, birth, group, bookings):
    return ChildChoice(
        key=key, name=f"Enfant {key}", birth_date=birth, group_id=group.pk, bookings=tuple(bookings)
    )


def test_seventeen_days_at_4_15_cost_70_55_not_70_49(leisure):
    """The desktop Noethys bug report: 17 × 4,15 must be 70,55."""
    day = leisure.units["day"]
    days = list(leisure.period.days.all())[:10]
    table = load_tariff_table(leisure.activity)
    # 17 bookings of the 4,15 € day: ten in this period, seven more in a fictitious one (same unit).
    bookings = [(d.pk, day.pk) for d in days] + [(10_000 + i, day.pk) for i in range(7)]
    estimate = estimate_fee(
        table, [child("1", date(2018, 5, 1), leisure.groups[1], bookings)], Family(D("400"), "Lille")
    )
    assert estimate.total == D("70.55")
    assert euros(estimate.total) == "70,55\u00a0€"


def test_sibling_reductions_go_to_the_youngest_and_the_outside_rate_applies(leisure):
    day = leisure.units["day"]
    days = list(leisure.period.days.all())[:3]
    table = load_tariff_table(leisure.activity)
    children = [
        child("cadet", date(2020, 3, 1), leisure.groups[1], [(d.pk, day.pk) for d in days]),
        child("aine", date(2016, 3, 1), leisure.groups[2], [(d.pk, day.pk) for d in days]),
        child("benjamin", date(2022, 3, 1), leisure.groups[0], [(d.pk, day.pk) for d in days]),
    ]
    # QF 700: bracket 651–840, day 6,30 €; outside the commune: 9,30 €.
    inside = estimate_fee(table, children, Family(D("700.80"), "LILLE"))
    assert [line.amount for line in inside.lines] == [
        D("18.90"),  # aîné, 3 × 6,30, no reduction
        D("18.90"),
        D("-1.89"),  # cadet: 10 %
        D("18.90"),
        D("-3.78"),  # benjamin: 20 %
    ]
    assert inside.total == D("51.03")  # 3 × 18,90 − 1,89 − 3,78
    assert inside.bracket_label == "651 à 840 €"
    outside = estimate_fee(table, children, Family(D("700"), "Roubaix"))
    assert outside.outside_commune
    assert outside.lines[0].amount == D("27.90")


def test_no_quotient_pays_the_highest_bracket(leisure):
    table = load_tariff_table(leisure.activity)
    day = leisure.units["day"]
    first = leisure.period.days.first()
    estimate = estimate_fee(
        table, [child("1", date(2019, 1, 1), leisure.groups[1], [(first.pk, day.pk)])], Family(None, "Lille")
    )
    assert estimate.total == D("11.20")
    assert estimate.bracket_label == "1051 € et plus"


def test_bracket_errors_name_the_wrong_bracket():
    errors = bracket_errors([Bracket(0, 650), Bracket(700, 840), Bracket(800, None)])
    assert errors[1].startswith("Tranche 2 (700 à 840 €) : il manque les quotients entre 650 et 700 €")
    assert "chevauche" in errors[2]
    assert "première tranche doit commencer à 0" in bracket_errors([Bracket(10, None)])[0]
    assert "dernière tranche doit rester ouverte" in bracket_errors([Bracket(0, 650)])[0]
    assert bracket_errors([Bracket(0, 650), Bracket(651, None)]) == {}


def _spec(prices: dict[int, str], units=(1,)) -> GridSpec:
    return GridSpec(
        brackets=[(D(0), D(650)), (D(651), None)],
        cells={(row, unit, "base", 1): Cell(D(price)) for row, price in prices.items() for unit in units},
    )


def test_a_price_that_drops_when_the_quotient_rises_is_refused(leisure):
    activity = leisure.activity
    units = [leisure.units["day"]]
    day = units[0].pk
    errors = grid_spec_errors(activity, _spec({0: "5", 1: "4"}, (day,)), units)
    assert "Tranche 2" in errors[1] and "moins qu'à la fin de la tranche précédente" in errors[1]
    missing = grid_spec_errors(activity, _spec({0: "5"}, (day,)), units)
    assert "indiquez le prix de « Journée" in missing[1]
    units[0].price_rises_with_quotient = False
    assert grid_spec_errors(activity, _spec({0: "5", 1: "4"}, (day,)), units) == {}


# --- Properties over any valid grid -------------------------------------------------------------

prices = st.decimals(min_value=D("0"), max_value=D("60"), places=2)
percent = st.decimals(min_value=D("0"), max_value=D("100"), places=2)


def contiguous(bounds):
    uppers = [b - 1 for b in bounds[1:]] + [None]
    return [Bracket(lower, upper) for lower, upper in zip(bounds, uppers, strict=True)]


@st.composite
def valid_grids(draw):
    cuts = sorted(set(draw(st.lists(st.integers(1, 3000), max_size=5))))
    bounds = [0, *cuts]
    brackets = [
        Bracket(bounds[i], bounds[i + 1] - 1 if i + 1 < len(bounds) else None) for i in range(len(bounds))
    ]
    units = [1, 2]
    table_prices = {}
    for unit in units:
        steps = draw(st.lists(prices, min_size=len(brackets), max_size=len(brackets)))
        running = D(0)
        for index, step in enumerate(steps):
            running += step  # non-decreasing with the quotient, as the grid validation requires
            table_prices[(index, unit)] = (running, None)
    cells = {(i, u, "base", 1): Cell(price) for (i, u), (price, _) in table_prices.items()}
    grid = GridPrices(
        brackets,
        cells,
        rank_mode=TariffGrid.RankMode.PERCENT,
        second_child_reduction=draw(percent),
        third_child_reduction=draw(percent),
    )
    from types import SimpleNamespace

    table = TariffTable(
        units={u: SimpleNamespace(pk=u, name=f"Unité {u}", position=u, kind="journee") for u in units},
        grids={None: grid},
        resident_communes=frozenset(),
    )
    return table


children_bookings = st.lists(
    st.lists(st.tuples(st.integers(1, 20), st.sampled_from([1, 2])), max_size=15, unique=True),
    min_size=1,
    max_size=4,
)


def _children(bookings):
    return [
        ChildChoice(
            key=str(i), name=f"E{i}", birth_date=date(2015 + i, 1, 1), group_id=None, bookings=tuple(b)
        )
        for i, b in enumerate(bookings)
    ]


@settings(max_examples=200, deadline=None)
@given(valid_grids(), children_bookings, st.integers(0, 5000), st.integers(0, 5000))
def test_fee_never_decreases_when_the_quotient_rises(table, bookings, qf1, qf2):
    low, high = sorted((qf1, qf2))
    children = _children(bookings)
    assert (
        estimate_fee(table, children, Family(D(low))).total
        <= estimate_fee(table, children, Family(D(high))).total
    )
    # And no quotient at all pays at least as much as any quotient.
    assert (
        estimate_fee(table, children, Family(None)).total
        >= estimate_fee(table, children, Family(D(high))).total
    )


@settings(max_examples=200, deadline=None)
@given(valid_grids(), children_bookings, st.one_of(st.none(), st.decimals(0, 9999, places=2)))
def test_total_is_the_sum_of_its_lines_and_never_negative(table, bookings, qf):
    estimate = estimate_fee(table, _children(bookings), Family(qf))
    assert estimate.total == sum((line.amount for line in estimate.lines), D("0"))
    assert all(line.amount == line.amount.quantize(D("0.01")) for line in estimate.lines)
    assert estimate.total >= 0
    for key in {line.child_key for line in estimate.lines}:
        assert estimate.child_total(key) >= 0


@given(st.lists(st.integers(1, 3000), max_size=6), st.decimals(0, 9999, places=2))
def test_every_quotient_falls_in_exactly_one_bracket(cuts, qf):
    bounds = [0, *sorted(set(cuts))]
    brackets = [
        Bracket(bounds[i], bounds[i + 1] - 1 if i + 1 < len(bounds) else None) for i in range(len(bounds))
    ]
    assert bracket_errors(brackets) == {}
    whole = int(qf)
    assert sum(b.contains(whole) for b in brackets) == 1
    assert brackets[bracket_index(brackets, qf)].contains(whole)
