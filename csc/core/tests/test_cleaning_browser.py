"""The page of the text guard's last line, in a real Chromium with axe-core: a parent opens a programme
link damaged by a NUL character (PostgreSQL would have answered a server error)."""

import pytest
from playwright.sync_api import expect

from csc.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_link_holding_a_nul_character_gets_a_french_page_and_a_way_home(page, live_server):
    response = page.goto(f"{live_server.url}/programme/abc%00def/")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre demande contient un caractère refusé")
    expect(page.get_by_text("caractère de contrôle invisible (U+0000)")).to_be_visible()
    expect(page.get_by_text("Rien n'a été enregistré.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Revenir à l'accueil").click()
    expect(page).to_have_url(f"{live_server.url}/")
