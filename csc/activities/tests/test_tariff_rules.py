"""The rules of the tariff engine one by one, on small grids a family could check by hand (no database:
the grid is read as `GridSpec.as_prices()` gives it to the fee computation)."""

from datetime import date
from decimal import Decimal

import pytest

from csc.activities.models import TariffAid, TariffColumn, TariffGrid, Unit
from csc.activities.tariff_setup import MAX_BRACKETS, GridSpec, grid_spec_errors
from csc.activities.tariffs import Aid, Cell, ChildChoice, Family, TariffTable, estimate_fee
from csc.core.money import Bracket, bracket_errors, bracket_index

from .test_tariff_properties import FakeUnit

D = Decimal
Method = TariffGrid.Method
Kind = TariffColumn.Kind
DAY = FakeUnit(1, "Journée", Unit.Kind.DAY, 1)
MORNING = FakeUnit(2, "Matinée", Unit.Kind.HALF_DAY, 2)
AFTERNOON = FakeUnit(3, "Après-midi", Unit.Kind.HALF_DAY, 3)
MEAL = FakeUnit(4, "Repas", Unit.Kind.MEAL, 4, price_rises_with_quotient=False)


def table_of(spec: GridSpec, units, aids=(), fees=None) -> TariffTable:
    assert grid_spec_errors(None, spec, list(units)) == {}
    return TariffTable(
        units={u.pk: u for u in units},
        grids={None: spec.as_prices()},
        resident_communes=frozenset(),
        aids=tuple(aids),
        fees=fees or {},
    )


def child(key="a", bookings=((1, 1),), birth=date(2017, 1, 1)):
    return ChildChoice(key=key, name=key.title(), birth_date=birth, group_id=None, bookings=tuple(bookings))


def test_brackets_with_cents_place_each_cent_in_its_bracket():
    brackets = [Bracket(D("0"), D("308.00")), Bracket(D("308.01"), D("450.00")), Bracket(D("450.01"), None)]
    assert bracket_errors(brackets) == {}
    assert [bracket_index(brackets, D(q)) for q in ("308.00", "308.01", "450.00", "450.01")] == [0, 1, 1, 2]
    assert brackets[1].label == "308,01 à 450,00 €"
    # One cent missing, or one cent of overlap: refused, naming the row and where it should start.
    gap = bracket_errors([Bracket(D("0"), D("308.00")), Bracket(D("308.02"), None)])
    assert gap[1].startswith("Tranche 2 (308,02 € et plus) : il manque les quotients entre 308 et 308,02 €")
    overlap = bracket_errors([Bracket(D("0"), D("308.00")), Bracket(D("308.00"), None)])
    assert "chevauche" in overlap[1]


def test_a_grid_of_more_than_thirty_brackets_is_accepted_up_to_the_limit():
    def spec(n):
        rows = [(D(i * 50), D(i * 50 + 49)) for i in range(n - 1)] + [(D((n - 1) * 50), None)]
        return GridSpec(brackets=rows, cells={(r, 1, Kind.BASE, 1): Cell(D(r) + 1) for r in range(n)})

    assert grid_spec_errors(None, spec(40), [DAY]) == {}
    assert grid_spec_errors(None, spec(MAX_BRACKETS + 1), [DAY]) == {
        -1: f"Une grille a au plus {MAX_BRACKETS} tranches."
    }


def test_a_meal_whose_price_falls_with_the_quotient_needs_the_box_unticked():
    spec = GridSpec(
        brackets=[(D(0), D(650)), (D(651), None)],
        cells={(0, 4, Kind.BASE, 1): Cell(D("3.50")), (1, 4, Kind.BASE, 1): Cell(D("2.80"))},
    )
    assert grid_spec_errors(None, spec, [MEAL]) == {}
    rising_meal = FakeUnit(4, "Repas", Unit.Kind.MEAL, 4, price_rises_with_quotient=True)
    errors = grid_spec_errors(None, spec, [rising_meal])
    assert errors[1].startswith("Tranche 2 (651 € et plus) : « Repas » coûte 2,80\u00a0€, moins qu'à la fin")
    assert "décochez « le prix monte avec le quotient »" in errors[1]


def test_effort_rate_cells_need_a_rate_and_a_ceiling_above_the_floor():
    def errors(cell):
        spec = GridSpec(
            brackets=[(D(0), None)], cells={(0, 1, Kind.BASE, 1): cell}, method=Method.EFFORT_RATE
        )
        return grid_spec_errors(None, spec, [DAY]).get(0, "")

    assert "indiquez le taux d'effort" in errors(Cell(D("2"), D("12")))
    assert "indiquez le plafond" in errors(Cell(D("2"), None, D("1")))
    assert "est sous le plancher" in errors(Cell(D("5"), D("4"), D("1")))
    assert "au plus 100 %" in errors(Cell(D("2"), D("12"), D("101")))
    assert errors(Cell(D("2"), D("12"), D("0.9"))) == ""


def test_the_large_family_rule_needs_a_grid_by_brackets():
    spec = GridSpec(
        brackets=[(D(0), None)],
        cells={(0, 1, Kind.BASE, 1): Cell(D("2"), D("12"), D("1"))},
        method=Method.EFFORT_RATE,
        large_family_children=3,
    )
    assert "demande une grille par tranches" in grid_spec_errors(None, spec, [DAY])[-1]


