"""The Content-Security-Policy (csc/core/headers.py) refuses nothing the platform's own pages need: the
public pages, the kiosk, the API's documentation, and every page of the menu of each role, opened in a
real Chromium that reports each refusal in its console and as a `securitypolicyviolation` event."""

import pytest
from django.urls import reverse

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
