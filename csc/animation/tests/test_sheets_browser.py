"""The issue's path, across two centres: an animator of centre A writes a sheet (a mistake first) and
shares it with the network; an animator of centre B finds it typing without accents, keeps it as a
favourite, comments, copies it, places the copy in the holiday planning with the keyboard only and
publishes; the parents' page shows it. axe-core on every page crossed."""

import re

import pytest
from playwright.sync_api import expect

from csc.animation.models import ActivitySheet, PlanningEntry, SheetComment
from csc.animation.tests.test_plannings import HOLIDAY_DAYS, make_leisure_centre
from csc.animation.tests.test_plannings_browser import tab_to
from csc.testing.browser import assert_accessible, field, log_in, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("before_the_holidays"),
]


def test_a_sheet_is_written_shared_found_copied_planned_and_shown_to_parents(
    browser, live_server, staff, centre_b
):
    writer = staff("animator", "a", user__first_name="Awa", user__last_name="Diallo")
    reader = staff("animator", "b", user__first_name="Marc", user__last_name="Carpentier")
    activity, period = make_leisure_centre(centre_b)
    visited = []

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, writer)
    page.goto(f"{live_server.url}/fiches/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiches d'activité")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Écrire une fiche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Écrire une fiche d'activité")
    assert_accessible(page, visited)

    page.get_by_label(field("Titre")).fill("Gâteau au yaourt")
    page.get_by_label("En quelques mots").fill("Un gâteau que les enfants mesurent au pot de yaourt.")
    page.get_by_label("Type d'activité").select_option(label="Cuisine")
    page.get_by_label("Âge minimum (ans)").fill("10")
    page.get_by_label("Âge maximum (ans)").fill("6")
    page.get_by_label("Durée (minutes)").fill("60")
    page.get_by_label("Matériel").fill("1 pot de yaourt\n3 œufs\nFarine")
    page.get_by_label("Déroulement").fill("Se laver les mains\nMélanger\nCuire 30 minutes")
    page.get_by_label("Tout le réseau").check()
    page.get_by_role("button", name="Publier").click()

    summary = page.locator("#erreurs-formulaire")
    expect(summary).to_contain_text("L'âge maximum doit être supérieur ou égal à l'âge minimum.")
    expect(summary).to_be_focused()
    expect(page.get_by_label(field("Titre"))).to_have_value("Gâteau au yaourt")  # nothing typed is lost
    assert_accessible(page, visited)
    page.get_by_label("Âge maximum (ans)").fill("12")
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("status")).to_contain_text(
        "La fiche est publiée : elle est visible par tout le réseau."
    )
    expect(page.get_by_role("listitem").filter(has_text="3 œufs")).to_be_visible()
    assert_accessible(page, visited)
    context.close()

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, reader)
    page.goto(f"{live_server.url}/fiches/")
    page.get_by_label("Mots recherchés").fill("gateau yaourt")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("heading", level=2, name="Résultats (1)")).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_role("link", name="Gâteau au yaourt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gâteau au yaourt")
    expect(page.get_by_text("Fiche de Centre Alpha, écrite par Awa Diallo")).to_be_visible()
    assert_accessible(page, visited)

    favourite = page.get_by_role("button", name="Favori")
    expect(favourite).to_have_attribute("aria-pressed", "false")
    favourite.click()
    expect(page.get_by_role("button", name="Favori")).to_have_attribute("aria-pressed", "true")

    page.get_by_label(field("Votre commentaire")).fill("Testé avec les 8-10 ans :\nprévoir deux fours.")
    page.get_by_role("button", name="Publier le commentaire").click()
    comment = page.locator(".comment")
    expect(comment).to_contain_text("Marc Carpentier (Centre Bêta)")
    expect(comment).to_contain_text("prévoir deux fours.")

    page.get_by_role("button", name="Copier dans mon centre").click()
    expect(page.get_by_role("status")).to_contain_text("La fiche est copiée dans Centre Bêta.")
    expect(page.get_by_text(re.compile(r"Copiée de « Gâteau au yaourt » \(Centre Alpha\)"))).to_be_visible()
    expect(
        page.get_by_text(re.compile("^Choisissez les objectifs de votre projet pédagogique :"))
    ).to_be_visible()
    assert_accessible(page, visited)

    # The copy goes into centre B's holiday planning, placed with the keyboard only.
    copy = ActivitySheet.objects.get(centre=centre_b)
    page.goto(f"{live_server.url}/plannings/nouveau/")
    page.get_by_label("Période", exact=True).select_option(str(period.pk))
    page.get_by_role("button", name="Créer le planning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{period.name} — {activity.name}")
    page.get_by_label("Chercher une fiche", exact=True).focus()
    tab_to(page, "Placer… « Gâteau au yaourt »")
    page.keyboard.press("Enter")
    dialog = page.locator("#dialog-place")
    expect(dialog.get_by_label("Groupe")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Jour")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the second day
    tab_to(page, "Placer")
    page.keyboard.press("Enter")
    expect(page.locator("#planning-live")).to_contain_text("« Gâteau au yaourt » placé")
    assert_accessible(page, visited)
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Planning publié le")
    page.get_by_role("link", name="Page des familles").click()
    expect(page.get_by_text("susceptible d'évoluer")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Gâteau au yaourt")
    expect(page.locator("main")).not_to_contain_text("Marc")  # no staff name for families
    assert_accessible(page, visited)
    context.close()
    entry = PlanningEntry.objects.get(planning__centre=centre_b)
    assert (entry.sheet, entry.date, entry.planning.status) == (copy, HOLIDAY_DAYS[1], "publie")
    assert (copy.author, copy.visibility, copy.copied_from.title) == (reader, "centre", "Gâteau au yaourt")
    assert SheetComment.objects.get().text == "Testé avec les 8-10 ans :\nprévoir deux fours."
    assert len(visited) == 9
