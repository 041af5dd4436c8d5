"""/metrics (csc/core/metrics.py), scraped as Prometheus does and read with prometheus_client's parser:
requests by route name, their duration, the task queue, failed tasks, messages by status, the workers'
heartbeat; only for allowed addresses or the token, a 404 for anyone else."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.test import modify_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, TaskResultStatus
from prometheus_client.parser import text_string_to_metric_families

from csc.core import heartbeat
from csc.core.models import OutboundMessage
from csc.testing.worker_tasks import pause_then_deliver


def scrape(client, **extra) -> dict:
    """{(sample name, frozenset of labels): value} of one scrape."""
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0)


@pytest.mark.django_db
def test_requests_are_counted_by_route_name_and_status_class_never_by_path(client, centre_a):
    before = scrape(client)
    client.get("/")
    client.get("/")
    client.get(f"/inscriptions/{centre_a.slug}/")
    client.get("/nulle-part/ceci-n-existe-pas/?nom=Martin")
    # The kiosk's events answer before URL resolution (csc/kiosk/middleware.py): still named.
    client.post("/borne/nulle-part/evenements/", "{}", content_type="application/json")
    after = scrape(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("csc_http_requests_total", method="GET", route="core:public_home", status="2xx") == 2
    assert grew("csc_http_requests_total", method="GET", route="enrolment:centre_home", status="2xx") == 1
    assert grew("csc_http_requests_total", method="GET", route="unmatched", status="4xx") == 1
    assert grew("csc_http_requests_total", method="POST", route="kiosk:events", status="4xx") == 1
    assert grew("csc_http_request_duration_seconds_count", route="core:public_home") == 2
    assert grew("csc_http_request_duration_seconds_bucket", route="core:public_home", le="+Inf") == 2
    assert value(after, "csc_http_request_duration_seconds_sum", route="core:public_home") > 0
    labels = {dict(key[1]).get("route") for key in after}
    assert not any(route and "/" in route for route in labels)  # a route name, never a raw path
    assert not any("Martin" in str(key) for key in after)


@pytest.mark.django_db
def test_the_queue_failed_tasks_messages_and_heartbeat_come_from_the_database(client):
    for message_id in (1, 2, 3):
        pause_then_deliver.enqueue(message_id, 0)
    # Two different tasks (their ids are random UUIDs: picking « first » and « last » by id could pick
    # the same one twice): one waited 10 minutes, another failed.
    aged, _, failed = DBTaskResult.objects.values_list("pk", flat=True)
    DBTaskResult.objects.filter(pk=aged).update(enqueued_at=timezone.now() - timedelta(minutes=10))
    DBTaskResult.objects.filter(pk=failed).update(status=TaskResultStatus.FAILED)
    for status in ("envoye", "envoye", "echec", "incertain"):
        OutboundMessage.objects.create(purpose="test", recipient="", status=status)
    heartbeat.beat("ouvrier-1")

    samples = scrape(client)
    assert value(samples, "csc_database_up") == 1
    assert value(samples, "csc_tasks_queued", queue="default") == 2
    assert 600 <= value(samples, "csc_tasks_oldest_queued_age_seconds", queue="default") < 660
    assert value(samples, "csc_tasks_failed", task=pause_then_deliver.module_path) == 1
    assert value(samples, "csc_messages", status="envoye") == 2
    assert value(samples, "csc_messages", status="echec") == 1
    assert value(samples, "csc_messages", status="incertain") == 1
    assert ("csc_messages", frozenset({("status", "en_attente")})) in samples  # every status, 0 included
    assert 0 <= value(samples, "csc_worker_heartbeat_age_seconds") < 5
    assert value(samples, "csc_workers_alive") == 1


@pytest.mark.django_db
def test_a_scrape_reads_the_database_in_a_few_grouped_queries(client, django_assert_max_num_queries):
    for status in ("envoye", "echec", "incertain") * 20:
        OutboundMessage.objects.create(purpose="test", recipient="", status=status)
    with django_assert_max_num_queries(5):
        scrape(client)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra",
    [
        {"REMOTE_ADDR": "203.0.113.7"},
        # Through the proxy on the same machine, everyone's connection comes from 127.0.0.1.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https"},
        {"REMOTE_ADDR": "203.0.113.7", "HTTP_AUTHORIZATION": "Bearer pas-le-bon"},
    ],
)
def test_anyone_else_gets_a_404(client, settings, extra):
    settings.CSC_METRICS_TOKEN = "le-jeton-de-prometheus-0123456789"
    response = client.get("/metrics", **extra)
    assert response.status_code == 404 and b"csc_" not in response.content


@pytest.mark.django_db
def test_the_token_opens_from_anywhere_and_a_network_can_be_allowed(client, settings):
    settings.CSC_METRICS_TOKEN = "le-jeton-de-prometheus-0123456789"
    remote = {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    scrape(client, HTTP_AUTHORIZATION="Bearer le-jeton-de-prometheus-0123456789", **remote)
    settings.CSC_METRICS_ALLOWED_IPS = ["10.0.0.0/8", "::1"]
    scrape(client, REMOTE_ADDR="10.1.2.3")
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.django_db
def test_the_middlewares_add_no_database_query(client, login, staff, django_assert_num_queries):
    """The request's count, duration and identifier cost no query: a page makes as many with them as
    without them."""
    user = login(staff("reception", "a"))
    middlewares = ["csc.core.requestlog.RequestIdMiddleware", "csc.core.metrics.MetricsMiddleware"]
    counts = []
    for change in ({}, {"remove": middlewares}):
        with modify_settings(MIDDLEWARE=change):
            user.get("/espace/")  # warm what is cached per process
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert user.get("/espace/").status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[1]


WORKER = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "csc.settings_test"
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from csc.core.metrics import MetricsMiddleware
for _ in range({count}):
    MetricsMiddleware(lambda request: HttpResponse(status=302))(RequestFactory().get("/"))
"""


@pytest.mark.django_db
def test_in_multiprocess_mode_every_workers_requests_are_added_up(tmp_path, monkeypatch):
    """Two processes (as two gunicorn workers) count into PROMETHEUS_MULTIPROC_DIR; the scrape, answered
    by any process, adds them up."""
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for count in (2, 3):
        subprocess.run([sys.executable, "-c", WORKER.format(count=count)], env=env, check=True, timeout=120)
    from csc.core import metrics

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    text = metrics.exposition().decode()
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    key = frozenset({"method": "GET", "route": "unmatched", "status": "3xx"}.items())
    assert samples[("csc_http_requests_total", key)] == 5


@pytest.mark.django_db
def test_prometheus_on_the_machine_scrapes_gunicorn_over_http_without_a_redirection(settings):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/").status_code == 301  # every page goes to HTTPS…
    scrape(client)  # …but not /metrics, read on the loopback
