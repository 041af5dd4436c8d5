"""The task worker as production runs it: `manage.py db_worker` in its own process, sending through a
real SMTP server, while the test cuts the database away from it or kills it (PostgreSQL only: the cut
is the server refusing and dropping the connections of the test's database).

Each test says what a person would see: the e-mail arrived once, or the message is « peut-être
parti » on the staff's page, never sent twice."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from psycopg import sql

from csc.core import notify
from csc.core.models import OutboundMessage, WorkerHeartbeat
from csc.testing import worker_tasks
from csc.testing.smtp import SmtpServer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the outage is PostgreSQL refusing connections"
    ),
]
ROOT = Path(__file__).resolve().parents[3]
LEASE = 2.0


def wait_for(condition, timeout=20.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Still waiting for {what} after {timeout}s")


@contextmanager
def worker_process(smtp):
    settings_dict = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/"
        f"{settings_dict['NAME']}",
        "DJANGO_SETTINGS_MODULE": "csc.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp.port),
        "CSC_WORKER_HEARTBEAT_SECONDS": "0.3",
        "CSC_WORKER_LEASE_SECONDS": str(LEASE),
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(
            lambda: WorkerHeartbeat.objects.filter(pid=process.pid).exists(), what="the worker's heartbeat"
        )
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        output = process.communicate()[0].decode(errors="replace")
        print(output)  # shown by pytest when the test fails


@contextmanager
def database_away():
    """The test's database refuses every new connection and drops those that were open, but the test's
    own: what a worker sees when the server restarts. Done from the server's maintenance database (a
    database cannot close itself)."""
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own_pid = cursor.fetchone()[0]
    params = {k: v for k, v in connection.get_connection_params().items() if k in ("host", "port", "user")}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name)))
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
            [name, own_pid],
        )
        try:
            yield
        finally:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name)))


def record(centre, **fields):
    values = {"purpose": "tests.hello", "to": "nadia@example.org", "subject": "Bonjour", "body": "Le texte"}
    return notify.email(centre=centre, **(values | fields))


def status(message):
    return OutboundMessage.objects.values_list("status", flat=True).get(pk=message.pk)


def test_the_worker_waits_for_the_database_to_come_back_then_sends_what_was_queued(centre_a):
    with SmtpServer() as smtp, worker_process(smtp) as process:
        with database_away():
            time.sleep(2)
            assert process.poll() is None, "the worker exited while the database was away"
        back = time.monotonic()
        message = record(centre_a)
        wait_for(lambda: status(message) == "envoye", what="the message sent after the outage")
        assert time.monotonic() - back < 5
        assert [r.recipients for r in smtp.received] == [["nadia@example.org"]]


def test_a_task_whose_worker_was_killed_runs_again_on_another_worker_and_sends_once(centre_a):
    message = record(centre_a, queue=False)
    result = worker_tasks.pause_then_deliver.enqueue(message.pk, 60)
    with SmtpServer() as smtp:
        with worker_process(smtp) as first:
            wait_for(
                lambda: DBTaskResult.objects.filter(pk=result.id, status="RUNNING").exists(), what="the run"
            )
            first.send_signal(signal.SIGKILL)
            first.wait()
        assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"  # as the dead worker left it
        with worker_process(smtp):
            wait_for(lambda: status(message) == "envoye", what="the second run")
            task = DBTaskResult.objects.get(pk=result.id)
            assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2
            time.sleep(LEASE)
        assert len(smtp.received) == 1


def test_a_message_at_the_mail_server_when_its_worker_is_killed_is_perhaps_sent_not_sent_twice(centre_a):
    with SmtpServer(hold_seconds=60) as smtp:
        with worker_process(smtp) as first:
            message = record(centre_a)
            assert smtp.handler.data_arrived.wait(20)
            first.send_signal(signal.SIGKILL)
            first.wait()
        with worker_process(smtp):
            wait_for(lambda: status(message) == "incertain", what="the message marked perhaps sent")
            time.sleep(LEASE)
            assert status(message) == "incertain"
        assert len(smtp.received) == 1


def test_a_message_sent_while_the_database_restarts_is_recorded_sent_once_it_is_back(centre_a):
    with SmtpServer(hold_seconds=60) as smtp, worker_process(smtp) as process:
        message = record(centre_a)
        assert smtp.handler.data_arrived.wait(20)
        with database_away():
            smtp.handler.release.set()  # the server answers « 250 » while the database is away
            time.sleep(2)
            assert process.poll() is None
        wait_for(lambda: status(message) == "envoye", what="the message written down as sent")
        time.sleep(LEASE)
        assert (status(message), len(smtp.received)) == ("envoye", 1)
