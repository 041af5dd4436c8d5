"""Every view of core that reads a `next` sends the person only to a path of the site (csc.core.redirects),
whatever the value: never a 500 (« abc » used to be looked up as a view name), never another site."""

from urllib.parse import urlencode

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from csc.core import recovery
from csc.core.redirects import local_path
from csc.testing.next_values import HOSTILE_NEXT, KEPT_NEXT, as_read_from_the_address

PASSWORD = "mot-de-passe-de-test"
CASES = [*HOSTILE_NEXT.items(), ("local path", KEPT_NEXT)]
IDS = [name for name, _ in CASES]


def expected(value, default):
    return KEPT_NEXT if value == KEPT_NEXT else default


def hidden_next(value) -> str:
    """The form's hidden field of a page opened with `?next=value`: it carries the next only when it is
    kept, as read from the address (NUL and the override dropped there, what is left may be kept)."""
    read = as_read_from_the_address(value)
    kept = read if local_path(read, RequestFactory().get("/")) is not None else ""
    return f'name="next" value="{escape(kept)}"'


def with_next(url, value):
    return f"{url}?{urlencode({'next': value})}"


def code_of(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.mark.parametrize("value", [v for _, v in CASES], ids=IDS)
def test_only_a_local_path_is_kept(value):
    request = RequestFactory().get("/")
    assert local_path(value, request) == (value if value == KEPT_NEXT else None)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), CASES, ids=IDS)
def test_login(client, reception_a, name, value):
    page = client.get(with_next(reverse("core:login"), value))
    assert page.status_code == 200
    assert hidden_next(value) in page.content.decode()
    response = client.post(
        with_next(reverse("core:login"), value),
        {"username": reception_a.email, "password": PASSWORD, "next": value},
    )
    assert response.status_code == 302
    assert response["Location"] == expected(value, reverse("core:staff_home"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"),
    [*CASES, ("the login page itself", "/compte/connexion/")],
    ids=[*IDS, "the login page itself"],
)
def test_login_page_opened_while_logged_in(client, reception_a, name, value):
    client.force_login(reception_a)
    response = client.get(with_next(reverse("core:login"), value))
    assert response.status_code == 302
    assert response["Location"] == expected(value, reverse("core:staff_home"))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), CASES, ids=IDS)
def test_logout(client, reception_a, name, value):
    client.force_login(reception_a)
    response = client.post(reverse("core:logout"), {"next": value})
    assert response.status_code == 302
    assert response["Location"] == expected(value, reverse("core:public_home"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), CASES, ids=IDS)
def test_centre_switch(client, staff, centre_b, name, value):
    user = staff("reception", "a")
    staff("reception", "b", user=user)
    client.force_login(user)
    response = client.post(reverse("core:switch_centre"), {"centre": centre_b.pk, "next": value})
    assert response.status_code == 302
    assert response["Location"] == expected(value, reverse("core:staff_home"))
    assert client.session["csc_centre_id"] == centre_b.pk


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), CASES, ids=IDS)
def test_centre_switch_next_in_the_address(client, reception_a, centre_a, name, value):
    client.force_login(reception_a)
    response = client.post(with_next(reverse("core:switch_centre"), value), {"centre": centre_a.pk})
    assert response.status_code == 302
    assert response["Location"] == expected(value, reverse("core:staff_home"))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), CASES, ids=IDS)
def test_second_factor_code(client, reception_a, no_throttle, name, value):
    device = TOTPDevice.objects.create(user=reception_a, name="tel", confirmed=True)
    client.post(reverse("core:login"), {"username": reception_a.email, "password": PASSWORD})
    page = client.get(with_next(reverse("core:otp_verify"), value))
    assert page.status_code == 200
    assert hidden_next(value) in page.content.decode()
    response = client.post(
        with_next(reverse("core:otp_verify"), value), {"token": code_of(device), "next": value}
    )
    assert response.status_code == 302
    assert response["Location"] == expected(value, reverse("core:staff_home"))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value"), CASES, ids=IDS)
def test_recovery_code(client, reception_a, no_throttle, name, value):
    TOTPDevice.objects.create(user=reception_a, name="tel", confirmed=True)
    codes = recovery.issue_codes(reception_a, reason="test")
    client.post(reverse("core:login"), {"username": reception_a.email, "password": PASSWORD})
    page = client.get(with_next(reverse("core:otp_recovery"), value))
    assert page.status_code == 200
    assert hidden_next(value) in page.content.decode()
    response = client.post(with_next(reverse("core:otp_recovery"), value), {"code": codes[0], "next": value})
    assert response.status_code == 302
    assert response["Location"] == expected(value, reverse("core:staff_home"))
