"""Measures for Prometheus at `/metrics` (docs/installation.md, « Mesures pour Prometheus »).

Two kinds of measures:

- counted by each application process as it serves requests (`MetricsMiddleware`): requests by method,
  route name and class of status, and their duration by route name. A route name, never a raw path: a
  path holds identifiers, and a series per person would have no end. No database query, a few
  microseconds per request.
- read from the database when Prometheus asks (`DatabaseCollector`): the task queue (how many tasks are
  due, how long the oldest has waited), the tasks that failed, the messages by status (« incertain »
  included), the task workers' heartbeat. One grouped query each, so every process gives the same
  figures and a scrape costs four small queries.

Several gunicorn workers: each process counts its own requests. With PROMETHEUS_MULTIPROC_DIR set in the
environment of gunicorn (an empty directory, emptied at each start), prometheus_client writes them to
files there and `/metrics` adds up every worker's; without it, each process answers with its own counts.

Naming: `csc_` first, the unit last (`_seconds`, `_bytes`), `_total` for a counter; labels of bounded
values only (a route name, a status, a queue), never an identifier, a name or an address.

`/metrics` answers only to the addresses of CSC_METRICS_ALLOWED_IPS (loopback by default) reached
directly, or to the bearer token CSC_METRICS_TOKEN; anyone else gets a 404, as if there were nothing.
A request that came through the proxy (it carries X-Forwarded-For, X-Forwarded-Proto, X-Real-IP or
Forwarded) is never let in by its address: behind nginx on the same machine, every visitor's connection
comes from 127.0.0.1.
"""

from __future__ import annotations

import hmac
import os
import time

from django.conf import settings
from django.http import Http404, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from . import addresses
from .requestlog import route_of

REGISTRY = CollectorRegistry()
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# From a kiosk's event (a few ms) to the network's attendance PDF (5 s and more).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "csc_http_requests",
    "Requêtes HTTP servies, par méthode, nom de route et classe de statut (2xx, 3xx, 4xx, 5xx).",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "csc_http_request_duration_seconds",
    "Durée des requêtes HTTP dans l'application, par nom de route.",
    ["route"],
    buckets=BUCKETS,
    registry=REGISTRY,
)
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


class MetricsMiddleware:
    """Counts each request and its duration, by route name; near the top, so that it sees redirections
    and refusals too. No database query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - start
        route = route_of(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method, route, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(route).observe(elapsed)
        return response


def allowed(request) -> bool:
    """The bearer token, or a direct connection from an allowed address."""
    token = getattr(settings, "CSC_METRICS_TOKEN", "")
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "")
        if given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
            return True
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    allowed_networks = addresses.networks(tuple(settings.CSC_METRICS_ALLOWED_IPS), "CSC_METRICS_ALLOWED_IPS")
    return addresses.address_in(request.META.get("REMOTE_ADDR", ""), allowed_networks)


class _ThisProcess:
    """The counts of this process's own registry (without PROMETHEUS_MULTIPROC_DIR)."""

    def collect(self):
        yield from REGISTRY.collect()


class DatabaseCollector:
    """What the database says at scrape time. A database that does not answer gives csc_database_up 0
    and nothing else, never an error: Prometheus must still see the requests' counts."""

    def collect(self):
        up = GaugeMetricFamily("csc_database_up", "1 si la base de données répond à la lecture des mesures.")
        try:
            families = list(self._families())
        except Exception:  # noqa: BLE001 — whatever the driver raises, the database is away
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self):
        from django.db.models import Count, Min
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult, TaskResultStatus

        from . import heartbeat
        from .models import OutboundMessage

        now = timezone.now()
        queued = GaugeMetricFamily(
            "csc_tasks_queued", "Tâches dues, en attente d'un travailleur.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "csc_tasks_oldest_queued_age_seconds",
            "Depuis combien de temps attend la plus vieille tâche due (0 sans tâche due).",
            labels=["queue"],
        )
        by_queue = dict.fromkeys(settings.TASKS["default"].get("QUEUES", ["default"]), (0, None))
        rows = (
            DBTaskResult.objects.ready()
            .values("queue_name")
            .annotate(n=Count("pk"), oldest=Min("enqueued_at"))
        )
        for row in rows.order_by():
            by_queue[row["queue_name"]] = (row["n"], row["oldest"])
        for queue, (count, first) in sorted(by_queue.items()):
            queued.add_metric([queue], count)
            oldest.add_metric([queue], (now - first).total_seconds() if first else 0)
        yield queued
        yield oldest

        failed = GaugeMetricFamily(
            "csc_tasks_failed",
            "Tâches en échec gardées dans la base, par tâche (une hausse est un échec de plus).",
            labels=["task"],
        )
        rows = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).values("task_path")
        for row in rows.annotate(n=Count("pk")).order_by("task_path"):
            failed.add_metric([row["task_path"]], row["n"])
        yield failed

        messages = GaugeMetricFamily(
            "csc_messages", "Messages (e-mails, SMS) par état d'envoi.", labels=["status"]
        )
        counts = dict.fromkeys(OutboundMessage.Status.values, 0)
        for row in OutboundMessage.objects.values("status").annotate(n=Count("pk")).order_by():
            counts[row["status"]] = row["n"]
        for status, count in counts.items():
            messages.add_metric([status], count)
        yield messages

        last_beat = heartbeat.last_beat()
        beat = GaugeMetricFamily(
            "csc_worker_heartbeat_age_seconds",
            "Âge du dernier signe de vie d'un travailleur de tâches (absent si aucun n'a jamais battu).",
        )
        if last_beat is not None:
            beat.add_metric([], (now - last_beat).total_seconds())
        yield beat
        alive = GaugeMetricFamily(
            "csc_workers_alive", "Travailleurs de tâches dont le signe de vie a moins que le bail (30 s)."
        )
        alive.add_metric([], len(heartbeat.live_worker_ids()))
        yield alive


def exposition() -> bytes:
    """The text Prometheus reads: the requests' counts (this process's, or every worker's in
    multiprocess mode) and what the database says."""
    registry = CollectorRegistry(auto_describe=False)
    # prometheus_client reads the variable when it is first imported, to count into files: it must be in
    # the environment of the process (gunicorn's), not only in a settings file.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseCollector())
    return generate_latest(registry)


def metrics_view(request):
    if not allowed(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
