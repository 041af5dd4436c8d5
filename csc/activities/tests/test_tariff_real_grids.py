"""Grids as towns and centres publish them for their accueils de loisirs, one test per shape, with the fees
worked out by hand (issue 20). Each grid is saved through `tariff_setup.save_grid` and read back through
`load_tariff_table`, so the database round-trip is tested with the arithmetic.

Where a published page gave the figures, it is cited above the test (bracket bounds written « 450 € –
650 € » then « 650 € – 900 € » on the page are entered as a director would, 0–650 then 651–900). Where no
page gave the exact figures, the grid is modelled on the kind and the comment says so.
"""

from datetime import date
from decimal import Decimal

import pytest

from csc.activities import registrations
from csc.activities.demo import build_leisure_centre
from csc.activities.models import (
    Activity,
    CommuneList,
    TariffAid,
    TariffAidAmount,
    TariffColumn,
    TariffFee,
    TariffGrid,
    Unit,
)
from csc.activities.tariff_setup import GridInvalid, GridSpec, save_grid
from csc.activities.tariffs import Cell, ChildChoice, Family, estimate_fee, group_for, load_tariff_table
from csc.people.models import BenefitsRegime
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = Decimal
Method = TariffGrid.Method
Kind = TariffColumn.Kind
NO_QF = "Sans quotient familial, le tarif le plus haut s'applique."


def activity_with(centre, *units, communes="", workers=False) -> tuple[Activity, dict[str, Unit]]:
    """An accueil de loisirs with its units: (key, name, kind[, price rises with the quotient])."""
    activity = Activity.objects.create(
        centre=centre,
        name="Accueil de loisirs",
        resident_communes=communes,
        workers_count_as_residents=workers,
    )
    made = {}
    for position, (key, name, kind, *rises) in enumerate(units, start=1):
        made[key] = Unit.objects.create(
            activity=activity,
            name=name,
            kind=kind,
            position=position,
            price_rises_with_quotient=rises[0] if rises else True,
        )
    return activity, made


def spec(rows, prices, units, **rules) -> GridSpec:
    """rows: [(lower, upper or None)]; prices: {(unit key, column, rank): [price or Cell, one per row]}."""
    cells, columns = {}, [Kind.BASE]
    for (key, column, rank), per_row in prices.items():
        if column not in columns:
            columns.append(column)
        assert len(per_row) == len(rows), key
        for row, value in enumerate(per_row):
            cells[(row, units[key].pk, column, rank)] = value if isinstance(value, Cell) else Cell(D(value))
    rules.setdefault("columns", columns)
    return GridSpec(
        brackets=[(D(str(lower)), None if upper is None else D(str(upper))) for lower, upper in rows],
        cells=cells,
        **rules,
    )


def booking(units, *pairs):
    """(day number, unit key) pairs as (day id, unit id): the estimate reads days only to group units."""
    return tuple((day, units[key].pk) for day, key in pairs)


def kid(key, birth, bookings, **extra):
    return ChildChoice(key=key, name=key.title(), birth_date=birth, group_id=None, bookings=bookings, **extra)


def fee(activity, children, family, **kw):
    return estimate_fee(load_tariff_table(activity), children, family, **kw)


# --- Taux d'effort with a floor and a ceiling per unit -------------------------------------------------
# Modelled on the kind: the SIVU de l'enfance d'Ancenis moved its accueils de loisirs from five QF
# brackets to a taux d'effort (https://lecellier.info/actualites-municipales/ancenis/ancenis-et-le-taux-deffort/)
# without the page giving the rates; the rates, floors and ceilings below are typical of such grids.


