"""« Messages non partis » clicked through in Chromium, with axe-core: reception follows the staff
home's count to the page, corrects a family's address and sends the e-mail again."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from csc.core import notify
from csc.core.models import OutboundMessage
from csc.testing.browser import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reception_corrects_an_address_and_sends_the_email_again(page, live_server, centre_a, reception_a):
    failed = notify.email(
        purpose="tests.hello",
        to="famile@exmple.org",
        subject="Dossier incomplet",
        body="…",
        centre=centre_a,
        queue=False,
    )
    OutboundMessage.objects.filter(pk=failed.pk).update(
        status="echec",
        attempts=4,
        last_error="SMTPRecipientsRefused: domaine inconnu",
        created_at=timezone.now(),
    )
    visited = []
    log_in(page, live_server, reception_a)
    page.get_by_role("link", name="1 e-mail non parti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Messages non partis — {centre_a.name}")
    expect(page.get_by_text("4 essais sans succès")).to_be_visible()
    assert_accessible(page, visited)

    address = page.get_by_label("Adresse")
    address.fill("famille@")
    page.get_by_role("button", name="Renvoyer « Dossier incomplet »").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient 1 erreur")
    assert_accessible(page, visited)
    # The summary's link takes the keyboard to the field, whose own error says what to type.
    page.get_by_role("link", name="Adresse : Saisissez une adresse e-mail valide").click()
    expect(page.get_by_label("Adresse")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("famille@example.org")
    page.get_by_role("button", name="Renvoyer « Dossier incomplet »").click()
    expect(page.get_by_text("repart vers famille@example.org")).to_be_visible()
    expect(page.get_by_text("Aucun e-mail en souffrance")).to_be_visible()
    assert_accessible(page, visited)
    failed.refresh_from_db()
    assert (failed.status, failed.recipient) == ("en_attente", "famille@example.org")
