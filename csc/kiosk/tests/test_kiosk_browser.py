"""The kiosk in a real Chromium, as the issue tells it: a resident finds Ameli by typing « carte
vitale », the click is counted (the official site is not loaded: the test answers for it), the session
ends; the whole kiosk with the keyboard only; the tablet taken to markets; a referent adds a local link
and sees today's click; reception notes a help and the monthly report shows it. axe-core on every
page."""

import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from csc.kiosk import services
from csc.kiosk.models import AssistedProcedure, KioskEvent, SurveyAnswer, Tile
from csc.testing.browser import assert_accessible, field, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICIAL_STUB = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Site officiel (simulé)</title></head>'
    "<body><main><h1>Site officiel</h1></main></body></html>"
)


def answer_for_official_sites(page) -> list[str]:
    """The official sites are never reached: the test answers for them and notes what was asked."""
    asked = []

    def fulfil(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=OFFICIAL_STUB)

    page.route(re.compile(r"^https://"), fulfil)
    return asked


def wait_for(predicate, timeout=5.0):
    """A beacon leaves as the page goes: its row arrives shortly after."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_a_resident_finds_ameli_by_carte_vitale_and_ends_the_session(browser, live_server, centre_a):
    services.kiosk_for(centre_a)
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 1024})
    asked = answer_for_official_sites(page)
    page.goto(f"{live_server.url}/borne/{centre_a.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Le numérique à mon service")
    assert_accessible(page, visited)
    assert context.cookies() == []

    page.get_by_label("Que cherchez-vous ?").fill("carte vitale")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_text("1 résultat pour « carte vitale » :")).to_be_visible()
    assert_accessible(page, visited)
    ameli = page.get_by_role("link", name=re.compile("^Ameli - Assurance Maladie"))
    expect(ameli).to_have_attribute("href", "https://www.ameli.fr")
    ameli.click()
    expect(page).to_have_title("Site officiel (simulé)")
    assert asked == ["https://www.ameli.fr/"]
    tile = Tile.objects.get(centre=centre_a, procedure__slug="ameli")
    assert wait_for(lambda: KioskEvent.objects.filter(kind=KioskEvent.Kind.CLICK, tile=tile).count() == 1)
    assert KioskEvent.objects.filter(kind=KioskEvent.Kind.VISIT).count() == 1
    assert KioskEvent.objects.get(kind=KioskEvent.Kind.SEARCH).query == "carte vitale"

    page.go_back()
    page.get_by_role("link", name="Terminer ma session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terminer ma session")
    assert_accessible(page, visited)
    page.get_by_label("Oui, avec de l'aide").check()
    page.get_by_label("60 ans et plus").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour vos réponses")
    assert_accessible(page, visited)
    answer = SurveyAnswer.objects.get()
    assert (answer.outcome, answer.organisation, answer.age_band) == ("helped", "", "60+")
    assert wait_for(lambda: KioskEvent.objects.filter(kind=KioskEvent.Kind.END).count() == 1)
    page.get_by_role("link", name="Revenir à l'accueil de la borne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le numérique à mon service")
    assert context.cookies() == []
    context.close()


def test_the_kiosk_with_the_keyboard_only_and_its_idle_return(browser, live_server, centre_a):
    kiosk = services.kiosk_for(centre_a)
    services.save_settings(kiosk, welcome_text="Bienvenue !", idle_minutes=1, user=None)
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 1024})
    answer_for_official_sites(page)
    page.goto(f"{live_server.url}/borne/{centre_a.slug}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    # From the content, Tab reaches the search box, typed into and sent with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "recherche":
            break
    expect(page.get_by_label("Que cherchez-vous ?")).to_be_focused()
    page.keyboard.type("Pole emploi")
    page.keyboard.press("Enter")
    expect(page.get_by_text("pour « Pole emploi » :")).to_be_visible()
    assert_accessible(page, visited)
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").startswith("France Travail"):
            break
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused == "solid"  # the focus shows
    # The help page with the keyboard, then the idle return (one minute, sped up by the clock).
    page.get_by_role("link", name="Besoin d'aide ?").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Besoin d'aide ?")
    assert_accessible(page, visited)
    page.clock.install()
    page.reload()
    page.clock.run_for(61_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Le numérique à mon service")
    expect(page.get_by_label("Que cherchez-vous ?")).to_have_value("")
    context.close()


def test_the_tablet_taken_to_markets(browser, live_server, centre_a):
    services.kiosk_for(centre_a)
    visited = []
    context, page = new_page(
        browser,
        viewport={"width": 768, "height": 1024},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    answer_for_official_sites(page)
    page.goto(f"{live_server.url}/borne/{centre_a.slug}/")
    assert_accessible(page, visited)
    tiles = page.locator(".tile__link")
    first = tiles.first.bounding_box()
    assert first["height"] >= 96 and first["width"] >= 300  # large targets for a finger
    assert page.evaluate("document.documentElement.scrollWidth") <= 768  # nothing sideways
    page.get_by_role("link", name="Santé").tap()
    page.get_by_role("link", name=re.compile("^Ameli")).tap()
    expect(page).to_have_title("Site officiel (simulé)")
    assert wait_for(lambda: KioskEvent.objects.filter(kind=KioskEvent.Kind.CLICK).count() == 1)
    assert wait_for(lambda: KioskEvent.objects.filter(kind=KioskEvent.Kind.VISIT).count() == 1)
    context.close()


def test_a_referent_adds_a_local_link_and_sees_todays_click(browser, live_server, staff, centre_a):
    referent = staff("kiosk_referent")
    services.kiosk_for(centre_a)
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, referent)
    page.locator("#contenu").get_by_role("link", name="Ma borne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"La borne de {centre_a.name}")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Ajouter un lien local").click()
    assert_accessible(page, visited)
    page.get_by_label(field("Titre de la tuile")).fill("Cantine scolaire")
    page.get_by_label(field("Adresse du site")).fill("javascript:alert(1)")
    page.get_by_label(field("Thème")).select_option(label="Ma ville et mon centre")
    page.get_by_label("Mots que les gens tapent pour la trouver").fill("cantine, périscolaire")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#erreurs-formulaire")).to_contain_text(
        "L'adresse du site doit commencer par https://"
    )
    expect(page.get_by_label(field("Titre de la tuile"))).to_have_value("Cantine scolaire")
    assert_accessible(page, visited)
    page.get_by_label(field("Adresse du site")).fill("https://www.lille.fr/cantine")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le lien « Cantine scolaire » est sur la borne.")).to_be_visible()

    kiosk_page = context.new_page()
    answer_for_official_sites(kiosk_page)
    kiosk_page.goto(f"{live_server.url}/borne/{centre_a.slug}/")
    kiosk_page.get_by_role("link", name=re.compile("^Cantine scolaire")).click()
    expect(kiosk_page).to_have_title("Site officiel (simulé)")
    assert wait_for(lambda: KioskEvent.objects.filter(kind=KioskEvent.Kind.CLICK).count() == 1)
    kiosk_page.close()

    page.goto(f"{live_server.url}/ma-borne/statistiques/")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Aujourd'hui, en direct").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("La borne aujourd'hui")
    expect(page.get_by_text("Cantine scolaire : 1 clic")).to_be_visible()
    assert_accessible(page, visited)

    page.goto(f"{live_server.url}/fiches-demarches/")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Écrire une fiche").click()
    page.get_by_label(field("Démarche")).select_option(label="Ameli - Assurance Maladie")
    page.get_by_label(field("Titre de la fiche")).fill("Télécharger son attestation")
    page.get_by_label("À apporter").fill("- la **carte Vitale**")
    page.get_by_label("Les étapes").fill("1. Ouvrir ameli.fr\n2. Se connecter")
    assert_accessible(page, visited)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Télécharger son attestation")
    expect(page.locator("strong", has_text="carte Vitale")).to_be_visible()
    assert_accessible(page, visited)
    page.goto(f"{live_server.url}/borne/{centre_a.slug}/fiche/ameli/")
    expect(page.get_by_role("heading", name="Les étapes")).to_be_visible()
    assert_accessible(page, visited)
    page.goto(f"{live_server.url}/borne/{centre_a.slug}/besoin-d-aide/")
    assert_accessible(page, visited)
    page.goto(f"{live_server.url}/borne/nulle-part/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cette borne n'existe pas")
    assert_accessible(page, visited)
    context.close()


def test_reception_notes_a_help_and_the_monthly_report_shows_it(browser, live_server, staff, centre_a):
    receptionist = staff("reception")
    referent = staff("kiosk_referent")
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, receptionist)
    page.locator("#contenu").get_by_role("link", name="Aides aux démarches en ligne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Noter une aide aux démarches")
    assert_accessible(page, visited)
    started = time.monotonic()
    page.get_by_label("CAF", exact=True).check()
    page.get_by_label("Déclaration (ressources, situation, revenus)").check()
    page.get_by_label("Fait avec la personne").check()
    page.get_by_label("10 à 30 min").check()
    page.get_by_label("Orientée vers l'organisme ? Pourquoi").select_option(
        label="Pièce ou information manquante"
    )
    page.get_by_role("button", name="Noter").click()
    expect(page.get_by_text("Aide notée. Merci !")).to_be_visible()
    assert time.monotonic() - started < 15  # five clicks, no typing
    assert_accessible(page, visited)
    record = AssistedProcedure.objects.get()
    assert (record.organisation, record.autonomy, record.referral_reason, record.person) == (
        "caf",
        "with",
        "piece",
        None,
    )
    context.close()

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, referent)
    month = timezone.localdate().strftime("%Y-%m")
    page.goto(f"{live_server.url}/aides-numeriques/rapport-caf/?mois={month}")
    expect(page.get_by_role("row", name=re.compile("^Personnes aidées 1$"))).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile("^Personnes orientées vers l'organisme 1$"))
    ).to_be_visible()
    assert_accessible(page, visited)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger (PDF)").click()
    assert download.value.suggested_filename.endswith(f"{month}.pdf")
    page.goto(f"{live_server.url}/aides-numeriques/rapport-caf/?mois=treize")
    expect(page.get_by_text("Ce mois n'est pas reconnu")).to_be_visible()
    assert_accessible(page, visited)
    # The roll-up page, which the referent reads for their one centre.
    page.goto(f"{live_server.url}/aides-numeriques/rapport-caf/reseau/?mois={month}")
    expect(page.get_by_role("row", name=re.compile(r"^Total 1 0 1 \d+$"))).to_be_visible()
    assert_accessible(page, visited)
    page.goto(f"{live_server.url}/aides-numeriques/rapport-caf/reseau/?mois=2099-13")
    expect(page.get_by_text("Ce mois n'est pas reconnu")).to_be_visible()
    assert_accessible(page, visited)
    context.close()


def test_a_referent_turns_a_search_without_result_into_a_keyword(browser, live_server, staff, centre_a):
    referent = staff("kiosk_referent")
    services.kiosk_for(centre_a)
    KioskEvent.objects.bulk_create(
        [KioskEvent(centre=centre_a, kind=KioskEvent.Kind.SEARCH, query="bafa", results=0) for _ in range(2)]
    )
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, referent)
    page.goto(f"{live_server.url}/ma-borne/statistiques/")
    assert_accessible(page, visited)
    choice = page.get_by_label("Démarche pour « bafa »")
    button = page.get_by_role("button", name="Ajouter « bafa » comme mot-clé")
    assert button.bounding_box()["height"] >= 44 and choice.bounding_box()["height"] >= 44
    # With the keyboard: the choice, then Tab to the button and Enter.
    choice.focus()
    choice.select_option(label="1 jeune 1 solution")
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("« bafa » trouve maintenant « 1 jeune 1 solution » sur la borne.")
    ).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile(r"^bafa 2 Trouve maintenant : 1 jeune 1 solution"))
    ).to_be_visible()
    assert_accessible(page, visited)

    kiosk_page = context.new_page()
    kiosk_page.goto(f"{live_server.url}/borne/{centre_a.slug}/")
    kiosk_page.get_by_label("Que cherchez-vous ?").fill("BAFA")
    kiosk_page.get_by_role("button", name="Chercher").click()
    expect(kiosk_page.get_by_text("1 résultat pour « BAFA » :")).to_be_visible()
    expect(kiosk_page.get_by_role("link", name=re.compile("^1 jeune 1 solution"))).to_be_visible()
    assert_accessible(kiosk_page, visited)
    context.close()
