"""An animator goes on taking attendance while the database is down: the taps wait on the screen, « en
attente d'envoi », and arrive exactly once when the database answers again. The outage is real
(csc/testing/outage.py): the live server the browser talks to cannot reach its database."""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from csc.activities import sessions
from csc.activities.models import Activity, Attendance
from csc.testing.browser import assert_accessible, log_in, new_page
from csc.testing.factories import PersonFactory
from csc.testing.outage import database_down

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workshop_today(centre_a):
    today = timezone.localdate()
    workshop = Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)
    session = sessions.add_session(activity=workshop, day=today, start_time=time(14), end_time=time(16))
    people = [
        PersonFactory(centre=centre_a, last_name="Benali", first_name="Yasmina"),
        PersonFactory(centre=centre_a, last_name="Carpentier", first_name="Marc"),
        PersonFactory(centre=centre_a, last_name="Diallo", first_name="Awa"),
    ]
    for person in people:
        sessions.enrol(activity=workshop, person=person, joined_on=today - timedelta(days=30))
    return session, people


def row(page, name):
    return page.get_by_role("row", name=re.compile(name, re.I))


def tap(page, name, answer):
    row(page, name).get_by_role("button", name=re.compile(f"^{answer}")).click()


def test_taps_made_during_an_outage_wait_and_arrive_once(
    browser, live_server, staff, workshop_today, settings
):
    settings.CSC_RETRY_AFTER_SECONDS = 2  # what the 503 asks the screen to wait (30 s in production)
    session, people = workshop_today
    context, page = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, live_server, staff("animator", "a"))
    page.goto(live_server.url + reverse("activities:session_sheet", args=[session.pk]))
    tap(page, "BENALI", "Présent")
    expect(row(page, "BENALI")).to_contain_text("Enregistré : présent(e)")

    with database_down(live_server=live_server):
        tap(page, "CARPENTIER", "Absent")
        tap(page, "DIALLO", "Présent")
        tap(page, "BENALI", "Excusé")  # a correction of a saved answer waits too
        expect(row(page, "CARPENTIER")).to_contain_text("En attente d'envoi : absent(e)")
        expect(row(page, "DIALLO")).to_contain_text("En attente d'envoi : présent(e)")
        expect(row(page, "BENALI")).to_contain_text("En attente d'envoi : excusé(e)")
        status = page.get_by_role("status").filter(has_text="en attente d'envoi")
        expect(status).to_contain_text("3 réponses en attente d'envoi")
        expect(status).to_contain_text("le serveur est momentanément indisponible")
        expect(page.locator("#sheet-summary")).to_contain_text("1 présent sur 3 personnes")
        assert_accessible(page)
        # The screen tries again by itself (Retry-After) and keeps failing while the database is away.
        with page.expect_response(lambda r: r.status == 503 and "/personnes/" in r.url, timeout=10_000):
            pass
        expect(row(page, "CARPENTIER")).to_contain_text("En attente d'envoi : absent(e)")

        # Any other page, for the animator or anyone else, says so in French.
        _, other = new_page(browser)
        response = other.goto(live_server.url + "/")
        assert response.status == 503
        assert response.headers["retry-after"] == "2"
        expect(other.get_by_role("heading", level=1)).to_have_text("Service momentanément indisponible")
        assert_accessible(other)
        assert_accessible(page)

    # The database is back: the waiting answers arrive by themselves, once.
    expect(row(page, "CARPENTIER")).to_contain_text("Enregistré : absent(e)", timeout=15_000)
    expect(row(page, "DIALLO")).to_contain_text("Enregistré : présent(e)", timeout=15_000)
    expect(row(page, "BENALI")).to_contain_text("Enregistré : excusé(e)", timeout=15_000)
    expect(page.locator("#pending-banner")).to_be_hidden()
    expect(page.locator("#sheet-summary")).to_have_text("1 présent sur 3 personnes.")
    assert sorted(Attendance.objects.values_list("person__last_name", "status")) == [
        ("Benali", "excuse"),
        ("Carpentier", "absent"),
        ("Diallo", "present"),
    ]
    # A reload finds nothing left to send.
    page.reload()
    expect(page.locator("#pending-banner")).to_be_hidden()
    assert page.evaluate(f"window.localStorage.getItem('csc-appel-{session.pk}')") == "{}"
