"""A note no configured key decrypts (a restore with other CSC_CASEWORK_KEYS, a key dropped too early):
the pages say so in French in its place and show the rest, the stored token is never overwritten, the
error is logged once per page."""

import io
import json
import logging
from contextlib import contextmanager

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from csc.casework import crypto, services
from csc.casework.models import Exchange, SituationField, SituationValue
from csc.testing.pages import visible_text

UNREADABLE = (
    "Cette note ne peut pas être déchiffrée avec les clés de chiffrement de l'installation. "
    "Prévenez l'administrateur."
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def another_key(settings):
    """Within it, what is written is encrypted under a real Fernet key the installation does not have."""

    @contextmanager
    def written_under_another_key():
        keys = settings.CSC_CASEWORK_KEYS
        settings.CSC_CASEWORK_KEYS = [Fernet.generate_key().decode()]
        try:
            yield
        finally:
            settings.CSC_CASEWORK_KEYS = keys

    return written_under_another_key


def stored(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 — test constants
        return cursor.fetchone()[0]


def exchange(period, author, notes):
    return services.log_exchange(
        period, author=author, kind="interview", happened_on=timezone.localdate(), notes=notes
    )


def test_the_period_page_says_which_notes_it_cannot_read_and_shows_the_rest(
    client, worker, family, open_period, another_key, caplog
):
    referent = worker()
    period = open_period(referent, [family[1]])
    exchange(period, referent, "Loyer payé ce mois-ci")
    due = timezone.localdate()
    with another_key():
        exchange(period, referent, "Dette de 3 000 euros")
        exchange(period, referent, "Rendez-vous CAF")
        services.assign_task(
            period, by=referent, assignee=referent, title="Appeler la CAF", due_on=due, details="x"
        )
    client.force_login(referent)
    with caplog.at_level(logging.ERROR, logger="csc.casework.crypto"):
        response = client.get(f"/accompagnement/parcours/{period.pk}/")
    text = visible_text(response)
    assert response.status_code == 200
    assert "Loyer payé ce mois-ci" in text and "Appeler la CAF" in text
    assert text.count(UNREADABLE) == 3  # two exchanges, the task's details
    assert "Dette" not in text and "Rendez-vous" not in text
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1 and "CSC_CASEWORK_KEYS" in errors[0].getMessage()
    assert "Dette" not in errors[0].getMessage()


def test_the_action_page_says_so_for_goals_and_evaluations(client, worker, family, open_period, another_key):
    referent = worker()
    period = open_period(referent, [family[1]])
    with another_key():
        action = services.start_action(period, by=referent, title="Dossier de surendettement", goals="Secret")
        services.evaluate_action(action, by=referent, progress="some", notes="Secret aussi")
    client.force_login(referent)
    for url in (f"/accompagnement/actions/{action.pk}/", f"/accompagnement/parcours/{period.pk}/actions/"):
        response = client.get(url)
        text = visible_text(response)
        assert response.status_code == 200, url
        assert "Dossier de surendettement" in text and UNREADABLE in text and "Secret" not in text


def test_the_case_file_and_the_situation_form_keep_an_unreadable_answer_as_it_is(
    client, worker, family, another_key
):
    _, mother, _ = family
    referent = worker()
    arrival = SituationField.objects.create(centre=mother.centre, label="Date d'arrivée", kind="date")
    job = SituationField.objects.create(centre=mother.centre, label="Emploi", kind="text")
    with another_key():
        services.save_situation(mother, by=referent, answers={arrival.pk: "2019-03-01"})
    value = SituationValue.objects.get()
    token = stored("casework_situationvalue", "value", value.pk)
    client.force_login(referent)
    page = client.get(f"/accompagnement/personnes/{mother.pk}/")
    assert page.status_code == 200
    assert UNREADABLE in visible_text(page) and "Dossier de Awa Diallo" in visible_text(page)
    form = client.get(f"/accompagnement/personnes/{mother.pk}/situation/")
    assert form.status_code == 200 and UNREADABLE in visible_text(form)
    # Saving the other lines neither erases the unreadable answer nor writes the sentence in its place.
    response = client.post(
        f"/accompagnement/personnes/{mother.pk}/situation/",
        {f"rubrique_{arrival.pk}": "", f"rubrique_{job.pk}": "Cuisinière"},
    )
    assert response.status_code == 302
    assert stored("casework_situationvalue", "value", value.pk) == token
    assert SituationValue.objects.get(field=job).value == "Cuisinière"


def test_saving_a_row_read_with_the_wrong_key_writes_its_token_back(worker, family, open_period, another_key):
    referent = worker()
    period = open_period(referent, [family[1]])
    with another_key():
        written = exchange(period, referent, "Note sous une autre clé")
    token = stored("casework_exchange", "notes", written.pk)
    read = Exchange.objects.get()
    assert read.notes == UNREADABLE and read.notes.unreadable
    read.counterpart = "CAF"
    read.save()
    assert stored("casework_exchange", "notes", written.pk) == token
    assert Exchange.objects.get().counterpart == "CAF"


def test_the_personal_data_exports_say_so_in_place_of_the_note(
    client, worker, family, open_period, another_key
):
    _, mother, _ = family
    referent = worker()
    period = open_period(referent, [mother])
    with another_key():
        exchange(period, referent, "Note sous une autre clé")
    client.force_login(referent)
    response = client.post(f"/accompagnement/personnes/{mother.pk}/donnees.json")
    assert response.status_code == 200
    body = response.content.decode()
    assert UNREADABLE in json.dumps(json.loads(body), ensure_ascii=False) and "autre clé" not in body
    response = client.post(f"/accompagnement/personnes/{mother.pk}/donnees.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "ne peut pas être déchiffrée" in " ".join(text.split()) and "autre clé" not in text


def test_a_document_under_another_key_gets_a_french_page_not_a_500(
    client, settings, tmp_path, worker, family, open_period, another_key
):
    settings.MEDIA_ROOT = tmp_path
    referent = worker()
    period = open_period(referent, [family[1]])
    with another_key():
        document = services.add_document(
            period, by=referent, upload=SimpleUploadedFile("bail.pdf", PDF), title="Bail", category="housing"
        )
    client.force_login(referent)
    response = client.get(f"/accompagnement/documents/{document.pk}/")
    assert response.status_code == 503 and response["Content-Type"].startswith("text/html")
    text = visible_text(response)
    assert "« Bail » ne peut pas être déchiffré avec les clés de chiffrement de l'installation" in text
    listing = client.get(f"/accompagnement/parcours/{period.pk}/documents/")
    assert listing.status_code == 200 and "Bail" in visible_text(listing)


def test_a_document_whose_file_was_not_restored_gets_a_french_page(
    client, settings, tmp_path, worker, family, open_period
):
    settings.MEDIA_ROOT = tmp_path
    referent = worker()
    period = open_period(referent, [family[1]])
    document = services.add_document(
        period, by=referent, upload=SimpleUploadedFile("bail.pdf", PDF), title="Bail", category="housing"
    )
    (tmp_path / document.file.name).unlink()
    client.force_login(referent)
    response = client.get(f"/accompagnement/documents/{document.pk}/")
    assert response.status_code == 503
    assert "Le fichier de « Bail » est introuvable sur le serveur" in visible_text(response)


def test_the_rotation_leaves_what_no_key_reads_and_says_so(
    settings, worker, family, open_period, another_key
):
    referent = worker()
    period = open_period(referent, [family[1]])
    exchange(period, referent, "Lisible")
    with another_key():
        lost = exchange(period, referent, "Perdue")
    token = stored("casework_exchange", "notes", lost.pk)
    settings.CSC_CASEWORK_KEYS = [crypto.new_key(), *settings.CSC_CASEWORK_KEYS]
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 valeur\\(s\\) ou fichier\\(s\\) ne se déchiffrent"):
        call_command("rotate_casework_keys", stdout=out)
    assert "échanges : 1 chiffré(s) de nouveau." in out.getvalue()
    assert "échanges : 1 illisible(s), laissé(s) tel(s) quel(s)." in out.getvalue()
    assert stored("casework_exchange", "notes", lost.pk) == token
