"""The pedagogical project in a real Chromium: the director writes the intentions and the objectives
(a mistake first), orders, rewords and weighs removing one, opens a leisure centre's own project; an
animator reads it without the tools to change it. axe-core on every page crossed."""

from datetime import date

import pytest
from playwright.sync_api import expect

from csc.activities.demo import build_leisure_centre
from csc.animation.models import Objective
from csc.testing.browser import assert_accessible, field, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_writes_the_project_and_the_team_reads_it(
    browser, live_server, director_a, centre_a, staff
):
    leisure = build_leisure_centre(centre_a, today=date(2026, 11, 20))
    animator = staff("animator", "a")
    visited = []

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, director_a)
    page.goto(f"{live_server.url}/projet-pedagogique/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Projet pédagogique de {centre_a.name}")
    expect(page.get_by_text("Aucun objectif pour l'instant.")).to_be_visible()
    assert_accessible(page, visited)

    page.get_by_text("Écrire les intentions").click()
    page.get_by_role("textbox", name="Nos intentions").fill("Un accueil où chaque enfant trouve sa place.")
    page.get_by_role("button", name="Enregistrer les intentions").click()
    expect(page.get_by_role("status")).to_contain_text("Intentions enregistrées.")
    intentions = page.get_by_role("region", name="Nos intentions")
    expect(intentions.get_by_role("paragraph").first).to_have_text(
        "Un accueil où chaque enfant trouve sa place."
    )

    # An operational objective without the general one it details: refused, the words kept.
    page.get_by_label("Objectif opérationnel", exact=True).check()
    page.get_by_label(field("Objectif")).fill("Laisser les enfants choisir leur activité")
    page.get_by_role("button", name="Ajouter l'objectif").click()
    summary = page.locator("#erreurs-formulaire")
    expect(summary).to_contain_text("Choisissez l'objectif général que cet objectif opérationnel précise.")
    expect(page.get_by_label(field("Objectif"))).to_have_value("Laisser les enfants choisir leur activité")
    assert_accessible(page, visited)

    page.get_by_label("Objectif général", exact=True).check()
    page.get_by_label(field("Objectif")).fill("Développer l'autonomie")
    page.get_by_role("button", name="Ajouter l'objectif").click()
    expect(page.get_by_role("status")).to_contain_text("Objectif ajouté.")
    page.get_by_label("Objectif général", exact=True).check()
    page.get_by_label(field("Objectif")).fill("Vivre ensemble")
    page.get_by_role("button", name="Ajouter l'objectif").click()
    page.get_by_label("Objectif opérationnel", exact=True).check()
    page.get_by_label(field("Objectif")).fill("Laisser les enfants choisir leur activité")
    page.get_by_label("Objectif général qu'il précise").select_option(label="Développer l'autonomie")
    page.get_by_role("button", name="Ajouter l'objectif").click()
    tree = page.locator(".objective-tree")
    expect(tree.locator("> li > p strong")).to_have_text(["Développer l'autonomie", "Vivre ensemble"])
    expect(tree.locator("> li").first.locator("ul li")).to_contain_text("Laisser les enfants choisir")
    assert_accessible(page, visited)

    page.get_by_role("button", name="Monter « Vivre ensemble »").click()
    expect(tree.locator("> li > p strong")).to_have_text(["Vivre ensemble", "Développer l'autonomie"])

    page.get_by_role("link", name="Modifier « Vivre ensemble »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier un objectif général")
    assert_accessible(page, visited)
    page.get_by_label(field("Objectif")).fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".errors, .alert--error").first).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_label(field("Objectif")).fill("Vivre ensemble et se respecter")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Objectif modifié")
    expect(tree).to_contain_text("Vivre ensemble et se respecter")

    page.get_by_role("link", name="Retirer « Développer l'autonomie »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Retirer l'objectif « Développer l'autonomie » ?"
    )
    expect(page.get_by_text("Son objectif opérationnel est retiré avec lui.")).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_role("link", name="Garder").click()
    expect(tree).to_contain_text("Développer l'autonomie")  # nothing removed on « Garder »

    page.get_by_role("link", name=f"Projet de « {leisure.activity.name} »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Projet pédagogique — {leisure.activity.name}")
    page.get_by_label(field("Objectif")).fill("Découvrir la nature du quartier")
    page.get_by_role("button", name="Ajouter l'objectif").click()
    expect(page.get_by_role("status")).to_contain_text("Objectif ajouté.")
    assert_accessible(page, visited)
    context.close()
    assert Objective.objects.filter(centre=centre_a).count() == 4

    # The animation team reads the project; the tools to change it are not offered.
    context, page = new_page(browser, viewport={"width": 390, "height": 844})
    log_in(page, live_server, animator)
    page.goto(f"{live_server.url}/projet-pedagogique/")
    expect(page.get_by_text("Vivre ensemble et se respecter")).to_be_visible()
    expect(page.get_by_role("button", name="Ajouter l'objectif")).to_have_count(0)
    expect(page.get_by_role("link", name="Modifier « Vivre ensemble et se respecter »")).to_have_count(0)
    assert_accessible(page, visited)
    context.close()
    assert len(visited) == 8
