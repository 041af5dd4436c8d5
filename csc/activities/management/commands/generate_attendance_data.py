"""Three years of attendance for the `presences` benchmark: 10,000,000 rows on generate_scale_data's network.

On top of the `bench` federation (300 centres, 500,000 people), every centre gets the same eight
activities — a leisure centre, a toy library counted without names, workshops, a fablab, outings — with
their sessions over the three years before today (about two a week each, fewer in the holidays, none on
public holidays, some cancelled), their participants, and exactly `--attendance-rows` attendance rows.

Who comes is realistic enough for reports: each activity has a roster per school year (a core of
regulars who stay the three years, and members of one year), drawn from the centre's people of the right
age; a session is attended by a slice of its roster, mostly present, some absent or excused. Bigger
centres have bigger rosters and fuller sessions. The toy library gets head counts (adults, children).

Rows go in with COPY and one INSERT … SELECT generate_series, in one transaction; the attendance table's
secondary indexes and foreign keys are dropped for the load and rebuilt from their own definitions
(faster than maintaining eleven indexes row by row), then VACUUM ANALYZE. No `save()`, no journal lines:
nobody did this. Running the command again does nothing once the data is there (`--force` rebuilds,
`--delete` only removes it, which `generate_scale_data --force` needs first).

Every run also (cheap, whatever the data):
- re-creates « today's » sessions: in each of `--staff-users` centres, a session today of the
  « Atelier cuisine » workshop, which has 25 enrolled participants (an attendance cannot be tapped on
  a future session, and the data outlives the day it was made);
- makes the accounts of the benchmark, all with the password `--staff-password`: animators
  `bench-animation-0001@bench.localhost`… (one per centre, the centres of the reception accounts),
  directors `bench-direction-0001@bench.localhost`… on the same centres, and `bench-federation@…` for
  the whole network. Directors and the federation account get a TOTP device (their roles require the
  second factor); the load generator reads its key from the database.
"""

from __future__ import annotations

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from csc.activities.models import Activity, Attendance, AttendanceImport, HeadCount, Participant, Session
from csc.activities.sessions import counted_hours
from csc.core.holidays import public_holidays
from csc.core.models import Centre, Federation, StaffRole, User
from csc.core.roles import Role
from csc.people.management.commands.generate_scale_data import (
    DEFAULT_PASSWORD,
    EMAIL_DOMAIN,
    FEDERATION_SLUG,
    _copy,
    _reserve_ids,
)
from csc.people.models import Person

TODAY_TITLE = "Appel du benchmark"
TAP_ACTIVITY = "Atelier cuisine"
FEDERATION_EMAIL = f"bench-federation@{EMAIL_DOMAIN}"
CANCEL_REASONS = [
    "Animateur ou animatrice absent(e)",
    "Pas assez d'inscrits",
    "Intempéries",
    "Salle indisponible",
]


def animator_email(index: int) -> str:
    return f"bench-animation-{index:04d}@{EMAIL_DOMAIN}"


def director_email(index: int) -> str:
    return f"bench-direction-{index:04d}@{EMAIL_DOMAIN}"


# --- The activities and their calendars ----------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    name: str
    kind: str
    counts_only: bool
    audience: str | None  # whose people attend: see AUDIENCES
    calendar: str  # see session_dates()
    weekdays: tuple[int, ...]  # 0 = Monday
    start: clock
    end: clock
    cap: Decimal | None  # the CAF's cap of hours per presence, if any
    core: int  # regulars who stay the three years (for a centre of average size)
    season: int  # members of one school year
    attendance: float  # rows per session for a centre of average size (before calibration)
    scales: bool = True  # rosters grow with the centre (not the tap workshop: 25 participants exactly)


