import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from csc.core import notify
from csc.core.models import AuditEvent, OutboundMessage
from csc.testing.tasks import run_task_worker

PASSWORD = "mot-de-passe-de-test"


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.django_db
def test_staff_log_in_with_their_email_and_the_login_is_journaled(client, reception_a):
    response = client.post(
        reverse("core:login"), {"username": reception_a.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:staff_home")
    assert AuditEvent.objects.filter(action="login", actor=reception_a).count() == 1


@pytest.mark.django_db
def test_a_wrong_password_says_so_in_french_keeps_the_email_and_is_journaled(client, reception_a):
    response = client.post(reverse("core:login"), {"username": reception_a.email, "password": "faux"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in page
    assert f'value="{reception_a.email}"' in page
    assert AuditEvent.objects.filter(action="login_failed", actor=reception_a).count() == 1


@pytest.mark.django_db
def test_five_failures_lock_the_account_for_an_hour(client, reception_a):
    for _ in range(5):
        client.post(reverse("core:login"), {"username": reception_a.email, "password": "faux"})
    response = client.post(reverse("core:login"), {"username": reception_a.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Connexion bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client, reception_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:password_reset"), {"email": reception_a.email})
    run_task_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [reception_a.email]
    # Recorded like every message, without the link once sent.
    reset = notify.messages_about(reception_a).get()
    assert (reset.purpose, reset.status, reset.recipient) == (
        "auth.password_reset",
        "envoye",
        reception_a.email,
    )
    assert reset.subject == mail.outbox[0].subject and "/compte/mot-de-passe/" not in reset.body
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/nouveau/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    response = client.post(
        form_url, {"new_password1": "Un-nouveau-secret-2026", "new_password2": "Un-nouveau-secret-2026"}
    )
    assert response.status_code == 302
    reception_a.refresh_from_db()
    assert reception_a.check_password("Un-nouveau-secret-2026")


@pytest.mark.django_db
def test_reset_of_an_unknown_address_reveals_nothing(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:password_reset"), {"email": "inconnu@example.org"}, follow=True)
    run_task_worker()
    assert "Regardez vos e-mails" in response.content.decode()
    assert mail.outbox == []
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_role_that_requires_totp_is_sent_to_set_it_up_and_can_then_work(client, staff, settings):
    settings.CSC_OTP_REQUIRED_ROLES = ["social_worker"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code; not under test here
    worker = staff("social_worker")
    client.force_login(worker)
    assert client.get(reverse("people:search")).url == reverse("core:otp_setup")
    client.get(reverse("core:otp_setup"))
    device = TOTPDevice.objects.get(user=worker)
    wrong = client.post(
        reverse("core:otp_setup"), {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert "Ce code ne correspond pas" in wrong.content.decode()
    client.post(reverse("core:otp_setup"), {"token": current_code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("people:search")).status_code == 200
    assert AuditEvent.objects.filter(action="otp_enabled", actor=worker).exists()


@pytest.mark.django_db
def test_anyone_with_totp_enabled_must_give_a_code_after_the_password(client, reception_a):
    device = TOTPDevice.objects.create(user=reception_a, name="tel", confirmed=True)
    client.post(reverse("core:login"), {"username": reception_a.email, "password": PASSWORD})
    response = client.get(reverse("people:search"))
    assert response.url.startswith(reverse("core:otp_verify"))
    bad = client.post(reverse("core:otp_verify"), {"token": "12ab56"})
    assert "Le code ne contient que des chiffres" in bad.content.decode()
    ok = client.post(
        reverse("core:otp_verify") + "?next=/personnes/",
        {"token": current_code(device), "next": "/personnes/"},
    )
    assert ok.url == "/personnes/"
    assert client.get(reverse("people:search")).status_code == 200


@pytest.mark.django_db
def test_totp_can_be_removed_only_when_the_role_does_not_require_it(client, reception_a, settings):
    TOTPDevice.objects.create(user=reception_a, name="tel", confirmed=True)
    settings.CSC_OTP_REQUIRED_ROLES = ["reception"]
    client.force_login(reception_a)
    session = client.session
    device = TOTPDevice.objects.get(user=reception_a)
    session["otp_device_id"] = device.persistent_id
    session.save()
    client.post(reverse("core:otp_disable"))
    assert TOTPDevice.objects.filter(user=reception_a).exists()
    settings.CSC_OTP_REQUIRED_ROLES = []
    client.post(reverse("core:otp_disable"))
    assert not TOTPDevice.objects.filter(user=reception_a).exists()


@pytest.mark.django_db
def test_login_next_cannot_send_to_another_site(client, reception_a):
    response = client.post(
        reverse("core:login") + "?next=https://evil.example/",
        {"username": reception_a.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("core:staff_home")


@pytest.mark.django_db
def test_the_api_refuses_a_session_that_has_not_given_its_code(client, reception_a):
    TOTPDevice.objects.create(user=reception_a, name="tel", confirmed=True)
    client.post(reverse("core:login"), {"username": reception_a.email, "password": PASSWORD})
    assert client.get("/api/v1/persons").status_code == 401


@pytest.mark.django_db
def test_changing_the_case_of_the_email_does_not_escape_the_lockout(client, reception_a):
    email = reception_a.email
    for variant in (email.upper(), email.lower(), email.title(), email.swapcase(), email.capitalize()):
        client.post(reverse("core:login"), {"username": variant, "password": "faux"})
    response = client.post(reverse("core:login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 429
