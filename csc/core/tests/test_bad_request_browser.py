"""The French page of a request Django refuses to read, reached in a real Chromium and checked by axe-core:
a director sends a file whose name is 10,000 characters long, reads what to do, goes back to the form and
sends it renamed; a visitor posts a login form of 1,001 fields."""

import pytest
from playwright.sync_api import expect

from csc.testing.browser import assert_accessible, field, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "Date;Activité;Nom;Prénom\r\n01/02/2024;Atelier couture;Martin;Léa\r\n".encode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_file_name_too_long_to_receive_leads_to_a_french_page_and_back_to_the_form(
    page, live_server, director_a
):
    visited = []
    log_in(page, live_server, director_a)
    page.goto(f"{live_server.url}/presences/import/")

    page.get_by_label(field("Fichier des présences")).set_input_files(
        {"name": "a" * 10_000 + ".csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.get_by_role("button", name="Envoyer et voir l'aperçu").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nom de fichier trop long")
    expect(page.get_by_text("Renommez le fichier avec un nom plus court")).to_be_visible()
    expect(page.get_by_role("heading", level=2)).to_have_text("Que faire ?")
    assert_accessible(page, visited)

    page.get_by_role("link", name="Revenir au formulaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer des présences passées")
    page.get_by_label(field("Fichier des présences")).set_input_files(
        {"name": "presences.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.get_by_role("button", name="Envoyer et voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import : presences.csv")


def test_a_form_of_too_many_fields_gets_the_french_page(page, live_server):
    visited = []
    page.goto(f"{live_server.url}/compte/connexion/")
    page.evaluate(
        """() => {
            const form = document.querySelector("input[name=username]").form;
            for (let n = 0; n < 1001; n++) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = "champ" + n;
                form.appendChild(input);
            }
        }"""
    )
    page.get_by_label("Adresse e-mail").fill("lea@example.org")
    page.get_by_label("Mot de passe").fill("un mot de passe")
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Formulaire trop long")
    expect(page.get_by_text("plus de 1000 champs, le maximum accepté")).to_be_visible()
    assert_accessible(page, visited)

    page.get_by_role("link", name="Revenir au formulaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à l'espace des équipes")


def test_a_login_form_left_without_its_cookie_gets_the_expired_form_page_and_the_way_back(
    browser, live_server
):
    # What a person meets after the form's cookie went (cookies cleared, a page left open for days).
    visited = []
    context, page = new_page(browser)
    page.goto(f"{live_server.url}/compte/connexion/")
    context.clear_cookies()
    page.get_by_label("Adresse e-mail").fill("lea@example.org")
    page.get_by_label(field("Mot de passe")).fill("mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Formulaire expiré")
    expect(page.get_by_text("Rechargez la page du formulaire")).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_role("link", name="Revenir au formulaire").click()
    expect(page.get_by_label("Adresse e-mail")).to_be_visible()
    context.close()
