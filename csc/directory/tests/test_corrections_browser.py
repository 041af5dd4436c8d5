"""Centre B's reception finds centre A's entry wrong: it cannot change it (a clear page says why), it
proposes a correction; centre A's reception finds it waiting on its home page, reads the differences
and accepts; centre A's kiosk shows the new hours, and centre B reads the answer. In a real Chromium,
axe-core on every page."""

from datetime import time

import pytest
from playwright.sync_api import expect

from csc.directory import services
from csc.directory.models import Correction
from csc.testing.browser import assert_accessible, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_centre_proposes_a_correction_and_the_owner_accepts_it(
    browser, live_server, staff, centre_a, centre_b, clock
):
    clock("2027-01-04 10:00", tick=True)  # a Monday morning
    entry = services.entry_of_centre(centre_a)
    entry.phone = "+33320000001"
    entry.hours = services.check_week([[(time(9), time(12))]] * 5 + [[], []])
    entry.save()
    visited = []
    reception_b = staff("reception", "b")

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, reception_b)
    page.goto(f"{live_server.url}/annuaire/{entry.pk}/modifier/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous ne pouvez pas modifier cette fiche")
    expect(page.get_by_role("alert")).to_contain_text("seule son équipe la modifie ou la retire")
    assert_accessible(page, visited)

    page.get_by_role("link", name="Proposer une correction").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer une correction")
    expect(page.get_by_label("Lundi, le matin : ouverture")).to_have_value("09:00")
    assert_accessible(page, visited)
    page.get_by_label("Lundi, le matin : ouverture").fill("08:30")
    page.get_by_label("Téléphone").fill("03 20 11 22 33")
    page.get_by_label("Un mot pour le centre qui tient la fiche").fill("Horaires lus sur leur porte.")
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre proposition est envoyée à Centre Alpha")
    expect(page.get_by_role("row", name="Horaires du lundi")).to_contain_text("8 h 30 – 12 h")
    assert_accessible(page, visited)
    context.close()

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, staff("reception", "a"))
    page.get_by_role("link", name="1 correction de l'annuaire à examiner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Corrections à examiner")
    assert_accessible(page, visited)
    page.get_by_role("table").get_by_role("link", name="Centre Alpha").click()
    expect(page.get_by_role("row", name="Téléphone")).to_contain_text("03 20 11 22 33")
    expect(page.get_by_text("Horaires lus sur leur porte.")).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_role("button", name="Accepter la correction").click()
    expect(page.get_by_role("status").first).to_contain_text("Correction acceptée")
    expect(page.get_by_role("row", name="Lundi")).to_contain_text("8 h 30 – 12 h")
    assert_accessible(page, visited)

    page.goto(f"{live_server.url}/borne/{centre_a.slug}/besoin-d-aide/")
    expect(page.get_by_role("row", name="Lundi")).to_contain_text("8 h 30 – 12 h")
    expect(page.get_by_text("03 20 11 22 33")).to_be_visible()
    context.close()

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, reception_b)
    page.goto(f"{live_server.url}/annuaire/corrections/?vue=envoyees")
    expect(page.get_by_role("row", name="Centre Alpha")).to_contain_text("Acceptée")
    assert_accessible(page, visited)
    context.close()

    assert Correction.objects.get().status == Correction.Status.ACCEPTED
    entry.refresh_from_db()
    assert entry.phone == "+33320112233" and entry.hours[0] == [["08:30", "12:00"]]
    assert len(visited) == 7