def test_effort_rate_with_a_floor_and_a_ceiling_per_unit(centre_a):
    activity, units = activity_with(
        centre_a, ("day", "Journée", Unit.Kind.DAY), ("half", "Demi-journée", Unit.Kind.HALF_DAY)
    )
    save_grid(
        activity=activity,
        spec=spec(
            [(0, None)],
            {
                ("day", Kind.BASE, 1): [Cell(D("3.00"), D("15.00"), D("0.9"))],
                ("half", Kind.BASE, 1): [Cell(D("1.50"), D("7.50"), D("0.45"))],
            },
            units,
            method=Method.EFFORT_RATE,
        ),
    )
    one_each = [kid("a", date(2017, 1, 1), booking(units, (1, "day"), (2, "half")))]
    expected = {
        D("250"): (D("3.00"), D("1.50")),  # 2,25 and 1,125: raised to the floors
        D("733.33"): (D("6.60"), D("3.30")),  # 6,59997 and 3,299985, rounded to the cent
        D("1000"): (D("9.00"), D("4.50")),
        D("1800"): (D("15.00"), D("7.50")),  # 16,20 and 8,10: brought down to the ceilings
        None: (D("15.00"), D("7.50")),
    }
    for quotient, (day, half) in expected.items():
        estimate = fee(activity, one_each, Family(quotient))
        assert [line.unit_price for line in estimate.lines] == [day, half], quotient
        assert estimate.total == day + half
    estimate = fee(activity, one_each, Family(D("250")))
    assert (
        estimate.lines[0].label
        == "A — Journée : 1 × 3,00\u00a0€ (quotient 250,00\u00a0€ × 0,9 %, relevé au plancher)"
    )
    assert NO_QF in fee(activity, one_each, Family(None)).notices


# --- Linear between a minimum and a maximum inside a QF range ------------------------------------------
# Modelled on the kind (« tarification linéaire » between a minimum and a maximum, many CAF-funded
# structures): 3 € up to a QF of 399, rising linearly from 3 € at 400 to 13 € at 1 400, 13 € above.


def test_linear_price_between_a_minimum_and_a_maximum(centre_a):
    activity, units = activity_with(centre_a, ("day", "Journée", Unit.Kind.DAY))
    save_grid(
        activity=activity,
        spec=spec(
            [(0, 399), (400, 1400), (1401, None)],
            {("day", Kind.BASE, 1): [Cell(D("3")), Cell(D("3"), D("13")), Cell(D("13"))]},
            units,
            method=Method.LINEAR,
        ),
    )
    child = [kid("a", date(2017, 1, 1), booking(units, (1, "day")))]
    for quotient, price in [
        ("0", "3.00"),
        ("399.50", "3.00"),
        ("400", "3.00"),
        ("650.50", "5.51"),  # 3 + 10 × 250,50 / 1 000 = 5,505
        ("900", "8.00"),  # 3 + 10 × 500 / 1 000
        ("1400", "13.00"),
        ("5000", "13.00"),
    ]:
        assert fee(activity, child, Family(D(quotient))).total == D(price), quotient
    assert fee(activity, child, Family(None)).total == D("13.00")


# --- Brackets with cents, and no quotient: the highest rate ---------------------------------------------
# ALSH of the école ISP (académie de Versailles), grille tarifaire:
# https://ecoleisp67.ac-versailles.toutemonecole.fr/pages/2736362 — « Tarif 1 QF < 4500, Tarif 2 QF
# 4500-7500, Tarif 3 QF 7500,01-10500, Tarif 4 QF 10500,01-13000, Tarif 5 QF > 13000,01 » (an annual
# quotient), and « si vous ne souhaitez pas nous communiquer ces informations, nous appliquerons le tarif 5 ».

ISP_ROWS = [
    (0, "4499.99"),
    ("4500.00", "7500.00"),
    ("7500.01", "10500.00"),
    ("10500.01", "13000.00"),
    ("13000.01", None),
]


def day_and_half_days(centre, rows, day, half_meal, half, **rules):
    """An activity priced by the day and the half-day with or without the meal (a common shape), its grid
    saved: `day`, `half_meal`, `half` are the prices, one per row."""
    activity, units = activity_with(
        centre,
        ("day", "Journée", Unit.Kind.DAY),
        ("half_meal", "Demi-journée avec repas", Unit.Kind.HALF_DAY),
        ("half", "Demi-journée sans repas", Unit.Kind.HALF_DAY),
    )
    prices = {"day": day, "half_meal": half_meal, "half": half}
    cap = rules.pop("cap", False)
    save_grid(
        activity=activity,
        spec=spec(
            rows,
            {(key, Kind.BASE, 1): row for key, row in prices.items()},
            units,
            daily_cap_unit_id=units["day"].pk if cap else None,
            **rules,
        ),
    )
    return activity, units


