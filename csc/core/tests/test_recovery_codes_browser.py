"""Recovery codes clicked through in a real Chromium, with axe-core on every page crossed: a social worker
enables the second factor, keeps the codes, logs in again without the phone, and renews them."""

import re
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from csc.testing.browser import PASSWORD, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"^[a-z2-9]{5}-[a-z2-9]{5}$")


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def password_step(page, live_server, user):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_social_worker_keeps_uses_and_renews_recovery_codes(page, live_server, staff, settings):
    settings.CSC_OTP_REQUIRED_ROLES = ["social_worker"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    worker = staff("social_worker", user__first_name="Inès")
    visited = []

    password_step(page, live_server, worker)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    assert_accessible(page, visited)
    page.get_by_label(re.compile("^Code à 6 chiffres")).fill(
        current_code(TOTPDevice.objects.get(user=worker, confirmed=False))
    )
    page.get_by_role("button", name="Activer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    expect(page.get_by_text("ils ne seront plus jamais affichés")).to_be_visible()
    codes = page.get_by_role("list", name=re.compile("^Codes de secours")).get_by_role("listitem")
    expect(codes).to_have_count(10)
    shown = [text.strip() for text in codes.all_inner_texts()]
    assert all(CODE.match(code) for code in shown)
    expect(page.get_by_role("button", name="Imprimer les codes")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger les codes (fichier texte)").click()
    download = download_info.value
    assert download.suggested_filename == "codes-de-secours-csc.txt"
    saved = Path(download.path()).read_text(encoding="utf-8")
    assert all(code in saved for code in shown)
    assert_accessible(page, visited)
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")

    # Another day, the phone is left at home.
    page.get_by_role("button", name="Se déconnecter").click()
    password_step(page, live_server, worker)
    expect(page.get_by_role("heading", level=1)).to_have_text("Code de connexion")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Utiliser un code de secours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter avec un code de secours")
    page.get_by_label(re.compile("^Code de secours")).fill("zzzzz-zzzzz")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    expect(page.get_by_text("il est mal recopié ou a déjà servi").first).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_label(re.compile("^Code de secours")).fill(shown[0].upper())
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Code de secours accepté. Il vous reste 9 codes de secours.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")

    page.get_by_role("link", name="Mon profil").click()
    expect(page.get_by_text("Codes de secours non utilisés : 9")).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_role("link", name="Gérer mes codes de secours").click()
    expect(page.get_by_text("Il vous reste 9 codes de secours non utilisés.")).to_be_visible()
    assert not page.get_by_text(shown[1]).count()
    assert_accessible(page, visited)
    page.get_by_role("button", name="Générer de nouveaux codes").click()
    expect(page.get_by_text("les anciens ne marchent plus")).to_be_visible()
    renewed = [text.strip() for text in codes.all_inner_texts()]
    assert len(renewed) == 10 and not set(renewed) & set(shown)
    assert_accessible(page, visited)
    assert len(visited) == 7
