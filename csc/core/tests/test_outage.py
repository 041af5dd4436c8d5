"""A database outage: every page answers 503 in French with Retry-After, the scripts' requests a JSON
503, and the site works again as soon as the database answers. The outage is real
(csc/testing/outage.py): Django's own driver fails to connect."""

import json
import logging
import sqlite3
from datetime import time

import psycopg
import pytest
from django.db import connection
from django.db.utils import OperationalError, ProgrammingError
from django.urls import reverse
from django.utils import timezone

from csc.activities import sessions
from csc.activities.models import Activity, Attendance
from csc.core import outage, services
from csc.kiosk.models import KioskEvent
from csc.testing.factories import PersonFactory
from csc.testing.outage import database_down
from csc.testing.pages import visible_text

FRENCH = "Le service est momentanément indisponible"


@pytest.fixture
def client(client):
    # The client re-raises what the view raised; a browser gets the answer, and so does this test.
    client.raise_request_exception = False
    return client


def assert_page_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.retry_after())
    assert response["Content-Type"].startswith("text/html")
    assert FRENCH in visible_text(response)
    assert "Réessayez dans quelques instants" in visible_text(response)


def assert_json_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.retry_after())
    body = json.loads(response.content)
    assert body["detail"].startswith(FRENCH)
    assert body["reessayer_dans"] == outage.retry_after() == 30


@pytest.mark.django_db
def test_the_outage_is_real_and_ends():
    with database_down(), pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_a_public_page_answers_503_in_french_then_works_again(client, centre_a):
    with database_down():
        assert_page_503(client.get("/"))
    response = client.get("/")
    assert response.status_code == 200
    assert centre_a.name in visible_text(response)


@pytest.mark.django_db
def test_a_staff_page_of_someone_logged_in_answers_503(client, staff):
    client.force_login(staff("animator", "a"))
    with database_down():
        # The session itself is in the database: the failure comes from the middleware, not the view.
        assert_page_503(client.get(reverse("core:staff_home")))
    assert client.get(reverse("core:staff_home")).status_code == 200


@pytest.mark.django_db
def test_a_form_posted_during_the_outage_answers_503_and_the_login_is_not_counted(client, staff):
    user = staff("animator", "a")
    with database_down():
        response = client.post(reverse("core:login"), {"username": user.email, "password": "faux"})
    assert_page_503(response)
    # The database back, the same person logs in at once: nothing was counted against them.
    response = client.post(
        reverse("core:login"), {"username": user.email, "password": "mot-de-passe-de-test"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_logs_say_it_once_at_warning_without_a_traceback(client, staff, caplog):
    client.force_login(staff("animator", "a"))
    with caplog.at_level(logging.WARNING), database_down():
        client.get(reverse("core:staff_home"))
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.levelname) for r in records] == [("csc.core.outage", "WARNING")]
    assert records[0].exc_info is None
    assert f"503 on GET {reverse('core:staff_home')}" in records[0].getMessage()


@pytest.fixture
def session(centre_a):
    workshop = Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)
    return sessions.add_session(
        activity=workshop, day=timezone.localdate(), start_time=time(14), end_time=time(16)
    )


@pytest.mark.django_db
def test_a_tap_during_the_outage_answers_a_json_503_and_its_retry_saves_it_once(
    client, staff, session, centre_a
):
    client.force_login(staff("animator", "a"))
    person = PersonFactory(centre=centre_a)
    url = reverse("activities:attendance_mark", args=[session.pk, person.pk])
    with database_down():
        assert_json_503(client.post(url, {"statut": "present"}, HTTP_HX_REQUEST="true"))
    assert not Attendance.objects.exists()
    # The screen sends it again when the server answers, perhaps twice (an answer lost on the way).
    for _ in range(2):
        assert client.post(url, {"statut": "present"}, HTTP_HX_REQUEST="true").status_code == 200
    assert list(Attendance.objects.values_list("person_id", "status")) == [(person.pk, "present")]


