"""A leisure centre set up as a centre would: used by the demo data, the tests and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from csc.core.models import Centre
from csc.people.models import Season

from . import services
from .models import Activity, Group, Period, Unit

D = Decimal

# Prices per bracket, in the shape towns publish: (lower, upper, day with meal, half-day, meal).
DEMO_GRID = [
    (0, 650, D("4.15"), D("1.80"), D("1.00")),
    (651, 840, D("6.30"), D("2.70"), D("2.10")),
    (841, 1050, D("8.40"), D("3.60"), D("3.20")),
    (1051, None, D("11.20"), D("4.80"), D("4.00")),
]
OUTSIDE_SUPPLEMENT = D("3.00")


@dataclass
class LeisureCentre:
    season: Season
    activity: Activity
    groups: list[Group]
    units: dict[str, Unit]
    period: Period
    wednesdays: Period | None = None


def season_around(today: date) -> tuple[date, date, str]:
    start_year = today.year if today.month >= 9 else today.year - 1
    return date(start_year, 9, 1), date(start_year + 1, 8, 31), f"{start_year}-{start_year + 1}"


def build_leisure_centre(
    centre: Centre,
    *,
    today: date,
    places: int = 12,
    holiday_start: date | None = None,
    holiday_days: int = 10,
    with_wednesdays: bool = False,
) -> LeisureCentre:
    """A season with its membership grid, a holiday leisure centre with three age groups, four units,
    a tariff grid with sibling reductions and an outside-commune rate, and a period open for
    pré-inscription from a week ago to the day before it starts."""
    starts, ends, name = season_around(today)
    season, _ = Season.objects.get_or_create(
        centre=centre, name=name, defaults={"starts_on": starts, "ends_on": ends}
    )
    services.save_membership_fees(
        season=season, rows=[(0, 650, D("5.00")), (651, 1050, D("10.00")), (1051, None, D("15.00"))]
    )
    activity = Activity.objects.create(
        centre=centre,
        season=season,
        name="Accueil de loisirs",
        kind=Activity.Kind.LEISURE_CENTRE,
        description="Jeux, sorties et ateliers pour les 3-11 ans, encadrés par l'équipe d'animation.",
        resident_communes=centre.city or "Lille",
    )
    groups = [
        Group.objects.create(
            activity=activity, name="Petits (3-5 ans)", min_age=3, max_age=5, capacity=places
        ),
        Group.objects.create(
            activity=activity, name="Moyens (6-8 ans)", min_age=6, max_age=8, capacity=places
        ),
        Group.objects.create(
            activity=activity, name="Grands (9-11 ans)", min_age=9, max_age=11, capacity=places
        ),
    ]
    units = {
        "day": Unit.objects.create(
            activity=activity, name="Journée avec repas", kind=Unit.Kind.DAY, position=1
        ),
        "morning": Unit.objects.create(
            activity=activity, name="Matinée", kind=Unit.Kind.HALF_DAY, position=2
        ),
        "afternoon": Unit.objects.create(
            activity=activity, name="Après-midi", kind=Unit.Kind.HALF_DAY, position=3
        ),
        "meal": Unit.objects.create(activity=activity, name="Repas du midi", kind=Unit.Kind.MEAL, position=4),
    }
    rows = [
        services.GridRow(
            lower=lower,
            upper=upper,
            prices={
                units["day"].pk: day,
                units["morning"].pk: half,
                units["afternoon"].pk: half,
                units["meal"].pk: meal,
            },
            outside_prices={units["day"].pk: day + OUTSIDE_SUPPLEMENT},
        )
        for lower, upper, day, half, meal in DEMO_GRID
    ]
    services.save_tariff_grid(
        activity=activity, rows=rows, second_child_reduction=D("10"), third_child_reduction=D("20")
    )
    start = holiday_start or (today + timedelta(days=30))
    days = services.weekdays_between(start, start + timedelta(days=holiday_days * 2), {0, 1, 2, 3, 4})[
        :holiday_days
    ]
    period = Period.objects.create(
        activity=activity,
        name=f"Vacances du {days[0]:%d/%m} au {days[-1]:%d/%m/%Y}",
        kind=Period.Kind.HOLIDAYS,
        registration_opens_on=today - timedelta(days=7),
        registration_closes_on=days[0] - timedelta(days=1),
    )
    services.set_period_days(period, days)
    result = LeisureCentre(season=season, activity=activity, groups=groups, units=units, period=period)
    if with_wednesdays:
        first = start + timedelta(days=(2 - start.weekday()) % 7 + 21)
        wednesdays = Period.objects.create(
            activity=activity,
            name="Mercredis de l'hiver",
            kind=Period.Kind.WEDNESDAYS,
            registration_opens_on=today - timedelta(days=7),
            registration_closes_on=first - timedelta(days=1),
        )
        services.set_period_days(wednesdays, [first + timedelta(weeks=w) for w in range(8)])
        result.wednesdays = wednesdays
    return result


def add_demo_rules(leisure: LeisureCentre) -> None:
    """What real grids add to the demo's prices, so the tariff screens show them: the CAF's « aide aux
    temps libres » deducted for allocataires under a quotient of 700 €, a file fee per household and
    season, and the resident rate for families who work in the commune."""
    from .models import TariffAid, TariffAidAmount, TariffFee

    activity = leisure.activity
    aid = TariffAid.objects.create(
        activity=activity, name="Aide aux temps libres CAF", funder=TariffAid.Funder.CAF, max_quotient=D(700)
    )
    TariffAidAmount.objects.create(aid=aid, unit=leisure.units["day"], value=D("2.00"))
    TariffAidAmount.objects.create(aid=aid, unit=leisure.units["morning"], value=D("1.00"))
    TariffAidAmount.objects.create(aid=aid, unit=leisure.units["afternoon"], value=D("1.00"))
    TariffFee.objects.create(
        activity=activity, kind=TariffFee.Kind.PER_HOUSEHOLD, name="Frais de dossier", amount=D("5.00")
    )
    activity.workers_count_as_residents = True
    activity.save(update_fields=["workers_count_as_residents"])


def load(faker, stdout):
    """Every centre of the network gets a leisure centre with a holiday period open for pré-inscription,
    dated from today so that the demo forms are open whenever the demo is loaded."""
    from django.utils import timezone

    today = timezone.localdate()
    count = 0
    for centre in Centre.objects.order_by("slug"):
        if Activity.objects.filter(centre=centre, kind=Activity.Kind.LEISURE_CENTRE).exists():
            continue
        leisure = build_leisure_centre(centre, today=today, places=24, with_wednesdays=True)
        add_demo_rules(leisure)
        count += 1
    stdout.write(f"{count} accueils de loisirs créés (saison, grille tarifaire, périodes ouvertes).")
    from .demo_check import load as load_check

    load_check(faker, stdout)
