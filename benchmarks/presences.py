"""The `presences` benchmark (issue 4, « Check »): taps, monthly reports, the network roll-up and an import,
on 10,000,000 attendance rows (300 centres, 3 years: `manage.py generate_attendance_data`).

1. Taps — 100 animators, each logged in on its own centre and on today's « Atelier cuisine » session
   (25 participants), all at once. Each one reads the sheet (`GET /presences/seances/<id>/`) then taps,
   at an animator's pace: it waits 1 to 2 s (uniform) after each answer, then taps a participant drawn at
   random with a status drawn at random, as htmx does it:
       POST /presences/seances/<id>/personnes/<person>/  statut=…  (HX-Request, X-CSRFToken)  -> the row
   A warm-up, then runs of a fixed duration: p95 per run, the metric is the median over the runs. After
   the runs, the database must hold, for every (session, person) tapped, the last status sent: a
   difference is an event lost.
2. Centre reports — directors of different centres (10 at once by default, other ones at each run), each
   opening the monthly report of its centre (`GET /bilans/?mois=YYYY-MM`) for months drawn among the
   35 full months of the dataset, with an exponential think time (2 s mean). Same runs, same median of
   the p95.
3. Network roll-up — the federation account opens `GET /bilans/reseau/?mois=…` for several different
   months, one after the other (one more month first, not counted): median and max, in seconds.
4. Import — in-process (the functions the views call): a CSV of 100,000 rows (UTF-8, `;`, dd/mm/yyyy)
   of one centre's past attendance, three years before the dataset's history (its people, plus some
   unknown ones to create, plus a few bad rows), timed through `prepare_import`, `preview` and
   `run_import`. Then the same file is imported again: nothing may be added. The rows, sessions and
   people of the import are removed afterwards (and before, if a run stopped half-way).

Run by benchmarks/run.sh against its gunicorn (BENCH_ONLY=presences); standalone:
    DJANGO_SETTINGS_MODULE=csc.settings DATABASE_URL=... python benchmarks/presences.py --base-url ...
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.loadgen import CpuMeter, log_in, login_all, percentile, wait_for_quiet, write_result  # noqa: E402  (after the path is set)

TARGETS = {
    "tap_p95_ms_100_animators": 50,
    "centre_month_report_p95_ms": 300,
    "federation_month_rollup_s": 3,
    "import_100k_rows_s": 60,
    "tap_errors": 0,
    "tap_events_lost": 0,
    "report_errors": 0,
    "import_rows_added_on_rerun": 0,
}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ROW_ID = re.compile(r'id="personne-(\d+)"')
REPORT_MARK = "Chiffres clés"
STATUSES = ("present", "absent", "excuse")
IMPORT_FILE_NAME = "bench-import-presences.csv"
EMAIL_DOMAIN = "bench.localhost"


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csc.settings")
    import django

    django.setup()


# --- the workload, from the database ---------------------------------------------------------------------


@dataclass
class Account:
    email: str
    centre_id: int | None
    session_id: int | None = None
    totp: dict | None = None  # key, step, t0, digits, drift, last_t


def load_workload(database_url: str, today: date) -> dict:
    import psycopg

    from csc.activities.management.commands.generate_attendance_data import FEDERATION_EMAIL, TODAY_TITLE

    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT u.email, r.centre_id, s.id FROM core_user u "
            "JOIN core_staffrole r ON r.user_id = u.id AND r.is_active AND r.role = 'animator' "
            "LEFT JOIN activities_session s ON s.centre_id = r.centre_id AND s.title = %s AND s.date = %s "
            "WHERE u.is_active AND u.email LIKE %s ORDER BY u.email",
            [TODAY_TITLE, today, f"bench-animation-%@{EMAIL_DOMAIN}"],
        )
        animators = [Account(email, centre, session) for email, centre, session in cur.fetchall()]
        devices = (
            "SELECT u.email, r.centre_id, d.key, d.step, d.t0, d.digits, d.drift, d.last_t FROM core_user u "
            "JOIN core_staffrole r ON r.user_id = u.id AND r.is_active "
            "JOIN otp_totp_totpdevice d ON d.user_id = u.id AND d.confirmed "
            "WHERE u.is_active AND u.email LIKE %s ORDER BY u.email"
        )
        cur.execute(devices, [f"bench-direction-%@{EMAIL_DOMAIN}"])
        directors = [_with_totp(row) for row in cur.fetchall()]
        cur.execute(devices, [FEDERATION_EMAIL])
        federation = [_with_totp(row) for row in cur.fetchall()]

        cur.execute(
            "SELECT c.id FROM core_centre c JOIN core_territory t ON t.id = c.territory_id "
            "JOIN core_federation f ON f.id = t.federation_id WHERE f.slug = 'bench'"
        )
        centres = [row[0] for row in cur.fetchall()]
        dataset = {"centres": len(centres)}
        queries = {
            "attendance_rows": "SELECT count(*) FROM activities_attendance WHERE centre_id = ANY(%s) "
            "AND import_batch_id IS NULL AND date < %s",
            "sessions": "SELECT count(*) FROM activities_session WHERE centre_id = ANY(%s) AND date < %s",
            "cancelled_sessions": "SELECT count(*) FROM activities_session WHERE centre_id = ANY(%s) "
            "AND date < %s AND status = 'annulee'",
            "head_counts": "SELECT count(*) FROM activities_headcount "
            "WHERE centre_id = ANY(%s) AND date < %s",
        }
        for key, sql in queries.items():
            cur.execute(sql, [centres, today])
            dataset[key] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM activities_activity WHERE centre_id = ANY(%s)", [centres])
        dataset["activities"] = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM activities_participant p "
            "JOIN activities_activity a ON a.id = p.activity_id WHERE a.centre_id = ANY(%s)",
            [centres],
        )
        dataset["participants"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM people_person WHERE centre_id = ANY(%s)", [centres])
        dataset["people"] = cur.fetchone()[0]
        cur.execute(
            "SELECT count(DISTINCT person_id) FROM activities_attendance WHERE centre_id = ANY(%s) "
            "AND import_batch_id IS NULL AND date < %s",
            [centres, today],
        )
        dataset["people_with_attendance"] = cur.fetchone()[0]
        cur.execute(
            "SELECT min(date), max(date) FROM activities_session WHERE centre_id = ANY(%s) AND date < %s "
            "AND title = ''",
            [centres, today],
        )
        first, last = cur.fetchone()
        dataset["first_day"], dataset["last_day"] = str(first), str(last)
        if first and last:
            dataset["years"] = round((last - first).days / 365.25, 1)
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('activities_attendance'))")
        dataset["attendance_table_size"] = cur.fetchone()[0]
        cur.execute("SHOW server_version")
        dataset["postgresql"] = cur.fetchone()[0]
    months = full_months(first, last) if first and last else []
    return {
        "animators": animators,
        "directors": directors,
        "federation": federation,
        "months": months,
        "dataset": dataset,
        "centres": centres,
        "history_start": first,
    }


def _with_totp(row) -> Account:
    email, centre_id, key, step, t0, digits, drift, last_t = row
    return Account(
        email,
        centre_id,
        totp={"key": key, "step": step, "t0": t0, "digits": digits, "drift": drift, "last_t": last_t},
    )


def full_months(first: date, last: date) -> list[str]:
    """The months wholly inside [first, last], as YYYY-MM."""
    months = []
    year, month = first.year, first.month
    if first.day != 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while True:
        following = date(year + (month == 12), month % 12 + 1, 1)
        if following - timedelta(days=1) > last:
            break
        months.append(f"{year}-{month:02d}")
        year, month = following.year, following.month
    return months


# --- virtual staff members over HTTP ---------------------------------------------------------------------


class Client:
    def __init__(self, account: Account, base_url: str, timeout: float):
        self.account = account
        self.http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            headers={"User-Agent": "csc-presences-bench/1"},
        )

    @property
    def email(self) -> str:
        return self.account.email

    async def login(self, password: str):
        # Accounts with a second factor are sent on to it, under /compte/ too: only the login page
        # again is a refusal.
        await log_in(self.http, self.account.email, password, refused_at="/compte/connexion")
        if self.account.totp:
            await self.second_factor()

    async def second_factor(self):
        """The TOTP code of the account's device, as an authenticator app shows it."""
        from django_otp.oath import TOTP

        device = self.account.totp
        totp = TOTP(
            bytes.fromhex(device["key"]), device["step"], device["t0"], device["digits"], device["drift"]
        )
        totp.time = time.time()
        if totp.t() <= device["last_t"]:  # this code was used already (a run a few seconds ago)
            await asyncio.sleep(device["step"] - (time.time() - device["t0"]) % device["step"] + 0.5)
            totp.time = time.time()
        url = "/compte/double-authentification/code/"
        page = await self.http.get(url)
        token = CSRF_INPUT.search(page.text)
        if page.status_code != 200 or not token:
            raise RuntimeError(
                f"page du code TOTP inattendue pour {self.account.email} (HTTP {page.status_code})"
            )
        response = await self.http.post(
            url,
            data={"csrfmiddlewaretoken": token.group(1), "token": f"{totp.token():0{device['digits']}d}"},
            headers={"Referer": f"{self.http.base_url}{url.lstrip('/')}"},
        )
        if response.status_code != 302:
            raise RuntimeError(f"code TOTP refusé pour {self.account.email} (HTTP {response.status_code})")
        device["last_t"] = totp.t()

    async def close(self):
        await self.http.aclose()


