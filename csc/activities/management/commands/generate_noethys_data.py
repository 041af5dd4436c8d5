"""The Noethysweb-shaped dataset of one centre, for the `tarifs` benchmark (benchmarks/tarifs.py).

What a leisure centre using Noethysweb holds after a school year's registrations: 3,000 households and
12,000 people, one school-year activity (« Accueil de loisirs — année scolaire ») whose single period
opens every Wednesday and every weekday of the school holidays (about 150 days, public holidays and
Christmas week excepted), three groups (3-5, 6-8, 9-12 ans), four units (journée, demi-journée matin,
demi-journée après-midi, repas), a tariff grid of eight quotient brackets with sibling reductions and
an outside-commune rate, 1,500 registered children and 150,000 booked units, one session per group and
day, and the attendance of the days already past. The registrations' amounts and the booked units'
prices come from the grid through `tariffs.estimate_fee`, as the registration service computes them.

The structure (activity, groups, units, period, grid, sessions) goes through the models and services;
the volume (people, registrations, bookings, attendance) goes in with COPY on PostgreSQL (bulk_create
elsewhere, for the test suite's tiny runs), in one transaction, without `save()` or signals: nobody did
this, so the journal says nothing. Everything lives in a federation of its own (`bench-noethys`), so it
never mixes with the network of `generate_scale_data` nor with another benchmark's centre.

Running it again does nothing when the data is there (`--rebuild` starts again). The reception account
`bench-noethys-accueil@bench.localhost` (password `--staff-password`) is refreshed on every run.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from csc.activities import capacity, services, sessions, tariffs
from csc.activities.demo import season_around
from csc.activities.management.commands.generate_attendance_data import school_holidays
from csc.activities.models import (
    Activity,
    Attendance,
    BookedUnit,
    Group,
    GroupDay,
    Period,
    Registration,
    Session,
    Unit,
)
from csc.core.holidays import public_holidays
from csc.core.models import Centre, Federation, StaffRole, Territory, User
from csc.core.roles import Role
from csc.people.management.commands.generate_scale_data import (
    DEFAULT_PASSWORD,
    EMAIL_DOMAIN,
    NamePool,
    _copy,
    _reserve_ids,
)
from csc.people.management.commands.generate_scale_data import (
    Command as ScaleCommand,
)
from csc.people.models import Household, HouseholdMember, Person, Season

FEDERATION_SLUG = "bench-noethys"
CENTRE_SLUG = "bench-noethys-centre"
CITY, POSTCODE = "Lille", "59000"
OTHER_CITIES = [("Roubaix", "59100"), ("Villeneuve-d'Ascq", "59650"), ("Lomme", "59160")]
RECEPTION_EMAIL = f"bench-noethys-accueil@{EMAIL_DOMAIN}"
ACTIVITY_NAME = "Accueil de loisirs — année scolaire"
GROUPS = [("3-5 ans", 3, 5), ("6-8 ans", 6, 8), ("9-12 ans", 9, 12)]
UNITS = [
    ("day", "Journée", Unit.Kind.DAY),
    ("morning", "Demi-journée matin", Unit.Kind.HALF_DAY),
    ("afternoon", "Demi-journée après-midi", Unit.Kind.HALF_DAY),
    ("meal", "Repas", Unit.Kind.MEAL),
]
# QF brackets (€) and their prices: journée, demi-journée (matin or après-midi), repas.
GRID = [
    (0, 400, "3.20", "1.60", "0.90"),
    (401, 550, "4.10", "2.05", "1.20"),
    (551, 700, "5.30", "2.65", "1.60"),
    (701, 850, "6.60", "3.30", "2.00"),
    (851, 1000, "8.00", "4.00", "2.40"),
    (1001, 1200, "9.50", "4.75", "2.80"),
    (1201, 1500, "11.20", "5.60", "3.20"),
    (1501, None, "13.00", "6.50", "3.60"),
]
OUTSIDE_SUPPLEMENT = Decimal("3.00")
# What a child books on a day, and how often: (units, weight). A day with a meal is the common case.
DAY_PATTERNS = [
    (("day", "meal"), 55),
    (("day",), 15),
    (("morning", "meal"), 15),
    (("afternoon",), 10),
    (("morning", "afternoon", "meal"), 5),
]
SESSION_START, SESSION_END, HOURS_CAP = clock(8, 30), clock(17, 30), Decimal("8.00")


def school_year_days(start_year: int) -> list[date]:
    """Wednesdays from September to early July, and every weekday of the school holidays, without
    public holidays nor Christmas week (the centre closes)."""
    first, last = date(start_year, 9, 2), date(start_year + 1, 8, 31)
    off_school = set()
    for begins, ends in school_holidays(start_year):
        off_school |= {begins + timedelta(days=n) for n in range((ends - begins).days + 1)}
    closed = set(public_holidays(start_year)) | set(public_holidays(start_year + 1))
    days, day = [], first
    while day <= last:
        christmas = (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)
        opens = day in off_school or day.weekday() == 2
        if opens and day.weekday() < 5 and day not in closed and not christmas:
            days.append(day)
        day += timedelta(days=1)
    return days


class _Rows:
    """Ids taken ahead and rows written in bulk: COPY on PostgreSQL, bulk_create elsewhere (SQLite, for
    the suite). Rows are tuples in the order of `columns`, ids included."""

    def __init__(self, raw_cursor):
        self.raw = raw_cursor
        self.postgres = connection.vendor == "postgresql"
        self.next_ids: dict[type, int] = {}

    def reserve(self, model, count: int) -> int:
        if self.postgres:
            return _reserve_ids(self.raw, model._meta.db_table, count) if count else 0
        first = self.next_ids.get(model) or (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        self.next_ids[model] = first + count
        return first

    def insert(self, model, columns: list[str], rows: list[tuple]) -> int:
        if self.postgres:
            return _copy(self.raw, model, columns, rows)
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=500
        )
        return len(rows)


class Command(BaseCommand):
    help = (
        "Génère le jeu de données « façon Noethysweb » d'un centre (3 000 foyers, 12 000 personnes, un "
        "accueil de loisirs à l'année, 1 500 inscrits, 150 000 unités réservées) pour le benchmark "
        "`tarifs`, dans une fédération « bench-noethys » à part. Idempotent ; --rebuild reconstruit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=3000)
        parser.add_argument("--persons", type=int, default=12000)
        parser.add_argument("--registrations", type=int, default=1500)
        parser.add_argument("--bookings", type=int, default=150_000, help="Unités réservées en tout.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--staff-password", default=DEFAULT_PASSWORD)
        parser.add_argument("--rebuild", action="store_true", help="Supprime et reconstruit les données.")

    def handle(self, *args, **options):
        households, persons = options["households"], options["persons"]
        wanted_registrations, wanted_bookings = options["registrations"], options["bookings"]
        if not 0 < households <= persons:
            raise CommandError("Il faut au moins un foyer, et au moins une personne par foyer.")
        if not 0 < wanted_registrations <= persons:
            raise CommandError("--registrations doit être entre 1 et le nombre de personnes.")
        if wanted_bookings < wanted_registrations:
            raise CommandError("--bookings doit valoir au moins une unité par inscription.")
        started = time.monotonic()
        wanted = {
            "households": households,
            "persons": persons,
            "registrations": wanted_registrations,
            "booked_units": wanted_bookings,
        }
        existing = self.existing_counts()
        if existing == wanted and not options["rebuild"]:
            self.stdout.write(f"Jeu de données Noethys déjà présent ({existing}) : rien à faire.")
        else:
            if Centre.objects.filter(slug=CENTRE_SLUG).exists():
                self.delete()
                self.stdout.write(f"Anciennes données supprimées ({time.monotonic() - started:.1f} s).")
            self.generate(options, started)
            self.stdout.write(
                self.style.SUCCESS(f"Jeu de données Noethys prêt en {time.monotonic() - started:.1f} s.")
            )
        self.account(options["staff_password"])

    # --- what is there -------------------------------------------------------------------------------

    @staticmethod
    def existing_counts() -> dict[str, int]:
        centre = Centre.objects.filter(slug=CENTRE_SLUG).first()
        if centre is None:
            return {}
        return {
            "households": Household.objects.filter(centre=centre).count(),
            "persons": Person.objects.filter(centre=centre).count(),
            "registrations": Registration.objects.filter(centre=centre).count(),
            "booked_units": BookedUnit.objects.filter(registration__centre=centre).count(),
        }

    def delete(self):
        """Raw deletes of the bulky rows, children first (the ORM would load and journal them one by
        one), then the structure through the ORM."""
        centre = Centre.objects.get(slug=CENTRE_SLUG)
        people = "SELECT id FROM people_person WHERE centre_id = %s"
        households = "SELECT id FROM people_household WHERE centre_id = %s"
        statements = [
            (Attendance, "centre_id = %s"),
            (BookedUnit, "registration_id IN (SELECT id FROM activities_registration WHERE centre_id = %s)"),
            (Registration, "centre_id = %s"),
            (Session, "centre_id = %s"),
            (HouseholdMember, f"household_id IN ({households})"),
            (HouseholdMember, f"person_id IN ({people})"),
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for model, where in statements:
                cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE {where}', [centre.pk])  # noqa: S608
            Activity.objects.filter(centre=centre).delete()
            Season.objects.filter(centre=centre).delete()
            for model in (Person, Household):
                cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE centre_id = %s', [centre.pk])  # noqa: S608
            User.objects.filter(email=RECEPTION_EMAIL).delete()
            Centre.objects.filter(pk=centre.pk).delete()

    # --- the generation ------------------------------------------------------------------------------

    def generate(self, options, started):
        rng = random.Random(options["seed"])
        today = timezone.localdate()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            centre = self.centre()
            leisure = self.structure(centre, today)
            self.stdout.write(
                f"Activité, {len(leisure['days'])} jours, 3 groupes, 4 unités, grille "
                f"({time.monotonic() - started:.1f} s)."
            )
            with connection.cursor() as wrapper:
                rows = _Rows(getattr(wrapper, "cursor", wrapper))
                children = self.people(rows, rng, centre, options["households"], options["persons"], today)
                self.stdout.write(
                    f"{options['households']} foyers, {options['persons']} personnes "
                    f"({time.monotonic() - started:.1f} s)."
                )
                booked = self.registrations(
                    rows, rng, centre, leisure, children, options["registrations"], options["bookings"]
                )
                self.stdout.write(
                    f"{options['registrations']} inscriptions, {booked} unités réservées "
                    f"({time.monotonic() - started:.1f} s)."
                )
                noted = self.attendance(rows, rng, leisure, today)
                self.stdout.write(f"{noted} présences notées ({time.monotonic() - started:.1f} s).")
        if connection.vendor == "postgresql":
            tables = (
                Household,
                Person,
                HouseholdMember,
                Registration,
                BookedUnit,
                GroupDay,
                Session,
                Attendance,
            )
            # VACUUM fills the visibility map (index-only scans); inside a transaction (a test) only
            # ANALYZE may run.
            statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                for model in tables:
                    cursor.execute(f'{statement} "{model._meta.db_table}"')

    def centre(self) -> Centre:
        federation, _ = Federation.objects.update_or_create(
            slug=FEDERATION_SLUG, defaults={"name": "Benchmark des tarifs (données inventées)"}
        )
        territory, _ = Territory.objects.update_or_create(
            slug=FEDERATION_SLUG,
            defaults={"federation": federation, "name": "Territoire du benchmark des tarifs"},
        )
        return Centre.objects.create(
            territory=territory,
            slug=CENTRE_SLUG,
            name="Centre social façon Noethys (benchmark)",
            address="1 rue du Benchmark",
            postcode=POSTCODE,
            city=CITY,
        )

    def structure(self, centre: Centre, today: date) -> dict:
        """The season, the activity, its groups, units, grid and period, through the models and
        services; the sessions through `sessions.create_period_sessions`."""
        starts, ends, name = season_around(today)
        season = Season.objects.create(centre=centre, name=name, starts_on=starts, ends_on=ends)
        activity = Activity.objects.create(
            centre=centre,
            season=season,
            name=ACTIVITY_NAME,
            kind=Activity.Kind.LEISURE_CENTRE,
            description="Les mercredis et les vacances scolaires, pour les 3-12 ans.",
            resident_communes=CITY,
        )
        groups = [
            Group.objects.create(activity=activity, name=label, min_age=low, max_age=high, capacity=250)
            for label, low, high in GROUPS
        ]
        units = {
            key: Unit.objects.create(activity=activity, name=label, kind=kind, position=position)
            for position, (key, label, kind) in enumerate(UNITS, start=1)
        }
        rows = [
            services.GridRow(
                lower=lower,
                upper=upper,
                prices={
                    units["day"].pk: Decimal(day),
                    units["morning"].pk: Decimal(half),
                    units["afternoon"].pk: Decimal(half),
                    units["meal"].pk: Decimal(meal),
                },
                outside_prices={units["day"].pk: Decimal(day) + OUTSIDE_SUPPLEMENT},
            )
            for lower, upper, day, half, meal in GRID
        ]
        services.save_tariff_grid(
            activity=activity,
            rows=rows,
            second_child_reduction=Decimal("10"),
            third_child_reduction=Decimal("20"),
        )
        dates = school_year_days(starts.year)
        period = Period.objects.create(
            activity=activity,
            name=f"Année scolaire {name}",
            kind=Period.Kind.OTHER,
            registration_opens_on=starts - timedelta(days=60),
            registration_closes_on=dates[-1],
        )
        services.set_period_days(period, dates)
        capacity.ensure_group_days(period)
        sessions.create_period_sessions(
            period, start_time=SESSION_START, end_time=SESSION_END, hours_cap=HOURS_CAP
        )
        days = list(period.days.order_by("date"))
        return {
            "activity": activity,
            "period": period,
            "groups": groups,
            "units": units,
            "days": days,
            "reference": tariffs.age_reference_date(period, days),
        }

    def people(self, rows: _Rows, rng, centre, households: int, persons: int, today: date) -> list[tuple]:
        """Households and their members; returns the children as (person id, household id, birth date,
        household's QF, household's city)."""
        pool = NamePool(rng, rng.randint(0, 2**31))
        sizes = ScaleCommand._household_sizes(None, rng, households, persons)
        now = timezone.now()
        first_household = rows.reserve(Household, households)
        first_person = rows.reserve(Person, persons)
        first_member = rows.reserve(HouseholdMember, persons)
        household_rows, person_rows, member_rows, children = [], [], [], []
        person_id = first_person
        for index, size in enumerate(sizes):
            household_id = first_household + index
            last_name = pool.last_name(rng)
            city, postcode = (CITY, POSTCODE) if rng.random() < 0.8 else rng.choice(OTHER_CITIES)
            address = f"{rng.randint(1, 180)} {rng.choice(pool.streets)}"
            quotient = Decimal(rng.randint(20000, 180000)) / 100 if rng.random() < 0.9 else None
            created = now - timedelta(days=rng.randint(30, 3 * 365))
            household_rows.append(
                (household_id, centre.pk, f"Famille {last_name}", address, postcode, city, False, quotient,
                 today - timedelta(days=rng.randint(0, 300)) if quotient else None,
                 "caf" if quotient else "", "", "", created, created)
            )  # fmt: skip
            adults = 1 if size == 1 or rng.random() < 0.25 else 2
            for position in range(size):
                sex = rng.choice("FM")
                adult = position < adults
                if adult:
                    relation = (
                        HouseholdMember.Relation.RESPONSIBLE
                        if position == 0
                        else HouseholdMember.Relation.PARTNER
                    )
                    person_last = last_name if position == 0 or rng.random() < 0.7 else pool.last_name(rng)
                    birth = today - timedelta(days=rng.randint(22 * 365, 60 * 365))
                else:
                    relation = HouseholdMember.Relation.CHILD
                    person_last = last_name
                    birth = today - timedelta(days=rng.randint(365, 17 * 365))
                    children.append((person_id, household_id, birth, quotient, city))
                first_name = pool.first_name(rng, sex)
                email = f"famille{household_id}@example.org" if adult and rng.random() < 0.8 else ""
                phone = f"+336{rng.randint(10000000, 99999999)}" if adult and rng.random() < 0.9 else ""
                person_rows.append(
                    (person_id, centre.pk, person_last, first_name, birth, sex, email, phone, address,
                     postcode, city, False, adult, adult, pool.search_name(person_last, first_name), created,
                     created, now, None)
                )  # fmt: skip
                member_rows.append(
                    (first_member + person_id - first_person, household_id, person_id, relation)
                )
                person_id += 1
        rows.insert(
            Household,
            ["id", "centre_id", "name", "address", "postcode", "city", "in_qpv", "family_quotient",
             "family_quotient_date", "family_quotient_source", "benefits_number", "notes", "created_at",
             "updated_at"],
            household_rows,
        )  # fmt: skip
        rows.insert(
            Person,
            ["id", "centre_id", "last_name", "first_name", "birth_date", "sex", "email", "phone", "address",
             "postcode", "city", "in_qpv", "contact_by_sms", "contact_by_email", "search_name", "created_at",
             "updated_at", "last_activity_at", "anonymised_at"],
            person_rows,
        )  # fmt: skip
        rows.insert(HouseholdMember, ["id", "household_id", "person_id", "relation"], member_rows)
        return children

    def registrations(self, rows: _Rows, rng, centre, leisure, children, count: int, bookings: int) -> int:
        """`count` children of the right ages registered in their group, `bookings` units booked in all,
        priced by the grid as the registration service prices them (sibling ranks per household)."""
        reference, groups = leisure["reference"], leisure["groups"]

        eligible = [(child, tariffs.group_for(groups, child[2], reference)) for child in children]
        eligible = [(child, group) for child, group in eligible if group is not None]
        if len(eligible) < count:
            raise CommandError(
                f"Seulement {len(eligible)} enfants de 3 à 12 ans : moins que les {count} inscriptions "
                "demandées (augmentez --persons)."
            )
        chosen = rng.sample(eligible, count)
        days, units = leisure["days"], leisure["units"]
        # Each child's share of the bookings: uneven (some come every Wednesday and every holiday, some
        # a week in summer), adding up to exactly `bookings`.
        weights = [rng.uniform(0.2, 1.8) for _ in chosen]
        total = sum(weights)
        shares = [int(bookings * w / total) for w in weights]
        for index in sorted(range(count), key=lambda i: -weights[i])[: bookings - sum(shares)]:
            shares[index] += 1
        table = tariffs.load_tariff_table(leisure["activity"], list(units.values()))
        plans = []  # (child, group, [(day, unit key)])
        for (child, group), share in zip(chosen, shares, strict=True):
            pattern = rng.choices([p for p, _ in DAY_PATTERNS], weights=[w for _, w in DAY_PATTERNS])[0]
            wanted_days = min(len(days), -(-share // len(pattern)))
            picked = sorted(rng.sample(range(len(days)), wanted_days))
            booked, left = [], share
            for day_index in picked:
                for key in pattern:
                    if left:
                        booked.append((days[day_index], key))
                        left -= 1
            # A child booking more units than days × pattern allows takes the other units of its days.
            extra = [k for k, _, _ in UNITS if k not in pattern]
            for day_index in picked:
                for key in extra:
                    if left:
                        booked.append((days[day_index], key))
                        left -= 1
            if left:
                raise CommandError("Trop d'unités réservées pour le nombre de jours de la période.")
            plans.append((child, group, booked))

        by_household = defaultdict(list)
        for index, (child, _group, _booked) in enumerate(plans):
            by_household[child[1]].append(index)
        amounts, prices = {}, {}
        for indexes in by_household.values():
            quotient, city = plans[indexes[0]][0][3], plans[indexes[0]][0][4]
            choices = [
                tariffs.ChildChoice(
                    key=str(i),
                    name="",
                    birth_date=plans[i][0][2],
                    group_id=plans[i][1].pk,
                    bookings=tuple((day.pk, units[key].pk) for day, key in plans[i][2]),
                )
                for i in indexes
            ]
            estimate = tariffs.estimate_fee(table, choices, tariffs.Family(quotient, city))
            for i in indexes:
                amounts[i] = (estimate.child_total(str(i)), estimate.bracket_label)
                prices[i] = {key: estimate.unit_price(str(i), units[key].pk) for key in units}

        first_registration = rows.reserve(Registration, count)
        now = timezone.now()
        registration_rows, booked_rows, held = [], [], Counter()
        first_booked = rows.reserve(BookedUnit, bookings)
        booked_id = first_booked
        for index, (child, group, booked) in enumerate(plans):
            registration_id = first_registration + index
            amount, bracket = amounts[index]
            registration_rows.append(
                (registration_id, centre.pk, leisure["period"].pk, group.pk, child[0], child[1],
                 Registration.Status.ACTIVE, amount, child[3], bracket, now)
            )  # fmt: skip
            for day, key in booked:
                booked_rows.append((booked_id, registration_id, day.pk, units[key].pk, prices[index][key]))
                booked_id += 1
            for day_id in {day.pk for day, _ in booked}:
                held[(group.pk, day_id)] += 1
        rows.insert(
            Registration,
            ["id", "centre_id", "period_id", "group_id", "child_id", "household_id", "status", "amount",
             "family_quotient", "bracket_label", "created_at"],
            registration_rows,
        )  # fmt: skip
        rows.insert(BookedUnit, ["id", "registration_id", "day_id", "unit_id", "price"], booked_rows)
        # The places held, as capacity.hold would have counted them, within each group-day's capacity.
        group_days = GroupDay.objects.filter(day__period=leisure["period"])
        for group_day in group_days:
            group_day.held = held.get((group_day.group_id, group_day.day_id), 0)
            group_day.capacity = max(group_day.capacity, group_day.held)
        GroupDay.objects.bulk_update(group_days, ["held", "capacity"], batch_size=500)
        leisure["expected"] = held
        leisure["plans"] = [
            (child[0], group.pk, {day.pk for day, _ in booked}) for child, group, booked in plans
        ]
        return len(booked_rows)

    def attendance(self, rows: _Rows, rng, leisure, today: date) -> int:
        """The days already past were called: each child booked that day noted present (mostly),
        absent or excused, on the session of their group."""
        tz = ZoneInfo(settings.TIME_ZONE)
        past = list(
            Session.objects.filter(period_day__period=leisure["period"], date__lt=today).values_list(
                "id", "group_id", "period_day_id", "date", "counted_hours"
            )
        )
        by_day = defaultdict(list)
        for person_id, group_id, day_ids in leisure["plans"]:
            for day_id in day_ids:
                by_day[(group_id, day_id)].append(person_id)
        activity = leisure["activity"]
        attendance_rows = []
        for session_id, group_id, day_id, day, hours in past:
            recorded = datetime.combine(day, SESSION_START, tzinfo=tz) + timedelta(minutes=20)
            for person_id in by_day.get((group_id, day_id), []):
                draw = rng.random()
                status = "present" if draw < 0.9 else "absent" if draw < 0.97 else "excuse"
                attendance_rows.append(
                    (session_id, person_id, activity.centre_id, activity.pk, day, hours, status,
                     Attendance.Source.TAP, None, recorded, None)
                )  # fmt: skip
        first = rows.reserve(Attendance, len(attendance_rows))
        rows.insert(
            Attendance,
            ["id", "session_id", "person_id", "centre_id", "activity_id", "date", "hours", "status", "source",
             "recorded_by_id", "recorded_at", "import_batch_id"],
            [(first + i, *row) for i, row in enumerate(attendance_rows)],
        )  # fmt: skip
        return len(attendance_rows)

    # --- the account ---------------------------------------------------------------------------------

    def account(self, password: str):
        centre = Centre.objects.filter(slug=CENTRE_SLUG).first()
        if centre is None:
            return
        user = User.objects.filter(email=RECEPTION_EMAIL).first() or User(
            email=RECEPTION_EMAIL, first_name="Accueil", last_name="Noethys"
        )
        user.password = make_password(password)
        user.is_active = True
        user.save()
        StaffRole.objects.filter(user=user).exclude(centre=centre, role=Role.RECEPTION).delete()
        StaffRole.objects.update_or_create(
            user=user, centre=centre, role=Role.RECEPTION, defaults={"is_active": True}
        )
        self.stdout.write(
            f"Compte d'accueil {RECEPTION_EMAIL}, mot de passe {'donné' if password else 'vide'}."
        )
