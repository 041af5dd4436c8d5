"""The `borne` benchmark (issue 6, the e-administration kiosk): the weight of the kiosk's home page, its
latency and throughput, and the ingestion of the counts its script sends, on the kiosks of the `bench`
network (`manage.py load_procedures`, then `manage.py generate_kiosk_data`).

No login anywhere: the kiosk is public. Clients are spread over `--kiosks` kiosks of the network (50,
evenly over the centres' slugs), a client staying on its kiosk. The phases, one after the other:

    weight      GET /borne/<slug>/ of every kiosk, and the CSS and script the largest page links, each
                gzip-compressed here (level 6); images excluded (the page has none)
                                                        -> kiosk_home_bytes_gzip
    home        GET /borne/<slug>/, 20 clients pausing 100 ms (mean, exponential) after each page: a
                moderate load, well under what the server can do, so that the latency is the page's
                                                        -> kiosk_home_p95_ms
    home_200    GET /borne/<slug>/, 200 clients without pause (closed loop): the capacity; with a few
                sync workers most of them wait in the listen backlog, and the latency is that queue
                                                        -> kiosk_home_rps_200_clients
    events      POST /borne/<slug>/evenements/ {"type": "clic", "tuile": <a visible tile>} (or a visit,
                an end of session), one event per request as the kiosk's beacon sends it, 50 clients
                without pause                           -> events_per_s, events_lost
    events_batched  the same, 10 events per request (a list): what batching would buy

A home page counts as an error unless it answers 200 with one of that kiosk's tiles; an event request
unless it answers 204. Events ingested are the rows of kiosk_kioskevent that appeared during the run,
counted in the database; events lost are events answered 204 that have no row. The rows the benchmark
adds are deleted at the end: the dataset stays as generated. Each phase is a warm-up then runs of a fixed
duration (loadgen.measure): the metric is the median over the runs; a run during which other programs took
CPU is set aside and done again, as for `socle`.

The load runs over plain HTTP/1.1 on asyncio streams, one connection per request (gunicorn's sync
workers close each one anyway): httpx costs about 1.9 ms of CPU per request on this machine, 0.3 ms
this way, and on two cores shared with the server a heavy client measures itself (`--http-client httpx`
to compare).

The limit of events per client address (CSC_KIOSK_EVENTS_PER_MINUTE) is lifted for the bench server,
where one loopback address stands for every kiosk; this benchmark checks it in its own process instead,
with Django's test client on the same database: at the default limit the next event gets a 429.

Run by benchmarks/run.sh against its gunicorn (BENCH_ONLY=borne); standalone, with run.sh's environment:
    DATABASE_URL=postgres://…/csc_bench python benchmarks/borne.py --base-url http://127.0.0.1:8089 \
        --runs 3 --duration 20 --output benchmarks/results/borne.json
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import logging
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import loadgen  # noqa: E402
from benchmarks.loadgen import Budget, CpuMeter, check_loopback, measure, median_of  # noqa: E402

TARGETS = {
    "kiosk_home_bytes_gzip": 30_000,
    "kiosk_home_p95_ms": 20,
    "kiosk_home_rps_200_clients": 500,
    "events_per_s": 1000,
    "events_lost": 0,
}
HIGHER_IS_BETTER = {"kiosk_home_rps_200_clients", "events_per_s"}
FEDERATION = "bench"
HOME, EVENTS = "kiosk_home", "events"
PHASES = ("home", "home_200", "events", "events_batched")
STYLESHEET = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"')
SCRIPT = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')
IMAGE = re.compile(r'<img\b[^>]*\bsrc="([^"]+)"')
GZIP_LEVEL = 6
# What a kiosk's script sends, and how often: a click on a tile most of the time, the first touch of a
# visit, the end of a session.
EVENT_MIX = [("clic", 0.7), ("visite", 0.2), ("fin", 0.1)]
RATE_LIMIT_CHECKED = 240  # the setting's default


# --- the workload, from the database -------------------------------------------------------------------


@dataclass
class Kiosk:
    slug: str
    centre_id: int
    tiles: list[int]  # visible tiles, the ones a click may name

    @property
    def home(self) -> str:
        return f"/borne/{self.slug}/"

    @property
    def events(self) -> str:
        return f"/borne/{self.slug}/evenements/"


def load_workload(database_url: str, count: int) -> tuple[list[Kiosk], dict]:
    """`count` kiosks of the network, evenly spread over its centres, with their visible tiles."""
    import psycopg

    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT c.id, c.slug, k.id IS NOT NULL FROM core_centre c "
            "JOIN core_territory t ON t.id = c.territory_id JOIN core_federation f ON f.id = t.federation_id "
            "LEFT JOIN kiosk_kiosk k ON k.centre_id = c.id WHERE f.slug = %s ORDER BY c.slug",
            [FEDERATION],
        )
        centres = cur.fetchall()
        with_kiosk = [(centre_id, slug) for centre_id, slug, has_kiosk in centres if has_kiosk]
        if len(with_kiosk) < count:
            raise SystemExit(
                f"{len(with_kiosk)} bornes dans le réseau de benchmark pour {count} demandées : lancez "
                "`manage.py load_procedures` puis `manage.py generate_kiosk_data`."
            )
        # Same filter as the kiosk's own visible_tiles(): shown, and not a retired procedure.
        cur.execute(
            "SELECT t.centre_id, t.id FROM kiosk_tile t LEFT JOIN kiosk_procedure p ON p.id = t.procedure_id "
            "WHERE t.centre_id = ANY(%s) AND NOT t.is_hidden AND (t.procedure_id IS NULL OR p.is_active) "
            "ORDER BY t.centre_id, t.position, t.id",
            [[centre_id for centre_id, _ in with_kiosk]],
        )
        tiles: dict[int, list[int]] = {}
        for centre_id, tile_id in cur.fetchall():
            tiles.setdefault(centre_id, []).append(tile_id)
        chosen = [with_kiosk[i * len(with_kiosk) // count] for i in range(count)]
        kiosks = [Kiosk(slug, centre_id, tiles.get(centre_id, [])) for centre_id, slug in chosen]
        empty = [k.slug for k in kiosks if not k.tiles]
        if empty:
            raise SystemExit(f"Bornes sans tuile visible : {', '.join(empty[:5])}.")
        per_kiosk = [len(tiles.get(centre_id, [])) for centre_id, _ in with_kiosk]
        cur.execute("SELECT count(*) FROM kiosk_theme")
        themes = cur.fetchone()[0]
        cur.execute("SELECT count(*), count(*) FILTER (WHERE is_active) FROM kiosk_procedure")
        procedures, active = cur.fetchone()
        cur.execute(
            "SELECT count(*) FROM kiosk_helpsheet h JOIN core_centre c ON c.id = h.centre_id "
            "JOIN core_territory t ON t.id = c.territory_id JOIN core_federation f ON f.id = t.federation_id "
            "WHERE f.slug = %s",
            [FEDERATION],
        )
        help_sheets = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM kiosk_kioskevent")
        events = cur.fetchone()[0]
        cur.execute("SHOW server_version")
        postgresql = cur.fetchone()[0]
    dataset = {
        "centres": len(centres),
        "centres_with_kiosk": len(with_kiosk),
        "visible_tiles_per_kiosk": {
            "max": max(per_kiosk),
            "median": statistics.median(per_kiosk),
            "min": min(per_kiosk),
        },
        "catalogue": {"themes": themes, "procedures": procedures, "active_procedures": active},
        "help_sheets": help_sheets,
        "kiosks_loaded": len(kiosks),
        "tiles_of_kiosks_loaded": sum(len(k.tiles) for k in kiosks),
        "kiosk_events_before": events,
        "postgresql": postgresql,
    }
    return kiosks, dataset


class RowCounter:
    """The kiosk_kioskevent rows that appear after a mark: nothing else writes to the bench database
    while a run goes, and every request of a run has its answer before the rows are counted."""

    def __init__(self, database_url: str):
        import psycopg

        self.conn = psycopg.connect(database_url, autocommit=True)
        self.first = self.mark()

    def mark(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM kiosk_kioskevent").fetchone()[0]

    def since(self, mark: int) -> int:
        return self.conn.execute("SELECT count(*) FROM kiosk_kioskevent WHERE id > %s", [mark]).fetchone()[0]

    def delete_added(self) -> int:
        """The benchmark's rows go: the next run starts from the table as generated."""
        return self.conn.execute("DELETE FROM kiosk_kioskevent WHERE id > %s", [self.first]).rowcount

    def close(self):
        self.conn.close()


