"""The API's documentation page in a real Chromium with no internet: everything it needs comes from the
server, and it passes axe like every other page."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from csc.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_works_offline_and_is_accessible(page, live_server):
    elsewhere = []

    def offline(route):
        if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    page.route("**/*", offline)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    operation = page.locator(".opblock-summary").filter(has_text="Les centres du réseau (public)")
    expect(operation).to_be_visible()
    expect(page.locator(".opblock-summary").filter(has_text="/api/v1/persons").first).to_be_visible()
    assert_accessible(page)
    operation.get_by_role("button").first.click()  # opens: its parameters and responses
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()
    assert_accessible(page)
    assert elsewhere == []
