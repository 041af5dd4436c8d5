"""An animator builds the holiday planning: creates it for the period, places a sheet with the keyboard
only (« Placer… »), moves it by drag and drop, sees a warning, publishes, opens the parents' page and
downloads the PDF. axe-core on every page crossed."""

from datetime import date

import pytest
from playwright.sync_api import expect

from csc.animation.models import Planning, PlanningEntry
from csc.animation.tests.test_plannings import HOLIDAY_DAYS, make_leisure_centre, make_sheet
from csc.testing.browser import assert_accessible, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("before_the_holidays"),
]


@pytest.fixture
def animator(staff, otp_verified):
    return staff("animator", "a", user__first_name="Samia", user__last_name="Haddad")


def tab_to(page, name: str, limit: int = 40):
    """Press Tab until the focused element is called `name`: what a keyboard user does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " const label = e.labels && e.labels.length ? e.labels[0].innerText : '';"
            " return (e.getAttribute('aria-label') || label || e.innerText || '').trim(); }"
        )
        if focused == name:
            return
    raise AssertionError(f"« {name} » n'est jamais atteint avec Tab")


def test_an_animator_builds_and_publishes_the_holiday_planning(page, live_server, centre_a, animator):
    activity, period = make_leisure_centre(centre_a)
    make_sheet(centre_a, "Grand jeu", min_age=8, max_age=12)
    visited = []
    log_in(page, live_server, animator)

    # Create the planning for the period: its title follows the period chosen.
    page.goto(f"{live_server.url}/plannings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plannings d'activités")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Nouveau planning").click()
    assert_accessible(page, visited)
    page.get_by_label("Période", exact=True).select_option(str(period.pk))
    expect(page.get_by_label("Titre", exact=True)).to_have_value(
        "Vacances de Noël 2026 — Accueil de loisirs Les Lutins"
    )
    page.get_by_role("button", name="Créer le planning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vacances de Noël 2026 — Accueil de loisirs Les Lutins"
    )
    assert Planning.objects.get().period == period
    assert_accessible(page, visited)

    # Keyboard only: reach « Placer… », choose Wednesday morning for the Petits and Samia, validate.
    page.get_by_label("Chercher une fiche", exact=True).focus()
    tab_to(page, "Placer… « Grand jeu »")
    page.keyboard.press("Enter")
    dialog = page.locator("#dialog-place")
    expect(dialog).to_be_visible()
    expect(page.get_by_role("heading", name="Placer « Grand jeu »")).to_be_visible()
    expect(dialog.get_by_label("Groupe")).to_be_focused()
    assert_accessible(page, visited)
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Jour")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(dialog.get_by_label("Jour")).to_have_value("2026-12-23")
    tab_to(page, "Samia Haddad")
    page.keyboard.press("Space")
    tab_to(page, "Placer")
    page.keyboard.press("Enter")
    live = page.locator("#planning-live")
    expect(live).to_have_text("« Grand jeu » placé : Petits, mercredi 23/12, matin")
    expect(dialog).to_be_hidden()
    entry = PlanningEntry.objects.get()
    assert (entry.group.name, entry.date, entry.slot) == ("Petits", date(2026, 12, 23), "matin")
    assert list(entry.animators.all()) == [animator]
    # The focus is on the placed activity, ready for the next move.
    expect(page.locator(f"#activite-{entry.pk} .js-move")).to_be_focused()

    # The warning: a sheet for 8 to 12 year olds with the 3 to 5.
    card = page.locator(f"#activite-{entry.pk}")
    expect(card).to_contain_text("Avec Samia")
    expect(card).to_contain_text("Attention : âge : 8 à 12 ans")
    expect(
        page.get_by_text("« Grand jeu » est prévue pour 8 à 12 ans ; le groupe Petits a 3 à 5 ans")
    ).to_be_visible()

    # Drag and drop to Tuesday afternoon, with the Grands.
    big = activity.groups.get(name="Grands")
    target = page.locator(f'td[data-group="{big.pk}"][data-day="2026-12-22"][data-slot="apres_midi"]')
    card.drag_to(target)
    expect(live).to_have_text("« Grand jeu » déplacé : Grands, mardi 22/12, après-midi")
    expect(target).to_contain_text("Grand jeu")
    entry.refresh_from_db()
    assert (entry.group, entry.date, entry.slot) == (big, date(2026, 12, 22), "apres_midi")
    assert_accessible(page, visited)

    # Publish: the parents' page, the sessions of the attendance.
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Planning publié le")
    expect(page.locator(".messages")).to_contain_text("Séances pour l'appel : 1 créée")
    assert_accessible(page, visited)

    # The team's PDF.
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="Page des familles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vacances de Noël 2026 — Accueil de loisirs Les Lutins"
    )
    expect(page.get_by_text("susceptible d'évoluer")).to_be_visible()
    expect(page.locator("#groupe-2")).to_contain_text("Après-midi : Grand jeu")
    expect(page.locator("main")).not_to_contain_text("Samia")
    assert_accessible(page, visited)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le programme (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # The pages the menus fall back to without JavaScript pass axe too.
    base = f"{live_server.url}/plannings/{entry.planning_id}"
    for path, heading in [
        (f"/placer/?fiche={entry.sheet_id}", "Placer « Grand jeu »"),
        (f"/activites/{entry.pk}/deplacer/", "Déplacer « Grand jeu »"),
        (f"/activites/{entry.pk}/modifier/", "Modifier « Grand jeu »"),
        ("/copier-semaine/", "Copier une semaine"),
    ]:
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page, visited)
    assert len(visited) == 11 and len(HOLIDAY_DAYS) == 7