@dataclass
class Window:
    """One measured stretch of time: latencies of the requests that ended inside it, and errors."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    machine: dict | None = None
    cpu: dict | None = None
    extra: dict = field(default_factory=dict)

    def record(self, ms: float, error: str | None):
        if error is None:
            self.latencies.append(ms)
        else:
            self.errors += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(error)

    def summary(self) -> dict:
        values = self.latencies
        requests = len(values) + self.errors
        return {
            "name": self.name,
            "requests": requests,
            "seconds": round(self.seconds, 2),
            "per_second": round(requests / self.seconds, 1) if self.seconds else 0.0,
            "errors": self.errors,
            "p50_ms": percentile(values, 50),
            "p95_ms": percentile(values, 95),
            "p99_ms": percentile(values, 99),
            "max_ms": round(max(values), 1) if values else None,
            "mean_ms": round(statistics.fmean(values), 1) if values else None,
            **self.extra,
            "machine_before": self.machine,
            "cpu": self.cpu,
            **({"error_samples": self.error_samples} if self.error_samples else {}),
        }


async def measured(name: str, seconds: float, workers, meter: CpuMeter, args) -> dict:
    """Run `workers(window, deadline)` coroutines until the deadline; CPU and machine state recorded."""
    window = Window(name)
    window.machine = await wait_for_quiet(meter, args.quiet_cores, args.quiet_timeout)
    meter.start()
    started = time.monotonic()
    await asyncio.gather(*workers(window, started + seconds))
    window.seconds = time.monotonic() - started
    window.cpu = meter.stop(len(window.latencies) + window.errors)
    summary = window.summary()
    summary["disturbed"] = bool(summary["cpu"] and summary["cpu"]["other_cores"] > args.disturbed_cores)
    print(f"{name} : {json.dumps(summary, ensure_ascii=False)}", file=sys.stderr)
    return summary


# --- 1. taps -------------------------------------------------------------------------------------------


class Animator(Client):
    def __init__(self, account: Account, base_url: str, timeout: float, rng: random.Random):
        super().__init__(account, base_url, timeout)
        self.rng = rng
        self.people: list[int] = []
        self.csrf = ""
        self.sent: dict[int, str] = {}  # person -> last status the server acknowledged

    async def open_sheet(self):
        url = f"/presences/seances/{self.account.session_id}/"
        page = await self.http.get(url)
        token = CSRF_INPUT.search(page.text)
        if page.status_code != 200 or not token:
            raise RuntimeError(f"feuille d'appel {url} : HTTP {page.status_code}")
        self.csrf = token.group(1)
        self.people = sorted({int(i) for i in ROW_ID.findall(page.text)})
        if not self.people:
            raise RuntimeError(f"feuille d'appel {url} sans participant")

    async def loop(self, window: Window, deadline: float, pace: tuple[float, float]):
        await asyncio.sleep(self.rng.uniform(0, pace[1]))  # animators do not start in step
        while True:
            await asyncio.sleep(self.rng.uniform(*pace))
            if time.monotonic() >= deadline:
                return
            person = self.rng.choice(self.people)
            status = self.rng.choice(STATUSES)
            started = time.perf_counter()
            error = await self.tap(person, status)
            if error is None:
                self.sent[person] = status
            window.record((time.perf_counter() - started) * 1000, error)

    async def tap(self, person: int, status: str) -> str | None:
        """One tap, as htmx sends it: None when the server answered with the person's row, else what
        went wrong (benchmarks/exploitation.py taps through it too)."""
        session = self.account.session_id
        url = f"/presences/seances/{session}/personnes/{person}/"
        try:
            response = await self.http.post(
                url,
                data={"csrfmiddlewaretoken": self.csrf, "statut": status, "attendu": "1"},
                headers={
                    "HX-Request": "true",
                    "X-CSRFToken": self.csrf,
                    "Referer": f"{self.http.base_url}presences/seances/{session}/",
                },
            )
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__} {url}"
        if response.status_code != 200:
            return f"HTTP {response.status_code} {url}: {response.text[:120]}"
        if f'id="personne-{person}"' not in response.text:
            return f"réponse sans la ligne de la personne {url}"
        return None


def events_lost(database_url: str, animators: list[Animator]) -> dict:
    """Taps acknowledged by the server whose status the database does not hold."""
    import psycopg

    expected = {(a.account.session_id, person): s for a in animators for person, s in a.sent.items()}
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT session_id, person_id, status FROM activities_attendance WHERE session_id = ANY(%s)",
            [[a.account.session_id for a in animators]],
        )
        stored = {(session, person): status for session, person, status in cur.fetchall()}
    lost = sum(1 for key, status in expected.items() if stored.get(key) != status)
    return {"checked": len(expected), "events_lost": lost, "rows_on_sheets": len(stored)}


async def tap_benchmark(work: dict, args, meter: CpuMeter) -> dict:
    accounts = [a for a in work["animators"] if a.session_id][: args.animators]
    if len(accounts) < args.animators:
        raise SystemExit(
            f"{len(accounts)} animateurs avec une séance aujourd'hui pour {args.animators} : lancez "
            "`manage.py generate_attendance_data` (il refait les séances du jour)."
        )
    rng = random.Random(args.seed)
    animators = [Animator(a, args.base_url, args.timeout, random.Random(rng.random())) for a in accounts]
    pace = (args.tap_pace_min, args.tap_pace_max)
    try:
        started = time.monotonic()
        failures = await login_all(animators, args.password, args.login_parallel)
        if failures:
            raise SystemExit("Échec de connexion :\n" + "\n".join(failures[:5]))
        await asyncio.gather(*(a.open_sheet() for a in animators))
        print(f"{len(animators)} animateurs connectés en {time.monotonic() - started:.1f} s", file=sys.stderr)

        def workers(window, deadline):
            return [a.loop(window, deadline, pace) for a in animators]

        warmup = await measured("taps, chauffe", args.warmup, workers, meter, args) if args.warmup else None
        runs = [
            await measured(f"taps, run {n}", args.duration, workers, meter, args)
            for n in range(1, args.runs + 1)
        ]
    finally:
        await asyncio.gather(*(a.close() for a in animators))
    check = events_lost(args.database_url, animators)
    return {
        "animators": len(animators),
        "participants_per_sheet": sorted({len(a.people) for a in animators}),
        "pace_s": list(pace),
        "warmup": warmup,
        "runs": runs,
        "check": check,
    }


# --- 2. centre reports and 3. the network roll-up --------------------------------------------------------


class Reader(Client):
    def __init__(self, account: Account, base_url: str, timeout: float, rng: random.Random):
        super().__init__(account, base_url, timeout)
        self.rng = rng

    async def get(self, url: str) -> tuple[float, str | None]:
        started = time.perf_counter()
        error = None
        try:
            response = await self.http.get(url)
            if response.status_code != 200:
                location = response.headers.get("location", "")
                error = f"HTTP {response.status_code} {url}" + (f" -> {location}" if location else "")
            elif REPORT_MARK not in response.text:
                error = f"page sans « {REPORT_MARK} » {url}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__} {url}"
        return (time.perf_counter() - started) * 1000, error

    async def loop(self, window: Window, deadline: float, months: list[str], think_ms: float, seen: set):
        await asyncio.sleep(self.rng.uniform(0, think_ms / 1000))
        while time.monotonic() < deadline:
            month = self.rng.choice(months)
            ms, error = await self.get(f"/bilans/?mois={month}")
            window.record(ms, error)
            seen.add((self.account.centre_id, month))
            await asyncio.sleep(min(self.rng.expovariate(1000 / think_ms), think_ms * 5 / 1000))


async def report_benchmark(work: dict, args, meter: CpuMeter) -> dict:
    months = work["months"]
    groups = args.runs + (1 if args.warmup else 0)
    needed = args.directors * groups
    directors = work["directors"]
    if len(directors) < args.directors:
        raise SystemExit(f"{len(directors)} comptes de direction pour {args.directors} directeurs à la fois.")
    rng = random.Random(args.seed + 1)
    # Other directors (other centres) at each run, as long as there are enough of them.
    chosen = [directors[i % len(directors)] for i in range(min(needed, len(directors)))]
    readers = [Reader(a, args.base_url, args.timeout, random.Random(rng.random())) for a in chosen]
    try:
        started = time.monotonic()
        failures = await login_all(readers, args.password, args.login_parallel)
        if failures:
            raise SystemExit("Échec de connexion :\n" + "\n".join(failures[:5]))
        print(f"{len(readers)} directeurs connectés en {time.monotonic() - started:.1f} s", file=sys.stderr)

        def group(n):
            return [readers[(n * args.directors + i) % len(readers)] for i in range(args.directors)]

        async def run(name, seconds, n):
            members = group(n)
            seen: set = set()

            def workers(window, deadline):
                return [r.loop(window, deadline, months, args.report_think_ms, seen) for r in members]

            summary = await measured(name, seconds, workers, meter, args)
            summary["centres"] = len({r.account.centre_id for r in members})
            summary["months"] = len({month for _, month in seen})
            summary["centre_months"] = len(seen)
            return summary

        warmup = await run("bilans de centre, chauffe", args.warmup, 0) if args.warmup else None
        first = 1 if args.warmup else 0
        runs = [
            await run(f"bilans de centre, run {n + 1}", args.duration, first + n) for n in range(args.runs)
        ]
    finally:
        await asyncio.gather(*(r.close() for r in readers))
    return {"directors_at_once": args.directors, "directors": len(readers), "warmup": warmup, "runs": runs}


async def rollup_benchmark(work: dict, args, meter: CpuMeter) -> dict:
    if not work["federation"]:
        raise SystemExit("Pas de compte fédération : lancez `manage.py generate_attendance_data`.")
    months = work["months"]
    # Months spread over the three years; the one before them warms up the server, not counted.
    step = max(1, len(months) // (args.rollup_months + 1))
    picked = months[::step][: args.rollup_months + 1]
    warm, measured_months = picked[0], picked[1:]
    reader = Reader(work["federation"][0], args.base_url, args.rollup_timeout, random.Random(args.seed))
    try:
        failures = await login_all([reader], args.password, 1)
        if failures:
            raise SystemExit("Échec de connexion :\n" + "\n".join(failures))
        machine = await wait_for_quiet(meter, args.quiet_cores, args.quiet_timeout)
        warm_ms, warm_error = await reader.get(f"/bilans/reseau/?mois={warm}")
        meter.start()
        timings, errors = [], []
        for month in measured_months:
            ms, error = await reader.get(f"/bilans/reseau/?mois={month}")
            timings.append({"month": month, "seconds": round(ms / 1000, 3), "error": error})
            if error:
                errors.append(error)
            print(f"réseau {month} : {ms / 1000:.2f} s{' — ' + error if error else ''}", file=sys.stderr)
        cpu = meter.stop(len(measured_months))
    finally:
        await reader.close()
    seconds = [t["seconds"] for t in timings if not t["error"]]
    return {
        "months": timings,
        "warmup": {"month": warm, "seconds": round(warm_ms / 1000, 3), "error": warm_error},
        "median_s": round(statistics.median(seconds), 3) if seconds else None,
        "max_s": max(seconds) if seconds else None,
        "errors": len(errors) + (1 if warm_error else 0),
        "machine_before": machine,
        "cpu": cpu,
    }


# --- 4. the import, in-process ---------------------------------------------------------------------------


def import_centre(work: dict) -> tuple[int, str]:
    """The staff centre with the most people, and its director (the import's actor)."""
    from django.db.models import Count

    from csc.core.models import Centre

    by_centre = {a.centre_id: a.email for a in work["directors"]}
    centre = (
        Centre.objects.filter(pk__in=by_centre)
        .annotate(n=Count("people"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return centre, by_centre[centre]


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def build_csv(centre_id: int, history_start: date, rows: int, seed: int) -> tuple[bytes, dict]:
    """`rows` rows of past attendance of the centre, the three years before `history_start`, as a
    French spreadsheet saves them: the centre's people (by name and birth date), about 3 % of rows for
    people unknown to the centre (new people, with sex and commune), and 0.1 % of bad rows."""
    from faker import Faker

    from csc.activities.management.commands.generate_attendance_data import TEMPLATES, session_dates
    from csc.activities.models import Activity
    from csc.core.text import normalize
    from csc.people.models import Person

    rng = random.Random(seed)
    end = history_start - timedelta(days=1)
    start = years_before(end, 3) + timedelta(days=1)
    people = list(
        Person.objects.filter(
            centre_id=centre_id,
            anonymised_at__isnull=True,
            birth_date__lt=years_before(start, 3),  # born well before their first session
        )
        .order_by("id")
        .values_list("last_name", "first_name", "birth_date", "sex", "city", "search_name")
    )
    known = {p[5] for p in people}
    faker = Faker("fr_FR")
    faker.seed_instance(seed)
    unknown = []
    while len(unknown) < 250:
        last, first = faker.last_name(), faker.first_name()
        if normalize(f"{last} {first}") not in known:
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 65))
            unknown.append((last, first, born, rng.choice("FM"), faker.city(), ""))
            known.add(normalize(f"{last} {first}"))
    activities = dict(
        Activity.objects.filter(centre_id=centre_id, counts_only=False).values_list("name", "id")
    )
    sessions = []  # (activity name, day, weight)
    for template in TEMPLATES:
        if template.counts_only or template.name not in activities:
            continue
        for day, factor in session_dates(template, start, end):
            sessions.append((template.name, day, template.attendance * factor))
    total_weight = sum(s[2] for s in sessions)
    # A roster per activity; sessions get rows in proportion to their activity's usual attendance,
    # within the roster, adding up to exactly `rows`.
    size = min(len(people), 200)
    rosters = {name: rng.sample(people, size) for name in activities}
    if rows > size * len(sessions):
        raise SystemExit(f"{rows} lignes ne tiennent pas dans {len(sessions)} séances de {size} personnes.")
    counts = [min(size, int(rows * weight / total_weight)) for _, _, weight in sessions]
    total = sum(counts)
    while total < rows:  # the rounding's remainder, to the sessions furthest below their share
        for index in sorted(
            range(len(sessions)), key=lambda i: counts[i] - rows * sessions[i][2] / total_weight
        ):
            if total < rows and counts[index] < size:
                counts[index] += 1
                total += 1
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Date", "Activité", "Nom", "Prénom", "Date de naissance", "Sexe", "Commune", "Présence"])
    written, bad, from_unknown = 0, 0, 0
    for (name, day, _weight), count in zip(sessions, counts, strict=True):
        attendees = rng.sample(rosters[name], count)
        for person in attendees:
            if rng.random() < 0.03:
                person = rng.choice(unknown)
                from_unknown += 1
            last, first, born, sex, city, _ = person
            day_text = f"{day:%d/%m/%Y}"
            status = rng.choices(["P", "A", "E", "présent", "x", ""], weights=[50, 8, 4, 15, 10, 13])[0]
            if rng.random() < 0.001:
                bad += 1
                if rng.random() < 0.5:
                    day_text = f"31/02/{day.year}"
                else:
                    status = "peut-être"
            writer.writerow([day_text, name, last, first, f"{born:%d/%m/%Y}", sex, city, status])
            written += 1
    data = out.getvalue().encode("utf-8")
    return data, {
        "rows": written,
        "bytes": len(data),
        "first_day": str(start),
        "last_day": str(end),
        "sessions_in_file": len(sessions),
        "rows_of_unknown_people": from_unknown,
        "bad_rows": bad,
    }


def clean_import(centre_id: int, history_start: date) -> dict:
    """Remove what the benchmark's imports added: their attendance, the sessions they created (all
    before the dataset's history), the people they created, and the import records."""
    from django.db import connection, transaction

    from csc.activities.models import AttendanceImport
    from csc.core.models import AuditEvent

    batches = list(
        AttendanceImport.objects.filter(centre_id=centre_id, file_name=IMPORT_FILE_NAME).values_list(
            "pk", flat=True
        )
    )
    details = [f"import de présences n° {pk}" for pk in batches]
    people = [
        int(pk)
        for pk in AuditEvent.objects.filter(
            centre_id=centre_id, object_type="people.person", detail__in=details
        ).values_list("object_id", flat=True)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM activities_attendance "
            "WHERE centre_id = %s AND (import_batch_id = ANY(%s) OR date < %s)",
            [centre_id, batches, history_start],
        )
        attendance = cursor.rowcount
        cursor.execute(
            "DELETE FROM activities_session WHERE centre_id = %s AND date < %s", [centre_id, history_start]
        )
        sessions = cursor.rowcount
        cursor.execute("DELETE FROM people_person WHERE centre_id = %s AND id = ANY(%s)", [centre_id, people])
        persons = cursor.rowcount
        cursor.execute("DELETE FROM activities_attendanceimport WHERE id = ANY(%s)", [batches])
    return {"attendance": attendance, "sessions": sessions, "people": persons, "imports": len(batches)}


def one_import(centre, data: bytes, actor) -> dict:
    from django.core.files.base import File

    from csc.activities.imports import services as imports

    phases = {}
    started = time.perf_counter()
    cpu_started = time.process_time()
    batch = imports.prepare_import(centre, File(io.BytesIO(data), name=IMPORT_FILE_NAME), actor)
    phases["prepare_import_s"] = round(time.perf_counter() - started, 3)
    mapping = imports.Mapping.from_json(batch.mapping)
    mark = time.perf_counter()
    preview = imports.preview(batch, mapping)
    phases["preview_s"] = round(time.perf_counter() - mark, 3)
    if preview.problems:
        raise SystemExit(f"Correspondance des colonnes refusée : {preview.problems}")
    mark = time.perf_counter()
    result = imports.run_import(batch, mapping, True, actor)
    phases["run_import_s"] = round(time.perf_counter() - mark, 3)
    total = time.perf_counter() - started
    return {
        "seconds": round(total, 3),
        **phases,
        "process_cpu_s": round(time.process_time() - cpu_started, 3),
        "mapping": mapping.to_json()["columns"],
        "preview": {
            "rows": preview.row_count,
            "to_add": preview.to_add,
            "to_add_for_new_people": preview.to_add_for_new_people,
            "already_there": preview.nothing_to_do,
            "errors": preview.errors,
            "new_people": preview.new_people,
            "new_sessions": preview.new_sessions,
            "earlier_import": bool(preview.earlier_import),
        },
        "result": {
            "imported": result.imported,
            "already_present": result.already_present,
            "errors": result.errors,
            "people_created": result.people_created,
            "sessions_created": result.sessions_created,
        },
    }


def import_benchmark(work: dict, args) -> dict:
    from csc.activities.models import Attendance
    from csc.core.models import Centre, User

    centre_id, email = import_centre(work)
    centre = Centre.objects.get(pk=centre_id)
    actor = User.objects.get(email=email)
    history_start = work["history_start"]
    leftovers = clean_import(centre_id, history_start)
    data, csv_info = build_csv(centre_id, history_start, args.import_rows, args.seed)
    runs = []
    try:
        for number in range(1, args.import_runs + 1):
            before = Attendance.objects.filter(centre_id=centre_id).count()
            first = one_import(centre, data, actor)
            after_first = Attendance.objects.filter(centre_id=centre_id).count()
            again = one_import(centre, data, actor)  # the same file once more: nothing to add
            after_again = Attendance.objects.filter(centre_id=centre_id).count()
            run = {
                "run": number,
                **first,
                "rows_added": after_first - before,
                "rerun": {
                    "seconds": again["seconds"],
                    "rows_added": after_again - after_first,
                    "imported": again["result"]["imported"],
                    "people_created": again["result"]["people_created"],
                    "sessions_created": again["result"]["sessions_created"],
                    "already_present": again["result"]["already_present"],
                    "preview_saw_earlier_import": again["preview"]["earlier_import"],
                },
                "cleaned": clean_import(centre_id, history_start),
            }
            runs.append(run)
            print(f"import, run {number} : {json.dumps(run, ensure_ascii=False)}", file=sys.stderr)
    finally:
        clean_import(centre_id, history_start)
    return {"centre_id": centre_id, "file": csv_info, "leftovers_removed": leftovers, "runs": runs}


# --- the whole benchmark ---------------------------------------------------------------------------------


def build_result(
    args, work: dict, taps: dict | None, reports: dict | None, rollup: dict | None, imported
) -> dict:
    metrics: dict = {}
    if taps:
        runs = taps["runs"]
        metrics["tap_p95_ms_100_animators"] = round(statistics.median(r["p95_ms"] for r in runs), 1)
        metrics["tap_p50_ms"] = round(statistics.median(r["p50_ms"] for r in runs), 1)
        metrics["taps_per_s"] = round(statistics.median(r["per_second"] for r in runs), 1)
        metrics["tap_errors"] = sum(r["errors"] for r in runs) + (
            taps["warmup"]["errors"] if taps["warmup"] else 0
        )
        metrics["tap_events_lost"] = taps["check"]["events_lost"]
    if reports:
        runs = reports["runs"]
        metrics["centre_month_report_p95_ms"] = round(statistics.median(r["p95_ms"] for r in runs), 1)
        metrics["centre_month_report_p50_ms"] = round(statistics.median(r["p50_ms"] for r in runs), 1)
        metrics["report_errors"] = sum(r["errors"] for r in runs) + (
            reports["warmup"]["errors"] if reports["warmup"] else 0
        )
    if rollup:
        metrics["federation_month_rollup_s"] = rollup["median_s"]
        metrics["federation_month_rollup_max_s"] = rollup["max_s"]
        metrics["report_errors"] = metrics.get("report_errors", 0) + rollup["errors"]
    if imported and imported["runs"]:
        runs = imported["runs"]
        metrics["import_100k_rows_s"] = round(statistics.median(r["seconds"] for r in runs), 2)
        metrics["import_rows_added_on_rerun"] = sum(r["rerun"]["rows_added"] for r in runs)
    targets = {k: v for k, v in TARGETS.items() if k in metrics}
    met = {
        key: metrics[key] is not None and (metrics[key] == 0 if target == 0 else metrics[key] < target)
        for key, target in targets.items()
    }
    dataset = dict(work["dataset"])
    if args.generation_seconds is not None:
        dataset["generation_seconds"] = args.generation_seconds
    return {
        "benchmark": "presences",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": args.git,
        "dataset": dataset,
        "metrics": metrics,
        "targets": targets,
        "targets_met": met,
        "method": {
            "taps": f"{args.animators} animators at once, each on its own centre and today's session "
            f"(25 participants), tapping a random participant with a random status, waiting "
            f"{args.tap_pace_min:g}-{args.tap_pace_max:g} s (uniform) after each answer. p95 per run, the "
            "metric is the median over the runs; events lost = taps acknowledged whose status the database "
            "does not hold afterwards.",
            "centre_reports": f"{args.directors} directors at once (other centres at each run), each opening "
            f"its centre's report for a random month of the dataset, think time {args.report_think_ms:g} ms "
            "mean (exponential). p95 per run, median over the runs.",
            "network_rollup": f"the federation account (all {dataset.get('centres')} centres), "
            f"{args.rollup_months} different months one after the other after one month of warm-up; "
            "median and max.",
            "import": f"in-process prepare_import + preview + run_import (create unknown people) of a "
            f"{args.import_rows}-row CSV, {args.import_runs} run(s), median; then the same file again "
            "(idempotence), then everything the import added is removed.",
            "runs": args.runs,
            "run_seconds": args.duration,
            "warmup_seconds": args.warmup,
            "server": args.server_description,
            "client": f"presences.py, httpx {httpx.__version__}, Python {platform.python_version()}",
            "cpus": os.cpu_count(),
            "quiet_before_run": f"waits up to {args.quiet_timeout:g} s for < {args.quiet_cores:g} busy "
            "cores; "
            f"a run where other programs used more than {args.disturbed_cores:g} core is flagged `disturbed`",
            "pgoptions": os.environ.get("PGOPTIONS", ""),
        },
        "taps": taps,
        "centre_reports": reports,
        "network_rollup": rollup,
        "import": imported,
    }


async def http_phases(work: dict, args, meter: CpuMeter, only: set[str]):
    taps = await tap_benchmark(work, args, meter) if "taps" in only else None
    reports = await report_benchmark(work, args, meter) if "reports" in only else None
    rollup = await rollup_benchmark(work, args, meter) if "rollup" in only else None
    return taps, reports, rollup


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8089")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/csc_bench"),
    )
    parser.add_argument("--password", default=os.environ.get("CSC_BENCH_PASSWORD", "bench-csc-2026"))
    parser.add_argument(
        "--only", default="taps,reports,rollup,import", help="Parties à mesurer : taps,reports,rollup,import."
    )
    parser.add_argument("--animators", type=int, default=100)
    parser.add_argument(
        "--tap-pace-min", type=float, default=1.0, help="Attente après chaque appui (s), min…"
    )
    parser.add_argument("--tap-pace-max", type=float, default=2.0, help="… et max (uniforme).")
    parser.add_argument(
        "--directors", type=int, default=10, help="Directeurs qui ouvrent un bilan à la fois."
    )
    parser.add_argument("--report-think-ms", type=float, default=2000)
    parser.add_argument("--rollup-months", type=int, default=6)
    parser.add_argument("--rollup-timeout", type=float, default=120)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=60, help="Secondes par run.")
    parser.add_argument("--warmup", type=float, default=15, help="Secondes de chauffe, non comptées.")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--quiet-cores", type=float, default=0.3)
    parser.add_argument("--quiet-timeout", type=float, default=120)
    parser.add_argument("--disturbed-cores", type=float, default=0.3)
    parser.add_argument("--login-parallel", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--git", default="unknown")
    parser.add_argument("--generation-seconds", type=float, default=None)
    parser.add_argument("--server-description", default="gunicorn")
    parser.add_argument("--output", help="Fichier JSON du résultat (sinon sur la sortie standard).")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if urlsplit(args.base_url).hostname not in LOOPBACK:
        raise SystemExit("Le benchmark ne vise qu'une adresse locale.")
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    django_setup()
    from django.utils import timezone

    work = load_workload(args.database_url, timezone.localdate())
    if not work["months"]:
        raise SystemExit("Pas d'historique de présences : lancez `manage.py generate_attendance_data`.")
    port = urlsplit(args.base_url).port or 80
    meter = CpuMeter(port, urlsplit(args.database_url).path.lstrip("/"))
    taps, reports, rollup = asyncio.run(http_phases(work, args, meter, only))
    imported = import_benchmark(work, args) if "import" in only else None
    result = build_result(args, work, taps, reports, rollup, imported)
    write_result(result, args.output)


if __name__ == "__main__":
    main()