# --- the page's weight ----------------------------------------------------------------------------------


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


def page_weight(base_url: str, kiosks: list[Kiosk], timeout: float) -> dict:
    """The home page of every kiosk loaded (the largest counts), and what it links: its own bytes,
    uncompressed and gzip-compressed here, and what the server sends to a browser that accepts gzip."""
    with httpx.Client(base_url=base_url, timeout=timeout, headers={"Accept-Encoding": "identity"}) as http:
        pages = {}
        for kiosk in kiosks:
            response = http.get(kiosk.home)
            response.raise_for_status()
            pages[kiosk.slug] = response.content
        slug, html = max(pages.items(), key=lambda item: len(item[1]))
        text = html.decode()
        assets = {"html": f"/borne/{slug}/"}
        for kind, pattern in (("css", STYLESHEET), ("js", SCRIPT)):
            for index, url in enumerate(pattern.findall(text)):
                assets[kind if index == 0 else f"{kind}_{index + 1}"] = url
        resources = {}
        for name, url in assets.items():
            body = html if name == "html" else http.get(url).raise_for_status().content
            served = http.get(url, headers={"Accept-Encoding": "gzip"})
            resources[name] = {
                "url": url,
                "bytes": len(body),
                "gzip_bytes": gzipped(body),
                "served_encoding": served.headers.get("content-encoding", "identity"),
                "served_bytes": served.num_bytes_downloaded,
            }
    html_sizes = sorted(len(page) for page in pages.values())
    return {
        "bytes": sum(r["bytes"] for r in resources.values()),
        "gzip_bytes": sum(r["gzip_bytes"] for r in resources.values()),
        "served_bytes": sum(r["served_bytes"] for r in resources.values()),
        "resources": resources,
        "images_excluded": len(IMAGE.findall(text)),
        "largest_page": slug,
        "html_bytes_over_kiosks": {
            "max": html_sizes[-1],
            "median": statistics.median(html_sizes),
            "min": html_sizes[0],
        },
        "gzip_level": GZIP_LEVEL,
    }


