"""The families' past e-mails survive the move into core's record of outbound messages."""

import uuid
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("enrolment", "0003_checked_family_quotient"), ("core", "0008_outbound_message")]
AFTER = [("enrolment", "0005_remove_notification")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_after():
    """Going back to BEFORE also unapplies what depends on those migrations in other apps (activities'
    tariff rules depend on core's latest); the test leaves the database at the latest schema, as the
    next test of the process expects it."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_notifications_become_core_messages_about_their_request(centre_a):
    old = migrate(BEFORE)
    Centre = old.get_model("core", "Centre")
    Centre.objects.filter(pk=centre_a.pk).update(email="accueil@alpha.example.org")
    season = old.get_model("people", "Season").objects.create(
        centre_id=centre_a.pk, name="2026-2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 8, 31)
    )
    Request = old.get_model("enrolment", "Request")
    Notification = old.get_model("enrolment", "Notification")
    request = Request.objects.create(
        centre_id=centre_a.pk,
        season=season,
        kind="adhesion",
        reference="A-0001",
        email="nadia@example.org",
        city="Lille",
        submission_key=uuid.uuid4(),
    )
    Notification.objects.create(
        request=request,
        to="nadia@example.org",
        subject="Reçue",
        body="Bonjour",
        attach_summary=True,
        status="envoye",
        attempts=1,
    )
    Notification.objects.create(
        request=request,
        to="nadia@example.org",
        subject="Validée",
        body="Bonjour",
        status="echec",
        attempts=4,
        last_error="SMTPRecipientsRefused",
    )
    new = migrate(AFTER)
    messages = new.get_model("core", "OutboundMessage").objects.order_by("pk")
    assert [(m.subject, m.status, m.attempts, m.last_error) for m in messages] == [
        ("Reçue", "envoye", 1, ""),
        ("Validée", "echec", 4, "SMTPRecipientsRefused"),
    ]
    first = messages[0]
    assert (first.about_type, first.about_id, first.centre_id) == (
        "enrolment.request",
        request.pk,
        centre_a.pk,
    )
    assert (first.purpose, first.channel, first.recipient) == (
        "enrolment.status",
        "email",
        "nadia@example.org",
    )
    assert first.reply_to == "accueil@alpha.example.org"
    assert first.attachments == [{"builder": "enrolment.summary", "arguments": {"request_id": request.pk}}]
    assert messages[1].attachments == []
