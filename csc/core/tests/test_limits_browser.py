"""The trap field and the limit's message as a person meets them, in a real Chromium: the keyboard
never reaches the trap, the message is read out (role alert) and the address typed is kept."""

import pytest
from playwright.sync_api import expect

from csc.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_password_reset_keeps_the_trap_out_of_reach_and_says_when_to_try_again(
    page, live_server, reception_a, clock
):
    clock("2027-01-04 10:20", tick=True)  # the hour's window does not turn during the test
    visited = []
    address = page.get_by_label("Adresse e-mail")
    for attempt in range(4):
        page.goto(f"{live_server.url}/compte/mot-de-passe/oublie/")
        if attempt == 0:
            assert_accessible(page, visited)
            # From the address, Tab goes to the button: the trap field is skipped.
            address.focus()
            page.keyboard.press("Tab")
            expect(page.get_by_role("button", name="Recevoir le lien")).to_be_focused()
            box = page.locator("#site-internet").bounding_box()
            assert box is None or box["x"] + box["width"] <= 0  # off-screen, not on the page
        address.fill(reception_a.email)
        page.get_by_role("button", name="Recevoir le lien").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Trop d'envois en peu de temps")
    expect(alert).to_contain_text("Réessayez dans")
    expect(address).to_have_value(reception_a.email)
    assert_accessible(page, visited)