# --- the client -----------------------------------------------------------------------------------------


class RawHttp:
    """HTTP/1.1 on asyncio streams, one connection per request (`Connection: close`), the answer read
    to its end. Just enough for these two requests, and cheap on CPU."""

    def __init__(self, base_url: str, timeout: float):
        url = urlsplit(base_url)
        self.host, self.port, self.timeout = url.hostname, url.port or 80, timeout
        self.head = f"Host: {url.netloc}\r\nUser-Agent: csc-borne-bench/1\r\nConnection: close\r\n"
        # What a kiosk's browser names as the page's origin: the endpoint refuses posts from elsewhere.
        self.origin = f"Origin: {url.scheme}://{url.netloc}\r\n"

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        head = f"{method} {path} HTTP/1.1\r\n{self.head}"
        if method == "POST":
            # What sendBeacon sends with a Blob of type text/plain.
            head += f"{self.origin}Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
        async with asyncio.timeout(self.timeout):
            reader, writer = await asyncio.open_connection(self.host, self.port)
            try:
                writer.write(head.encode() + b"\r\n" + body)
                answer = await reader.read()
            finally:
                writer.close()
        head_bytes, _, content = answer.partition(b"\r\n\r\n")
        if not head_bytes.startswith(b"HTTP/1."):
            raise ValueError("réponse HTTP illisible")
        length = re.search(rb"\r\ncontent-length: *(\d+)", head_bytes, re.IGNORECASE)
        if length and int(length.group(1)) != len(content):
            raise ValueError("réponse tronquée")
        return int(head_bytes[9:12]), content

    async def close(self):
        pass


