"""A case file read with the wrong key, in Chromium: the social worker sees, in French, which notes and
which document cannot be read, the rest of the file as usual, and every page passes axe-core."""

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from csc.casework import services
from csc.casework.models import SituationField
from csc.testing.browser import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UNREADABLE = "Cette note ne peut pas être déchiffrée avec les clés de chiffrement de l'installation."
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_case_file_under_another_key_says_what_it_cannot_read(
    page, live_server, settings, tmp_path, worker, family, open_period
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _, mother, _ = family
    referent = worker()
    period = open_period(referent, [mother])
    situation = SituationField.objects.create(centre=mother.centre, label="Situation professionnelle")
    services.log_exchange(
        period, author=referent, kind="call", happened_on=timezone.localdate(), notes="Rappel jeudi"
    )
    keys = settings.CSC_CASEWORK_KEYS
    settings.CSC_CASEWORK_KEYS = [Fernet.generate_key().decode()]  # a key the installation lost
    services.save_situation(mother, by=referent, answers={situation.pk: "Salariée à temps partiel"})
    services.log_exchange(
        period, author=referent, kind="interview", happened_on=timezone.localdate(), notes="Dette de loyer"
    )
    services.add_document(
        period, by=referent, upload=SimpleUploadedFile("bail.pdf", PDF), title="Bail", category="housing"
    )
    settings.CSC_CASEWORK_KEYS = keys
    visited = []

    log_in(page, live_server, referent)
    page.goto(f"{live_server.url}/accompagnement/personnes/{mother.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier de Awa Diallo")
    expect(page.locator("dd", has_text=UNREADABLE)).to_be_visible()
    expect(page.get_by_text("Salariée")).to_have_count(0)
    assert_accessible(page, visited)

    page.get_by_role("link", name=f"Parcours n° {period.pk}").click()
    expect(page.get_by_text("Rappel jeudi")).to_be_visible()
    expect(page.get_by_text(UNREADABLE)).to_be_visible()
    expect(page.get_by_text("Dette de loyer")).to_have_count(0)
    assert_accessible(page, visited)

    page.goto(f"{live_server.url}/accompagnement/parcours/{period.pk}/documents/")
    page.get_by_role("link", name="Bail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce document ne peut pas être ouvert")
    expect(page.get_by_role("alert")).to_contain_text("« Bail » ne peut pas être déchiffré")
    assert_accessible(page, visited)
    assert len(visited) == 3
