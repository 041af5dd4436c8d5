"""The headers of csc/core/headers.py in a real Chromium. The Content-Security-Policy refuses nothing
the platform's own pages need: the public pages, the kiosk, the API's documentation, and every page of
the menu of each role, opened in a Chromium that reports each refusal in its console and as a
`securitypolicyviolation` event. And no copy of a page about persons stays in the browser."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from csc.core.roles import CENTRE_ROLES
from csc.testing.browser import csp_violations, log_in
from csc.testing.factories import HouseholdMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def refusals(page):
    """Chromium's console lines about the policy, over every page the test opens, and the events of
    each page as it is left."""
    console = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and console.append(message.text),
    )

    def read(url: str) -> list[str]:
        return [f"{url} : {line}" for line in csp_violations(page)]

    return console, read


def open_all(page, live_server, paths, read) -> list[str]:
    found = []
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 500, path
        assert "nonce-" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        found += read(path)
    return found


def test_public_pages_the_kiosk_and_the_api_documentation_refuse_nothing(
    page, live_server, centre_a, refusals
):
    console, read = refusals
    slug = centre_a.slug
    paths = [
        reverse("core:public_home"),
        reverse("core:login"),
        reverse("core:password_reset"),
        f"/borne/{slug}/",
        f"/borne/{slug}/recherche/?q=carte+vitale",
        f"/borne/{slug}/besoin-d-aide/",
        f"/borne/{slug}/fin/",
        f"/inscriptions/{slug}/",
        f"/inscriptions/{slug}/adhesion/",
        "/api/v1/docs",
        "/admin-technique/login/",
    ]
    found = open_all(page, live_server, paths, read)
    assert found == [] and console == [], "\n".join(found + console)


@pytest.mark.parametrize("role", [str(role) for role in CENTRE_ROLES])
def test_every_page_of_each_roles_menu_refuses_nothing(
    page, live_server, staff, otp_verified, centre_a, refusals, role
):
    console, read = refusals
    HouseholdMemberFactory(household__centre=centre_a, person__last_name="Haddad")
    log_in(page, live_server, staff(role))
    menu = page.locator("#menu-principal a")
    own = [reverse("core:staff_home"), reverse("core:profile"), reverse("core:otp_setup")]  # its QR code
    paths = [*own, *{link.get_attribute("href") for link in menu.all()}]
    assert len(paths) > len(own), "the role's menu"
    found = open_all(page, live_server, sorted(paths), read)
    assert found == [] and console == [], "\n".join(found + console)


def test_no_copy_of_a_search_stays_in_the_browser_after_logging_out(page, live_server, reception_a, centre_a):
    HouseholdMemberFactory(household__centre=centre_a, person__last_name="Haddad", person__first_name="Nour")
    log_in(page, live_server, reception_a)
    page.goto(f"{live_server.url}{reverse('people:search')}")
    for words in ("haddad", "nour"):  # the second search replaces the first page's results
        page.get_by_label("Nom ou prénom").fill(words)
        page.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(f"q={words}"))
        expect(page.locator("#resultats")).to_contain_text("Haddad")
    # htmx would keep the pages it replaced in the tab's storage, where the next person at this
    # computer could read them.
    assert page.evaluate("window.sessionStorage.getItem('htmx-history-cache')") is None

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Espace des équipes")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Rechercher une personne")
    assert "Haddad" not in page.content()
