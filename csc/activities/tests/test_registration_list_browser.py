"""A director opens an activity's registrations, filters and sorts them and goes to a household; reception
opens the list from its tile and finds a household by phone from the people search. axe-core on every page
crossed."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from csc.activities.demo import build_leisure_centre
from csc.activities.tests.test_registration_list import register
from csc.people.models import HouseholdMember
from csc.testing.browser import assert_accessible, field, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_director_works_from_the_list_of_registrations(browser, live_server, director_a, centre_a):
    leisure = build_leisure_centre(centre_a, today=timezone.localdate())
    register(leisure, "Lefèvre", "Élodie", group=0, days=4, meals=2, amount="23.50", birth=date(2021, 3, 1))
    register(leisure, "Martin", "Hugo", group=1, days=2, amount="8.30", city="Roubaix")
    register(leisure, "Diallo", "Awa", group=2, days=5, amount="41.00")
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, director_a)

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Activités et tarifs"
    ).click()
    page.get_by_role("link", name="Accueil de loisirs").click()
    page.get_by_role("link", name="Liste des inscriptions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscriptions — Accueil de loisirs")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(1 + 3 + 1)  # header, three children, total
    expect(table.locator("tfoot")).to_contain_text("3 enfants")
    expect(table.locator("tfoot")).to_contain_text("11 j")
    expect(table.locator("tfoot")).to_contain_text("72,80")
    expect(table).to_contain_text("4 j · 2 repas")
    assert_accessible(page, visited)

    # The largest amount first, by the column's header, then back the other way.
    page.get_by_role("link", name=re.compile("^Montant dû")).click()
    expect(page.get_by_role("columnheader", name=re.compile("Montant dû"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    page.get_by_role("link", name=re.compile("^Montant dû")).click()
    expect(page.get_by_role("columnheader", name=re.compile("Montant dû"))).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(page.get_by_role("table").get_by_role("rowheader").first).to_have_text("Diallo Awa")
    assert_accessible(page, visited)

    # A family's commune, typed without its capital; then a sort that does not exist.
    page.get_by_label(field("Enfant ou foyer")).fill("roubaix")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("table").locator("tbody").get_by_role("rowheader")).to_have_text(["Martin Hugo"])
    expect(page.get_by_role("table").locator("tfoot")).to_contain_text("1 enfant")
    assert_accessible(page, visited)
    page.goto(page.url.replace("tri=", "tri=nimporte"))
    expect(page.get_by_role("alert")).to_contain_text("Ce tri n'existe pas")
    assert_accessible(page, visited)

    page.get_by_role("link", name="Famille Martin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Famille Martin")
    context.close()


def test_reception_finds_a_household_by_phone_from_the_people_search(
    browser, live_server, reception_a, centre_a
):
    leisure = build_leisure_centre(centre_a, today=timezone.localdate())
    registration = register(leisure, "Nguyen", "Lan", household_name="Famille Nguyen", city="Lille")
    parent = registration.child
    parent.pk = None
    parent.first_name, parent.phone, parent.birth_date = "Minh", "+33 6 12 34 56 78", None
    parent.save()
    HouseholdMember.objects.create(household=registration.household, person=parent, relation="responsable")
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, reception_a)

    # Reception does not configure activities: the tile « Inscriptions » leads to the list.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Inscriptions", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscriptions aux activités de Centre Alpha")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Accueil de loisirs").click()
    expect(page.get_by_role("table").locator("tbody")).to_contain_text("Nguyen Lan")
    assert_accessible(page, visited)

    page.goto(f"{live_server.url}/personnes/")
    assert_accessible(page, visited)
    page.get_by_role("navigation", name="Rechercher").get_by_role("link", name="Foyers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher un foyer")
    page.get_by_label("Nom, adresse, commune ou téléphone").fill("06 12 34 56 78")
    page.get_by_role("button", name="Rechercher").click()
    results = page.get_by_role("table")
    expect(results).to_contain_text("Famille Nguyen")
    expect(results).to_contain_text("Minh Nguyen")
    expect(results).to_contain_text("+33 6 12 34 56 78")
    assert_accessible(page, visited)
    results.get_by_role("link", name="Famille Nguyen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Famille Nguyen")
    assert_accessible(page, visited)
    context.close()