class HttpxHttp:
    """The same requests through httpx, as the other benchmarks make them (to compare clients)."""

    def __init__(self, base_url: str, timeout: float):
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            headers={"User-Agent": "csc-borne-bench/1"},
        )

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        origin = f"{self.client.base_url.scheme}://{self.client.base_url.netloc.decode()}"
        headers = {"Content-Type": "text/plain", "Origin": origin} if method == "POST" else None
        response = await self.client.request(method, path, content=body or None, headers=headers)
        return response.status_code, response.content

    async def close(self):
        await self.client.aclose()


HTTP_CLIENTS = {"raw": RawHttp, "httpx": HttpxHttp}
FAILURES = (OSError, TimeoutError, ValueError, httpx.HTTPError)


# --- measuring ------------------------------------------------------------------------------------------


@dataclass
class HomeRun(loadgen.Run):
    kinds: tuple[str, ...] = (HOME,)

    def summary(self) -> dict:
        # Each gunicorn worker renders each kiosk's home page again when the minute changes (the minute
        # is in the cache key): a run that crosses it pays those renders, one that does not, not.
        started = time.time() - (time.monotonic() - self.started)
        crossed = int((started + self.elapsed) // 60 - started // 60)
        return super().summary() | {"minutes_crossed": crossed}


@dataclass
class EventRun(loadgen.Run):
    """An events run: besides latencies, the events answered 204 and the rows that appeared."""

    kinds: tuple[str, ...] = (EVENTS,)
    counter: RowCounter | None = None
    events_sent: int = 0
    events_acknowledged: int = 0
    mark: int = field(default=0, init=False)

    def __post_init__(self):
        super().__post_init__()
        self.mark = self.counter.mark()

    def summary(self) -> dict:
        stored = self.counter.since(self.mark)
        return super().summary() | {
            "events_sent": self.events_sent,
            "events_acknowledged": self.events_acknowledged,
            "events_stored": stored,
            "events_lost": max(0, self.events_acknowledged - stored),
            "events_stored_unacknowledged": max(0, stored - self.events_acknowledged),
            "events_per_s": round(stored / self.elapsed, 1) if self.elapsed else 0.0,
        }


class Client:
    """One closed-loop client on one kiosk (loadgen.run_once calls `loop`)."""

    def __init__(self, kiosk: Kiosk, http, rng: random.Random, *, think_ms: float = 0, batch: int = 0):
        self.kiosk, self.http, self.rng, self.batch = kiosk, http, rng, batch
        self.think_ms = think_ms
        # The kiosk's own page, with its tiles: not another kiosk's, not an empty one.
        self.mark = f'data-tile="{kiosk.tiles[0]}"'.encode()

    async def think(self):
        if self.think_ms > 0:
            # Exponential pauses: clients do not request in step.
            await asyncio.sleep(min(self.rng.expovariate(1000 / self.think_ms), self.think_ms * 5 / 1000))

    async def loop(self, run, budget: Budget, _think_ms: float):
        """The phase's own pause (`think_ms`), not the one run_once passes: most phases have none."""
        step = self.post_events if self.batch else self.get_home
        if self.think_ms > 0:
            await asyncio.sleep(self.rng.uniform(0, self.think_ms / 1000))
        while budget.take():
            await step(run)
            await self.think()

    async def get_home(self, run: HomeRun):
        path = self.kiosk.home
        started = time.perf_counter()
        error = None
        try:
            status, content = await self.http.request("GET", path)
            if status != 200:
                error = f"HTTP {status} {path}"
            elif self.mark not in content:
                error = f"page sans les tuiles de la borne : {path}"
        except FAILURES as exc:
            error = f"{type(exc).__name__} {path}"
        run.record(HOME, (time.perf_counter() - started) * 1000, error)

    def event(self) -> dict:
        kind = self.rng.choices([k for k, _ in EVENT_MIX], weights=[w for _, w in EVENT_MIX])[0]
        if kind == "clic":
            return {"type": kind, "tuile": self.rng.choice(self.kiosk.tiles)}
        return {"type": kind}

    async def post_events(self, run: EventRun):
        path = self.kiosk.events
        if self.batch == 1:
            events, count = self.event(), 1
        else:
            events = [self.event() for _ in range(self.batch)]
            count = len(events)
        body = json.dumps(events, separators=(",", ":")).encode()
        run.events_sent += count
        started = time.perf_counter()
        error = None
        try:
            status, content = await self.http.request("POST", path, body)
            if status == 204:
                run.events_acknowledged += count
            else:
                error = f"HTTP {status} {path} {content[:80].decode(errors='replace')}"
        except FAILURES as exc:
            error = f"{type(exc).__name__} {path}"
        run.record(EVENTS, (time.perf_counter() - started) * 1000, error)

    async def close(self):
        await self.http.close()


async def phase(name: str, clients: int, kiosks: list[Kiosk], args, meter: CpuMeter, make_run, **kwargs):
    """A warm-up and the runs of `clients` clients spread over the kiosks, each summary tagged."""
    rng = random.Random(f"{args.seed}-{name}")
    http = HTTP_CLIENTS[args.http_client]
    users = [
        Client(
            kiosks[i % len(kiosks)], http(args.base_url, args.timeout), random.Random(rng.random()), **kwargs
        )
        for i in range(clients)
    ]
    print(f"== {name} : {clients} clients, {kwargs or 'boucle fermée'}", file=sys.stderr)
    try:
        runs, set_aside, warmup = await measure(users, args, meter, make_run)
    finally:
        await asyncio.gather(*(u.close() for u in users))
    for summary in [*runs, *set_aside, *([warmup] if warmup else [])]:
        summary["phase"], summary["clients"] = name, clients
    return {"runs": runs, "set_aside": set_aside, "warmup": warmup}


async def load_phases(kiosks: list[Kiosk], args, meter: CpuMeter, counter: RowCounter) -> dict:
    event_run = partial(EventRun, counter=counter)
    plan = {
        "home": (args.users, HomeRun, {"think_ms": args.think_ms}),
        "home_200": (args.clients, HomeRun, {}),
        "events": (args.event_clients, event_run, {"batch": 1}),
        "events_batched": (args.event_clients, event_run, {"batch": args.event_batch}),
    }
    if args.event_batch <= 1:
        del plan["events_batched"]
    phases = {}
    for name, (clients, make_run, kwargs) in plan.items():
        if name in args.only:
            phases[name] = await phase(name, clients, kiosks, args, meter, make_run, **kwargs)
    return phases


# --- the limit per client, checked in this process -----------------------------------------------------


def check_rate_limit(database_url: str, kiosk: Kiosk, limit: int) -> dict:
    """The events view, through Django's test client on the bench database, at the default limit: one
    address may send `limit` events in a minute, the next one is refused with a 429, another address is
    still served. Its rows are deleted afterwards."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csc.settings")
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 429 is expected here
    from django.db import connections
    from django.test import Client as DjangoClient
    from django.test.utils import override_settings

    from csc.kiosk.models import KioskEvent
    from csc.kiosk.services import MAX_EVENTS_PER_REQUEST

    # The count restarts with each minute: start at the beginning of one.
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)
    mark = KioskEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    one = DjangoClient(REMOTE_ADDR="198.51.100.7", HTTP_HOST="127.0.0.1", HTTP_ORIGIN="http://127.0.0.1")
    other = DjangoClient(REMOTE_ADDR="198.51.100.8", HTTP_HOST="127.0.0.1", HTTP_ORIGIN="http://127.0.0.1")

    def post(client, count: int) -> int:
        body = json.dumps([{"type": "visite"}] * count)
        return client.post(kiosk.events, body, content_type="text/plain").status_code

    with override_settings(CSC_KIOSK_EVENTS_PER_MINUTE=limit):
        accepted, statuses = 0, set()
        while accepted < limit:
            count = min(MAX_EVENTS_PER_REQUEST, limit - accepted)
            status = post(one, count)
            statuses.add(status)
            if status != 204:
                break
            accepted += count
        over = post(one, 1)
        another = post(other, 1)
    stored = KioskEvent.objects.filter(id__gt=mark).count()
    KioskEvent.objects.filter(id__gt=mark).delete()
    connections.close_all()
    return {
        "limit_per_minute": limit,
        "events_accepted_from_one_address": accepted,
        "answers_up_to_the_limit": sorted(statuses),
        "next_event_answer": over,
        "another_address_answer": another,
        "rows_stored": stored,
        "works": accepted == limit and over == 429 and another == 204 and stored == limit + 1,
        "how": "in the benchmark's process, Django's test client on the bench database and the same cache "
        "backend as the server (per process unless CSC_CACHE_URL names a Redis shared by the workers)",
    }


# --- the result -----------------------------------------------------------------------------------------


def build_result(args, dataset: dict, weight: dict, phases: dict, rate_limit: dict, cleanup: int) -> dict:
    def runs(name):
        return phases[name]["runs"] if name in phases else []

    def every(name):  # warm-up and runs set aside included: an error or a lost event anywhere counts
        p = phases.get(name)
        return (p["runs"] + p["set_aside"] + ([p["warmup"]] if p["warmup"] else [])) if p else []

    event_runs = every("events") + every("events_batched")
    metrics = {
        "kiosk_home_bytes_gzip": weight["gzip_bytes"],
        "kiosk_home_p95_ms": median_of(runs("home"), HOME, "p95_ms"),
        "kiosk_home_rps_200_clients": median_of(runs("home_200"), "throughput_rps"),
        "events_per_s": median_of(runs("events"), "events_per_s"),
        "events_lost": sum(r["events_lost"] for r in event_runs),
        "kiosk_home_bytes": weight["bytes"],
        "kiosk_home_served_bytes": weight["served_bytes"],
        "kiosk_home_p50_ms": median_of(runs("home"), HOME, "p50_ms"),
        "kiosk_home_rps_moderate": median_of(runs("home"), "throughput_rps"),
        "kiosk_home_p95_ms_200_clients": median_of(runs("home_200"), HOME, "p95_ms"),
        "kiosk_home_p50_ms_200_clients": median_of(runs("home_200"), HOME, "p50_ms"),
        "kiosk_home_errors": sum(r["errors"] for r in every("home") + every("home_200")),
        "event_requests_per_s": median_of(runs("events"), "throughput_rps"),
        "event_p95_ms": median_of(runs("events"), EVENTS, "p95_ms"),
        "event_errors": sum(r["errors"] for r in event_runs),
        "events_stored_unacknowledged": sum(r["events_stored_unacknowledged"] for r in event_runs),
    }
    if "events_batched" in phases:
        batched = runs("events_batched")
        metrics[f"events_per_s_batched_{args.event_batch}"] = median_of(batched, "events_per_s")
        metrics[f"event_requests_per_s_batched_{args.event_batch}"] = median_of(batched, "throughput_rps")
    met = {}
    for key, target in TARGETS.items():
        value = metrics[key]
        if value is None:
            met[key] = False
        elif key in HIGHER_IS_BETTER:
            met[key] = value >= target
        else:
            met[key] = value == 0 if target == 0 else value < target
    all_runs = [r for p in phases.values() for r in p["runs"]]
    return {
        "benchmark": "borne",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": args.git,
        "dataset": dataset,
        "metrics": metrics,
        "targets": TARGETS,
        "targets_met": met,
        "method": {
            "workload": f"Clients spread over {len(dataset['kiosk_slugs'])} kiosks of the network, each on "
            "its own kiosk, no login. Phases, one after the other: GET /borne/<slug>/ with "
            f"{args.users} clients pausing {args.think_ms:g} ms (mean, exponential) after each page, then "
            f"with {args.clients} clients without pause (closed loop); POST /borne/<slug>/evenements/ with "
            f"{args.event_clients} clients without pause, one event per request (70 % clicks on a visible "
            "tile of the kiosk, 20 % visits, 10 % ends of session)"
            + (f", then {args.event_batch} events per request." if "events_batched" in phases else ".")
            + " A home page is an error unless 200 with a tile of its kiosk; an event request unless 204.",
            "metrics": "kiosk_home_bytes_gzip: the HTML of the largest home page of the kiosks loaded plus "
            f"the CSS and script it links, fetched from the server and each gzip-compressed here (level "
            f"{GZIP_LEVEL}), images excluded; kiosk_home_served_bytes is what the server sends to a "
            "browser that accepts gzip. kiosk_home_p95_ms: p95 of the home page under the moderate load "
            f"of the first phase ({args.users} clients with pauses: the server busy, little queueing); "
            f"with {args.clients} clients and a few sync workers, requests wait in the listen backlog "
            "and the p95 measures that queue (kiosk_home_p95_ms_200_clients, not a target). "
            "Latencies are measured by a client on the same machine, over loopback: server time plus "
            "a connection and little else. kiosk_home_rps_200_clients: answers per second with "
            f"{args.clients} clients. events_per_s: kiosk_kioskevent rows that appeared during a run of "
            "single-event requests, per second (the batched phase is reported apart). events_lost: "
            "events answered 204 without their row, warm-ups and runs set aside included.",
            "aggregation": "Each phase: a warm-up, then runs of a fixed duration; p95 and throughput "
            "per run, the metric is the median over the runs. A run during which other programs used "
            f"more than {args.disturbed_cores:g} core is set aside and done again (at most "
            f"{args.retries} times).",
            "http_client": args.http_client,
            "clients": {
                "home": args.users,
                "home_pause_mean_ms": args.think_ms,
                "home_200": args.clients,
                "events": args.event_clients,
                "event_batch": args.event_batch,
            },
            "rate_limit": "CSC_KIOSK_EVENTS_PER_MINUTE lifted on the bench server (one loopback address "
            "for every kiosk); checked in this process instead (rate_limit_check).",
            "events_deleted_after": cleanup,
            **loadgen.run_method(args, f"borne.py ({args.http_client} HTTP/1.1, one connection a request)"),
        },
        "page_weight": weight,
        "rate_limit_check": rate_limit,
        "runs": all_runs,
        "disturbed_runs_set_aside": [r for p in phases.values() for r in p["set_aside"]],
        "warmups": [p["warmup"] for p in phases.values() if p["warmup"]],
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    loadgen.add_load_arguments(
        parser, users=20, users_help="Clients de la phase de latence de l'accueil (kiosk_home_p95_ms)."
    )
    parser.add_argument("--clients", type=int, default=200, help="Clients de la phase de débit de l'accueil.")
    parser.add_argument("--kiosks", type=int, default=50, help="Bornes du réseau sur lesquelles se répartir.")
    parser.add_argument("--event-clients", type=int, default=50, help="Clients qui envoient les événements.")
    parser.add_argument(
        "--event-batch", type=int, default=10, help="Événements par envoi de la phase groupée (0 : sans)."
    )
    parser.add_argument("--http-client", choices=sorted(HTTP_CLIENTS), default="raw")
    parser.add_argument(
        "--only",
        type=lambda text: {part.strip() for part in text.split(",") if part.strip()},
        default=set(PHASES),
        help=f"Phases mesurées, parmi {','.join(PHASES)}.",
    )
    parser.add_argument(
        "--skip-rate-limit-check", action="store_true", help="Ne pas vérifier la limite par adresse."
    )
    # `think_ms` is the pause of the latency phase only; a run at a thousand requests a second must
    # not stop at loadgen's ceiling.
    parser.set_defaults(duration=20, warmup=5, think_ms=100, max_requests=5_000_000)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    check_loopback(args.base_url)
    kiosks, dataset = load_workload(args.database_url, args.kiosks)
    dataset["kiosk_slugs"] = [k.slug for k in kiosks]
    weight = page_weight(args.base_url, kiosks, args.timeout)
    print(f"poids de l'accueil : {json.dumps(weight, ensure_ascii=False)}", file=sys.stderr)
    port = urlsplit(args.base_url).port or 80
    meter = CpuMeter(port, urlsplit(args.database_url).path.lstrip("/"))
    counter = RowCounter(args.database_url)
    try:
        phases = asyncio.run(load_phases(kiosks, args, meter, counter))
    finally:
        cleanup = counter.delete_added()
        counter.close()
    rate_limit = (
        None
        if args.skip_rate_limit_check
        else check_rate_limit(args.database_url, kiosks[0], RATE_LIMIT_CHECKED)
    )
    result = build_result(args, dataset, weight, phases, rate_limit, cleanup)
    loadgen.write_result(result, args.output)


if __name__ == "__main__":
    main()
