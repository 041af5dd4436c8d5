"""Recovery codes of the second factor: handed out once when TOTP is enabled, each usable once instead of
the phone's code, renewed on demand (the old ones revoked), gone with the authenticator app."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from csc.core import recovery
from csc.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test"
CODE = re.compile(r"\b[a-z2-9]{5}-[a-z2-9]{5}\b")


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def no_throttle(settings):
    """django-otp slows retries after a wrong code; only the test about it keeps the delay."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def with_codes(reception_a):
    """The reception officer with an authenticator app and ten recovery codes."""
    TOTPDevice.objects.create(user=reception_a, name="tel", confirmed=True)
    return reception_a, recovery.issue_codes(reception_a, reason="test")


def log_in_with_password(client, user):
    client.post(reverse("core:login"), {"username": user.email, "password": PASSWORD})
    assert client.get(reverse("people:search")).url.startswith(reverse("core:otp_verify"))


def text(response):
    return response.content.decode()


def test_enabling_totp_shows_ten_codes_once_with_a_text_file(client, staff, settings, no_throttle):
    settings.CSC_OTP_REQUIRED_ROLES = ["social_worker"]
    worker = staff("social_worker")
    client.force_login(worker)
    client.get(reverse("core:otp_setup"))
    device = TOTPDevice.objects.get(user=worker)
    response = client.post(reverse("core:otp_setup"), {"token": current_code(device)})
    page = text(response)
    codes = CODE.findall(page.split("download=")[0].split("<ol")[1])
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "ils ne seront plus jamais affichés" in page
    assert len(set(codes)) == 10
    assert sorted(c.replace("-", "") for c in codes) == sorted(
        StaticToken.objects.filter(device__user=worker).values_list("token", flat=True)
    )
    download = re.search(r'href="data:text/plain;charset=utf-8,([^"]+)"', page).group(1)
    assert all(code in unquote(download) for code in codes)
    assert worker.email in unquote(download)
    # Never again: neither the codes page, nor the profile, nor the set-up page shows them.
    for url in (reverse("core:recovery_codes"), reverse("core:profile"), reverse("core:otp_setup")):
        again = client.get(url, follow=True)
        assert not any(code in text(again) for code in codes)
    assert "Codes de secours non utilisés : <strong>10</strong>" in text(client.get(reverse("core:profile")))
    assert AuditEvent.objects.filter(action="otp_enabled", actor=worker, detail__contains="secours").exists()


def test_a_recovery_code_passes_the_second_factor_once(client, with_codes, no_throttle):
    user, codes = with_codes
    log_in_with_password(client, user)
    assert "Utiliser un code de secours" in text(client.get(reverse("core:otp_verify")))
    # Typed by hand from the printout: capitals and spaces instead of the dash are fine.
    typed = codes[0].upper().replace("-", " ")
    response = client.post(
        reverse("core:otp_recovery") + "?next=/personnes/",
        {"code": typed, "next": "/personnes/"},
        follow=True,
    )
    assert response.redirect_chain[0][0] == "/personnes/"
    assert "Code de secours accepté. Il vous reste 9 codes de secours." in text(response)
    assert client.get(reverse("people:search")).status_code == 200
    assert recovery.remaining(user) == 9
    assert (
        AuditEvent.objects.filter(action="login", actor=user, detail__contains="code de secours").count() == 1
    )

    client.post(reverse("core:logout"))
    log_in_with_password(client, user)
    again = client.post(reverse("core:otp_recovery"), {"code": codes[0]})
    assert again.status_code == 200
    assert "Ce code de secours n&#x27;est pas valable : il est mal recopié ou a déjà servi." in text(again)
    assert client.get(reverse("people:search")).url.startswith(reverse("core:otp_verify"))
    assert client.post(reverse("core:otp_recovery"), {"code": codes[1]}).status_code == 302
    assert recovery.remaining(user) == 8


def test_a_wrong_or_malformed_code_gets_a_french_message_and_opens_nothing(client, with_codes, no_throttle):
    user, codes = with_codes
    log_in_with_password(client, user)
    wrong = client.post(reverse("core:otp_recovery"), {"code": "aaaaa-aaaaa"})
    assert "Ce code de secours n&#x27;est pas valable" in text(wrong)
    assert 'aria-invalid="true"' in text(wrong)
    malformed = client.post(reverse("core:otp_recovery"), {"code": "123456"})
    assert "Un code de secours compte 10 lettres ou chiffres" in text(malformed)
    empty = client.post(reverse("core:otp_recovery"), {"code": ""})
    assert "Saisissez un de vos codes de secours." in text(empty)
    assert client.get(reverse("people:search")).status_code == 302
    assert recovery.remaining(user) == 10