def test_brackets_with_cents_and_the_highest_rate_without_a_quotient(centre_a):
    activity, units = day_and_half_days(
        centre_a,
        ISP_ROWS,
        day=["14", "17", "21", "23", "25"],
        half_meal=["10", "13", "16", "19", "21"],
        half=["8", "9", "12", "14", "17"],
    )
    table = load_tariff_table(activity)
    assert [b.label for b in table.grids[None].brackets][1:3] == ["4500 à 7500 €", "7500,01 à 10500,00 €"]
    day = [kid("a", date(2017, 1, 1), booking(units, (1, "day")))]
    for quotient, price in [
        ("4499.99", "14"),
        ("4500.00", "17"),
        ("7500.00", "17"),
        ("7500.01", "21"),
        ("13000.00", "23"),
        ("13000.01", "25"),
    ]:
        assert estimate_fee(table, day, Family(D(quotient))).total == D(price), quotient
    without = estimate_fee(table, day, Family(None))
    assert without.total == D("25.00") and without.bracket_label == "13000,01 € et plus"
    assert without.notices == [NO_QF]


# --- Price columns by family status, and which applies when several do -----------------------------------
# Froidfond Animation (IFAC), accueil de loisirs:
# https://www.ifac.asso.fr/Accueil-periscolaire-de-Froidfond — « Régime général et MSA » by QF (0<300,
# 301<500, 501<700, 701<900, 901<1100, >1101): journée 6,73 / 7,13 / 9,37 / 11,45 / 15,29 / 16,73 €;
# « Autres régimes »: 18,89 €. The social rate (CCAS, 2 €) and the outside column (+2 €, as Familles
# Rurales de Hauterives publishes: https://famillesrurales.org/hauterives/139/tarif) are added to test the
# four statuses together.

FROIDFOND = ["6.73", "7.13", "9.37", "11.45", "15.29", "16.73"]
FROIDFOND_ROWS = [(0, 300), (301, 500), (501, 700), (701, 900), (901, 1100), (1101, None)]


def froidfond(centre_a, column_choice, order):
    activity, units = activity_with(centre_a, ("day", "Journée", Unit.Kind.DAY), communes="Froidfond")
    prices = {
        Kind.BASE: ["18.89"] * 6,
        Kind.CAF: FROIDFOND,
        Kind.MSA: FROIDFOND,
        Kind.SOCIAL: ["2.00"] * 6,
        Kind.OUTSIDE: [str(D(p) + 2) for p in FROIDFOND],
    }
    save_grid(
        activity=activity,
        spec=spec(
            FROIDFOND_ROWS,
            {("day", kind, 1): prices[kind] for kind in order},
            units,
            columns=list(order),
            column_choice=column_choice,
        ),
    )
    return activity, [kid("a", date(2017, 1, 1), booking(units, (1, "day"), (2, "day")))]


def test_price_columns_in_the_grids_order(centre_a):
    order = [Kind.BASE, Kind.OUTSIDE, Kind.CAF, Kind.MSA, Kind.SOCIAL]
    activity, child = froidfond(centre_a, TariffGrid.ColumnChoice.ORDER, order)
    caf = BenefitsRegime.CAF
    # A CAF family of Froidfond, QF 600: 2 × 9,37.
    assert fee(activity, child, Family(D("600"), "Froidfond", regime=caf)).total == D("18.74")
    # The same family living elsewhere: the outside column comes first in this grid: 2 × 11,37.
    outside = fee(activity, child, Family(D("600"), "Challans", regime=caf))
    assert outside.total == D("22.74") and outside.columns == {"a": Kind.OUTSIDE}
    assert outside.lines[0].label == "A — Journée, Hors commune : 2 × 11,37\u00a0€"
    # MSA, QF 250: the first bracket, 2 × 6,73; another regime: the base column, 2 × 18,89.
    assert fee(activity, child, Family(D("250"), "Froidfond", regime=BenefitsRegime.MSA)).total == D("13.46")
    assert fee(activity, child, Family(D("250"), "Froidfond", regime=BenefitsRegime.OTHER)).total == D(
        "37.78"
    )
    # The CCAS's social rate comes after CAF in this order: a CAF family keeps the CAF price.
    assert fee(activity, child, Family(D("600"), "Froidfond", regime=caf, social_rate=True)).total == D(
        "18.74"
    )


