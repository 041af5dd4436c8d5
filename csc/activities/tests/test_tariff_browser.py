"""Issue 20's browser scenario: a director enters a taux d'effort grid with a floor and a ceiling and a
CAF/MSA split through the real screens; a parent then sees the fee explained line by line. Chromium,
axe-core on every page crossed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from csc.activities.demo import build_leisure_centre
from csc.activities.models import TariffGrid, TariffPrice, Unit
from csc.testing.browser import assert_accessible, field, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (column label, rate %, floor, ceiling), as a CAF-funded structure publishes them.
COLUMNS = [
    ("Tarif de base", "1", "3", "15"),
    ("Allocataires CAF", "0,8", "2", "12"),
    ("Allocataires MSA", "0,9", "2,5", "13"),
]


def choose(page, label, answer):
    page.get_by_role("group", name=re.compile(re.escape(label))).get_by_label(answer, exact=True).check()


def test_a_director_enters_a_taux_d_effort_grid_and_a_parent_sees_the_explained_fee(
    browser, live_server, director_a, centre_a, settings
):
    settings.CSC_PUBLIC_URL = live_server.url
    today = timezone.localdate()
    leisure = build_leisure_centre(centre_a, today=today, places=10, holiday_start=today + timedelta(days=20))
    # The scenario prices the day only: the other units go, with their prices.
    Unit.objects.filter(activity=leisure.activity).exclude(pk=leisure.units["day"].pk).delete()
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, director_a)

    # Step 1: the rules of the grid.
    page.goto(f"{live_server.url}/activites/{leisure.activity.pk}/tarifs/")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Modifier la grille générale").click()
    page.get_by_label("Taux d'effort : quotient × taux, avec un plancher et un plafond").check()
    page.get_by_label("Allocataires CAF", exact=True).check()
    page.get_by_label("Allocataires MSA", exact=True).check()
    page.get_by_label("Hors commune", exact=True).uncheck()  # the demo grid had one: not this grid
    page.get_by_label("Le tarif le plus favorable à la famille").check()
    page.get_by_label("Pas de tarif selon le rang de l'enfant").check()
    # The script shows only the rules that apply: no rank, no reductions; no large families here.
    expect(page.get_by_label("Réduction pour le 2e enfant (%)")).to_be_hidden()
    expect(page.get_by_label("Familles nombreuses : à partir de combien d'enfants à charge")).to_be_hidden()
    page.get_by_role("button", name="Appliquer ces règles au tableau").click()
    expect(page.get_by_text("Le tableau des prix suit maintenant ces règles")).to_be_visible()
    expect(page.get_by_role("table", name="Colonne « Allocataires MSA »")).to_be_visible()
    assert_accessible(page, visited)

    # Step 2: a rate, a floor and a ceiling per bracket and column; a ceiling under its floor first.
    for bracket in range(1, 5):
        for column, rate, floor, ceiling in COLUMNS:
            where = f"Journée avec repas, tranche {bracket}, colonne {column}"
            page.get_by_label(f"Taux d'effort (%) {where}", exact=True).fill(rate)
            page.get_by_label(f"Plancher {where}", exact=True).fill(floor)
            page.get_by_label(f"Plafond {where}", exact=True).fill(ceiling)
    page.get_by_label("Plafond Journée avec repas, tranche 2, colonne Allocataires CAF", exact=True).fill("1")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    expect(page.locator("#tranche-1-erreurs")).to_contain_text("est sous le plancher")
    expect(
        page.get_by_label(
            "Taux d'effort (%) Journée avec repas, tranche 2, colonne Allocataires MSA", exact=True
        )
    ).to_have_value("0,9")
    assert_accessible(page, visited)
    page.get_by_label("Plafond Journée avec repas, tranche 2, colonne Allocataires CAF", exact=True).fill(
        "12"
    )
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_text("Grille tarifaire générale enregistrée.")).to_be_visible()
    expect(
        page.get_by_text("Quand plusieurs s'appliquent : le tarif le plus favorable à la famille.")
    ).to_be_visible()
    expect(page.get_by_text("0,8 % du quotient, entre 2,00 € et 12,00 €").first).to_be_visible()
    assert_accessible(page, visited)
    grid = TariffGrid.objects.get(activity=leisure.activity, group=None)
    assert grid.method == "taux_effort"
    assert TariffPrice.objects.filter(bracket__grid=grid, column__kind="msa").count() == 4
    context.close()

    # A parent, CAF then MSA, sees how the fee is computed as she types.
    context, parent = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    parent.goto(f"{live_server.url}/inscriptions/{centre_a.slug}/")
    parent.get_by_role("link", name=re.compile("Pré-inscrire mes enfants")).click()
    child = parent.get_by_role("group", name="Enfant 1", exact=True)
    child.get_by_label(field("Prénom")).fill("Léa")
    child.get_by_label(field("Nom")).fill("Martin")
    child.get_by_label(field("Date de naissance")).fill("2019-03-14")
    parent.get_by_label(field("Commune")).fill("Lille")
    parent.get_by_label(field("Quotient familial CAF (en euros)")).fill("612,50")
    choose(parent, "Vos allocations familiales sont versées par", "la CAF")
    days = child.get_by_role("group", name=re.compile("^(lundi|mardi|mercredi|jeudi|vendredi)"))
    days.nth(0).get_by_label("Journée avec repas").check()
    days.nth(1).get_by_label("Journée avec repas").check()
    fee = parent.locator("#tarif")
    # 612,50 × 0,8 % = 4,90 € a day.
    expect(fee).to_contain_text("Léa — Journée avec repas, Allocataires CAF : 2 × 4,90\u00a0€")
    expect(fee).to_contain_text("(quotient 612,50\u00a0€ × 0,8 %)")
    expect(fee).to_contain_text("Total : 9,80")
    assert_accessible(parent, visited)
    choose(parent, "Vos allocations familiales sont versées par", "la MSA")
    # 612,50 × 0,9 % = 5,5125, 5,51 € a day.
    expect(fee).to_contain_text("Allocataires MSA : 2 × 5,51\u00a0€")
    expect(fee).to_contain_text("Total : 11,02")
    # No quotient: the ceiling, and why; a negative one: a warning at once.
    parent.get_by_label(field("Quotient familial CAF (en euros)")).fill("")
    parent.get_by_label(field("Commune")).click()
    expect(fee).to_contain_text("Sans quotient familial, le tarif le plus haut s'applique.")
    expect(fee).to_contain_text("2 × 13,00\u00a0€ (plafond, sans quotient)")
    parent.get_by_label(field("Quotient familial CAF (en euros)")).fill("-5")
    parent.get_by_label(field("Commune")).click()
    expect(fee).to_contain_text("ne peut pas être négatif")
    assert_accessible(parent, visited)
    context.close()
    assert len(visited) >= 6
