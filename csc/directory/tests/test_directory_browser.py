"""A receptionist adds a place to the network's directory in a real Chromium (a mistake first), finds it
typing without accents, reads its hours, corrects it and withdraws it. axe-core on every page."""

import pytest
from playwright.sync_api import expect

from csc.directory.models import Structure
from csc.testing.browser import assert_accessible, field, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reception_keeps_the_directory(browser, live_server, staff, centre_a):
    receptionist = staff("reception", "a")
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, receptionist)
    page.locator("#contenu").get_by_role("link", name="Annuaire des structures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des structures")
    expect(page.get_by_text("Aucune structure.")).to_be_visible()
    assert_accessible(page, visited)

    page.get_by_role("link", name="Ajouter une structure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajouter une structure à l'annuaire")
    assert_accessible(page, visited)
    page.get_by_label(field("Nom")).fill("Médiathèque Jean Lévy")
    page.get_by_label("Type de structure").select_option(label="Médiathèque, bibliothèque")
    page.get_by_label("Aide aux démarches en ligne").check()
    page.get_by_label("Ordinateur et internet en accès libre").check()
    page.get_by_label("Adresse", exact=True).fill("32 rue Édouard Delesalle")
    page.get_by_label("Code postal").fill("59000")
    page.get_by_label(field("Commune")).fill("Lille")
    page.get_by_label("Site internet").fill("http://bm-lille.fr")
    page.get_by_label("Mardi, le matin : ouverture").fill("10:00")
    page.get_by_label("Mardi, le matin : fermeture").fill("19:00")
    page.get_by_role("button", name="Enregistrer").click()

    summary = page.locator("#erreurs-formulaire")
    expect(summary).to_contain_text("L'adresse du site doit commencer par https://")
    expect(page.get_by_label(field("Nom"))).to_have_value("Médiathèque Jean Lévy")  # nothing typed is lost
    expect(page.get_by_label("Mardi, le matin : ouverture")).to_have_value("10:00")
    assert_accessible(page, visited)
    page.get_by_label("Site internet").fill("https://bm-lille.fr")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("« Médiathèque Jean Lévy » est dans l'annuaire.")
    expect(page.get_by_role("row", name="Mardi")).to_contain_text("10 h – 19 h")
    expect(page.get_by_role("link", name="https://bm-lille.fr")).to_be_visible()
    assert_accessible(page, visited)

    page.get_by_role("link", name="Annuaire des structures").first.click()
    page.get_by_label("Nom, commune ou service").fill("mediatheque lille")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("heading", level=3)).to_have_text(["Médiathèque Jean Lévy"])
    assert_accessible(page, visited)

    page.get_by_role("link", name="Médiathèque Jean Lévy").click()
    page.get_by_role("link", name="Modifier la fiche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier la fiche de la structure")
    page.get_by_label("Mercredi, le matin : ouverture").fill("14:00")
    page.get_by_label("Mercredi, le matin : fermeture").fill("18:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("row", name="Mercredi")).to_contain_text("14 h – 18 h")

    page.get_by_role("link", name="Retirer de l'annuaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Retirer « Médiathèque Jean Lévy » de l'annuaire ?"
    )
    assert_accessible(page, visited)
    page.get_by_role("button", name="Retirer de l'annuaire").click()
    expect(page.get_by_text("ni le kiosque ni les listes ne la montrent")).to_be_visible()
    context.close()

    structure = Structure.objects.get()
    assert not structure.is_active and structure.kept_by == centre_a
    assert structure.hours[1] == [["10:00", "19:00"]] and structure.hours[2] == [["14:00", "18:00"]]
    assert len(visited) == 6


def test_a_colleague_changed_the_entry_while_the_form_was_open(browser, live_server, staff, centre_a):
    # Saving a form opened before a colleague's change shows what changed and saves nothing; the second
    # save keeps both changes.
    structure = Structure.objects.create(
        federation_id=centre_a.territory.federation_id,
        centre=None,
        kept_by=centre_a,
        name="Maison de l'emploi",
        kind=Structure.Kind.OTHER,
        city="Roubaix",
        phone="+33320000001",
        hours=[],
    )
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, staff("reception", "a"))
    page.goto(f"{live_server.url}/annuaire/{structure.pk}/modifier/")
    Structure.objects.filter(pk=structure.pk).update(phone="+33320112233")  # the colleague's save
    page.get_by_label("Site internet").fill("https://emploi.example.org")
    page.get_by_role("button", name="Enregistrer").click()

    alert = page.locator("#fiche-changee")
    expect(alert).to_contain_text("La fiche a changé pendant que vous la modifiiez")
    expect(page.get_by_role("row", name="Téléphone")).to_contain_text("03 20 11 22 33")
    expect(page.get_by_label("Site internet")).to_have_value("https://emploi.example.org")
    assert_accessible(page, visited)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("link", name="https://emploi.example.org")).to_be_visible()
    context.close()

    structure.refresh_from_db()
    assert structure.phone == "+33320112233" and structure.website == "https://emploi.example.org"
