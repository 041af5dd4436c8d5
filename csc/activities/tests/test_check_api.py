"""Sessions and attendance over the API, for the centre's other software."""

import json
from datetime import time, timedelta

import pytest
from django.utils import timezone

from csc.activities import sessions
from csc.activities.models import Activity, Attendance
from csc.core import services
from csc.testing.factories import PersonFactory


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def animator_token(staff):
    return services.create_api_token(user=staff("animator", "a"), name="Tablette")[1]


@pytest.fixture
def session(centre_a):
    workshop = Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)
    return sessions.add_session(
        activity=workshop, day=timezone.localdate(), start_time=time(14), end_time=time(15, 30)
    )


def put(client, url, body, secret):
    return client.put(url, json.dumps(body), content_type="application/json", **bearer(secret))


def test_other_software_reads_sessions_and_sends_attendance(client, animator_token, session, centre_a):
    person = PersonFactory(centre=centre_a)
    listed = client.get(f"/api/v1/sessions?date_from={session.date:%Y-%m-%d}", **bearer(animator_token))
    assert [s["id"] for s in listed.json()["items"]] == [session.pk]
    assert listed.json()["items"][0]["counted_hours"] == "1.50"
    url = f"/api/v1/sessions/{session.pk}/attendance/{person.pk}"
    first = put(client, url, {"status": "present"}, animator_token)
    again = put(client, url, {"status": "present"}, animator_token)
    assert first.status_code == again.status_code == 200
    assert first.json() == {"person_id": person.pk, "status": "present", "source": "appel", "hours": "1.50"}
    assert Attendance.objects.count() == 1
    read = client.get(f"/api/v1/sessions/{session.pk}/attendance", **bearer(animator_token))
    assert read.json() == [first.json()]


def test_bad_attendance_gets_a_french_message(client, animator_token, session, centre_a, centre_b):
    person = PersonFactory(centre=centre_a)
    url = f"/api/v1/sessions/{session.pk}/attendance/{person.pk}"
    assert put(client, url, {"status": "peut-etre"}, animator_token).json()["detail"] == "Données invalides."
    stranger = PersonFactory(centre=centre_b)
    foreign = put(
        client,
        f"/api/v1/sessions/{session.pk}/attendance/{stranger.pk}",
        {"status": "present"},
        animator_token,
    )
    assert foreign.status_code == 404
    session.date = timezone.localdate() + timedelta(days=2)
    session.save()
    future = put(client, url, {"status": "present"}, animator_token)
    assert future.status_code == 409 and "pas encore eu lieu" in future.json()["detail"]
    assert not Attendance.objects.exists()


def test_another_centres_sessions_are_not_listed(client, staff, session):
    secret = services.create_api_token(user=staff("animator", "b"), name="Autre centre")[1]
    assert client.get("/api/v1/sessions", **bearer(secret)).json()["items"] == []
    assert client.get(f"/api/v1/sessions/{session.pk}/attendance", **bearer(secret)).status_code == 404
