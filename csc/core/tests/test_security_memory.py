"""A session remembers the user's roles and second factor between requests, and forgets them the moment
either changes: a revoked role or a new device takes effect on the very next request."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from csc.activities import sessions
from csc.activities.models import Activity
from csc.core import services
from csc.core.models import StaffRole
from csc.core.tenancy import SESSION_KEY


@pytest.fixture
def sheet_url(centre_a):
    workshop = Activity.objects.create(centre=centre_a, name="Atelier", kind=Activity.Kind.WORKSHOP)
    session = sessions.add_session(
        activity=workshop, day=timezone.localdate(), start_time=time(14), end_time=time(16)
    )
    return reverse("activities:session_sheet", args=[session.pk])


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries]


def test_requests_skip_the_device_query_until_the_stamp_moves(client, staff, sheet_url, centre_b):
    animator = staff("animator", "a")
    client.force_login(animator)  # the login remembers the roles and the absence of a device
    assert client.session[SESSION_KEY]["has_device"] is False
    response, sql = queries_of(client, sheet_url)
    assert response.status_code == 200
    assert not any("otp_totp_totpdevice" in q for q in sql)
    # A role of another centre is added: the next request looks everything up again, then remembers.
    from csc.testing.factories import StaffRoleFactory

    StaffRoleFactory(user=animator, role="animator", centre=centre_b)
    response, sql = queries_of(client, sheet_url)
    assert any("otp_totp_totpdevice" in q for q in sql) and any("core_staffrole" in q for q in sql)
    assert len(client.session[SESSION_KEY]["centres_by_role"]["animator"]) == 2
    response, sql = queries_of(client, sheet_url)
    assert not any("otp_totp_totpdevice" in q for q in sql)


def test_a_revoked_role_takes_effect_on_the_next_request(client, staff, sheet_url, otp_verified):
    animator = staff("animator", "a")
    director = staff("director", "a")
    client.force_login(animator)
    assert client.get(sheet_url).status_code == 200
    assert client.get(sheet_url).status_code == 200  # served from what the session remembers
    services.deactivate_role(staff_role=StaffRole.objects.get(user=animator), actor=director)
    assert client.get(sheet_url).status_code in (302, 404)


def test_a_changed_role_takes_effect_on_the_next_request(client, staff, sheet_url, otp_verified):
    animator = staff("animator", "a")
    director = staff("director", "a")
    client.force_login(animator)
    assert client.get(sheet_url).status_code == 200
    services.change_role(staff_role=StaffRole.objects.get(user=animator), role="volunteer", actor=director)
    assert client.get(sheet_url).status_code == 404


def test_a_new_device_asks_for_its_code_on_the_next_request(client, staff, sheet_url):
    animator = staff("animator", "a")
    client.force_login(animator)
    assert client.get(sheet_url).status_code == 200
    assert client.get(sheet_url).status_code == 200
    TOTPDevice.objects.create(user=animator, name="tel", confirmed=True)
    response = client.get(sheet_url)
    assert response.status_code == 302 and reverse("core:otp_verify") in response["Location"]


def test_territory_roles_are_never_remembered(client, network, otp_verified):
    from csc.testing.factories import StaffRoleFactory

    coordinator = StaffRoleFactory(
        role="territory_coordinator", centre=None, territory=network["a"].territory
    ).user
    client.force_login(coordinator)
    assert client.get(reverse("core:staff_home")).status_code == 200
    assert SESSION_KEY not in client.session
