"""The outbound message service: recorded, sent once after the commit, retried, failed, resent."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from csc.core import notify
from csc.core.models import OutboundMessage
from csc.testing.tasks import run_task_worker

pytestmark = pytest.mark.django_db

BROKEN = "csc.core.tests.test_notify.BrokenBackend"


class BrokenBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("le serveur refuse la connexion")


def greeting_card(name: str) -> notify.Attachment:
    return notify.Attachment(f"carte-{name}.txt", f"Bonjour {name}".encode(), "text/plain")


@pytest.fixture(autouse=True)
def card_builder():
    notify.register_attachment("tests.card", greeting_card)


def write(centre=None, **fields):
    values = {
        "purpose": "tests.hello",
        "to": "nadia@example.org",
        "subject": "Bonjour",
        "body": "Le texte",
        "centre": centre,
    } | fields
    return notify.email(**values)


def test_a_message_is_recorded_then_sent_after_the_commit_with_its_parts(
    centre_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = write(
            centre_a,
            html_body="<p>Le texte</p>",
            reply_to="accueil@centre.example.org",
            about=centre_a,
            attachments=[("tests.card", {"name": "Nadia"})],
        )
        # Nothing leaves before the commit: the page that asked does not wait for a mail server.
        assert mail.outbox == []
    assert message.status == "en_attente" and message.channel == "email"
    run_task_worker()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.to, sent.subject, sent.body) == (["nadia@example.org"], "Bonjour", "Le texte")
    assert sent.reply_to == ["accueil@centre.example.org"]
    assert sent.alternatives[0][1] == "text/html"
    assert [tuple(a) for a in sent.attachments] == [("carte-Nadia.txt", "Bonjour Nadia", "text/plain")]
    message.refresh_from_db()
    assert message.status == "envoye" and message.attempts == 1 and message.sent_at is not None
    assert list(notify.messages_about(centre_a)) == [message]
    assert message.about_type == "core.centre" and message.centre == centre_a


def test_a_change_rolled_back_sends_nothing(centre_a, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        write(centre_a)
        raise RuntimeError
    run_task_worker()
    assert mail.outbox == [] and not OutboundMessage.objects.exists()


def test_an_unknown_attachment_is_refused_when_recording(centre_a):
    with pytest.raises(notify.NotifyError):
        write(centre_a, attachments=[("tests.nothing", {})])


def test_a_failing_mail_server_is_retried_with_growing_waits_then_the_message_fails(
    centre_a, settings, clock, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN
    start = timezone.now()
    clock(start)
    with django_capture_on_commit_callbacks(execute=True):
        message = write(centre_a)
    run_task_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("en_attente", 1)
    assert message.last_error == "ConnectionRefusedError: le serveur refuse la connexion"
    assert message.next_attempt_at == start + timedelta(minutes=1)
    # Waiting for its next try: a worker running now leaves it alone.
    run_task_worker()
    message.refresh_from_db()
    assert message.attempts == 1
    waits = []
    for _ in range(3):
        previous = message.next_attempt_at
        clock(previous)
        run_task_worker()
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - previous)
    assert waits == [timedelta(minutes=5), timedelta(minutes=30)]
    assert (message.status, message.attempts) == ("echec", notify.MAX_ATTEMPTS)
    assert "ConnectionRefusedError" in message.last_error
    assert mail.outbox == []
    # Failed for good: no try left in the queue.
    clock(start + timedelta(days=1))
    run_task_worker()
    message.refresh_from_db()
    assert message.attempts == notify.MAX_ATTEMPTS


def test_a_sent_message_is_never_sent_again_by_a_duplicate_task(centre_a):
    message = write(centre_a, queue=False)
    # Two copies of the task in the queue (a retry and a resend racing, a queue delivering twice).
    notify.send_message.enqueue(message.pk)
    notify.send_message.enqueue(message.pk)
    run_task_worker()
    assert len(mail.outbox) == 1
    assert notify.deliver(message) == "nothing to do"
    assert notify.send_message.call(message.pk) == "nothing to do"
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("envoye", 1)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


def test_a_message_claimed_by_another_worker_is_left_to_it(centre_a):
    message = write(centre_a, queue=False)
    OutboundMessage.objects.filter(pk=message.pk).update(status="envoi", next_attempt_at=timezone.now())
    assert notify.deliver(message.pk) == "nothing to do"
    assert mail.outbox == []


def test_a_failed_message_is_resent_to_the_corrected_address_and_only_once(
    centre_a, settings, django_capture_on_commit_callbacks
):
    message = write(centre_a, queue=False)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status="echec", attempts=notify.MAX_ATTEMPTS, last_error="SMTPRecipientsRefused"
    )
    message.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.resend(message, to="nadia.b@example.org") is True
        # A second click while the first is on its way changes nothing.
        assert notify.resend(message) is False
    run_task_worker()
    assert [m.to for m in mail.outbox] == [["nadia.b@example.org"]]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.recipient) == ("envoye", 1, "nadia.b@example.org")
    assert notify.resend(message) is False


def test_a_secret_message_keeps_no_text_once_sent_and_is_not_resent(centre_a):
    message = write(centre_a, body="Votre lien : https://csc.example.org/secret", secret=True, queue=False)
    assert notify.deliver(message) == "sent"
    assert "secret" in mail.outbox[0].body
    message.refresh_from_db()
    assert message.body == notify.SECRET_PLACEHOLDER and message.subject == "Bonjour"
    OutboundMessage.objects.filter(pk=message.pk).update(status="echec")
    assert notify.resend(message) is False


def test_a_message_is_sent_at_once_by_a_caller_that_asks(centre_a):
    message = write(centre_a, queue=False)
    assert not DBTaskResult.objects.exists()
    assert notify.deliver(message) == "sent"
    assert len(mail.outbox) == 1


def test_what_a_lost_worker_left_is_queued_again_or_marked_perhaps_sent(centre_a, clock):
    start = timezone.now()
    clock(start)
    forgotten = write(centre_a, queue=False)  # its task was lost
    before_carrier = write(centre_a, queue=False)
    at_carrier = write(centre_a, queue=False)
    OutboundMessage.objects.filter(pk=before_carrier.pk).update(status="envoi", next_attempt_at=start)
    OutboundMessage.objects.filter(pk=at_carrier.pk).update(
        status="envoi", next_attempt_at=start, handed_at=start
    )
    fresh_start = start + timedelta(minutes=45)
    clock(fresh_start)
    fresh = write(centre_a, queue=False)  # just recorded: its task is surely on its way
    assert notify.recover_stalled() == 3
    run_task_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["nadia@example.org"] * 2
    for message in (forgotten, before_carrier, at_carrier, fresh):
        message.refresh_from_db()
    assert (forgotten.status, before_carrier.status) == ("envoye", "envoye")
    assert at_carrier.status == "incertain" and "peut-être parti" in at_carrier.last_error
    assert fresh.status == "en_attente"
    # Staff checked with the family: it did not arrive. Sent again, once.
    assert notify.resend(at_carrier)
    run_task_worker()
    at_carrier.refresh_from_db()
    assert (at_carrier.status, len(mail.outbox)) == ("envoye", 3)


def test_the_messages_to_an_address_are_found_and_forgotten_per_centre(centre_a, centre_b):
    mine = write(centre_a, to="Nadia@Example.org", queue=False)
    notify.deliver(mine)
    waiting = write(centre_a, queue=False)
    elsewhere = write(centre_b, queue=False)
    assert set(notify.messages_to(["nadia@example.org"], centre=centre_a)) == {mine, waiting}
    assert notify.forget_recipient(["nadia@example.org", ""], centre=centre_a) == 2
    mine.refresh_from_db(), waiting.refresh_from_db(), elsewhere.refresh_from_db()
    assert (mine.recipient, mine.subject, mine.body, mine.status) == ("", "", "", "envoye")
    assert (waiting.recipient, waiting.status) == ("", "echec")
    assert elsewhere.recipient == "nadia@example.org"
    assert notify.deliver(waiting) == "nothing to do"


SENDERS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "EmailMessage"}
SENDERS |= {"EmailMultiAlternatives", "get_connection"}


def _mail_senders_used(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("django.core.mail"):
            found += [alias.name for alias in node.names if alias.name in SENDERS]
        elif isinstance(node, ast.Attribute) and node.attr in SENDERS:
            found.append(node.attr)  # mail.send_mail(...), django.core.mail.EmailMessage(...)
    return found


def test_no_module_sends_mail_except_through_notify():
    root = Path(notify.__file__).resolve().parents[1]
    offenders = {
        str(path.relative_to(root.parent)): used
        for path in root.rglob("*.py")
        if path != Path(notify.__file__).resolve()
        and (used := _mail_senders_used(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}
    # The check itself sees both ways of reaching a sender.
    assert _mail_senders_used(ast.parse("from django.core.mail import send_mail")) == ["send_mail"]
    assert _mail_senders_used(ast.parse("from django.core import mail\nmail.EmailMessage()")) == [
        "EmailMessage"
    ]


def test_the_recovery_command_says_how_many_it_took_back(centre_a, clock):
    import io

    from django.core.management import call_command

    clock(timezone.now())
    write(centre_a, queue=False)
    clock(timezone.now() + timedelta(hours=1))
    out = io.StringIO()
    call_command("recover_messages", stdout=out)
    assert out.getvalue() == "1 message(s) repris.\n"
    run_task_worker()
    assert len(mail.outbox) == 1


def test_another_channel_plugs_in_and_gets_the_same_record_and_retries(centre_a):
    carried = []

    def gateway(message, attachments):
        if not carried:
            carried.append("down")
            raise TimeoutError("passerelle muette")
        carried.append((message.recipient, message.body))

    notify.register_channel("tests-sms", gateway)
    sms = notify.record(
        channel="tests-sms", purpose="tests.alert", to="+33612345678", body="Sortie annulée", centre=centre_a
    )
    assert notify.deliver(sms) == "retry"
    OutboundMessage.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())
    assert notify.deliver(sms) == "sent"
    assert carried == ["down", ("+33612345678", "Sortie annulée")] and mail.outbox == []
    sms.refresh_from_db()
    assert (sms.channel, sms.status, sms.attempts) == ("tests-sms", "envoye", 2)
    with pytest.raises(notify.NotifyError):
        notify.record(channel="pigeon", purpose="tests", to="x", body="x")
