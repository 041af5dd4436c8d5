"""Load generator of the `socle` benchmark: staff members searching people and opening households.

Each virtual user is a reception officer of one bench centre (accounts made by `generate_scale_data`).
It logs in once through the real login form, then loops until the run ends:

    GET /personnes/?q=<a name of its centre, sometimes mistyped, shortened or without accents>
    (think)
    GET /foyers/<id>/   — a household found by the search, or one of its centre taken from the database
    (think)

Latencies are measured per kind of page; anything but a 200 (a redirect to the login page included),
a timeout or a connection error counts as an error. Runs are bounded in time and in requests, and the
target must be a loopback address. With `--output`, writes the JSON result of ARCHITECTURE.md.

Usage (benchmarks/run.sh does all this):
    python benchmarks/loadgen.py --base-url http://127.0.0.1:8089 --users 50 --runs 3 --duration 60 \
        --output benchmarks/results/socle.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
BENCH_EMAILS = "bench-accueil-%@bench.localhost"
TARGETS = {"person_search_p95_ms": 150, "household_page_p95_ms": 100, "errors": 0}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOUSEHOLD_LINK = re.compile(r'href="/foyers/(\d+)/"')
KINDS = ("person_search", "household_page")


# --- the workload ------------------------------------------------------------------------------------


@dataclass
class Staff:
    email: str
    centre_id: int
    households: list[int]
    names: list[tuple[str, str]]  # (last name, first name) of people of the centre


def load_workload(database_url: str, users: int, sample: int, seed: int) -> tuple[list[Staff], dict]:
    """The bench accounts with their centre, and for each a sample of its households and people."""
    import psycopg

    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT u.email, r.centre_id FROM core_user u "
            "JOIN core_staffrole r ON r.user_id = u.id AND r.is_active AND r.centre_id IS NOT NULL "
            "WHERE u.is_active AND u.email LIKE %s ORDER BY u.email LIMIT %s",
            [BENCH_EMAILS, users],
        )
        accounts = cur.fetchall()
        if len(accounts) < users:
            raise SystemExit(
                f"{len(accounts)} comptes de benchmark seulement pour {users} utilisateurs : "
                "lancez `manage.py generate_scale_data --staff-users N`."
            )
        cur.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        staff = []
        for email, centre_id in accounts:
            cur.execute(
                "SELECT id FROM people_household WHERE centre_id = %s ORDER BY random() LIMIT %s",
                [centre_id, sample],
            )
            households = [row[0] for row in cur.fetchall()]
            cur.execute(
                "SELECT last_name, first_name FROM people_person "
                "WHERE centre_id = %s AND anonymised_at IS NULL ORDER BY random() LIMIT %s",
                [centre_id, sample],
            )
            names = cur.fetchall()
            if not households or not names:
                raise SystemExit(f"Le centre {centre_id} de {email} n'a ni foyer ni personne.")
            staff.append(Staff(email, centre_id, households, names))
        cur.execute(
            "SELECT count(*) FROM core_centre c JOIN core_territory t ON t.id = c.territory_id "
            "JOIN core_federation f ON f.id = t.federation_id WHERE f.slug = 'bench'"
        )
        dataset = {"centres": cur.fetchone()[0]}
        for key, table in [
            ("households", "people_household"),
            ("persons", "people_person"),
            ("household_members", "people_householdmember"),
            ("household_shares", "people_householdshare"),
        ]:
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            dataset[key] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM core_user WHERE email LIKE %s", [BENCH_EMAILS])
        dataset["staff_accounts"] = cur.fetchone()[0]
        cur.execute("SHOW server_version")
        dataset["postgresql"] = cur.fetchone()[0]
    return staff, dataset


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: a letter replaced, dropped, doubled, or two letters swapped."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def search_query(names: list[tuple[str, str]], rng: random.Random) -> str:
    """What a receptionist types: mostly a name, sometimes with the first name, shortened, mistyped,
    or typed without accents and capitals."""
    last, first = rng.choice(names)
    roll = rng.random()
    if roll < 0.35:
        return last
    if roll < 0.55:
        return f"{last} {first}"
    if roll < 0.65:
        return f"{first} {last}"
    if roll < 0.75:
        return last[: rng.randint(3, max(3, min(6, len(last))))]
    if roll < 0.90:
        return typo(last, rng) if rng.random() < 0.7 else f"{typo(last, rng)} {first}"
    return strip_accents(f"{last} {first}").lower()


# --- measuring ---------------------------------------------------------------------------------------


@dataclass
class Run:
    """One run's requests, per kind of page (`kinds`: the benchmark's own, `person_search` and
    `household_page` here; benchmarks/animation.py reuses it with its pages)."""

    name: str
    kinds: tuple[str, ...] = KINDS
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    started: float = 0.0
    elapsed: float = 0.0
    requests: int = 0
    machine: dict | None = None
    cpu: dict | None = None

    def __post_init__(self):
        self.latencies = {kind: [] for kind in self.kinds}
        self.errors = dict.fromkeys(self.kinds, 0)

    def record(self, kind: str, ms: float, error: str | None):
        self.requests += 1
        if error is None:
            self.latencies[kind].append(ms)
        else:
            self.errors[kind] += 1
            if len(self.error_samples) < 20:
                self.error_samples.append(f"{kind}: {error}")

    def summary(self) -> dict:
        result = {
            "name": self.name,
            "requests": self.requests,
            "seconds": round(self.elapsed, 2),
            "throughput_rps": round(self.requests / self.elapsed, 1) if self.elapsed else 0.0,
            "errors": sum(self.errors.values()),
        }
        for kind in self.kinds:
            values = self.latencies[kind]
            result[kind] = {
                "count": len(values),
                "errors": self.errors[kind],
                "p50_ms": percentile(values, 50),
                "p95_ms": percentile(values, 95),
                "p99_ms": percentile(values, 99),
                "max_ms": round(max(values), 1) if values else None,
                "mean_ms": round(statistics.fmean(values), 1) if values else None,
            }
        result["machine_before"] = self.machine
        result["cpu"] = self.cpu
        if self.error_samples:
            result["error_samples"] = self.error_samples
        return result


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low), 1)


class Budget:
    """Stops a run at its deadline or after its maximum number of requests, whichever comes first."""

    def __init__(self, seconds: float, max_requests: int):
        self.deadline = time.monotonic() + seconds
        self.left = max_requests

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() >= self.deadline:
            return False
        self.left -= 1
        return True


# --- what else the machine was doing ------------------------------------------------------------------
# The benchmark shares its cores with PostgreSQL, the load generator, and whatever else runs on the
# machine (a test suite…). Each run records where the CPU went, so that a disturbed run shows as such.

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _bench_processes(port: int, database: str) -> dict[int, tuple[str, float]]:
    """pid -> (group, CPU seconds used so far) for the processes of the benchmark."""
    result = {}
    me = os.getpid()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
        if int(pid) == me:
            group = "loadgen"
        elif "gunicorn" in cmdline and f":{port}" in cmdline:
            group = "gunicorn"
        elif cmdline.startswith("postgres:"):
            # Backends of the benchmark database, and the server's own processes (writer, WAL…);
            # backends of other databases ("user db host(port) state") are someone else's.
            is_backend = "(" in cmdline or "[local]" in cmdline
            if not (f" {database} " in cmdline or not is_backend):
                continue
            group = "postgres"
        else:
            continue
        result[int(pid)] = (group, seconds)
    return result


def _used_by_group(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds used between two snapshots. A process that ended in between is lost (it then
    counts as `other`); one that started in between counts from zero."""
    used = {"gunicorn": 0.0, "postgres": 0.0, "loadgen": 0.0}
    for pid, (group, seconds) in after.items():
        previous = before.get(pid)
        used[group] += seconds - (previous[1] if previous and previous[0] == group else 0.0)
    return used


