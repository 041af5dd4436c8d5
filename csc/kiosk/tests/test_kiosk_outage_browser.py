"""The kiosk through a database outage, in a real Chromium: the counts it cannot send are kept in the
browser and arrive once when the database answers again; the page already shown goes on working, and
a page the server cannot give says so in French and comes back by itself. The outage is real
(csc/testing/outage.py): the live server cannot reach its database."""

import json
import re

import pytest
from playwright.sync_api import expect

from csc.kiosk import services
from csc.kiosk.models import KioskEvent
from csc.kiosk.tests.test_kiosk_browser import answer_for_official_sites, wait_for
from csc.testing.browser import assert_accessible, new_page
from csc.testing.outage import database_down

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def kept(page, slug) -> list:
    stored = page.evaluate(f"window.localStorage.getItem('csc-borne-comptes:/borne/{slug}/evenements/')")
    return [event for lot in json.loads(stored or '{"lots": []}')["lots"] for event in lot["evenements"]]


def test_the_kiosk_keeps_its_counts_through_an_outage_and_sends_them_once(
    browser, live_server, centre_a, settings
):
    settings.CSC_RETRY_AFTER_SECONDS = 2  # 30 s in production
    services.kiosk_for(centre_a)
    context, page = new_page(browser, viewport={"width": 1280, "height": 1024})
    asked = answer_for_official_sites(page)
    page.goto(f"{live_server.url}/borne/{centre_a.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Le numérique à mon service")
    tile = page.locator("a[data-tile]").first
    tile_id = int(tile.get_attribute("data-tile"))

    with database_down(live_server=live_server):
        # The first touch starts a visit: the server cannot store it, the kiosk keeps it.
        with page.expect_response(lambda r: r.url.endswith("/evenements/") and r.status == 503):
            page.get_by_label("Que cherchez-vous ?").click()
        assert wait_for(lambda: kept(page, centre_a.slug) == [{"type": "visite"}])
        # The page already shown goes on working: a tile still opens its official site, its click kept.
        tile.click()
        expect(page).to_have_title("Site officiel (simulé)")
        assert len(asked) == 1
        # A page the server cannot give: French, accessible, and it tries again by itself.
        response = page.goto(f"{live_server.url}/borne/{centre_a.slug}/besoin-d-aide/")
        assert response.status == 503
        expect(page.get_by_role("heading", level=1)).to_have_text("Service momentanément indisponible")
        assert_accessible(page)
        assert kept(page, centre_a.slug) == [{"type": "visite"}, {"type": "clic", "tuile": tile_id}]

    # The database is back: the 503 page comes back by itself to the help page, which sends what was kept.
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("indisponible"), timeout=15_000)
    assert wait_for(lambda: KioskEvent.objects.filter(kind=KioskEvent.Kind.CLICK).count() == 1, timeout=15)
    assert wait_for(lambda: kept(page, centre_a.slug) == [], timeout=5)
    assert list(KioskEvent.objects.order_by("id").values_list("kind", "tile_id")) == [
        (KioskEvent.Kind.VISIT, None),
        (KioskEvent.Kind.CLICK, tile_id),
    ]
    # Nothing is sent twice: another page later finds nothing left to send.
    page.goto(f"{live_server.url}/borne/{centre_a.slug}/")
    page.wait_for_timeout(500)
    assert KioskEvent.objects.filter(kind__in=[KioskEvent.Kind.VISIT, KioskEvent.Kind.CLICK]).count() == 2


def test_the_idle_return_stays_on_the_page_shown_while_the_server_is_away(
    browser, live_server, centre_a, settings
):
    settings.CSC_RETRY_AFTER_SECONDS = 2
    idle_ms = services.kiosk_for(centre_a).idle_minutes * 60_000
    context, page = new_page(browser, viewport={"width": 1280, "height": 1024})
    page.clock.install()
    page.goto(f"{live_server.url}/borne/{centre_a.slug}/")
    search = page.get_by_label("Que cherchez-vous ?")
    with database_down(live_server=live_server):
        with page.expect_response(lambda r: r.url.endswith("/evenements/") and r.status == 503):
            search.click()
        search.fill("carte vitale")
        # After the idle time the next visitor finds the same page, emptied, instead of a page the
        # server cannot give.
        page.clock.run_for(idle_ms + 1000)
        expect(search).to_have_value("")
        expect(page.get_by_role("heading", level=1)).to_have_text("Le numérique à mon service")
        assert page.url == f"{live_server.url}/borne/{centre_a.slug}/"
        assert_accessible(page)
        # The next touch starts another visit, kept too.
        search.click()
        assert wait_for(lambda: kept(page, centre_a.slug) == [{"type": "visite"}, {"type": "visite"}])
    # The database is back: the next try sends both visits, once.
    page.clock.run_for(310_000)
    assert wait_for(lambda: KioskEvent.objects.filter(kind=KioskEvent.Kind.VISIT).count() == 2, timeout=10)
    assert wait_for(lambda: kept(page, centre_a.slug) == [])
    context.close()
