"""A director sets up a period and a tariff grid in a real Chromium, with axe-core on every page crossed."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from csc.activities.demo import build_leisure_centre
from csc.activities.models import GroupDay, Period, TariffPrice
from csc.testing.browser import assert_accessible, field, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def test_a_director_creates_a_period_with_its_days_and_fills_a_tariff_grid(
    browser, live_server, director_a, centre_a
):
    today = timezone.localdate()
    leisure = build_leisure_centre(centre_a, today=today)
    first_wednesday = next_weekday(today + timedelta(days=60), 2)
    closed = first_wednesday + timedelta(weeks=2)
    last_wednesday = first_wednesday + timedelta(weeks=5)
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, director_a)

    # From the home page to the activity.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Activités et tarifs"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activités de Centre Alpha")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Accueil de loisirs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil de loisirs")
    assert_accessible(page, visited)

    # A period on Wednesdays, with a closed day; a first try forgets the weekday.
    page.get_by_role("link", name="Créer une période").click()
    assert_accessible(page, visited)
    page.get_by_label(field("Nom")).fill("Mercredis du printemps")
    page.get_by_label(field("Type")).select_option(label="Mercredis")
    page.get_by_label(field("Inscriptions en ligne à partir du")).fill(today.isoformat())
    page.get_by_label(field("Inscriptions en ligne jusqu'au")).fill(
        (first_wednesday - timedelta(days=2)).isoformat()
    )
    page.get_by_label(field("Du")).fill(first_wednesday.isoformat())
    page.get_by_label(field("Au")).fill(last_wednesday.isoformat())
    page.get_by_label("Jours fermés (facultatif)").fill(closed.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Créer la période").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    page.get_by_role("link", name=re.compile("Cochez au moins un jour de la semaine")).click()
    expect(page.get_by_label("Lundi")).to_be_focused()
    expect(page.get_by_label(field("Nom"))).to_have_value("Mercredis du printemps")
    assert_accessible(page, visited)
    page.get_by_label("Mercredi", exact=True).check()
    page.get_by_role("button", name="Créer la période").click()
    expect(
        page.get_by_text("Période « Mercredis du printemps » créée avec 5 jours d'ouverture.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mercredis du printemps")
    expect(page.get_by_role("rowheader", name=first_wednesday.strftime("%d/%m/%Y"))).to_be_visible()
    expect(page.get_by_role("rowheader", name=closed.strftime("%d/%m/%Y"))).to_have_count(0)
    assert_accessible(page, visited)
    period = Period.objects.get(name="Mercredis du printemps")
    assert [d.date for d in period.days.all()] == [
        first_wednesday + timedelta(weeks=w) for w in (0, 1, 3, 4, 5)
    ]

    # Fewer places for the youngest on the first Wednesday.
    label = f"Places Petits (3-5 ans), {first_wednesday:%d/%m/%Y} (0 prise)"
    page.get_by_label(label).fill("8")
    page.get_by_role("button", name="Enregistrer les places").click()
    expect(page.get_by_text("Places enregistrées.")).to_be_visible()
    expect(page.get_by_label(label)).to_have_value("8")
    assert (
        GroupDay.objects.get(group=leisure.groups[0], day__period=period, day__date=first_wednesday).capacity
        == 8
    )

    # The tariff grid: a gap is named on its row, then a fifth bracket is added and saved.
    page.get_by_role("link", name="Accueil de loisirs").click()
    page.get_by_role("link", name="Grille tarifaire").click()
    assert_accessible(page, visited)
    page.get_by_role("link", name="Modifier la grille générale").click()
    base = ", colonne Tarif de base"
    outside = ", colonne Hors commune"
    expect(page.get_by_label(f"Prix Journée avec repas, tranche 1{base}", exact=True)).to_have_value("4,15")
    assert_accessible(page, visited)
    page.get_by_label("De (€), tranche 2").fill("700")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    row_error = page.locator("#tranche-1-erreurs")
    expect(row_error).to_contain_text("Tranche 2 (700 à 840 €) : il manque les quotients entre 650 et 700 €")
    expect(page.get_by_label("De (€), tranche 2")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("De (€), tranche 2")).to_have_value("700")
    assert_accessible(page, visited)

    page.get_by_label("De (€), tranche 2").fill("651")
    page.get_by_label("Jusqu'à (€), tranche 4").fill("1500")
    page.get_by_role("button", name="Ajouter une tranche").click()
    expect(page.get_by_label("Jusqu'à (€), tranche 4")).to_have_value("1500")
    expect(page.locator("#erreurs-formulaire")).to_have_count(0)
    sixth = page.get_by_label("De (€), tranche 6")
    expect(sixth).to_have_value("")
    page.get_by_label("De (€), tranche 5").fill("1500,01")
    for column in (base, outside):
        page.get_by_label(f"Prix Journée avec repas, tranche 5{column}", exact=True).fill(
            "13,50" if column == base else "16,5"
        )
        page.get_by_label(f"Prix Matinée, tranche 5{column}", exact=True).fill("5,80")
        page.get_by_label(f"Prix Après-midi, tranche 5{column}", exact=True).fill("5,80")
        page.get_by_label(f"Prix Repas du midi, tranche 5{column}", exact=True).fill("4,50")
    page.get_by_label("Réduction pour le 2e enfant (%)").fill("12,5")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_text("Grille tarifaire générale enregistrée.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="1500,01 € et plus").first).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^1500,01 € et plus")).first).to_contain_text(
        "13,50\u00a0€"
    )
    expect(page.get_by_text("2e enfant 12,5 %")).to_be_visible()
    assert_accessible(page, visited)
    assert TariffPrice.objects.get(
        bracket__grid__activity=leisure.activity,
        bracket__lower=Decimal("1500.01"),
        unit=leisure.units["day"],
        column__kind="hors_commune",
    ).price == Decimal("16.50")
    context.close()

    # The same screens on a phone: the grids scroll inside their frame and still pass axe.
    context, phone = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(phone, live_server, director_a)
    for path in [
        "/activites/",
        f"/activites/{leisure.activity.pk}/",
        "/saisons/",
        f"/activites/{leisure.activity.pk}/tarifs/modifier/",
        f"/activites/{leisure.activity.pk}/tarifs/",
        f"/activites/periodes/{period.pk}/",
        f"/activites/periodes/{period.pk}/jours/",
        f"/saisons/{leisure.season.pk}/adhesion/",
    ]:
        phone.goto(live_server.url + path)
        assert_accessible(phone, visited)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} déborde de l'écran ({width} px)"
    context.close()
    assert len(visited) >= 15
