"""The tasks on Redis (CSC_TASKS_BACKEND=django_tasks_rq.RQBackend): a message recorded here is sent by a
real RQ worker (`manage.py rqworker`, another process) through a real SMTP server; /healthz reports RQ's
worker and queue; notify's recovery tells a live RQ worker from a dead one.

RQ has no key prefix: its queues live in a Redis database of their own (CSC_TEST_RQ_URL, db 14 by
default), whose « rq:* » keys the test deletes, never FLUSHDB."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from csc.core import heartbeat, notify
from csc.core.models import OutboundMessage
from csc.core.tests.test_worker_process import wait_for
from csc.testing.caches import redis_available
from csc.testing.nodes import ROOT, database_url
from csc.testing.smtp import SmtpServer

RQ_URL = os.environ.get("CSC_TEST_RQ_URL", "redis://127.0.0.1:6379/14")
SENDING = OutboundMessage.Status.SENDING
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the RQ worker is another process"),
]


@pytest.fixture
def rq_backend():
    if not redis_available():
        pytest.skip("Redis ne répond pas sur 127.0.0.1:6379")
    import redis

    server = redis.Redis.from_url(RQ_URL)

    def forget():
        keys = list(server.scan_iter("rq:*"))
        if keys:
            server.delete(*keys)

    forget()
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES={"default": {"URL": RQ_URL}}):
        yield
    forget()
    server.close()


@contextmanager
def rq_worker(smtp, name):
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "csc.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url(),
        "CSC_TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "CSC_RQ_URL": RQ_URL,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp.port),
    }
    command = [sys.executable, "manage.py", "rqworker", "--with-scheduler", "--name", name, "default"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()  # RQ's warm shutdown: it leaves the list of workers
        output = process.communicate(timeout=30)[0].decode(errors="replace")
        print(output)  # shown by pytest when the test fails


def healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    return response.json()


def test_a_message_goes_through_redis_to_an_rq_worker_that_healthz_and_the_recovery_see(
    rq_backend, client, centre_a
):
    message = notify.email(
        purpose="tests.hello", to="nadia@example.org", subject="Bonjour", body="Texte", centre=centre_a
    )
    # No worker yet: /healthz says so, and the message waits in Redis.
    body = healthz(client)
    assert (body["status"], body["worker"]["status"]) == ("degrade", "absent")
    assert body["queue"]["oldest_s"] >= 0

    name = f"csc-test-{uuid.uuid4().hex[:12]}"
    with SmtpServer() as smtp, rq_worker(smtp, name) as worker:
        wait_for(lambda: len(smtp.received) == 1, timeout=60, what="the e-mail")
        message.refresh_from_db()
        assert message.status == OutboundMessage.Status.SENT and message.claimed_by == f"rq:{name}"
        assert smtp.received[0].recipients == ["nadia@example.org"]
        assert smtp.received[0].message["Subject"] == "Bonjour"

        body = healthz(client)
        assert (body["status"], body["worker"]["status"], body["queue"]["oldest_s"]) == ("ok", "ok", 0.0)
        assert f"rq:{name}" in heartbeat.live_worker_ids()

        # Two messages left « sending » before the carrier had them: one by this worker, alive (it is
        # only slow), one by a worker RQ no longer lists. The recovery takes back the second only, and
        # the live worker sends it.
        long_ago = timezone.now() - timedelta(minutes=5)
        held, lost = (
            notify.email(purpose="tests.held", to=to, subject="S", body="B", centre=centre_a, queue=False)
            for to in ("held@example.org", "lost@example.org")
        )
        for stalled, claimed_by in ((held, f"rq:{name}"), (lost, "rq:gone")):
            OutboundMessage.objects.filter(pk=stalled.pk).update(
                status=SENDING, claimed_by=claimed_by, next_attempt_at=long_ago
            )
        assert notify.recover_stalled() == 1
        wait_for(lambda: len(smtp.received) == 2, timeout=60, what="the message taken back")
        assert smtp.received[1].recipients == ["lost@example.org"]
        held.refresh_from_db()
        assert held.status == SENDING

        worker.terminate()
        worker.wait(timeout=30)
    assert healthz(client)["worker"]["status"] == "absent"


def test_healthz_keeps_the_node_in_when_redis_does_not_answer(client, db):
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES={"default": {"URL": "redis://127.0.0.1:9/0"}}):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degrade",
        "database": "ok",
        "worker": {"status": "inconnu", "last_beat_s": None},
        "queue": {"status": "injoignable", "oldest_s": None},
    }