def test_price_columns_the_most_favourable(centre_a):
    order = [Kind.BASE, Kind.OUTSIDE, Kind.CAF, Kind.MSA, Kind.SOCIAL]
    activity, child = froidfond(centre_a, TariffGrid.ColumnChoice.FAVOURABLE, order)
    caf = BenefitsRegime.CAF
    assert fee(activity, child, Family(D("600"), "Challans", regime=caf)).total == D(
        "18.74"
    )  # CAF, not outside
    social = fee(activity, child, Family(D("600"), "Froidfond", regime=caf, social_rate=True))
    assert social.total == D("4.00") and social.columns == {"a": Kind.SOCIAL}
    # Outside the commune and no regime: the outside column is the only one that applies (2 × 18,73)…
    assert fee(activity, child, Family(D("1200"), "Challans")).total == D("37.46")
    # …even though the base column would cost more: it only applies when no other does.
    assert fee(activity, child, Family(D("1200"), "Froidfond")).total == D("37.78")


# --- A price per child rank, and a percentage per rank ------------------------------------------------------
# Les enfants d'Hélène, grilles tarifaires des séjours (http://lesenfantsdhelene.org/index.php/grilles-tarifaires/):
# tarif journalier 1er / 2e / 3e enfant by QF (< 450, 450–650, 650–900, 900–1200, 1200–1500, > 1500).

HELENE_ROWS = [(0, 449), (450, 650), (651, 900), (901, 1200), (1201, 1500), (1501, None)]
HELENE = {
    1: ["24.00", "27.20", "31.68", "39.04", "45.12", "54.40"],
    2: ["18.00", "20.40", "23.76", "29.28", "33.84", "40.80"],
    3: ["12.00", "13.60", "15.84", "19.52", "22.56", "27.20"],
}


def test_a_price_per_child_rank(centre_a):
    activity, units = activity_with(centre_a, ("day", "Journée de séjour", Unit.Kind.DAY))
    save_grid(
        activity=activity,
        spec=spec(
            HELENE_ROWS,
            {("day", Kind.BASE, rank): prices for rank, prices in HELENE.items()},
            units,
            rank_mode=TariffGrid.RankMode.PRICE,
            rank_count=3,
        ),
    )
    days = booking(units, (1, "day"), (2, "day"), (3, "day"), (4, "day"))
    children = [
        kid("louise", date(2014, 2, 1), days),
        kid("hugo", date(2016, 6, 1), days),
        kid("jade", date(2018, 9, 1), days),
        kid("tom", date(2020, 1, 1), days),
    ]
    estimate = fee(activity, children, Family(D("700")))
    # QF 700 (650–900): 4 days at 31,68 / 23,76 / 15,84, and the 4th child pays the « 3e et plus » price.
    assert {k: estimate.child_total(k) for k in ("louise", "hugo", "jade", "tom")} == {
        "louise": D("126.72"),
        "hugo": D("95.04"),
        "jade": D("63.36"),
        "tom": D("63.36"),
    }
    assert estimate.lines[1].label == "Hugo (2e enfant) — Journée de séjour : 4 × 23,76\u00a0€"
    # The séjours page lists the same totals for 4 days: 126,72 / 95,04 / 63,36.


# La Jeunesse Loubavitch, centre de loisirs (https://jeunesseloubavitch.fr/centreloisirs/tarifs.php): a
# week by QF (0–500, 500–700, 700–1000, 1000+: 117, 127, 137, 153 €), « -10 % réduction pour le deuxième
# enfant inscrit, -15 % pour le troisième ».


def test_a_percentage_per_child_rank(centre_a):
    activity, units = activity_with(centre_a, ("week", "Semaine", Unit.Kind.DAY))
    save_grid(
        activity=activity,
        spec=spec(
            [(0, 500), (501, 700), (701, 1000), (1001, None)],
            {("week", Kind.BASE, 1): ["117", "127", "137", "153"]},
            units,
            rank_mode=TariffGrid.RankMode.PERCENT,
            second_child_reduction=D("10"),
            third_child_reduction=D("15"),
        ),
    )
    week = booking(units, (1, "week"))
    children = [
        kid(k, date(2012 + i * 2, 1, 1), week) for i, k in enumerate(["un", "deux", "trois", "quatre"])
    ]
    estimate = fee(activity, list(reversed(children)), Family(D("600")))
    assert [estimate.child_total(c.key) for c in children] == [
        D("127.00"),
        D("114.30"),  # 127 − 12,70
        D("107.95"),  # 127 − 19,05
        D("107.95"),  # the 4th: as the 3rd, the grid sets nothing else
    ]
    assert estimate.lines[2].label == "Deux — réduction 2e enfant (10 %)" and estimate.lines[2].amount == D(
        "-12.70"
    )