def _busy_seconds() -> tuple[float, float]:
    """(busy, elapsed) CPU seconds of the whole machine, all cores, from /proc/stat."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:9]]
    idle = values[3] + values[4]
    total = sum(values)
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


class CpuMeter:
    """CPU used between start() and stop(), in cores (CPU seconds per second of wall time)."""

    def __init__(self, port: int, database: str):
        self.port, self.database = port, database
        self.available = os.path.exists("/proc/stat")

    def start(self):
        if self.available:
            self._processes = _bench_processes(self.port, self.database)
            self._busy = _busy_seconds()
            self._wall = time.monotonic()

    def stop(self, requests: int = 0) -> dict | None:
        if not self.available:
            return None
        wall = time.monotonic() - self._wall
        used = _used_by_group(self._processes, _bench_processes(self.port, self.database))
        busy, _total = _busy_seconds()
        busy_cores = (busy - self._busy[0]) / wall
        result = {"busy_cores": round(busy_cores, 2), "cores": os.cpu_count()}
        for key, seconds in used.items():
            result[f"{key}_cores"] = round(seconds / wall, 2)
        result["other_cores"] = round(max(0.0, busy_cores - sum(used.values()) / wall), 2)
        if requests:
            result["gunicorn_cpu_ms_per_request"] = round(used["gunicorn"] * 1000 / requests, 1)
            result["postgres_cpu_ms_per_request"] = round(used["postgres"] * 1000 / requests, 1)
        return result


async def wait_for_quiet(meter: CpuMeter, threshold: float, timeout: float) -> dict:
    """Wait until the machine is idle (busy < threshold cores over 2 s), at most `timeout` seconds."""
    started = time.monotonic()
    while True:
        meter.start()
        await asyncio.sleep(2)
        sample = meter.stop() or {"busy_cores": 0.0}
        waited = time.monotonic() - started
        if sample["busy_cores"] < threshold or waited >= timeout:
            return {
                "busy_cores_before": sample["busy_cores"],
                "waited_seconds": round(waited, 1),
                "quiet": sample["busy_cores"] < threshold,
            }
        print(
            f"machine occupée ({sample['busy_cores']} cœurs) : on attend avant de mesurer…", file=sys.stderr
        )


# --- virtual users -----------------------------------------------------------------------------------


class User:
    def __init__(self, staff: Staff, base_url: str, timeout: float, rng: random.Random):
        self.staff = staff
        self.rng = rng
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            headers={"User-Agent": "csc-loadgen/1"},
        )
        self.found: list[int] = []

    @property
    def email(self) -> str:
        return self.staff.email

    async def login(self, password: str):
        await log_in(self.client, self.staff.email, password)

    async def get(self, kind: str, url: str, run: Run) -> str | None:
        started = time.perf_counter()
        error, text = None, None
        try:
            response = await self.client.get(url)
            text = response.text
            if response.status_code != 200:
                location = response.headers.get("location", "")
                error = f"HTTP {response.status_code} {url}" + (f" -> {location}" if location else "")
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__} {url}"
        run.record(kind, (time.perf_counter() - started) * 1000, error)
        return None if error else text

    async def think(self, mean_ms: float):
        if mean_ms > 0:
            # Exponential think times: users do not click in step.
            await asyncio.sleep(min(self.rng.expovariate(1000 / mean_ms), mean_ms * 5 / 1000))

    async def loop(self, run: Run, budget: Budget, think_ms: float):
        # Users start spread over one think time, not all in the same millisecond.
        await asyncio.sleep(self.rng.uniform(0, think_ms / 1000))
        while budget.take():
            query = search_query(self.staff.names, self.rng)
            text = await self.get("person_search", str(httpx.URL("/personnes/", params={"q": query})), run)
            found = [int(i) for i in HOUSEHOLD_LINK.findall(text or "")]
            await self.think(think_ms)
            if not budget.take():
                break
            if found and self.rng.random() < 0.5:
                household = self.rng.choice(found)
            else:
                household = self.rng.choice(self.staff.households)
            await self.get("household_page", f"/foyers/{household}/", run)
            await self.think(think_ms)

    async def close(self):
        await self.client.aclose()


async def run_once(users: list, name: str, args, meter: CpuMeter, seconds: float, make_run=Run) -> Run:
    """Every user's loop for `seconds` (or `args.max_requests`), once the machine is quiet."""
    run = make_run(name)
    run.machine = await wait_for_quiet(meter, args.quiet_cores, args.quiet_timeout)
    budget = Budget(seconds, args.max_requests)
    meter.start()
    run.started = time.monotonic()
    await asyncio.gather(*(u.loop(run, budget, args.think_ms) for u in users))
    run.elapsed = time.monotonic() - run.started
    run.cpu = meter.stop(run.requests)
    return run


