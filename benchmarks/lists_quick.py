"""A quick measure, one request at a time through Django's test Client, of the registrations list (a page
of 100 rows, and its days total) on 1,500 registrations x 100 bookings (one 60-day period: 60 days and
40 meals each), and of the household search on 3,000 households / 12,000 persons of one centre.

Not the `tarifs.json` benchmark of issue 20: its Noethysweb-shaped dataset has realistic names, while
here twelve last names make a name search match a twelfth of everyone (the worst case). Built once in a
federation of its own (`bench-lists`), reused by later runs:

    DJANGO_SECRET_KEY=… DJANGO_DEBUG=0 DATABASE_URL=postgres://…/csc_x python benchmarks/lists_quick.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

SLUG = "bench-lists"
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Lefèvre", "Nguyen", "Diallo", "Da Silva"]
LAST_NAMES += ["Garcia", "Moreau", "Benali"]
FIRST_NAMES = ["Léa", "Hugo", "Chloé", "Lucas", "Inès", "Adam", "Jade", "Nathan", "Zoé", "Éloïse"]
STREETS = ["rue de la Paix", "avenue Jean Jaurès", "rue Victor Hugo", "place du Marché", "boulevard Gambetta"]
TOWNS = [("59000", "Lille"), ("59100", "Roubaix"), ("59650", "Villeneuve-d'Ascq"), ("59200", "Tourcoing")]
PHONES = ["06 {} {} {} {}", "06.{}.{}.{}.{}", "+33 6 {} {} {} {}"]
SEARCHES = ["martin", "lefevre", "rue victor hugo", "59100", "Roubaix", "06 12 34", "+33 6 1", "nguyen lea"]
LIST_FILTERS = [
    {"par": 100},
    {"par": 100, "tri": "-montant"},
    {"par": 100, "tri": "age", "page": 3},
    {"par": 100, "q": "martin"},
    {"par": 100, "statut": "tous", "tri": "-inscription"},
]


def _setup_django():
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csc.settings")
    import django

    django.setup()


def _build():
    """One centre: 3,000 households of 4 persons, 1,500 children registered with 100 bookings each."""
    from csc.activities.demo import build_leisure_centre
    from csc.activities.models import BookedUnit, Registration
    from csc.core.models import Centre, Federation, Territory
    from csc.core.text import normalize
    from csc.people.models import Household, HouseholdMember, Person, household_search_text

    rng = random.Random(7)
    federation, _ = Federation.objects.get_or_create(
        slug=SLUG, defaults={"name": "Listes (données inventées)"}
    )
    territory, _ = Territory.objects.get_or_create(
        slug=SLUG, defaults={"federation": federation, "name": "T"}
    )
    centre, created = Centre.objects.get_or_create(
        slug=SLUG, defaults={"territory": territory, "name": "Centre des listes", "city": "Lille"}
    )
    if not created and Registration.objects.filter(centre=centre).count() == 1500:
        return centre
    today = date.today()
    leisure = build_leisure_centre(centre, today=today, places=2000, holiday_days=60)
    days = list(leisure.period.days.all())
    households = []
    for _ in range(3000):
        name = f"Famille {rng.choice(LAST_NAMES)}"
        postcode, city = rng.choice(TOWNS)
        address = f"{rng.randint(1, 200)} {rng.choice(STREETS)}"
        household = Household(centre=centre, name=name, address=address, postcode=postcode, city=city)
        household.search_text = household_search_text(name, address, postcode, city)  # bulk: no save()
        households.append(household)
    households = Household.objects.bulk_create(households)
    people = []
    for household in households:
        last = household.name.removeprefix("Famille ")
        for rank in range(4):
            first = rng.choice(FIRST_NAMES)
            adult = rank < 2
            people.append(
                Person(
                    centre=centre,
                    last_name=last,
                    first_name=first,
                    search_name=normalize(f"{last} {first}"),
                    phone=rng.choice(PHONES).format(*(f"{rng.randint(0, 99):02}" for _ in range(4)))
                    if adult
                    else "",
                    birth_date=None
                    if adult
                    else date(today.year - rng.randint(4, 11), rng.randint(1, 12), rng.randint(1, 28)),
                )
            )
    people = Person.objects.bulk_create(people, batch_size=2000)
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(
                household=households[i // 4],
                person=person,
                relation="enfant" if i % 4 >= 2 else "responsable",
            )
            for i, person in enumerate(people)
        ],
        batch_size=5000,
    )
    children = [(people[i], households[i // 4]) for i in range(len(people)) if i % 4 == 2][:1500]
    registrations = Registration.objects.bulk_create(
        Registration(
            centre=centre,
            period=leisure.period,
            group=leisure.groups[rng.randrange(3)],
            child=child,
            household=household,
            amount=Decimal(rng.randint(100, 90000)) / 100,
            status="active" if rng.random() < 0.95 else "annulee",
        )
        for child, household in children
    )
    day_unit, meal = leisure.units["day"], leisure.units["meal"]
    BookedUnit.objects.bulk_create(
        [
            BookedUnit(registration=registration, day=day, unit=unit, price=Decimal("1.00"))
            for registration in registrations
            for unit, unit_days in ((day_unit, days), (meal, days[:40]))
            for day in unit_days
        ],
        batch_size=10000,
    )
    return centre


def _median_ms(client, path, params, runs=15, **headers) -> tuple[float, float]:
    client.get(path, params, secure=True, **headers)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, params, secure=True, **headers)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} {params}: HTTP {response.status_code}")
    return round(statistics.median(times), 1), round(max(times), 1)


def main():
    _setup_django()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import override_settings
    from django.urls import reverse

    from benchmarks.inscriptions_export import _client
    from csc.activities.models import Activity
    from csc.core.models import StaffRole, User

    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": static}, ALLOWED_HOSTS=["localhost"]
    ):
        with transaction.atomic():
            centre = _build()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        user, _ = User.objects.get_or_create(
            email="bench-lists@bench.localhost", defaults={"first_name": "A"}
        )
        StaffRole.objects.get_or_create(
            user=user, centre=centre, role="reception", defaults={"is_active": True}
        )
        client = _client(user)
        path = reverse("activities:registrations", args=[Activity.objects.get(centre=centre).pk])
        for params in LIST_FILTERS:
            print("registrations page", params, "median, max (ms):", _median_ms(client, path, params))
        days = {"par": 100, "jours": "1"}
        print(
            "days total (htmx)", "median, max (ms):", _median_ms(client, path, days, HTTP_HX_REQUEST="true")
        )
        print("page with days inline", "median, max (ms):", _median_ms(client, path, days))
        path = reverse("people:household_search")
        for query in SEARCHES:
            print(
                "household search", repr(query), "median, max (ms):", _median_ms(client, path, {"q": query})
            )


if __name__ == "__main__":
    main()