@pytest.mark.django_db
def test_the_api_answers_a_json_503(client, staff):
    secret = services.create_api_token(user=staff("animator", "a"), name="Tablette")[1]
    with database_down():
        response = client.get("/api/v1/sessions", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert_json_503(response)


@pytest.mark.django_db
def test_kiosk_events_answer_a_json_503_and_are_stored_when_sent_again(client, centre_a):
    url = f"/borne/{centre_a.slug}/evenements/"
    body = json.dumps([{"type": "visite"}, {"type": "fin"}])
    with database_down():
        response = client.post(url, body, content_type="text/plain", HTTP_ORIGIN="http://testserver")
    assert_json_503(response)
    assert not KioskEvent.objects.exists()
    response = client.post(url, body, content_type="text/plain", HTTP_ORIGIN="http://testserver")
    assert response.status_code == 204
    assert KioskEvent.objects.count() == 2


@pytest.mark.django_db
def test_healthz_keeps_its_own_json(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "erreur", "database": "injoignable"}


def test_a_mistake_in_the_sql_stays_a_500():
    # What the drivers raise for a table that does not exist: never taken for an outage.
    assert not outage.is_outage(ProgrammingError('relation "nulle_part" does not exist'))
    assert not outage.is_outage(OperationalError("no such table: nulle_part"))
    assert outage.is_outage(OperationalError("connection refused"))
    # The drivers' own errors, where code reached the driver past Django's wrapping.
    assert outage.is_outage(psycopg.OperationalError("connection failed: Connection refused"))
    assert outage.is_outage(sqlite3.OperationalError("unable to open database file"))
    assert not outage.is_outage(sqlite3.OperationalError("no such table: nulle_part"))
    assert not outage.is_outage(psycopg.errors.UndefinedTable('relation "nulle_part" does not exist'))
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            raise RuntimeError("while handling it") from None
    except RuntimeError as raised:
        # « from None » hides the cause from the traceback, not from the chain Python keeps.
        assert outage.is_outage(raised)


@pytest.mark.django_db
def test_a_kiosk_page_tries_again_by_itself_and_a_staff_page_does_not(client, centre_a, staff):
    from csc.kiosk import services as kiosk

    kiosk.kiosk_for(centre_a)
    with database_down():
        page = client.get(f"/borne/{centre_a.slug}/besoin-d-aide/")
    assert_page_503(page)
    # Nobody stands at a kiosk to press « Réessayer »: its page reloads itself after Retry-After.
    assert '<script src="/static/csc/reopen.js" data-seconds="30"></script>' in page.content.decode()
    client.force_login(staff("animator", "a"))
    with database_down():
        page = client.get(reverse("core:staff_home"))
    assert_page_503(page)
    assert "<script" not in page.content.decode()


@pytest.mark.django_db
def test_the_503_page_is_rendered_without_a_query(rf, django_assert_num_queries):
    request = rf.get("/")
    with django_assert_num_queries(0):
        assert_page_503(outage.unavailable(request))
    with django_assert_num_queries(0):
        assert_json_503(outage.unavailable(rf.get("/", HTTP_HX_REQUEST="true")))


@pytest.mark.django_db
def test_a_kiosk_home_already_shown_keeps_being_served_while_the_database_is_away(client, centre_a):
    from django.core.cache import cache

    from csc.kiosk import services as kiosk

    kiosk.kiosk_for(centre_a)
    url = f"/borne/{centre_a.slug}/"
    before = client.get(url)
    assert before.status_code == 200
    # Its short-lived state has expired: the kiosk reads the database again, which is away.
    cache.delete(kiosk.state_key(centre_a.slug))
    with database_down():
        during = client.get(url)
    assert during.status_code == 200 and during.content == before.content
    # A kiosk never shown before has nothing to show: 503, and its page tries again by itself.
    with database_down():
        assert_page_503(client.get(f"/borne/{centre_a.slug}-inconnu/"))
