"""Benchmark `inscriptions_export`: a period of 10,000 registrations exported in XLSX and in CSV.

Budget of the issue: "10,000 registrations export in under 5 s". Measured through Django's test Client
as a logged-in reception officer, from the request to the last byte of the file: the view, the queries,
the writer and the reading of the whole streamed body. No gunicorn or network in between: both add a
near-constant few milliseconds to a transfer on loopback, and the figure is about the export's work.

The data lives in a federation of its own (`bench-exports`), apart from the `socle` dataset of
`generate_scale_data`: one centre, its leisure centre built by `csc.activities.demo`, and 10,000
children of about 7,000 households registered on one ten-day holiday period, each with 1 to 10 days of
a day, a half-day or a half-day with a meal. It is bulk-inserted once in one transaction (no signals, so
no journal lines: nobody did this) and reused by later runs.

As a function (benchmarks/run.sh calls it with DJANGO_SETTINGS_MODULE and DATABASE_URL set):

    from benchmarks.inscriptions_export import export_10k_seconds
    export_10k_seconds()
    # -> {"export_10k_registrations_s": …, "export_10k_csv_s": …, "export_10k_xlsx_s": …}

As a script, writing the JSON result of ARCHITECTURE.md:

    DATABASE_URL=postgres://… python benchmarks/inscriptions_export.py \
        --output benchmarks/results/inscriptions_export.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REGISTRATIONS = 10_000
FEDERATION_SLUG = "bench-exports"
CENTRE_SLUG = "bench-exports-10k"
RECEPTION_EMAIL = "bench-exports-accueil@bench.localhost"
TARGETS = {"export_10k_registrations_s": 5}
SEED = 2026


def _setup_django():
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csc.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def ensure_dataset(count: int = REGISTRATIONS):
    """The bench centre's period with `count` active registrations, and its reception officer.

    Built once; a later run finds it. Returns (period, user, dataset description).
    """
    from django.db import transaction

    from csc.activities.models import BookedUnit, Period, Registration
    from csc.core.models import Centre, StaffRole, User

    centre = Centre.objects.filter(slug=CENTRE_SLUG).first()
    period = Period.objects.filter(activity__centre=centre).order_by("id").first() if centre else None
    built = False
    started = time.perf_counter()
    if period is None or Registration.objects.filter(period=period, status="active").count() != count:
        with transaction.atomic():
            period = _build(count)
        built = True
    generation = round(time.perf_counter() - started, 2)
    centre = period.activity.centre
    user, _ = User.objects.get_or_create(email=RECEPTION_EMAIL, defaults={"first_name": "Accueil"})
    StaffRole.objects.get_or_create(user=user, centre=centre, role="reception", defaults={"is_active": True})
    registrations = Registration.objects.filter(period=period, status="active")
    dataset = {
        "registrations": registrations.count(),
        "households": registrations.values("household_id").distinct().count(),
        "booked_units": BookedUnit.objects.filter(registration__period=period).count(),
        "period_days": period.days.count(),
        "generated_now": built,
        "generation_seconds": generation if built else None,
    }
    return period, user, dataset


def _build(count: int):
    """Bulk-insert a centre, its leisure centre and `count` registrations (within a transaction)."""
    from csc.activities.demo import build_leisure_centre
    from csc.activities.models import BookedUnit, Period, Registration
    from csc.core.models import Centre, Federation, Territory
    from csc.core.text import normalize
    from csc.people.models import Household, HouseholdMember, Person, household_search_text

    rng = random.Random(SEED)
    federation, _ = Federation.objects.get_or_create(
        slug=FEDERATION_SLUG, defaults={"name": "Benchmark des exports (données inventées)"}
    )
    territory, _ = Territory.objects.get_or_create(
        slug=FEDERATION_SLUG, defaults={"federation": federation, "name": "Territoire des exports"}
    )
    centre, _ = Centre.objects.get_or_create(
        slug=CENTRE_SLUG,
        defaults={"territory": territory, "name": "Centre social des exports", "city": "Lille"},
    )
    # A run interrupted before its commit leaves nothing; a dataset of another size is rebuilt whole.
    Registration.objects.filter(centre=centre).delete()
    Period.objects.filter(activity__centre=centre).delete()
    today = date.today()
    leisure = build_leisure_centre(
        centre, today=today, places=REGISTRATIONS, holiday_start=today + timedelta(days=30)
    )
    days = list(leisure.period.days.all())
    units = leisure.units
    prices = {"day": Decimal("4.15"), "morning": Decimal("1.80"), "meal": Decimal("1.00")}
    last_names = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy"]
    last_names += ["Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux"]
    last_names += ["Diallo", "Nguyen", "Benali", "Traoré", "Haddad", "Da Silva", "Kaya", "Mendy", "Pereira"]
    first_names = ["Léa", "Hugo", "Chloé", "Lucas", "Inès", "Adam", "Jade", "Nathan", "Zoé", "Yanis"]
    first_names += ["Emma", "Louis", "Manon", "Rayan", "Camille", "Mohamed", "Sarah", "Noé", "Aya", "Éloïse"]

    def _household(**fields):
        # bulk_create skips save(): the search column is filled as save() would.
        household = Household(**fields)
        household.search_text = household_search_text(household.name, "", "", household.city)
        return household

    # About 7,000 households: most with one child at the centre, some with two or three.
    sizes = []
    while sum(sizes) < count:
        sizes.append(min(rng.choices([1, 2, 3], weights=[60, 30, 10])[0], count - sum(sizes)))
    households = Household.objects.bulk_create(
        (
            _household(
                centre=centre,
                name=f"Famille {rng.choice(last_names)}",
                city=rng.choice(["Lille", "Lille", "Lille", "Roubaix", "Villeneuve-d'Ascq"]),
                family_quotient=Decimal(rng.randrange(300, 1500)),
            )
            for _ in sizes
        ),
        batch_size=2000,
    )

    def person(first, last, **fields):
        return Person(
            centre=centre,
            first_name=first,
            last_name=last,
            search_name=normalize(f"{last} {first}"),
            **fields,
        )

    parents = Person.objects.bulk_create(
        (
            person(
                rng.choice(first_names),
                household.name.removeprefix("Famille "),
                phone=f"+336{rng.randrange(10**7, 10**8)}",
                email=f"famille{index}@example.org",
            )
            for index, household in enumerate(households)
        ),
        batch_size=2000,
    )
    child_households = [h for h, size in zip(households, sizes, strict=True) for _ in range(size)]
    children = Person.objects.bulk_create(
        (
            person(
                rng.choice(first_names),
                household.name.removeprefix("Famille "),
                birth_date=date(
                    today.year - rng.randrange(4, 11), rng.randrange(1, 13), rng.randrange(1, 29)
                ),
            )
            for household in child_households
        ),
        batch_size=2000,
    )
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(household=h, person=p, relation="responsable")
            for h, p in zip(households, parents, strict=True)
        ]
        + [
            HouseholdMember(household=h, person=c, relation="enfant")
            for h, c in zip(child_households, children, strict=True)
        ],
        batch_size=5000,
    )
    bookings = []
    for _ in children:
        chosen = rng.sample(days, rng.randint(1, len(days)))
        kind = rng.choices(["day", "half", "half_meal"], weights=[70, 20, 10])[0]
        units_of_day = {"day": ["day"], "half": ["morning"], "half_meal": ["morning", "meal"]}[kind]
        bookings.append([(day, unit) for day in chosen for unit in units_of_day])
    registrations = Registration.objects.bulk_create(
        (
            Registration(
                centre=centre,
                period=leisure.period,
                group=leisure.groups[rng.randrange(3)],
                child=child,
                household=household,
                amount=sum((prices[unit] for _, unit in booked), Decimal("0.00")),
                family_quotient=household.family_quotient,
                bracket_label="0 à 650 €",
            )
            for child, household, booked in zip(children, child_households, bookings, strict=True)
        ),
        batch_size=2000,
    )
    BookedUnit.objects.bulk_create(
        (
            BookedUnit(registration=registration, day=day, unit=units[unit], price=prices[unit])
            for registration, booked in zip(registrations, bookings, strict=True)
            for day, unit in booked
        ),
        batch_size=5000,
    )
    return leisure.period


def _client(user):
    from django.conf import settings
    from django.test import Client

    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h and h != "*"]
    client = Client(HTTP_HOST=hosts[0] if hosts else "localhost")
    client.force_login(user)
    return client


def _time_export(client, url: str, secure: bool) -> float:
    started = time.perf_counter()
    response = client.get(url, secure=secure)
    if response.status_code != 200:
        raise RuntimeError(f"{url} : HTTP {response.status_code}")
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    elapsed = time.perf_counter() - started
    if size < 1000:
        raise RuntimeError(f"{url} : {size} octets seulement")
    return elapsed


def export_10k_seconds(runs: int = 3, details: dict | None = None) -> dict:
    """Median time, over `runs`, of the XLSX and of the CSV export of a period of 10,000 registrations.

    Returns {"export_10k_registrations_s": the slower of both, "export_10k_csv_s", "export_10k_xlsx_s"}.
    `details`, when given, receives the dataset and every run's figures.
    """
    _setup_django()
    from django.conf import settings
    from django.test.utils import override_settings
    from django.urls import NoReverseMatch, reverse

    period, user, dataset = ensure_dataset()
    client = _client(user)
    secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
    urlconf = settings.ROOT_URLCONF
    try:
        reverse("enrolment:export_period", args=[period.pk, "csv"])
    except NoReverseMatch:
        # Until csc/enrolment/urls.py includes export_urls: the project's URLs plus the exports.
        urlconf = "csc.enrolment.tests.export_test_urls"
    timings: dict[str, list[float]] = {"csv": [], "xlsx": []}
    with override_settings(ROOT_URLCONF=urlconf):
        for fmt, values in timings.items():
            url = reverse("enrolment:export_period", args=[period.pk, fmt])
            _time_export(client, url, secure)  # warm-up: imports, the first query plans
            for _ in range(runs):
                values.append(_time_export(client, url, secure))
    medians = {fmt: round(statistics.median(values), 3) for fmt, values in timings.items()}
    if details is not None:
        details["dataset"] = dataset
        details["runs"] = {fmt: [round(v, 3) for v in values] for fmt, values in timings.items()}
    return {
        "export_10k_registrations_s": max(medians.values()),
        "export_10k_csv_s": medians["csv"],
        "export_10k_xlsx_s": medians["xlsx"],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", help="fichier JSON du résultat (sinon : la sortie standard)")
    parser.add_argument("--git", default=os.environ.get("BENCH_GIT", "unknown"), help="commit mesuré")
    args = parser.parse_args(argv)
    details: dict = {}
    metrics = export_10k_seconds(runs=args.runs, details=details)
    from django.db import connection

    details["dataset"]["database"] = connection.vendor
    result = {
        "benchmark": "inscriptions_export",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": args.git,
        "dataset": details["dataset"],
        "metrics": metrics,
        "targets": TARGETS,
        "targets_met": {key: metrics[key] < target for key, target in TARGETS.items()},
        "method": {
            "runs": args.runs,
            "statistic": "median per format after one warm-up request; the metric is the slower format",
            "through": "django.test.Client, reception officer logged in, whole body read",
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "runs": details["runs"],
    }
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