# --- Families of 3 children or more pay the bracket below; lives or works in the community of communes ---
# Les Copains d'abord, Saffré (http://lescopains-dabord.fr/?p=757), tarifs au 1er juillet 2025: 14 brackets
# (< 450, 451 à 550 … > 1950); « ces tarifs s'appliquent aux parents qui résident ou travaillent à Saffré
# ou sur la communauté de communes (Abbaretz, La Grigonnais, Nozay, Puceul, Saffré, Tréffieux, Vay) »;
# « hors Communauté de Communes, le tarif appliqué est celui de votre tranche + 2 € »; « pour les familles
# dont au moins 3 enfants sont inscrits à l'accueil de loisirs, les tarifs appliqués seront ceux de la
# tranche immédiatement inférieure ».

SAFFRE_ROWS = [
    (0, 450),
    (451, 550),
    (551, 650),
    (651, 750),
    (751, 850),
    (851, 950),
    (951, 1050),
    (1051, 1150),
    (1151, 1250),
    (1251, 1350),
    (1351, 1550),
    (1551, 1750),
    (1751, 1950),
    (1951, None),
]
SAFFRE_DAY = [
    "7.20",
    "7.70",
    "8.50",
    "10.05",
    "11.30",
    "12.35",
    "14.20",
    "15.70",
    "17.10",
    "18.40",
    "19.85",
    "21.95",
    "23.05",
    "24.90",
]
SAFFRE_HALF = [
    "3.60",
    "3.85",
    "4.25",
    "5.05",
    "5.65",
    "6.20",
    "7.10",
    "7.85",
    "8.55",
    "9.20",
    "9.95",
    "11.00",
    "11.55",
    "12.45",
]


def saffre(centre_a, large_family=3):
    community = CommuneList.objects.create(
        centre=centre_a,
        name="Communauté de communes de Nozay",
        communes="Abbaretz\nLa Grigonnais\nNozay\nPuceul\nSaffré\nTréffieux\nVay\n",
    )
    activity, units = activity_with(
        centre_a,
        ("day", "Journée", Unit.Kind.DAY),
        ("half", "Demi-journée", Unit.Kind.HALF_DAY),
        communes="Saffré",
        workers=True,
    )
    activity.resident_commune_lists.add(community)
    outside = lambda prices: [str(D(p) + 2) for p in prices]  # noqa: E731
    save_grid(
        activity=activity,
        spec=spec(
            SAFFRE_ROWS,
            {
                ("day", Kind.BASE, 1): SAFFRE_DAY,
                ("half", Kind.BASE, 1): SAFFRE_HALF,
                ("day", Kind.OUTSIDE, 1): outside(SAFFRE_DAY),
                ("half", Kind.OUTSIDE, 1): outside(SAFFRE_HALF),
            },
            units,
            large_family_children=large_family,
        ),
    )
    return activity, units


def test_families_of_three_children_pay_the_bracket_below(centre_a):
    activity, units = saffre(centre_a)
    day = booking(units, (1, "day"))
    three = [kid(k, date(2014 + i, 1, 1), day) for i, k in enumerate(["a", "b", "c"])]
    # QF 700 (651 à 750: 10,05 €): three children registered pay the 551 à 650 bracket, 8,50 € each.
    estimate = fee(activity, three, Family(D("700"), "Saffré"))
    assert estimate.total == D("25.50") and estimate.bracket_label == "551 à 650 €"
    assert "Famille de 3 enfants ou plus : la tranche du dessous s'applique." in estimate.notices
    assert fee(activity, three[:2], Family(D("700"), "Saffré")).total == D("20.10")
    # The third one registered earlier (a sibling already on the period) counts too.
    assert fee(activity, three[:2], Family(D("700"), "Saffré"), siblings=three[2:]).total == D("17.00")
    # The first bracket has nothing below it.
    assert fee(activity, three, Family(D("400"), "Saffré")).total == D("21.60")
    # The CAF's « enfants à charge », when the household gives it, decides instead of the children seen.
    assert fee(activity, three[:1], Family(D("700"), "Saffré", dependent_children=4)).total == D("8.50")