async def timed_get(http: httpx.AsyncClient, kind: str, url: str, run: Run, check) -> None:
    """GET a page and record its time under `kind`: an error is anything but a 200, or what `check`
    (the page's text -> a message or None) finds wrong in it."""
    started = time.perf_counter()
    error = None
    try:
        response = await http.get(url)
        if response.status_code != 200:
            location = response.headers.get("location", "")
            error = f"HTTP {response.status_code} {url}" + (f" -> {location}" if location else "")
        else:
            error = check(response.text)
            if error:
                error = f"{error} : {url}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__} {url}"
    run.record(kind, (time.perf_counter() - started) * 1000, error)


async def log_in(http: httpx.AsyncClient, email: str, password: str, *, refused_at: str = "/compte/"):
    """Through the real login form, as a person does. A redirection to `refused_at` is a refusal
    (a benchmark whose accounts go on to a second factor narrows it to the login page)."""
    page = await http.get("/compte/connexion/")
    page.raise_for_status()
    token = CSRF_INPUT.search(page.text)
    if not token:
        raise RuntimeError("pas de jeton CSRF sur la page de connexion")
    response = await http.post(
        "/compte/connexion/",
        data={"csrfmiddlewaretoken": token.group(1), "username": email, "password": password},
        headers={"Referer": f"{http.base_url}compte/connexion/"},
    )
    if response.status_code != 302 or refused_at in response.headers.get("location", refused_at):
        raise RuntimeError(
            f"connexion refusée pour {email} (HTTP {response.status_code}) — "
            "mot de passe ? (django-axes bloque après 5 échecs : on ne réessaie pas)"
        )