K = Activity.Kind
TEMPLATES = [
    Template("Accueil de loisirs", K.LEISURE_CENTRE, False, "enfants", "loisirs", (2,),
             clock(8, 30), clock(17, 30), Decimal("8.00"), 25, 30, 36),
    Template("Ludothèque", K.TOY_LIBRARY, True, None, "ouvert", (1, 5), clock(14), clock(18), None, 0, 0, 0),
    Template("Atelier couture", K.WORKSHOP, False, "adultes", "ouvert", (0, 3),
             clock(14), clock(16), None, 8, 8, 10),
    Template("Aide aux devoirs", K.WORKSHOP, False, "scolaires", "scolaire", (0, 1, 3),
             clock(16, 30), clock(18), None, 10, 12, 14),
    Template(TAP_ACTIVITY, K.WORKSHOP, False, "tous", "ouvert", (1, 4),
             clock(9, 30), clock(12, 30), None, 12, 13, 14, scales=False),
    Template("Fablab", K.FABLAB, False, "jeunes", "ouvert", (2, 5), clock(14), clock(17), None, 10, 12, 11),
    Template("Français langue étrangère", K.WORKSHOP, False, "adultes", "scolaire", (1, 3),
             clock(9, 30), clock(11, 30), None, 10, 10, 12),
    Template("Sorties familles", K.OUTING, False, "tous", "sorties", (5,),
             clock(9), clock(18), Decimal("8.00"), 15, 30, 30),
]  # fmt: skip

# Ages (at the generation day) of the people each audience draws from; None: any age, unknown included.
AUDIENCES = {
    "enfants": (3, 11),
    "scolaires": (6, 15),
    "jeunes": (12, None),
    "adultes": (18, None),
    "tous": None,
}


def school_holidays(year: int) -> list[tuple[date, date]]:
    """Approximate French school holidays of the school year starting in September of `year`."""
    return [
        (date(year, 10, 19), date(year, 11, 3)),
        (date(year, 12, 20), date(year + 1, 1, 4)),
        (date(year + 1, 2, 14), date(year + 1, 3, 1)),
        (date(year + 1, 4, 12), date(year + 1, 4, 27)),
        (date(year + 1, 7, 5), date(year + 1, 8, 31)),
    ]