def test_lives_or_works_in_the_community_of_communes(centre_a):
    activity, units = saffre(centre_a)
    day = [kid("a", date(2016, 1, 1), booking(units, (1, "day"), (2, "half")))]
    at_home = D("10.05") + D("5.05")  # QF 700
    for city, works in [
        ("Saffré", ""),
        ("VAY", ""),
        ("Tréffieux", ""),
        ("Nantes", "Nozay"),
        ("Nantes", "treffieux"),
    ]:
        estimate = fee(activity, day, Family(D("700"), city, works_in_city=works))
        assert (estimate.total, estimate.outside_commune) == (at_home, False), (city, works)
    outside = fee(activity, day, Family(D("700"), "Nantes", works_in_city="Nantes"))
    assert outside.total == at_home + 4 and outside.outside_commune


def test_without_workers_counting_as_residents_a_parent_working_there_pays_outside(centre_a):
    activity, units = saffre(centre_a)
    Activity.objects.filter(pk=activity.pk).update(workers_count_as_residents=False)
    activity.refresh_from_db()
    day = [kid("a", date(2016, 1, 1), booking(units, (1, "day")))]
    assert fee(activity, day, Family(D("700"), "Nantes", works_in_city="Nozay")).total == D("12.05")


# --- Aids deducted: the CAF's aide aux temps libres per day, a CCAS rate; never below zero -----------------
# Familles Rurales de Hauterives, ALSH mercredis (https://famillesrurales.org/hauterives/139/tarif):
# 0–359, 360–564, 565–715, 716–815, 816–1000, 1001–1200, 1200 et plus; journée 10 → 16 €, demi-journée
# sans repas 5 → 8 €, avec repas 7 → 10 €. The CAF du Cher grants its aide aux temps libres to allocataires
# with a QF up to 700 € (http://www.caf.fr/allocataires/caf-du-cher/offre-de-service/vie-personnelle/l-aide-aux-temps-libres);
# the 4 € a day deducted and the CCAS's 50 % are modelled on such aids (each CAF sets its own amount).

HAUTERIVES_ROWS = [(0, 359), (360, 564), (565, 715), (716, 815), (816, 1000), (1001, 1200), (1201, None)]


def hauterives(centre_a, cap=False):
    return day_and_half_days(
        centre_a,
        HAUTERIVES_ROWS,
        day=["10", "11", "12", "13", "14", "15", "16"],
        half_meal=["7", "7.5", "8", "8.5", "9", "9.5", "10"],
        half=["5", "5.5", "6", "6.5", "7", "7.5", "8"],
        cap=cap,
    )


def test_aids_are_deducted_for_eligible_families_and_never_below_zero(centre_a):
    activity, units = hauterives(centre_a)
    atl = TariffAid.objects.create(
        activity=activity,
        name="Aide aux temps libres CAF",
        funder=TariffAid.Funder.CAF,
        max_quotient=D("700"),
        mode=TariffAid.Mode.AMOUNT,
    )
    TariffAidAmount.objects.create(aid=atl, unit=units["day"], value=D("4.00"))
    # More than the half-day costs at the lowest bracket: the aid stops at what the family pays.
    TariffAidAmount.objects.create(aid=atl, unit=units["half"], value=D("6.00"))
    ccas = TariffAid.objects.create(
        activity=activity,
        name="Aide du CCAS",
        funder=TariffAid.Funder.CCAS,
        mode=TariffAid.Mode.RATE,
        position=1,
    )
    for unit in units.values():
        TariffAidAmount.objects.create(aid=ccas, unit=unit, value=D("50"))
    caf = BenefitsRegime.CAF
    three_days = [kid("a", date(2016, 1, 1), booking(units, (1, "day"), (2, "day"), (3, "day")))]
    # CAF, QF 500 (360–564: 11 €): 33 − 3 × 4 = 21.
    estimate = fee(activity, three_days, Family(D("500"), regime=caf))
    assert estimate.total == D("21.00")
    assert estimate.lines[-1].label == "A — Aide aux temps libres CAF (3 × 4,00\u00a0€)"
    assert estimate.lines[-1].amount == D("-12.00") and estimate.lines[-1].is_reduction
    # Not CAF, above the CAF's ceiling, or no quotient known: no aid.
    assert fee(activity, three_days, Family(D("500"), regime=BenefitsRegime.MSA)).total == D("33.00")
    assert fee(activity, three_days, Family(D("800"), regime=caf)).total == D("39.00")
    assert fee(activity, three_days, Family(None, regime=caf)).total == D("48.00")
    # A half-day at 5 € with a 6 € aid: nothing to pay, never a credit.
    half = [kid("a", date(2016, 1, 1), booking(units, (1, "half")))]
    assert fee(activity, half, Family(D("300"), regime=caf)).total == D("0.00")
    # The CCAS pays half of what remains for a family at the social rate: 11 − 4 = 7, then − 3,50.
    one_day = [kid("a", date(2016, 1, 1), booking(units, (1, "day")))]
    both = fee(activity, one_day, Family(D("500"), regime=caf, social_rate=True))
    assert [line.amount for line in both.lines] == [D("11.00"), D("-4.00"), D("-3.50")]
    assert both.total == D("3.50")