async def login_all(users: list, password: str, parallel: int) -> list[str]:
    """Log everybody in (anything with `email` and `login(password)`), a few at a time: each login is
    a deliberately slow password hash."""
    semaphore = asyncio.Semaphore(parallel)
    failures: list[str] = []

    async def one(user):
        async with semaphore:
            try:
                await user.login(password)
            except (httpx.HTTPError, RuntimeError) as exc:
                failures.append(f"{user.email}: {exc}")

    await asyncio.gather(*(one(u) for u in users))
    return failures


# --- the whole benchmark -----------------------------------------------------------------------------


def check_loopback(url: str):
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"Cible refusée : {host}. Le benchmark ne charge que la boucle locale.")


async def main_async(args) -> dict:
    check_loopback(args.base_url)
    rng = random.Random(args.seed)
    staff, dataset = load_workload(args.database_url, args.users, args.sample, args.seed)
    users = [User(s, args.base_url, args.timeout, random.Random(rng.random())) for s in staff]
    port = urlsplit(args.base_url).port or 80
    meter = CpuMeter(port, urlsplit(args.database_url).path.lstrip("/"))
    try:
        started = time.monotonic()
        failures = await login_all(users, args.password, args.login_parallel)
        print(f"{len(users)} connexions en {time.monotonic() - started:.1f} s", file=sys.stderr)
        if failures:
            raise SystemExit("Échec de connexion :\n" + "\n".join(failures[:5]))
        runs, disturbed, warmup = await measure(users, args, meter)
    finally:
        await asyncio.gather(*(u.close() for u in users))
    return build_result(args, dataset, runs, disturbed, warmup)


async def measure(
    users: list, args, meter: CpuMeter, make_run=Run
) -> tuple[list[dict], list[dict], dict | None]:
    """The warm-up, then `args.runs` runs: the summaries of the runs kept, of those set aside, and of
    the warm-up."""
    warmup = None
    if args.warmup > 0:
        warmup = (await run_once(users, "chauffe", args, meter, args.warmup, make_run)).summary()
        print(f"chauffe : {json.dumps(warmup, ensure_ascii=False)}", file=sys.stderr)
    runs, disturbed = [], []
    attempt = 0
    while len(runs) < args.runs and attempt < args.runs + args.retries:
        attempt += 1
        summary = (await run_once(users, f"run {attempt}", args, meter, args.duration, make_run)).summary()
        # Another program took CPU during the run: its figures say more about that program than
        # about CSC. Such a run is set aside and done again, a bounded number of times.
        summary["disturbed"] = bool(summary["cpu"] and summary["cpu"]["other_cores"] > args.disturbed_cores)
        (disturbed if summary["disturbed"] else runs).append(summary)
        label = " (perturbé, refait)" if summary["disturbed"] else ""
        print(f"run {attempt}{label} : {json.dumps(summary, ensure_ascii=False)}", file=sys.stderr)
    if len(runs) < args.runs:
        # Not enough quiet runs: complete with the least disturbed ones, flagged as such.
        disturbed.sort(key=lambda r: r["cpu"]["other_cores"])
        runs += disturbed[: args.runs - len(runs)]
        disturbed = disturbed[args.runs - len(runs) :]
    return runs, disturbed, warmup


def median_of(runs: list[dict], *keys) -> float | None:
    values = []
    for run in runs:
        value = run
        for key in keys:
            value = value[key]
        if value is not None:
            values.append(value)
    return round(statistics.median(values), 1) if values else None


