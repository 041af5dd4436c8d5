"""The `accompagnement` benchmark (issue 7, social follow-up): case files, tasks and the year's figures, on
50,000 periods and 1,000,000 exchanges over the national network (`manage.py generate_casework_data`).

1. Social workers (30 at once by default), each logged in on its own centre (`bench-social-NNNN-1@…`, the
   referent of a file of 200 exchanges), through the real login form and the TOTP code of its device (read
   from the database, typed as an authenticator app shows it), loop until the run ends:

       GET /accompagnement/parcours/<id>/    — its case file of 200 exchanges            (case_file)
       (think)
       GET /accompagnement/mes-taches/        — its tasks, late and upcoming              (my_tasks)
       (think)
       GET /accompagnement/personnes/<id>/   — the file of a person it follows           (person_file)
       (think)
       GET /accompagnement/parcours/<id>/    — another of its periods, of ordinary size  (period_page)
       (think)

   Think times are exponential (2 s mean). A page is an error unless it answers 200 with what it must
   show: a period its latest 20 exchanges and the count of all (pages of 20), the tasks page the
   worker's count of late and upcoming tasks, a person file its heading. A warm-up, then runs of a fixed
   duration: each run computes its p95 and p50 per page, the metric is the median over the runs; a run
   during which other programs took CPU is set aside and done again, as for `socle`.
2. Figures — directors (`bench-chiffres-NNNN@…`, with TOTP) of the 10 centres with the most periods among
   theirs, one request at a time: `GET /accompagnement/chiffres/?annee=<this year>`, each director once
   per run (one more request first warms the server and is not counted). The metric is the median time;
   max, p95 and the first run's median (no cache of the server can have seen those centres yet) beside
   it. A page that does not exist yet (404) is reported as such (`stats.available: false`), not timed.

`--only load` or `--only stats` measures one part; with `--merge`, the other part is kept from the
existing result file (each part records its own date and commit).

Run by benchmarks/run.sh against its gunicorn (BENCH_ONLY=accompagnement); standalone:
    DATABASE_URL=postgres://…/csc_bench python benchmarks/accompagnement.py --base-url http://127.0.0.1:8089 \
        --output benchmarks/results/accompagnement.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import loadgen  # noqa: E402
from benchmarks.loadgen import Budget, CpuMeter, login_all, measure, median_of, percentile, wait_for_quiet  # noqa: E402
from benchmarks.presences import Account, Client, _with_totp  # noqa: E402

EXCHANGES_PER_PAGE = 20  # csc.casework.queries.EXCHANGES_PER_PAGE: the benchmark does not import Django

TARGETS = {"case_file_p95_ms": 150, "my_tasks_p95_ms": 100, "stats_year_centre_ms": 500, "errors": 0}
KINDS = ("case_file", "my_tasks", "person_file", "period_page")
WORKER_EMAILS = "bench-social-%-1@bench.localhost"  # worker 1 of each centre: the big files' referent
DIRECTOR_EMAILS = "bench-chiffres-%@bench.localhost"
EXCHANGE_MARK = "Noté par"  # once per exchange shown on a period's page
TZ = ZoneInfo("Europe/Paris")

DEVICES = (
    "SELECT u.email, r.centre_id, d.key, d.step, d.t0, d.digits, d.drift, d.last_t, u.id FROM core_user u "
    "JOIN core_staffrole r ON r.user_id = u.id AND r.is_active AND r.role = %s "
    "JOIN otp_totp_totpdevice d ON d.user_id = u.id AND d.confirmed "
    "WHERE u.is_active AND u.email LIKE %s ORDER BY u.email"
)
EXCHANGES_OF = "(SELECT count(*) FROM casework_exchange e WHERE e.period_id = p.id)"


# --- the workload, from the database -------------------------------------------------------------------


@dataclass
class Worker:
    account: Account
    user_id: int
    files: dict[int, int]  # its case files of `big_size` exchanges: period -> exchanges
    periods: dict[int, int]  # other periods it reads (as referent): period -> exchanges
    persons: list[int]  # people of its periods
    late: int  # its open tasks, late and upcoming, as « Mes tâches » counts them
    upcoming: int


def load_workload(args, today: date) -> tuple[list[Worker], list[Account], dict]:
    import psycopg

    rng = random.Random(args.seed)
    with psycopg.connect(args.database_url) as conn, conn.cursor() as cur:
        cur.execute(DEVICES, ["social_worker", WORKER_EMAILS])
        workers = []
        for row in cur.fetchall():
            if len(workers) == args.users:
                break
            user_id = row[8]
            cur.execute(
                f"SELECT p.id, {EXCHANGES_OF} FROM casework_period p "  # noqa: S608
                f"WHERE p.referent_id = %s AND p.status = 'open' AND {EXCHANGES_OF} = %s ORDER BY p.id",
                [user_id, args.big_size],
            )
            files = dict(cur.fetchall())
            if not files:
                continue
            cur.execute(
                f"SELECT p.id, {EXCHANGES_OF} FROM casework_period p WHERE p.referent_id = %s "  # noqa: S608
                "AND p.status <> 'draft' AND NOT p.id = ANY(%s) ORDER BY p.id",
                [user_id, list(files)],
            )
            others = cur.fetchall()
            periods = dict(rng.sample(others, min(args.sample, len(others))))
            cur.execute(
                "SELECT DISTINCT pp.person_id FROM casework_period_persons pp "
                "JOIN casework_period p ON p.id = pp.period_id WHERE p.referent_id = %s ORDER BY 1",
                [user_id],
            )
            people = [r[0] for r in cur.fetchall()]
            cur.execute(
                "SELECT count(*) FILTER (WHERE due_on < %s), count(*) FILTER (WHERE due_on >= %s) "
                "FROM casework_task WHERE assignee_id = %s AND done_at IS NULL",
                [today, today, user_id],
            )
            late, upcoming = cur.fetchone()
            if not periods or not people:
                continue
            account = _with_totp(row[:8])
            persons = rng.sample(people, min(args.sample, len(people)))
            workers.append(Worker(account, user_id, files, periods, persons, late, upcoming))
        cur.execute(
            DEVICES.replace(
                "ORDER BY u.email",
                "ORDER BY (SELECT count(*) FROM casework_period p "
                "WHERE p.centre_id = r.centre_id) DESC, u.email",
            ),
            ["director", DIRECTOR_EMAILS],
        )
        directors = [_with_totp(row[:8]) for row in cur.fetchall()[: args.directors]]
        dataset = describe_dataset(cur, args.big_size, today, [d.centre_id for d in directors])
    return workers, directors, dataset


def describe_dataset(cur, big_size: int, today: date, stats_centres: list[int]) -> dict:
    cur.execute(
        "SELECT c.id FROM core_centre c JOIN core_territory t ON t.id = c.territory_id "
        "JOIN core_federation f ON f.id = t.federation_id WHERE f.slug = 'bench'"
    )
    centres = [row[0] for row in cur.fetchall()]
    cur.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = 'open'), "
        "count(*) FILTER (WHERE status = 'closed'), count(*) FILTER (WHERE status = 'draft'), "
        "count(*) FILTER (WHERE is_confidential) "
        "FROM casework_period WHERE centre_id = ANY(%s)",
        [centres],
    )
    periods, opened, closed, drafts, confidential = cur.fetchone()
    cur.execute(
        "SELECT count(*), max(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), "
        "count(*) FILTER (WHERE n = %s) FROM (SELECT p.id, count(e.id) AS n FROM casework_period p "
        "LEFT JOIN casework_exchange e ON e.period_id = p.id WHERE p.centre_id = ANY(%s) GROUP BY p.id) s",
        [big_size, centres],
    )
    _count, most, median, big = cur.fetchone()
    dataset = {
        "centres": len(centres),
        "periods": periods,
        "periods_by_status": {"open": opened, "closed": closed, "draft": drafts},
        "confidential_periods": confidential,
        "exchanges_per_period": {"max": most, "median": median},
        f"periods_of_{big_size}_exchanges": big,
    }
    queries = {
        "exchanges": "SELECT count(*) FROM casework_exchange e JOIN casework_period p ON p.id = e.period_id "
        "WHERE p.centre_id = ANY(%s)",
        "exchange_persons": "SELECT count(*) FROM casework_exchange_persons x "
        "JOIN casework_exchange e ON e.id = x.exchange_id JOIN casework_period p ON p.id = e.period_id "
        "WHERE p.centre_id = ANY(%s)",
        "period_persons": "SELECT count(*) FROM casework_period_persons x "
        "JOIN casework_period p ON p.id = x.period_id WHERE p.centre_id = ANY(%s)",
        "social_workers": "SELECT count(DISTINCT user_id) FROM core_staffrole "
        "WHERE centre_id = ANY(%s) AND role = 'social_worker' AND is_active",
        "people": "SELECT count(*) FROM people_person WHERE centre_id = ANY(%s)",
    }
    for key, sql in queries.items():
        cur.execute(sql, [centres])
        dataset[key] = cur.fetchone()[0]
    cur.execute(
        "SELECT count(*) FILTER (WHERE t.done_at IS NULL), "
        "count(*) FILTER (WHERE t.done_at IS NULL AND t.due_on < %s), "
        "count(*) FILTER (WHERE t.done_at IS NOT NULL) "
        "FROM casework_task t JOIN casework_period p ON p.id = t.period_id WHERE p.centre_id = ANY(%s)",
        [today, centres],
    )
    open_tasks, late, done = cur.fetchone()
    dataset["tasks"] = {"open": open_tasks, "late": late, "done": done}
    cur.execute(
        "SELECT count(*) FROM casework_period WHERE centre_id = ANY(%s) AND opened_on <= %s "
        "AND (closed_on IS NULL OR closed_on >= %s)",
        [stats_centres, date(today.year, 12, 31), date(today.year, 1, 1)],
    )
    dataset["stats_centres"] = {
        "centres": len(stats_centres),
        f"periods_active_in_{today.year}": cur.fetchone()[0],
    }
    cur.execute(
        "SELECT pg_size_pretty(pg_total_relation_size('casework_exchange')), "
        "pg_size_pretty(pg_total_relation_size('casework_period'))"
    )
    dataset["exchange_table_size"], dataset["period_table_size"] = cur.fetchone()
    cur.execute("SHOW server_version")
    dataset["postgresql"] = cur.fetchone()[0]
    return dataset


# --- 1. social workers ------------------------------------------------------------------------------------


@dataclass
class Run(loadgen.Run):
    kinds: tuple[str, ...] = KINDS


class User(Client):
    def __init__(self, worker: Worker, base_url: str, timeout: float, rng: random.Random, pages=KINDS):
        super().__init__(worker.account, base_url, timeout)
        self.http.headers["User-Agent"] = "csc-accompagnement-bench/1"
        self.worker = worker
        self.rng = rng
        self.pages = pages

    async def timed_get(self, kind: str, url: str, run: Run, check) -> None:
        await loadgen.timed_get(self.http, kind, url, run, check)

    async def period(self, kind: str, periods: dict[int, int], run: Run):
        period_id = self.rng.choice(list(periods))
        expected = periods[period_id]

        def check(text: str) -> str | None:
            if f"Parcours n° {period_id}" not in text:
                return "page sans le titre du parcours"
            # The latest page of exchanges (csc.casework.queries.EXCHANGES_PER_PAGE), and the count of all.
            shown = text.count(EXCHANGE_MARK)
            if shown != min(expected, EXCHANGES_PER_PAGE):
                return f"{shown} échanges affichés sur {expected}"
            if expected > EXCHANGES_PER_PAGE and f"({expected} résultats)" not in text:
                return f"le nombre de {expected} échanges n'est pas affiché"
            return None

        await self.timed_get(kind, f"/accompagnement/parcours/{period_id}/", run, check)

    async def tasks(self, run: Run):
        late, upcoming = f"En retard ({self.worker.late})", f"À venir ({self.worker.upcoming})"

        def check(text: str) -> str | None:
            return None if late in text and upcoming in text else f"« {late} » et « {upcoming} » attendus"

        await self.timed_get("my_tasks", "/accompagnement/mes-taches/", run, check)

    async def person(self, run: Run):
        person_id = self.rng.choice(self.worker.persons)

        def check(text: str) -> str | None:
            return None if "Dossier de " in text else "page sans « Dossier de »"

        await self.timed_get("person_file", f"/accompagnement/personnes/{person_id}/", run, check)

    async def think(self, mean_ms: float):
        if mean_ms > 0:
            await asyncio.sleep(min(self.rng.expovariate(1000 / mean_ms), mean_ms * 5 / 1000))

    async def loop(self, run: Run, budget: Budget, think_ms: float):
        await asyncio.sleep(self.rng.uniform(0, think_ms / 1000))  # users do not start in step
        steps = {
            "case_file": lambda: self.period("case_file", self.worker.files, run),
            "my_tasks": lambda: self.tasks(run),
            "person_file": lambda: self.person(run),
            "period_page": lambda: self.period("period_page", self.worker.periods, run),
        }
        steps = [step for kind, step in steps.items() if kind in self.pages]
        while True:
            for step in steps:
                if not budget.take():
                    return
                await step()
                await self.think(think_ms)


async def load_phase(
    args, workers: list[Worker], meter: CpuMeter
) -> tuple[list[dict], list[dict], dict | None]:
    rng = random.Random(args.seed)
    pages = tuple(p for p in KINDS if p in args.pages.split(","))
    users = [User(w, args.base_url, args.timeout, random.Random(rng.random()), pages) for w in workers]
    try:
        started = time.monotonic()
        failures = await login_all(users, args.password, args.login_parallel)
        if failures:
            raise SystemExit("Échec de connexion :\n" + "\n".join(failures[:5]))
        print(
            f"{len(users)} travailleurs sociaux connectés en {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )
        return await measure(users, args, meter, Run)
    finally:
        await asyncio.gather(*(u.close() for u in users))


# --- 2. the year's figures --------------------------------------------------------------------------------


async def stats_phase(args, directors: list[Account], meter: CpuMeter, year: int) -> dict:
    if not directors:
        raise SystemExit("Pas de compte de direction : lancez `manage.py generate_casework_data`.")
    url = f"/accompagnement/chiffres/?annee={year}"
    readers = [Client(d, args.base_url, args.stats_timeout) for d in directors]

    async def get(reader: Client) -> tuple[float, int | None, str | None]:
        started = time.perf_counter()
        status, error = None, None
        try:
            response = await reader.http.get(url)
            status = response.status_code
            if status != 200:
                location = response.headers.get("location", "")
                error = f"HTTP {status} {url}" + (f" -> {location}" if location else "")
            elif str(year) not in response.text:
                error = f"page sans l'année {year}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__} {url}"
        return round((time.perf_counter() - started) * 1000, 1), status, error

    try:
        failures = await login_all(readers, args.password, args.login_parallel)
        if failures:
            raise SystemExit("Échec de connexion :\n" + "\n".join(failures[:5]))
        machine = await wait_for_quiet(meter, args.quiet_cores, args.quiet_timeout)
        # One request first: it warms the server (and says whether the page exists yet).
        warm_ms, warm_status, warm_error = await get(readers[-1])
        if warm_status == 404:
            print(f"{url} : pas encore de page (404), non mesurée", file=sys.stderr)
            return {"available": False, "url": url, "note": "404: the figures page does not exist yet"}
        meter.start()
        timings = []
        for run in range(1, args.runs + 1):
            for reader in readers:
                ms, _status, error = await get(reader)
                timings.append({"run": run, "centre_id": reader.account.centre_id, "ms": ms, "error": error})
                suffix = f" — {error}" if error else ""
                print(
                    f"chiffres {year}, centre {reader.account.centre_id} : {ms} ms{suffix}", file=sys.stderr
                )
        cpu = meter.stop(len(timings))
    finally:
        await asyncio.gather(*(r.close() for r in readers))
    good = [t["ms"] for t in timings if not t["error"]]
    first = [t["ms"] for t in timings if not t["error"] and t["run"] == 1]
    return {
        "available": True,
        "url": url,
        "directors": len(readers),
        "median_ms": round(statistics.median(good), 1) if good else None,
        "p95_ms": percentile(good, 95),
        "max_ms": max(good) if good else None,
        "first_run_median_ms": round(statistics.median(first), 1) if first else None,
        "errors": sum(1 for t in timings if t["error"]) + (1 if warm_error else 0),
        "warmup": {"ms": warm_ms, "error": warm_error},
        "requests": timings,
        "machine_before": machine,
        "cpu": cpu,
    }


# --- the whole benchmark ----------------------------------------------------------------------------------


def build_result(args, dataset: dict, load: dict | None, stats: dict | None, previous: dict | None) -> dict:
    stamp = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "git": args.git}
    if load is None and previous and previous.get("load"):
        load = previous["load"]
    elif load is not None:
        load = {**stamp, **load}
    if stats is None and previous and previous.get("stats"):
        stats = previous["stats"]
    elif stats is not None:
        stats = {**stamp, **stats}
    metrics: dict = {}
    if load:
        runs, aside, warmup = load["runs"], load["disturbed_runs_set_aside"], load["warmup"]
        metrics["case_file_p95_ms"] = median_of(runs, "case_file", "p95_ms")
        metrics["my_tasks_p95_ms"] = median_of(runs, "my_tasks", "p95_ms")
        metrics["errors"] = sum(r["errors"] for r in runs + aside) + (warmup["errors"] if warmup else 0)
    if stats:
        metrics["stats_year_centre_ms"] = stats.get("median_ms")
        metrics["errors"] = metrics.get("errors", 0) + stats.get("errors", 0)
    if load:
        runs = load["runs"]
        metrics["case_file_p50_ms"] = median_of(runs, "case_file", "p50_ms")
        metrics["my_tasks_p50_ms"] = median_of(runs, "my_tasks", "p50_ms")
        metrics["person_file_p95_ms"] = median_of(runs, "person_file", "p95_ms")
        metrics["period_page_p95_ms"] = median_of(runs, "period_page", "p95_ms")
        metrics["throughput_rps"] = median_of(runs, "throughput_rps")
    if stats and stats.get("available"):
        metrics["stats_year_centre_max_ms"] = stats["max_ms"]
        metrics["stats_year_centre_first_run_ms"] = stats["first_run_median_ms"]
    met = {
        key: metrics.get(key) is not None and (metrics[key] == 0 if target == 0 else metrics[key] < target)
        for key, target in TARGETS.items()
    }
    if args.generation_seconds is not None:
        dataset["generation_seconds"] = args.generation_seconds
    elif previous and "generation_seconds" in previous.get("dataset", {}):
        dataset["generation_seconds"] = previous["dataset"]["generation_seconds"]
    return {
        "benchmark": "accompagnement",
        **stamp,
        "dataset": dataset,
        "metrics": metrics,
        "targets": TARGETS,
        "targets_met": met,
        "method": {
            "workload": f"{args.users} social workers at once, each logged in (password, then the TOTP code "
            "of its device) on its own centre, looping over: its case file of "
            f"{args.big_size} exchanges (case_file), its tasks (my_tasks), the file of a person it follows "
            f"(person_file), another of its periods (period_page) — pages looped: {args.pages}; think time "
            "exponential. A page is an "
            "error unless 200 with what it must show (the latest 20 exchanges and their count, the "
            "worker's counts of late and upcoming tasks, the person file's heading).",
            "aggregation": "p95 (and p50) computed per run; the metric is the median over the runs. errors = "
            "all errors, warm-up, runs set aside and the figures included. A run during which other programs "
            f"used more than {args.disturbed_cores:g} core is set aside and done again "
            f"(at most {args.retries} times).",
            "figures": f"directors of the {args.directors} centres with the most periods among theirs, one "
            f"request at a time, GET /accompagnement/chiffres/?annee=<this year>, each once per run "
            f"({args.runs} runs) after one request that warms the server; the metric is the median.",
            **loadgen.run_method(args, "accompagnement.py"),
        },
        "runs": load["runs"] if load else [],
        "disturbed_runs_set_aside": load["disturbed_runs_set_aside"] if load else [],
        "warmup": load["warmup"] if load else None,
        "load": {k: v for k, v in load.items() if k in ("date", "git")} if load else None,
        "stats": stats,
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    loadgen.add_load_arguments(parser, users=30, users_help="Travailleurs sociaux à la fois (un par centre).")
    parser.set_defaults(think_ms=2000)
    parser.add_argument("--directors", type=int, default=10, help="Directeurs qui ouvrent les chiffres.")
    parser.add_argument("--stats-timeout", type=float, default=60)
    parser.add_argument("--big-size", type=int, default=200, help="Échanges des dossiers mesurés.")
    parser.add_argument("--sample", type=int, default=30, help="Parcours et personnes tirés par intervenant.")
    parser.add_argument("--only", default="load,stats", help="Parties à mesurer : load,stats.")
    parser.add_argument(
        "--pages",
        default=",".join(KINDS),
        help="Pages de la boucle des travailleurs sociaux (pour une expérience : sans case_file…).",
    )
    parser.add_argument(
        "--merge", action="store_true", help="Garder du fichier de résultat la partie non mesurée."
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    loadgen.check_loopback(args.base_url)
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    today = datetime.now(TZ).date()
    workers, directors, dataset = load_workload(args, today)
    if "load" in only and len(workers) < args.users:
        raise SystemExit(
            f"{len(workers)} travailleurs sociaux avec un dossier de {args.big_size} échanges "
            f"pour {args.users} : "
            "lancez `manage.py generate_casework_data` (--big-periods, --staff-users)."
        )
    previous = None
    if args.merge and args.output and os.path.exists(args.output):
        with open(args.output, encoding="utf-8") as handle:
            previous = json.load(handle)
    port = urlsplit(args.base_url).port or 80
    meter = CpuMeter(port, urlsplit(args.database_url).path.lstrip("/"))

    async def phases():
        load = stats = None
        if "load" in only:
            runs, aside, warmup = await load_phase(args, workers, meter)
            load = {"runs": runs, "disturbed_runs_set_aside": aside, "warmup": warmup}
        if "stats" in only:
            stats = await stats_phase(args, directors, meter, today.year)
        return load, stats

    load, stats = asyncio.run(phases())
    loadgen.write_result(build_result(args, dataset, load, stats, previous), args.output)


if __name__ == "__main__":
    main()