CAPPED = GridSpec(
    brackets=[(D(0), D(650)), (D(651), None)],
    cells={
        (0, 1, Kind.BASE, 1): Cell(D("10.00")),
        (1, 1, Kind.BASE, 1): Cell(D("10.00")),
        (0, 2, Kind.BASE, 1): Cell(D("6.00")),
        (1, 2, Kind.BASE, 1): Cell(D("8.00")),
        (0, 3, Kind.BASE, 1): Cell(D("6.00")),
        (1, 3, Kind.BASE, 1): Cell(D("8.00")),
    },
    daily_cap_unit_id=1,
)


def test_two_half_days_never_cost_more_than_the_day():
    table = table_of(CAPPED, [DAY, MORNING, AFTERNOON])
    # Morning and afternoon of day 1 (6 + 6 = 12 > 10), a morning alone on day 2.
    estimate = estimate_fee(table, [child(bookings=[(1, 2), (1, 3), (2, 2)])], Family(D("500")))
    assert [line.amount for line in estimate.lines] == [D("12.00"), D("6.00"), D("-2.00")]
    assert estimate.lines[-1].label == "A — plafond d'une journée à 10,00\u00a0€ (1 jour(s))"
    assert estimate.total == D("16.00")


def test_a_rate_aid_keeps_the_fee_rising_with_the_quotient_under_the_daily_cap():
    """A rate aid is a share of what the family pays: under the daily cap, a family earning more must
    not pay less (QF 500: half-days 6 €, QF 700: 8 €, capped at the 10 € day either way)."""
    half_aid = Aid("Aide CCAS", TariffAid.Funder.ANY, TariffAid.Mode.RATE, None, {2: D("50"), 3: D("50")})
    table = table_of(CAPPED, [DAY, MORNING, AFTERNOON], aids=[half_aid])
    both = [child(bookings=[(1, 2), (1, 3)])]
    low = estimate_fee(table, both, Family(D("500")))
    high = estimate_fee(table, both, Family(D("700")))
    assert low.total <= high.total, ([line.label for line in low.lines], [line.label for line in high.lines])
    # 50 % of the 10 € the day costs once capped.
    assert low.total == high.total == D("5.00")
    assert low.lines[-1].label == "A — Aide CCAS (50 % de 10,00\u00a0€)"


def test_a_rate_aid_after_a_rank_reduction_is_a_share_of_what_remains():
    spec = GridSpec(
        brackets=[(D(0), None)],
        cells={(0, 1, Kind.BASE, 1): Cell(D("10.00"))},
        rank_mode=TariffGrid.RankMode.PERCENT,
        second_child_reduction=D("50"),
    )
    aid = Aid("Aide CCAS", TariffAid.Funder.ANY, TariffAid.Mode.RATE, None, {1: D("60")})
    table = table_of(spec, [DAY], aids=[aid])
    elder, younger = child("aine", birth=date(2015, 1, 1)), child("cadet", birth=date(2018, 1, 1))
    estimate = estimate_fee(table, [elder, younger], Family(D("500")))
    assert estimate.child_total("aine") == D("4.00")  # 10 − 60 %
    assert estimate.child_total("cadet") == D("2.00")  # 10 − 50 % = 5, − 60 % of 5 = 2


@pytest.mark.parametrize(
    ("quotient", "day"),
    [
        (D("0"), D("2.00")),
        (D("500"), D("4.50")),
        (D("1200"), D("10.80")),
        (D("2000"), D("12.00")),
        (None, D("12.00")),
    ],
)
def test_effort_rate_between_floor_and_ceiling(quotient, day):
    # 0,9 % of the quotient, at least 2 €, at most 12 €.
    spec = GridSpec(
        brackets=[(D(0), None)],
        cells={(0, 1, Kind.BASE, 1): Cell(D("2.00"), D("12.00"), D("0.9"))},
        method=Method.EFFORT_RATE,
    )
    estimate = estimate_fee(table_of(spec, [DAY]), [child()], Family(quotient))
    assert estimate.total == day


def test_the_most_favourable_column_is_compared_after_the_daily_cap():
    """Two half-days cost 12 € in the CAF column and 12,50 € in the social one, but the social day caps
    them at 3 €: the family pays 3 €, the most favourable, not 12 €."""
    prices = {Kind.BASE: ("12", "6"), Kind.CAF: ("12", "6"), Kind.SOCIAL: ("3", "6.25")}
    spec = GridSpec(
        brackets=[(D(0), None)],
        cells={
            (0, unit, column, 1): Cell(D(price))
            for column, (day, half) in prices.items()
            for unit, price in ((1, day), (2, half), (3, half))
        },
        columns=[Kind.BASE, Kind.CAF, Kind.SOCIAL],
        column_choice=TariffGrid.ColumnChoice.FAVOURABLE,
        daily_cap_unit_id=1,
    )
    table = table_of(spec, [DAY, MORNING, AFTERNOON])
    family = Family(D("500"), regime="caf", social_rate=True)
    estimate = estimate_fee(table, [child(bookings=[(1, 2), (1, 3)])], family)
    assert estimate.columns == {"a": Kind.SOCIAL}
    assert estimate.total == D("3.00")