def test_two_half_days_on_one_day_never_cost_more_than_the_day(centre_a):
    activity, units = hauterives(centre_a, cap=True)
    # QF 300: a morning with the meal (7 €) and an afternoon (5 €) on day 1 cost the day, 10 €; a morning
    # alone on day 2 stays 7 €.
    child = [kid("a", date(2016, 1, 1), booking(units, (1, "half_meal"), (1, "half"), (2, "half_meal")))]
    estimate = fee(activity, child, Family(D("300")))
    assert [line.amount for line in estimate.lines] == [D("14.00"), D("5.00"), D("-2.00")]
    assert estimate.total == D("17.00")
    assert estimate.lines[-1].label == "A — plafond d'une journée à 10,00\u00a0€ (1 jour(s))"


# --- File fees, per child and per household, once a season -------------------------------------------------
# Les Copains d'abord, Saffré (above): « carte d'adhésion Com Com 22,00 € » a family; the 8 € file fee per
# child is modelled (many centres charge one). Once per season: see test_registration_ranks.py.


def test_file_fees_per_child_and_per_household(centre_a):
    activity, units = saffre(centre_a)
    TariffFee.objects.create(
        activity=activity, kind=TariffFee.Kind.PER_HOUSEHOLD, name="Carte d'adhésion", amount=D("22")
    )
    TariffFee.objects.create(
        activity=activity, kind=TariffFee.Kind.PER_CHILD, name="Frais de dossier", amount=D("8")
    )
    day = booking(units, (1, "day"))
    two = [kid("cadet", date(2018, 1, 1), day), kid("aine", date(2015, 1, 1), day)]
    estimate = fee(activity, two, Family(D("700"), "Saffré"))
    assert estimate.total == 2 * D("10.05") + 2 * 8 + 22
    # The household's card is carried by the eldest, so each registration's amount adds up to the whole.
    assert estimate.child_total("aine") == D("10.05") + 8 + 22
    # Already paid this season: nothing again.
    paid = [kid("cadet", date(2018, 1, 1), day, file_fee_paid=True)]
    assert fee(activity, paid, Family(D("700"), "Saffré"), household_fee_paid=True).total == D("10.05")


# --- A meal whose price falls as the quotient rises ---------------------------------------------------------
# Modelled on the kind the issue describes (a meal priced apart, cheaper for families who pay more for the
# day — a town subsidising meals differently from the day itself): 3,50 € then 2,80 € above 650.


def test_a_meal_whose_price_falls_is_saved_only_when_the_director_says_so(centre_a):
    activity, units = activity_with(
        centre_a, ("day", "Journée", Unit.Kind.DAY), ("meal", "Repas", Unit.Kind.MEAL, False)
    )
    falling = spec(
        [(0, 650), (651, None)],
        {("day", Kind.BASE, 1): ["6", "9"], ("meal", Kind.BASE, 1): ["3.50", "2.80"]},
        units,
    )
    save_grid(activity=activity, spec=falling)
    child = [kid("a", date(2016, 1, 1), booking(units, (1, "day"), (1, "meal")))]
    assert fee(activity, child, Family(D("500"))).total == D("9.50")
    assert fee(activity, child, Family(D("900"))).total == D("11.80")
    # No quotient: the highest rate of each unit, the day's last bracket and the meal's first.
    without = fee(activity, child, Family(None))
    assert [line.unit_price for line in without.lines] == [D("9.00"), D("3.50")]
    assert without.notices == [NO_QF]
    # « Le prix monte avec le quotient » ticked: the same grid is refused, on its row, in French.
    Unit.objects.filter(pk=units["meal"].pk).update(price_rises_with_quotient=True)
    with pytest.raises(GridInvalid) as refused:
        save_grid(activity=activity, spec=falling)
    assert refused.value.errors[1].startswith(
        "Tranche 2 (651 € et plus) : « Repas » coûte 2,80\u00a0€, moins qu'à la fin"
    )


