"""Two workers taking the same message at the same instant: one sends it, the other leaves it.

Real threads with their own connections, so it runs on PostgreSQL (the test SQLite database lives in
memory and is not shared between connections).
"""

import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections

from csc.core import notify
from csc.core.models import OutboundMessage

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database shared between connections"
)


class SlowBackend(EmailBackend):
    """A mail server that takes its time: the other workers run while the first one is sending."""

    def send_messages(self, messages):
        time.sleep(0.2)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_message_send_it_once(centre_a, settings):
    settings.EMAIL_BACKEND = "csc.core.tests.test_notify_concurrency.SlowBackend"
    message = notify.email(
        purpose="tests.race",
        to="nadia@example.org",
        subject="Une fois",
        body="x",
        centre=centre_a,
        queue=False,
    )
    workers = 6
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def work():
        try:
            barrier.wait()
            results.append(notify.deliver(message.pk))
        except Exception as error:  # noqa: BLE001 — collected and asserted below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == ["nothing to do"] * (workers - 1) + ["sent"]
    assert len(mail.outbox) == 1
    message = OutboundMessage.objects.get(pk=message.pk)
    assert (message.status, message.attempts) == ("envoye", 1)