def build_result(args, dataset: dict, runs: list[dict], set_aside: list[dict], warmup: dict | None) -> dict:
    errors = sum(r["errors"] for r in runs + set_aside) + (warmup["errors"] if warmup else 0)
    metrics = {
        "person_search_p95_ms": median_of(runs, "person_search", "p95_ms"),
        "household_page_p95_ms": median_of(runs, "household_page", "p95_ms"),
        "throughput_rps": median_of(runs, "throughput_rps"),
        "errors": errors,
        "person_search_p50_ms": median_of(runs, "person_search", "p50_ms"),
        "household_page_p50_ms": median_of(runs, "household_page", "p50_ms"),
    }
    met = {
        "person_search_p95_ms": metrics["person_search_p95_ms"] is not None
        and metrics["person_search_p95_ms"] < TARGETS["person_search_p95_ms"],
        "household_page_p95_ms": metrics["household_page_p95_ms"] is not None
        and metrics["household_page_p95_ms"] < TARGETS["household_page_p95_ms"],
        "errors": errors == TARGETS["errors"],
    }
    if args.generation_seconds is not None:
        dataset["generation_seconds"] = args.generation_seconds
    return {
        "benchmark": "socle",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": args.git,
        "dataset": dataset,
        "metrics": metrics,
        "targets": TARGETS,
        "targets_met": met,
        "method": {
            "aggregation": "p95 (and p50) computed per run; the metric is the median over the runs. "
            "errors = all errors, warm-up and runs set aside included. throughput_rps = median of the "
            "runs' completed requests per second, both kinds of page. A run during which other programs "
            f"used more than {args.disturbed_cores:g} core is set aside and done again "
            f"(at most {args.retries} times).",
            **run_method(args, "loadgen.py"),
        },
        "runs": runs,
        "disturbed_runs_set_aside": set_aside,
        "warmup": warmup,
    }


def add_load_arguments(parser: argparse.ArgumentParser, *, users: int, users_help: str | None = None):
    """The arguments every load benchmark takes (this one and benchmarks/animation.py)."""
    parser.add_argument("--base-url", default="http://127.0.0.1:8089")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/csc_bench"),
    )
    parser.add_argument("--password", default=os.environ.get("CSC_BENCH_PASSWORD", "bench-csc-2026"))
    parser.add_argument("--users", type=int, default=users, help=users_help)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=60, help="Secondes par run.")
    parser.add_argument("--warmup", type=float, default=20, help="Secondes de chauffe, non mesurées.")
    parser.add_argument("--max-requests", type=int, default=100_000, help="Plafond de requêtes par run.")
    parser.add_argument(
        "--think-ms", type=float, default=1000, help="Temps de réflexion moyen entre deux pages (ms)."
    )
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument(
        "--quiet-cores",
        type=float,
        default=0.3,
        help="Avant chaque run, attendre que la machine utilise moins de ce nombre de cœurs…",
    )
    parser.add_argument("--quiet-timeout", type=float, default=120, help="… au plus ce nombre de secondes.")
    parser.add_argument(
        "--disturbed-cores",
        type=float,
        default=0.3,
        help="Un run où d'autres programmes ont pris plus que ce nombre de cœurs est refait…",
    )
    parser.add_argument("--retries", type=int, default=3, help="… au plus ce nombre de fois en tout.")
    parser.add_argument("--login-parallel", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--git", default="unknown")
    parser.add_argument("--generation-seconds", type=float, default=None)
    parser.add_argument("--server-description", default="gunicorn")
    parser.add_argument("--output", help="Fichier JSON du résultat (sinon sur la sortie standard).")


def run_method(args, client: str) -> dict:
    """How the runs were made, as every load benchmark's result says it (under `method`)."""
    return {
        "runs": args.runs,
        "run_seconds": args.duration,
        "warmup_seconds": args.warmup,
        "max_requests_per_run": args.max_requests,
        "concurrent_users": args.users,
        "think_time_mean_ms": args.think_ms,
        "server": args.server_description,
        "client": f"{client}, httpx {httpx.__version__}, Python {platform.python_version()}",
        "cpus": os.cpu_count(),
        "quiet_before_run": f"waits up to {args.quiet_timeout:g} s for < {args.quiet_cores:g} busy cores",
        "pgoptions": os.environ.get("PGOPTIONS", ""),
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_load_arguments(parser, users=50)
    parser.add_argument("--sample", type=int, default=300, help="Foyers et noms tirés par centre.")
    return parser.parse_args(argv)


def write_result(result: dict, output: str | None) -> None:
    """The result as JSON in the output file (or on stdout); its metrics on one line of stderr."""
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n"
    if output:
        os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    print(json.dumps(result["metrics"], ensure_ascii=False), file=sys.stderr)


def main(argv=None):
    args = parse_args(argv)
    write_result(asyncio.run(main_async(args)), args.output)


if __name__ == "__main__":
    main()
