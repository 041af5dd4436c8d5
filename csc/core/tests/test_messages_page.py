"""« Messages non partis »: reception sees the centre's e-mails that failed, may have left, or wait too
long — never another centre's, never what left — and sends one again, to a corrected address."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from csc.core import notify
from csc.core.models import AuditEvent, OutboundMessage
from csc.testing.pages import visible_text
from csc.testing.tasks import run_task_worker

URL = "/centre/messages/"


def message(centre, status, *, subject="Votre demande", to="famille@example.org", ago=timedelta(0), **fields):
    recorded = notify.email(
        purpose="tests.hello",
        to=to,
        subject=subject,
        body="Texte privé",
        centre=centre,
        queue=False,
        **fields,
    )
    OutboundMessage.objects.filter(pk=recorded.pk).update(
        status=status,
        created_at=timezone.now() - ago,
        attempts=4 if status == "echec" else 1,
        last_error="SMTPRecipientsRefused: adresse inconnue" if status == "echec" else "",
    )
    return recorded


@pytest.fixture
def outbox(centre_a, centre_b):
    return {
        "failed": message(centre_a, "echec", subject="Dossier incomplet"),
        "uncertain": message(centre_a, "incertain", subject="Place proposée"),
        "late": message(centre_a, "en_attente", subject="Rappel atelier", ago=timedelta(hours=2)),
        "recent": message(centre_a, "en_attente", subject="Tout juste écrit"),
        "sent": message(centre_a, "envoye", subject="Déjà parti"),
        "secret": message(centre_a, "echec", subject="Invitation", secret=True),
        "elsewhere": message(centre_b, "echec", subject="Autre centre"),
    }


def test_reception_sees_what_did_not_leave_in_its_centre_only(
    login, reception_a, outbox, django_assert_max_num_queries
):
    client = login(reception_a)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    text = visible_text(response)
    for subject in ("Dossier incomplet", "Place proposée", "Rappel atelier", "Invitation"):
        assert subject in text
    for subject in ("Tout juste écrit", "Déjà parti", "Autre centre", "Texte privé"):
        assert subject not in text
    assert "Peut-être parti" in text and "Vérifiez auprès du destinataire" in text
    assert "4 essais sans succès : SMTPRecipientsRefused" in text
    assert "En attente depuis 2" in text and "travailleur de tâches est peut-être arrêté" in text
    assert "refaites l'invitation depuis la page de l'équipe" in text
    # On the staff home, what waits.
    assert "4 e-mails non partis" in visible_text(client.get("/espace/"))


def test_a_failed_message_goes_again_to_the_corrected_address_once(
    login, reception_a, outbox, django_capture_on_commit_callbacks
):
    client = login(reception_a)
    failed = outbox["failed"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{URL}{failed.pk}/renvoyer/", {f"m{failed.pk}-email": " nadia.b@example.org "}
        )
    assert response.status_code == 302
    assert "repart vers nadia.b@example.org" in visible_text(client.get(URL))
    failed.refresh_from_db()
    assert (failed.status, failed.recipient, failed.attempts) == ("en_attente", "nadia.b@example.org", 0)
    assert AuditEvent.objects.filter(action="message_resent", object_id=str(failed.pk)).exists()
    run_task_worker()
    # The late one left too: the worker queues again what waited too long.
    assert sorted(m.subject for m in mail.outbox) == ["Dossier incomplet", "Rappel atelier"]
    assert [m.to for m in mail.outbox if m.subject == "Dossier incomplet"] == [["nadia.b@example.org"]]
    # Sent: it leaves the page, and a second click finds nothing to resend.
    assert "Dossier incomplet" not in visible_text(client.get(URL))
    assert (
        client.post(f"{URL}{failed.pk}/renvoyer/", {f"m{failed.pk}-email": "x@example.org"}).status_code
        == 404
    )


def test_a_wrong_address_is_refused_in_french_and_nothing_changes(login, reception_a, outbox):
    uncertain = outbox["uncertain"]
    response = login(reception_a).post(f"{URL}{uncertain.pk}/renvoyer/", {f"m{uncertain.pk}-email": "nadia@"})
    assert response.status_code == 400
    text = visible_text(response)
    assert "Saisissez une adresse e-mail valide" in text and "Place proposée" in text
    uncertain.refresh_from_db()
    assert (uncertain.status, uncertain.recipient) == ("incertain", "famille@example.org")


@pytest.mark.parametrize("which", ["elsewhere", "sent", "recent", "secret"])
def test_what_is_not_listed_cannot_be_resent(login, reception_a, outbox, which):
    target = outbox[which]
    response = login(reception_a).post(
        f"{URL}{target.pk}/renvoyer/", {f"m{target.pk}-email": "x@example.org"}
    )
    assert response.status_code in (302, 404)
    target.refresh_from_db()
    assert target.recipient == "famille@example.org"
    assert target.status == OutboundMessage.objects.values_list("status", flat=True).get(pk=target.pk)
    assert not AuditEvent.objects.filter(action="message_resent").exists()


def test_an_animator_does_not_see_the_page(login, staff, outbox):
    client = login(staff("animator"))
    assert client.get(URL).status_code == 404
    failed = outbox["failed"]
    assert (
        client.post(f"{URL}{failed.pk}/renvoyer/", {f"m{failed.pk}-email": "x@example.org"}).status_code
        == 404
    )