# --- A unit offered to some groups only --------------------------------------------------------------------
# Modelled on the kind: a teenagers-only outing (« sortie réservée aux ados ») beside the demo grid.


def test_a_unit_offered_to_some_groups_only(centre_a):
    leisure = build_leisure_centre(centre_a, today=date(2026, 11, 21), holiday_start=date(2026, 12, 21))
    petits, _moyens, grands = leisure.groups
    outing = Unit.objects.create(
        activity=leisure.activity, name="Sortie au parc", kind=Unit.Kind.DAY, position=9
    )
    outing.groups.set([grands])
    units = {**leisure.units, "outing": outing}
    prices = {
        "day": ["4.15", "6.30", "8.40", "11.20"],
        "morning": ["1.80", "2.70", "3.60", "4.80"],
        "afternoon": ["1.80", "2.70", "3.60", "4.80"],
        "meal": ["1.00", "2.10", "3.20", "4.00"],
        "outing": ["12", "14", "16", "18"],
    }
    save_grid(
        activity=leisure.activity,
        spec=spec(
            [(0, 650), (651, 840), (841, 1050), (1051, None)],
            {(key, Kind.BASE, 1): row for key, row in prices.items()},
            units,
        ),
    )
    household = HouseholdFactory(centre=centre_a, family_quotient=D("700"), city="Lille")
    little = PersonFactory(centre=centre_a, first_name="Lou", birth_date=date(2021, 3, 1))
    big = PersonFactory(centre=centre_a, first_name="Sam", birth_date=date(2015, 3, 1))
    for person in (little, big):
        HouseholdMemberFactory(household=household, person=person)
    first = leisure.period.days.first()
    assert group_for(leisure.groups, little.birth_date, first.date) == petits
    with pytest.raises(
        registrations.RegistrationRefused,
        match="« Sortie au parc » n'est pas proposée au groupe de cet enfant.",
    ):
        registrations.register(
            period=leisure.period,
            child=little,
            household=household,
            group_id=petits.pk,
            bookings=[(first.pk, outing.pk)],
        )
    registration = registrations.register(
        period=leisure.period,
        child=big,
        household=household,
        group_id=grands.pk,
        bookings=[(first.pk, outing.pk)],
    )
    assert registration.amount == D("14.00")


# --- A grid of 40 brackets ----------------------------------------------------------------------------------
# Modelled on the kind: the Communauté de communes Médoc Estuaire publishes ten brackets of 100 to 250 €
# (https://cc-medoc-estuaire.fr/Nouvelle-tarification-Accueil.html); some towns publish 40 and more, as
# here: 50 € brackets from 0 to 1 950 € and more, the day from 2,00 € rising by 0,25 € a bracket.


def test_a_grid_of_forty_brackets(centre_a):
    activity, units = activity_with(centre_a, ("day", "Journée", Unit.Kind.DAY))
    rows = [(i * 50, i * 50 + 49) for i in range(39)] + [(1950, None)]
    save_grid(
        activity=activity,
        spec=spec(rows, {("day", Kind.BASE, 1): [str(D("2") + D("0.25") * i) for i in range(40)]}, units),
    )
    table = load_tariff_table(activity)
    assert len(table.grids[None].brackets) == 40
    child = [kid("a", date(2016, 1, 1), booking(units, (1, "day")))]
    for quotient, price in [
        ("0", "2.00"),
        ("1234.56", "8.00"),
        ("1949.99", "11.50"),
        ("1950", "11.75"),
        ("9000", "11.75"),
    ]:
        estimate = estimate_fee(table, child, Family(D(quotient)))
        assert estimate.total == D(price), quotient
    assert estimate_fee(table, child, Family(None)).total == D("11.75")