def test_wrong_codes_in_a_row_slow_the_next_tries_down(client, with_codes):
    user, codes = with_codes
    log_in_with_password(client, user)
    client.post(reverse("core:otp_recovery"), {"code": "aaaaa-aaaaa"})
    # Even the right code waits: guessing 10 characters one try a second, then every two, four…
    throttled = client.post(reverse("core:otp_recovery"), {"code": codes[0]})
    assert "Trop d&#x27;essais à la suite : attendez" in text(throttled)
    assert recovery.remaining(user) == 10


def test_a_wrong_phone_code_does_not_slow_the_recovery_codes(client, with_codes):
    user, codes = with_codes
    log_in_with_password(client, user)
    client.post(reverse("core:otp_verify"), {"token": "000000"})
    assert StaticDevice.objects.get(user=user).throttling_failure_count == 0
    assert client.post(reverse("core:otp_recovery"), {"code": codes[0]}).status_code == 302


def test_the_last_code_says_none_is_left_and_asks_for_new_ones(client, with_codes, no_throttle):
    user, codes = with_codes
    StaticToken.objects.filter(device__user=user).exclude(token=codes[0].replace("-", "")).delete()
    log_in_with_password(client, user)
    response = client.post(reverse("core:otp_recovery"), {"code": codes[0]}, follow=True)
    assert "Il ne vous reste aucun code de secours. Générez-en de nouveaux" in text(response)
    assert "aucun code de secours" in text(client.get(reverse("core:recovery_codes")))


def test_new_codes_revoke_the_old_ones(client, with_codes, no_throttle):
    user, old = with_codes
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    page = client.get(reverse("core:recovery_codes"))
    assert "Il vous reste <strong>10 codes</strong>" in text(page)
    assert not CODE.search(text(page))
    renewed = client.post(reverse("core:recovery_codes"))
    new = CODE.findall(text(renewed).split("<ol")[1].split("</ol>")[0])
    assert len(new) == 10 and not set(new) & set(old)
    assert "les anciens ne marchent plus" in text(renewed)

    client.post(reverse("core:logout"))
    log_in_with_password(client, user)
    assert "n&#x27;est pas valable" in text(client.post(reverse("core:otp_recovery"), {"code": old[3]}))
    assert client.post(reverse("core:otp_recovery"), {"code": new[3]}).status_code == 302


def test_codes_go_with_the_authenticator_app(client, with_codes, settings):
    user, _ = with_codes
    settings.CSC_OTP_REQUIRED_ROLES = []
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    client.post(reverse("core:otp_disable"))
    assert not StaticDevice.objects.filter(user=user).exists()
    assert recovery.remaining(user) == 0
    # Without an app there are no codes to renew either.
    assert client.post(reverse("core:recovery_codes")).url == reverse("core:profile")
    assert not StaticDevice.objects.filter(user=user).exists()


def test_deleting_the_app_in_the_technical_administration_revokes_the_codes(with_codes):
    """The lost-phone procedure of docs/roles.md: the codes must not outlive the device."""
    user, _ = with_codes
    TOTPDevice.objects.get(user=user).delete()
    assert recovery.remaining(user) == 0 and not StaticDevice.objects.filter(user=user).exists()


def test_after_a_recovery_code_the_person_can_replace_the_phone(client, with_codes, no_throttle):
    user, codes = with_codes
    old_device = TOTPDevice.objects.get(user=user)
    log_in_with_password(client, user)
    # Without the second factor, the page of a new phone refuses to replace the old one.
    assert client.get(reverse("core:otp_setup") + "?changer=1").url == reverse("core:profile")
    client.post(reverse("core:otp_recovery"), {"code": codes[0]})
    page = client.get(reverse("core:otp_setup") + "?changer=1")
    assert "<h1>Changer de téléphone</h1>" in text(page)
    new_device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("core:otp_setup") + "?changer=1", {"token": current_code(new_device)})
    assert "Le nouveau téléphone est enregistré." in text(response)
    assert list(TOTPDevice.objects.filter(user=user)) == [new_device]
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()
    new_codes = CODE.findall(text(response).split("<ol")[1].split("</ol>")[0])
    assert len(new_codes) == 10 and codes[1] not in new_codes
    assert client.get(reverse("people:search")).status_code == 200