def school_year(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def session_dates(template: Template, start: date, end: date) -> list[tuple[date, float]]:
    """The days an activity meets between start and end, each with an attendance factor.

    All close for Christmas week and on public holidays; everything but the leisure centre closes the
    first three weeks of August. "loisirs": Wednesdays in term time, every weekday in the holidays
    (fuller); "scolaire": its weekdays in term time only; "sorties": Saturdays of even weeks, and
    Thursdays in the summer; "ouvert": its weekdays all year."""
    holidays: set[date] = set()
    off_school: set[date] = set()
    for year in range(start.year - 1, end.year + 1):
        holidays |= set(public_holidays(year))
        for first, last in school_holidays(year):
            off_school |= {first + timedelta(days=n) for n in range((last - first).days + 1)}
    result = []
    day = start
    while day <= end:
        weekday = day.weekday()
        christmas = (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)
        august = day.month == 8 and day.day <= 21
        in_holidays = day in off_school
        factor = 0.0
        if day in holidays or christmas:
            pass
        elif template.calendar == "loisirs":
            if in_holidays and weekday < 5:
                factor = 1.2
            elif weekday in template.weekdays:
                factor = 0.8
        elif august:
            pass
        elif template.calendar == "scolaire":
            factor = 1.0 if weekday in template.weekdays and not in_holidays else 0.0
        elif template.calendar == "sorties":
            if weekday == 5 and day.isocalendar()[1] % 2 == 0:
                factor = 1.0
            elif weekday == 3 and day.month == 7:
                factor = 0.9
        elif weekday in template.weekdays:
            factor = 1.0
        if factor:
            result.append((day, factor))
        day += timedelta(days=1)
    return result


@contextmanager
def bulk_load(cursor, table: str):
    """Drop a table's secondary indexes, unique and foreign-key constraints for a bulk load, and rebuild
    them afterwards from their own definitions (an index a later migration adds is rebuilt too). Inside
    the caller's transaction: on error, the rollback restores them."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    # Django's foreign keys are deferred: rows copied earlier in the transaction still have checks
    # pending on the referenced tables, and a table with pending checks cannot be altered.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _name, definition in indexes:
        cursor.execute(definition)
    # Unique constraints first: a foreign key is checked faster with the indexes in place.
    for name, definition, _kind in sorted(constraints, key=lambda c: c[2] != "u"):
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- The command ---------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Génère trois ans de présences (10 millions de lignes) sur le réseau « bench » de "
        "generate_scale_data, pour le benchmark `presences`. Idempotent ; --force reconstruit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--attendance-rows", type=int, default=10_000_000)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--cancelled-ratio", type=float, default=0.03)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--staff-users",
            type=int,
            default=100,
            help="Centres qui ont une séance aujourd'hui, un compte d'animation et un de direction.",
        )
        parser.add_argument("--staff-password", default=DEFAULT_PASSWORD)
        parser.add_argument("--force", action="store_true", help="Supprime et reconstruit les présences.")
        parser.add_argument(
            "--delete", action="store_true", help="Supprime seulement les données de présences du réseau."
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_attendance_data a besoin de PostgreSQL (DATABASE_URL=postgres://…).")
        started = time.monotonic()
        centres = list(
            Centre.objects.filter(territory__federation__slug=FEDERATION_SLUG)
            .order_by("slug")
            .values_list("id", flat=True)
        )
        if options["delete"]:
            self._delete(centres)
            self.stdout.write(f"Présences du réseau « {FEDERATION_SLUG} » supprimées.")
            return
        if not centres:
            raise CommandError("Pas de réseau « bench » : lancez d'abord `manage.py generate_scale_data`.")
        if not 0 < options["staff_users"] <= len(centres):
            raise CommandError(f"--staff-users doit être entre 1 et {len(centres)} (un compte par centre).")
        if options["attendance_rows"] < 1 or options["years"] < 1:
            raise CommandError("Il faut au moins une présence sur au moins un an.")

        today = timezone.localdate()
        # The centres of generate_scale_data's reception accounts, chosen the same way.
        step = len(centres) / options["staff_users"]
        staff_centres = [centres[int(i * step)] for i in range(options["staff_users"])]
        self._refresh_today(centres, staff_centres, today)
        existing = self._existing(centres)
        wanted = {"activities": len(centres) * len(TEMPLATES), "attendance_rows": options["attendance_rows"]}
        if existing == wanted and not options["force"]:
            self.stdout.write(f"Présences de benchmark déjà là ({existing}) : rien à générer.")
        else:
            if existing["activities"] or existing["attendance_rows"]:
                self._delete(centres)
                self.stdout.write(f"Anciennes présences supprimées ({time.monotonic() - started:.1f} s).")
            self._generate(centres, today, options, started)
            self._refresh_today(centres, staff_centres, today)
            self.stdout.write(
                self.style.SUCCESS(f"Jeu de données de présences prêt en {time.monotonic() - started:.1f} s.")
            )
        self._accounts(staff_centres, options["staff_password"])

    # --- what is there ---------------------------------------------------------------------------------

    def _existing(self, centres: list[int]) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM activities_activity WHERE centre_id = ANY(%s)", [centres])
            activities = cursor.fetchone()[0]
            # Rows of an import benchmark that stopped half-way are not part of the dataset.
            cursor.execute(
                "SELECT count(*) FROM activities_attendance "
                "WHERE centre_id = ANY(%s) AND import_batch_id IS NULL",
                [centres],
            )
            rows = cursor.fetchone()[0]
        return {"activities": activities, "attendance_rows": rows}

    def _delete(self, centres: list[int]):
        """Raw deletes, children first. TRUNCATE when the network holds every row (ten million DELETEs
        take minutes)."""
        tables = [
            (HeadCount, "centre_id = ANY(%s)"),
            (Attendance, "centre_id = ANY(%s)"),
            (Participant, "activity_id IN (SELECT id FROM activities_activity WHERE centre_id = ANY(%s))"),
            (Session, "centre_id = ANY(%s)"),
            (AttendanceImport, "centre_id = ANY(%s)"),
            (Activity, "centre_id = ANY(%s)"),
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for model, where in tables:
                table = model._meta.db_table
                cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}" WHERE NOT ({where}))', [centres])  # noqa: S608
                others = cursor.fetchone()[0]
                if not others and model in (HeadCount, Attendance):
                    cursor.execute(f'TRUNCATE "{table}"')
                else:
                    cursor.execute(f'DELETE FROM "{table}" WHERE {where}', [centres])  # noqa: S608

    # --- the history -----------------------------------------------------------------------------------

    def _generate(self, centres: list[int], today: date, options, started: float):
        rng = random.Random(options["seed"])
        end = today - timedelta(days=1)
        try:
            start = end.replace(year=end.year - options["years"]) + timedelta(days=1)
        except ValueError:  # 29 February
            start = end.replace(year=end.year - options["years"], day=28) + timedelta(days=1)
        people = self._people(centres, today)
        average = sum(len(p["tous"]) for p in people.values()) / len(centres)
        calendars = [session_dates(t, start, end) for t in TEMPLATES]
        first_season = school_year(start)
        seasons = school_year(end) - first_season + 1
        tz = ZoneInfo(settings.TIME_ZONE)

        with transaction.atomic(), connection.cursor() as wrapper:
            cursor = wrapper.cursor  # the psycopg cursor, for COPY
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            # Memoize would cache the random() of the generate_series below per number of rows (the same
            # statuses for every session of that size).
            cursor.execute("SET LOCAL enable_memoize = off")
            cursor.execute("SELECT setseed(%s)", [(options["seed"] % 1000) / 1000])

            # Activities, rosters and participants.
            first_activity = _reserve_ids(cursor, Activity._meta.db_table, len(centres) * len(TEMPLATES))
            activity_rows, roster_rows, participant_rows = [], [], []
            plans = []  # (activity id, centre id, template, active roster size, size factor)
            for c_index, centre_id in enumerate(centres):
                pools = people[centre_id]
                factor = max(len(pools["tous"]), 1) / average
                for t_index, template in enumerate(TEMPLATES):
                    activity_id = first_activity + c_index * len(TEMPLATES) + t_index
                    activity_rows.append(
                        (activity_id, centre_id, template.name, template.kind, template.counts_only)
                    )
                    if template.counts_only:
                        plans.append((activity_id, centre_id, template, 0, factor))
                        continue
                    size = factor**0.7 if template.scales else 1.0
                    core, season = max(1, round(template.core * size)), max(1, round(template.season * size))
                    pool = pools[template.audience]
                    if core + seasons * season > len(pool):  # a small centre: smaller rosters
                        shrink = len(pool) / (core + seasons * season)
                        core, season = max(0, int(core * shrink)), max(0, int(season * shrink))
                    if core + season == 0:
                        plans.append((activity_id, centre_id, template, 0, factor))
                        continue
                    chosen = rng.sample(pool, core + seasons * season)
                    regulars, by_season = chosen[:core], chosen[core:]
                    for person_id in regulars:
                        joined = start - timedelta(days=rng.randint(0, 400))
                        participant_rows.append((activity_id, person_id, joined, None))
                    for y in range(seasons):
                        members = by_season[y * season : (y + 1) * season]
                        season_start = max(date(first_season + y, 9, 1), start)
                        left = date(first_season + y + 1, 9, 1) if y < seasons - 1 else None
                        for person_id in members:
                            participant_rows.append((activity_id, person_id, season_start, left))
                        roster_rows.append((activity_id, y, regulars + members))
                    plans.append((activity_id, centre_id, template, core + season, factor))
            _copy(cursor, Activity, ["id", "centre_id", "name", "kind", "counts_only"], activity_rows)
            _copy(cursor, Participant, ["activity_id", "person_id", "joined_on", "left_on"], participant_rows)
            self.stdout.write(
                f"{len(activity_rows)} activités, {len(participant_rows)} participants "
                f"({time.monotonic() - started:.1f} s)."
            )

            # Sessions, and how many rows each gets: calibrated so that the total is exact.
            sessions, counts, heads = self._sessions(plans, calendars, rng, options, first_season)
            self._calibrate(sessions, counts, options["attendance_rows"], rng)
            first_session = _reserve_ids(cursor, Session._meta.db_table, len(sessions))
            session_rows, plan_rows, head_rows = [], [], []
            for index, (activity_id, centre_id, template, day, cancelled, season, roster) in enumerate(
                sessions
            ):
                session_id = first_session + index
                hours = counted_hours(template.start, template.end, template.cap)
                session_rows.append(
                    (
                        session_id,
                        centre_id,
                        activity_id,
                        day,
                        template.start,
                        template.end,
                        hours,
                        Session.Status.CANCELLED if cancelled else Session.Status.PLANNED,
                        rng.choice(CANCEL_REASONS) if cancelled else "",
                    )
                )
                recorded = datetime.combine(day, template.end, tzinfo=tz)
                if counts[index]:
                    plan_rows.append(
                        (session_id, centre_id, activity_id, day, hours, recorded, season, counts[index],
                         rng.randrange(roster), roster)
                    )  # fmt: skip
                if index in heads:
                    for category, count in heads[index]:
                        head_rows.append((session_id, centre_id, activity_id, day, category, count, recorded))
            _copy(
                cursor,
                Session,
                [
                    "id",
                    "centre_id",
                    "activity_id",
                    "date",
                    "start_time",
                    "end_time",
                    "counted_hours",
                    "status",
                    "cancel_reason",
                ],
                session_rows,
            )
            _copy(
                cursor,
                HeadCount,
                ["session_id", "centre_id", "activity_id", "date", "category", "count", "recorded_at"],
                head_rows,
            )
            self.stdout.write(
                f"{len(session_rows)} séances ({sum(1 for s in sessions if s[4])} annulées), "
                f"{len(head_rows)} comptages ({time.monotonic() - started:.1f} s)."
            )

            cursor.execute(
                "CREATE TEMP TABLE bench_plan (session_id bigint, centre_id bigint, activity_id bigint, "
                "date date, hours numeric(4,2), recorded_at timestamptz, season int, n int, first int, "
                "roster int) ON COMMIT DROP"
            )
            cursor.execute(
                "CREATE TEMP TABLE bench_roster (activity_id bigint, season int, members bigint[], "
                "PRIMARY KEY (activity_id, season)) ON COMMIT DROP"
            )
            plan_rows.sort(key=lambda row: (row[3], row[0]))  # by date, as they would have been noted
            with cursor.copy("COPY bench_plan FROM STDIN") as copy:
                for row in plan_rows:
                    copy.write_row(row)
            with cursor.copy("COPY bench_roster FROM STDIN") as copy:
                for row in roster_rows:
                    copy.write_row(row)
            cursor.execute("ANALYZE bench_plan")
            cursor.execute("ANALYZE bench_roster")
            del session_rows, plan_rows, head_rows, sessions, counts

            # The attendance rows, in the order they would have been recorded (by date).
            insert = """
            INSERT INTO activities_attendance
                (session_id, person_id, centre_id, activity_id, date, hours, status, source,
                 recorded_by_id, recorded_at, import_batch_id)
            SELECT p.session_id, p.members[(p.first + j.k) %% p.roster + 1], p.centre_id, p.activity_id,
                   p.date, p.hours,
                   CASE WHEN j.x < 0.86 THEN %s WHEN j.x < 0.95 THEN %s ELSE %s END,
                   CASE WHEN j.y < 0.85 THEN %s ELSE %s END,
                   NULL,
                   p.recorded_at + CASE WHEN j.y < 0.85 THEN interval '0' ELSE interval '2 days' END,
                   NULL
            FROM (
                SELECT p.*, (SELECT r.members FROM bench_roster r
                             WHERE r.activity_id = p.activity_id AND r.season = p.season) AS members
                FROM bench_plan p
                OFFSET 0
            ) p
            CROSS JOIN LATERAL (
                SELECT k, random() AS x, random() AS y FROM generate_series(0, p.n - 1) AS k
            ) j
            """
            statuses = [
                Attendance.Status.PRESENT,
                Attendance.Status.ABSENT,
                Attendance.Status.EXCUSED,
                Attendance.Source.TAP,
                Attendance.Source.PAPER,
            ]
            if options["verbosity"] >= 2:
                cursor.execute("EXPLAIN " + insert, statuses)
                self.stdout.write("\n".join(row[0] for row in cursor.fetchall()))
            with bulk_load(cursor, Attendance._meta.db_table):
                cursor.execute(insert, statuses)
                inserted = cursor.rowcount
            if inserted != options["attendance_rows"]:
                raise CommandError(f"{inserted} présences insérées au lieu de {options['attendance_rows']}.")
            self.stdout.write(f"{inserted} présences ({time.monotonic() - started:.1f} s).")

        # Outside the transaction: fill the visibility map (index-only scans) and give the planner
        # statistics.
        with connection.cursor() as cursor:
            for model in (Activity, Participant, Session, HeadCount, Attendance):
                cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
        self.stdout.write(f"VACUUM ANALYZE ({time.monotonic() - started:.1f} s).")

    def _people(self, centres: list[int], today: date) -> dict[int, dict[str, list[int]]]:
        """Per centre, the ids of its people for each audience."""
        pools = {centre_id: {name: [] for name in AUDIENCES} for centre_id in centres}
        people = (
            Person.objects.filter(centre_id__in=centres, anonymised_at__isnull=True)
            .order_by("id")
            .values_list("id", "centre_id", "birth_date")
        )
        for person_id, centre_id, birth in people.iterator(chunk_size=20_000):
            age = None
            if birth is not None:
                age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
            for name, ages in AUDIENCES.items():
                if ages is None or age is not None and age >= ages[0] and (ages[1] is None or age <= ages[1]):
                    pools[centre_id][name].append(person_id)
        return pools

    def _sessions(self, plans, calendars, rng, options, first_season):
        """Every session: (activity, centre, template, day, cancelled, season, roster size), the wished
        number of attendance rows of each (before calibration), and the head counts of open-door ones."""
        sessions, counts, heads = [], [], {}
        cancelled_ratio = options["cancelled_ratio"]
        for activity_id, centre_id, template, roster, factor in plans:
            calendar = calendars[TEMPLATES.index(template)]
            scale = factor**0.7 if template.scales else 1.0
            for day, day_factor in calendar:
                cancelled = rng.random() < cancelled_ratio
                index = len(sessions)
                sessions.append(
                    (
                        activity_id,
                        centre_id,
                        template,
                        day,
                        cancelled,
                        school_year(day) - first_season,
                        roster,
                    )
                )
                wished = 0.0
                if cancelled:
                    pass
                elif template.counts_only:
                    heads[index] = [
                        (HeadCount.Category.ADULTS, max(1, round(rng.uniform(2, 14) * scale))),
                        (HeadCount.Category.CHILDREN, max(1, round(rng.uniform(3, 24) * scale))),
                    ]
                elif roster:
                    wished = template.attendance * scale * day_factor * rng.uniform(0.6, 1.4)
                counts.append(wished)
        return sessions, counts, heads

    def _calibrate(self, sessions, counts: list, target: int, rng):
        """Turn wished counts into whole numbers of rows, within each roster, adding up to `target`."""
        capacity = [s[6] if counts[i] > 0 else 0 for i, s in enumerate(sessions)]
        if sum(capacity) < target:
            raise CommandError(
                f"Les effectifs ne permettent que {sum(capacity)} présences : moins que {target}."
            )
        wished = list(counts)
        multiplier = target / sum(wished)
        for _ in range(6):  # rounding and rosters cap the counts: a few passes converge
            for i, w in enumerate(wished):
                counts[i] = min(capacity[i], max(1, round(w * multiplier))) if w > 0 else 0
            total = sum(counts)
            if total == target:
                return
            multiplier *= target / total
        order = [i for i, w in enumerate(wished) if w > 0]
        while total != target:
            rng.shuffle(order)
            step = 1 if total < target else -1
            for i in order:
                if total == target:
                    break
                if (step > 0 and counts[i] < capacity[i]) or (step < 0 and counts[i] > 1):
                    counts[i] += step
                    total += step

    # --- today's sessions and the accounts ---------------------------------------------------------------

    def _refresh_today(self, centres: list[int], staff_centres: list[int], today: date):
        """Today's tap sessions, made anew: the previous ones (another day's, with their taps) go."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM activities_session WHERE centre_id = ANY(%s) AND title = %s",
                [centres, TODAY_TITLE],
            )
            old = [row[0] for row in cursor.fetchall()]
            if old:
                cursor.execute("DELETE FROM activities_attendance WHERE session_id = ANY(%s)", [old])
                cursor.execute("DELETE FROM activities_headcount WHERE session_id = ANY(%s)", [old])
                cursor.execute("DELETE FROM activities_session WHERE id = ANY(%s)", [old])
            template = next(t for t in TEMPLATES if t.name == TAP_ACTIVITY)
            activities = dict(
                Activity.objects.filter(centre_id__in=staff_centres, name=TAP_ACTIVITY).values_list(
                    "centre_id", "id"
                )
            )
            if not activities:
                return  # no history yet: made after the generation
            Session.objects.bulk_create(
                Session(
                    centre_id=centre_id,
                    activity_id=activities[centre_id],
                    date=today,
                    start_time=template.start,
                    end_time=template.end,
                    counted_hours=counted_hours(template.start, template.end, template.cap),
                    title=TODAY_TITLE,
                )
                for centre_id in staff_centres
                if centre_id in activities
            )
        self.stdout.write(f"{len(activities)} séances « {TAP_ACTIVITY} » aujourd'hui ({today:%d/%m/%Y}).")

    def _accounts(self, staff_centres: list[int], password: str):
        """Animators and directors of the staff centres, and one federation account. The password is
        hashed once (PBKDF2 is deliberately slow) and shared by all."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        encoded = make_password(password)
        federation = Federation.objects.get(slug=FEDERATION_SLUG)
        existing = {u.email: u for u in User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")}

        def account(email: str, first_name: str, last_name: str) -> User:
            user = existing.get(email) or User(email=email, first_name=first_name, last_name=last_name)
            user.password = encoded
            user.is_active = True
            user.save()
            return user

        with transaction.atomic():
            for index, centre_id in enumerate(staff_centres, start=1):
                for email, role, label in (
                    (animator_email(index), Role.ANIMATOR, "Animation"),
                    (director_email(index), Role.DIRECTOR, "Direction"),
                ):
                    user = account(email, label, f"Bench {index:04d}")
                    StaffRole.objects.filter(user=user).exclude(centre_id=centre_id, role=role).delete()
                    StaffRole.objects.update_or_create(
                        user=user, centre_id=centre_id, defaults={"role": role, "is_active": True}
                    )
                    if role == Role.DIRECTOR:
                        TOTPDevice.objects.get_or_create(
                            user=user, defaults={"name": "bench", "confirmed": True}
                        )
            user = account(FEDERATION_EMAIL, "Fédération", "Bench")
            StaffRole.objects.filter(user=user).exclude(federation=federation).delete()
            StaffRole.objects.update_or_create(
                user=user,
                federation=federation,
                defaults={"role": Role.FEDERATION, "is_active": True, "centre": None, "territory": None},
            )
            TOTPDevice.objects.get_or_create(user=user, defaults={"name": "bench", "confirmed": True})
        count = len(staff_centres)
        self.stdout.write(
            f"{count} comptes d'animation ({animator_email(1)} …), "
            f"{count} de direction ({director_email(1)} …) "
            f"et {FEDERATION_EMAIL}, mot de passe commun ; TOTP pour la direction et la fédération."
        )
