"""After wrong codes, django-otp refuses every code of the device for 1, 2, 4… seconds — the right one
too. The pages then say to wait, and how long, instead of « ce code ne correspond pas », which sent a
person with the right code hunting for a fault in their phone."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from csc.core import otp, otp_throttle
from csc.testing.pages import visible_text

PASSWORD = "mot-de-passe-de-test"
START = datetime(2027, 1, 4, 10, 0, 0)


def code_of(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device) -> str:
    return "000000" if code_of(device) != "000000" else "111111"


def at(clock, seconds):
    clock(START + timedelta(seconds=seconds))


@pytest.fixture
def with_app(reception_a):
    return TOTPDevice.objects.create(user=reception_a, name="tel", confirmed=True)


@pytest.mark.django_db
def test_the_right_code_refused_while_throttled_says_to_wait_and_how_long(
    client, reception_a, with_app, clock
):
    at(clock, 0)
    client.post(reverse("core:login"), {"username": reception_a.email, "password": PASSWORD})
    verify = reverse("core:otp_verify")
    # Three wrong codes, each once the previous wait is over: the device now waits 4 seconds.
    for second in (0, 1, 3):
        at(clock, second)
        wrong = client.post(verify, {"token": wrong_code(with_app)})
        assert "Ce code ne correspond pas" in visible_text(wrong)
    assert "attendez 4 secondes avant l'essai suivant" in visible_text(wrong)

    at(clock, 4)
    refused = client.post(verify, {"token": code_of(with_app)})
    text = visible_text(refused)
    assert "Trop d'essais à la suite : attendez 3 secondes, puis réessayez." in text
    assert "ne correspond pas" not in text
    assert client.get(reverse("people:search")).url.startswith(verify)

    at(clock, 7)
    accepted = client.post(verify, {"token": code_of(with_app)})
    assert accepted.status_code == 302
    assert client.get(reverse("people:search")).status_code == 200


@pytest.mark.django_db
def test_setting_up_the_app_says_to_wait_too(client, reception_a, clock):
    at(clock, 0)
    client.force_login(reception_a)
    setup = reverse("core:otp_setup")
    client.get(setup)
    device = TOTPDevice.objects.get(user=reception_a, confirmed=False)
    client.post(setup, {"token": wrong_code(device)})
    refused = client.post(setup, {"token": code_of(device)})
    text = visible_text(refused)
    assert "Trop d'essais à la suite : attendez 1 seconde, puis réessayez." in text
    assert "ne correspond pas" not in text
    device.refresh_from_db()
    assert not device.confirmed

    at(clock, 1)
    client.post(setup, {"token": code_of(device)})
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_the_service_refuses_a_throttled_device_without_checking_the_code(reception_a, with_app, clock):
    at(clock, 0)
    with pytest.raises(otp.OtpRefused, match="ne correspond pas"):
        otp.verified_device(reception_a, wrong_code(with_app))
    with pytest.raises(otp.OtpRefused, match="attendez 1 seconde"):
        otp.verified_device(reception_a, code_of(with_app))
    with_app.refresh_from_db()
    assert with_app.throttling_failure_count == 1  # the refused right code counted as nothing
    at(clock, 1)
    assert otp.verified_device(reception_a, code_of(with_app)) == with_app


def test_waits_are_said_in_units_a_person_reads():
    assert otp_throttle.duration(1) == "1 seconde"
    assert otp_throttle.duration(8) == "8 secondes"
    assert otp_throttle.duration(60) == "60 secondes"
    assert otp_throttle.duration(61) == "2 minutes"
    assert otp_throttle.duration(3600) == "60 minutes"
    assert otp_throttle.duration(3 * 3600 + 1) == "4 heures"
