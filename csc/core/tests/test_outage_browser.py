"""A page that asks the server through htmx (the search as one types) during a database outage: the
page says the service is momentarily unavailable, and works again once the database answers. The
attendance sheet and the kiosk have their own tests (csc/activities/tests/test_check_browser.py,
csc/kiosk/tests/test_kiosk_outage_browser.py). The outage is real (csc/testing/outage.py)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from csc.testing.browser import assert_accessible, log_in
from csc.testing.factories import HouseholdMemberFactory
from csc.testing.outage import database_down

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_search_during_a_database_outage_says_so_and_works_again_after(
    page, live_server, reception_a, centre_a
):
    HouseholdMemberFactory(household__centre=centre_a, person__last_name="Haddad", person__first_name="Nour")
    log_in(page, live_server, reception_a)
    page.goto(f"{live_server.url}{reverse('people:search')}")
    with database_down(live_server=live_server):
        page.get_by_label("Nom ou prénom").fill("haddad")
        page.get_by_role("button", name="Rechercher").click()
        notice = page.get_by_role("status").filter(has_text="momentanément indisponible")
        expect(notice).to_have_text(
            "Le service est momentanément indisponible : réessayez dans quelques instants."
        )
        assert_accessible(page)
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#resultats")).to_contain_text("Haddad")
    expect(page.get_by_text("momentanément indisponible")).to_have_count(0)
