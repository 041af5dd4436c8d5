"""A period's social actions and documents: what the worker sees, what is stored (encrypted), what is
journaled, what is refused."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from csc.casework import letters, services
from csc.casework.actions import CASE_READ, CASE_REFUSED
from csc.casework.models import Document, Evaluation, SocialAction
from csc.core.models import AuditEvent
from csc.testing.pages import visible_text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nAvis d'imposition 2025 - revenu fiscal 12 345\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


# --- Social actions ---------------------------------------------------------------------------------


def test_an_action_is_started_evaluated_and_ended_from_its_pages(client, worker, family, open_period):
    referent = worker()
    period = open_period(referent, [family[1]])
    housing = period.issues.get(name="Logement")
    client.force_login(referent)
    today = timezone.localdate()
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/actions/",
        {
            "title": "Constituer le dossier DALO",
            "issue": housing.pk,
            "goals": "Obtenir un relogement <b>avant l'hiver</b>",
            "started_on": today.strftime("%d/%m/%Y"),
        },
    )
    action = SocialAction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/accompagnement/actions/{action.pk}/"
    page = client.get(f"/accompagnement/actions/{action.pk}/")
    assert "Obtenir un relogement <b>avant l'hiver</b>" in visible_text(page)  # shown as text
    assert "&lt;b&gt;" in page.content.decode()

    client.post(
        f"/accompagnement/actions/{action.pk}/",
        {"quoi": "evaluer", "progress": "some", "evaluated_on": today.isoformat(), "notes": "Dossier déposé"},
    )
    client.post(
        f"/accompagnement/actions/{action.pk}/",
        {"quoi": "terminer", "result": "achieved", "ended_on": today.isoformat(), "result_notes": "Relogée"},
    )
    action.refresh_from_db()
    assert action.result == "achieved" and action.ended_on == today and action.result_notes == "Relogée"
    assert Evaluation.objects.get().notes == "Dossier déposé"
    listing = visible_text(client.get(f"/accompagnement/parcours/{period.pk}/actions/"))
    assert "Constituer le dossier DALO" in listing and "Objectif atteint" in listing
    assert "Quelques progrès" in listing


def test_action_goals_and_evaluation_notes_are_encrypted_in_the_database(worker, family, open_period):
    from django.db import connection

    referent = worker()
    period = open_period(referent, [family[1]])
    action = services.start_action(period, by=referent, title="Budget", goals="Dette EDF de 1 200 €")
    services.evaluate_action(action, by=referent, progress="still", notes="Relance de l'huissier")
    with connection.cursor() as cursor:
        cursor.execute("SELECT goals FROM casework_socialaction")
        goals = cursor.fetchone()[0]
        cursor.execute("SELECT notes FROM casework_evaluation")
        notes = cursor.fetchone()[0]
    assert goals.startswith("enc1:") and "EDF" not in goals
    assert notes.startswith("enc1:") and "huissier" not in notes


def test_bad_action_input_is_refused_in_french_and_nothing_changes(client, worker, family, open_period):
    referent = worker()
    period = open_period(referent, [family[1]])
    client.force_login(referent)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/actions/",
        {"title": "Dossier FSL", "started_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400
    assert "La date de début ne peut pas être dans le futur." in visible_text(response)
    assert 'value="Dossier FSL"' in response.content.decode() and not SocialAction.objects.exists()
    response = client.post(f"/accompagnement/parcours/{period.pk}/actions/", {"started_on": "bientôt"})
    assert "Nommez l'action." in visible_text(response) and "Saisissez une date valide" in visible_text(
        response
    )

    action = services.start_action(period, by=referent, title="Dossier FSL")
    response = client.post(
        f"/accompagnement/actions/{action.pk}/", {"quoi": "terminer", "result": "in_progress"}
    )
    assert response.status_code == 400 and "Choisissez le résultat de l'action." in visible_text(response)
    services.end_action(action, result="abandoned")
    with pytest.raises(services.CaseworkRefused, match="terminée"):
        services.evaluate_action(action, by=referent, progress="some")


def test_an_action_of_an_unreadable_period_is_a_journaled_404(client, worker, family, open_period):
    referent = worker()
    period = open_period(referent, [family[1]], is_confidential=True)
    action = services.start_action(period, by=referent, title="Dossier MDPH")
    colleague = worker()
    period.scope.workers.add(colleague)
    client.force_login(colleague)
    assert client.get(f"/accompagnement/actions/{action.pk}/").status_code == 404
    assert client.get(f"/accompagnement/parcours/{period.pk}/actions/").status_code == 404
    refused = AuditEvent.objects.filter(action=CASE_REFUSED, actor=colleague)
    assert {event.object_type for event in refused} == {"casework.socialaction", "casework.period"}


# --- Documents --------------------------------------------------------------------------------------


def test_an_uploaded_document_is_stored_encrypted_and_each_download_is_journaled(
    client, worker, family, open_period, settings
):
    referent = worker()
    period = open_period(referent, [family[1]])
    client.force_login(referent)
    upload = SimpleUploadedFile("avis.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/documents/deposer/",
        {"file": upload, "title": "Avis d'imposition 2025", "category": "resources"},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))
    stored = (settings.MEDIA_ROOT / document.file.name).read_bytes()
    assert b"revenu fiscal" not in stored and b"%PDF" not in stored  # a stolen disk shows nothing
    assert re.fullmatch(r"accompagnement/\d+/[0-9a-f]{32}\.bin", document.file.name)  # says nothing
    assert "Avis d'imposition 2025" in visible_text(
        client.get(f"/accompagnement/parcours/{period.pk}/documents/")
    )

    download = client.get(f"/accompagnement/documents/{document.pk}/")
    assert download.content == PDF and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="avis-dimposition-2025.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    read = AuditEvent.objects.get(action=CASE_READ, object_type="casework.document")
    assert (read.actor, read.object_id, read.detail) == (referent, str(document.pk), "document")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("photo.pdf", b"MZ\x90\x00 not a pdf", "Ce fichier n'est pas un PDF, une photo JPG ou PNG."),
        ("page.html", b"<html><script>alert(1)</script></html>", "Ce fichier n'est pas un PDF"),
        ("coupe.pdf", b"%PDF-1.4\n1 0 obj", "Ce PDF semble abîmé ou incomplet."),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "Cette image est abîmée"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_kept(
    client, worker, family, open_period, settings, name, content, message
):
    referent = worker()
    period = open_period(referent, [family[1]])
    client.force_login(referent)
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/documents/deposer/",
        {"file": SimpleUploadedFile(name, content), "title": "Justificatif", "category": "other"},
    )
    assert response.status_code == 400 and message in visible_text(response)
    assert 'value="Justificatif"' in response.content.decode()
    assert not Document.objects.exists()
    assert not list((settings.MEDIA_ROOT).rglob("*.bin"))


def test_a_document_too_heavy_is_refused_with_its_size(client, worker, family, open_period, monkeypatch):
    monkeypatch.setattr(services, "MAX_DOCUMENT_BYTES", 1024)
    referent = worker()
    period = open_period(referent, [family[1]])
    client.force_login(referent)
    heavy = PDF.replace(b"trailer", b"x" * 2048 + b"trailer")
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/documents/deposer/",
        {"file": SimpleUploadedFile("gros.pdf", heavy), "category": "other"},
    )
    assert response.status_code == 400 and "le maximum est" in visible_text(response)
    assert not Document.objects.exists()
    empty = client.post(f"/accompagnement/parcours/{period.pk}/documents/deposer/", {"category": "other"})
    assert "Choisissez un fichier." in visible_text(empty)


def test_a_photo_is_accepted_and_given_back_as_it_was(client, worker, family, open_period):
    referent = worker()
    period = open_period(referent, [family[1]])
    image = png_bytes()
    document = services.add_document(
        period, by=referent, upload=SimpleUploadedFile("x.png", image), title="", category="identity"
    )
    assert document.content_type == "image/png" and document.title.startswith("Document du ")
    client.force_login(referent)
    assert client.get(f"/accompagnement/documents/{document.pk}/").content == image


def test_another_scope_or_centre_cannot_download_a_document_and_the_try_is_journaled(
    client, worker, family, open_period, staff, otp_verified
):
    referent = worker()
    period = open_period(referent, [family[1]], scope="Famille")
    document = services.add_document(
        period, by=referent, upload=SimpleUploadedFile("a.pdf", PDF), title="Bail", category="housing"
    )
    other_scope = worker()
    period.centre.casework_scopes.get(name="Insertion").workers.add(other_scope)
    other_centre = staff("social_worker", "b")
    director = staff("director", "a")
    for user in (other_scope, other_centre, director):
        client.force_login(user)
        response = client.get(f"/accompagnement/documents/{document.pk}/")
        assert response.status_code in (403, 404) and PDF not in response.content
        assert client.post(f"/accompagnement/documents/{document.pk}/retirer/").status_code in (403, 404)
    assert Document.objects.filter(pk=document.pk).exists()
    assert not AuditEvent.objects.filter(action=CASE_READ, object_type="casework.document")
    assert AuditEvent.objects.filter(
        action=CASE_REFUSED, object_type="casework.document", actor=other_scope
    ).exists()


def test_a_certificate_is_generated_as_pdf_from_the_centre_template(client, worker, family, open_period):
    referent = worker(user__first_name="Claire", user__last_name="Petit")
    household, mother, son = family
    period = open_period(referent, [mother, son])
    template = period.centre.casework_templates.get(name="Attestation de suivi")
    client.force_login(referent)
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/documents/generer/",
        {"template": template.pk, "person": mother.pk},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.origin == "generated" and document.category == "certificate"
    assert document.title == "Attestation de suivi — Awa Diallo"
    pdf = client.get(f"/accompagnement/documents/{document.pk}/").content
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    text = " ".join(text.split())
    assert "atteste que Awa Diallo" in text and "Claire Petit" in text and "{" not in text


def test_generating_for_someone_outside_the_period_is_refused(client, worker, family, open_period):
    referent = worker()
    _, mother, son = family
    period = open_period(referent, [mother])
    template = period.centre.casework_templates.first()
    client.force_login(referent)
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/documents/generer/",
        {"template": template.pk, "person": son.pk},
    )
    assert response.status_code == 400 and "Choisissez la personne." in visible_text(response)
    assert not Document.objects.exists()


def test_a_removed_document_loses_its_file(
    client, worker, family, open_period, settings, django_capture_on_commit_callbacks
):
    referent = worker()
    period = open_period(referent, [family[1]])
    document = services.add_document(
        period, by=referent, upload=SimpleUploadedFile("a.pdf", PDF), title="Erreur", category="other"
    )
    path = settings.MEDIA_ROOT / document.file.name
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/accompagnement/documents/{document.pk}/retirer/")
    assert response.status_code == 302 and not Document.objects.exists() and not path.exists()


# --- Letters ----------------------------------------------------------------------------------------


def test_a_template_field_cannot_change_the_layout_nor_reach_anything_else():
    values = {"prenom": "**Awa**", "nom": "<script>x</script>"}
    filled = letters.fill("Bonjour {prenom} {nom}, {settings.SECRET_KEY} {inconnu}", values)
    assert filled == r"Bonjour \*\*Awa\*\* \<script\>x\</script\>, {settings.SECRET_KEY} {inconnu}"
    assert letters.unknown_fields("{prenom} {inconu} {date}") == ["inconu"]
