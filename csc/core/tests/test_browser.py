"""The foundation clicked through in a real Chromium, as staff would, with axe-core on every page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from csc.people.models import Household
from csc.testing.browser import PASSWORD, assert_accessible, field, log_in
from csc.testing.factories import ConsentFactory, HouseholdFactory, HouseholdMemberFactory, PersonFactory
from csc.testing.tasks import run_task_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_director_invites_searches_and_creates_a_household(page, live_server, director_a, centre_a):
    visited = []
    HouseholdMemberFactory(
        household__centre=centre_a,
        household__name="Famille Lefèvre",
        person__last_name="Lefèvre",
        person__first_name="Élodie",
    )
    page.goto(live_server.url)
    assert_accessible(page, visited)
    page.get_by_role("link", name="Espace des équipes").click()
    assert_accessible(page, visited)
    log_in(page, live_server, director_a)
    assert_accessible(page, visited)

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Équipe du centre").click()
    assert_accessible(page, visited)
    page.get_by_role("link", name="Inviter un membre de l'équipe").click()
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_label("Prénom").fill("Awa")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    summary_link = page.get_by_role(
        "link", name=re.compile("^Adresse e-mail : Saisissez une adresse e-mail valide")
    )
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    summary_link.click()  # the summary leads to the field to correct
    expect(page.get_by_label("Adresse e-mail")).to_be_focused()
    expect(page.get_by_label("Prénom")).to_have_value("Awa")
    assert_accessible(page, visited)
    page.get_by_label("Adresse e-mail").fill("awa.diallo@example.org")
    page.get_by_label(field("Nom")).fill("Diallo")
    page.get_by_label("Rôle").select_option(label="Animateur ou animatrice")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à awa.diallo@example.org")).to_be_visible()
    run_task_worker()
    assert mail.outbox[-1].to == ["awa.diallo@example.org"]
    expect(page.get_by_role("cell", name="awa.diallo@example.org")).to_be_visible()

    page.get_by_role("link", name="Personnes et foyers").first.click()
    page.get_by_label("Nom ou prénom").fill("lefevre")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="Lefèvre Élodie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Élodie Lefèvre")
    assert_accessible(page, visited)

    page.goto(f"{live_server.url}/foyers/nouveau/")
    assert_accessible(page, visited)
    page.get_by_label("Nom du foyer").fill("Famille Benali")
    page.get_by_label("Code postal").first.fill("59000")
    page.get_by_label("Quotient familial (€)").fill("612,50")
    page.get_by_role("button", name="Créer le foyer").click()
    expect(page.get_by_text("Le formulaire contient des erreurs")).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_label("Date du quotient familial").fill("2026-09-01")
    page.get_by_label("Justificatif du quotient").select_option(label="Attestation CAF")
    first = page.get_by_role("group", name=re.compile("Personne 1"))
    first.get_by_label(field("Nom")).fill("Benali")
    first.get_by_label("Prénom").fill("Samira")
    first.get_by_label("Téléphone").fill("06 12 34 56 78")
    second = page.get_by_role("group", name=re.compile("Personne 2"))
    second.get_by_label(field("Nom")).fill("Benali")
    second.get_by_label("Prénom").fill("Yanis")
    second.get_by_label("Lien dans le foyer").select_option(label="Enfant")
    page.get_by_role("button", name="Créer le foyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Famille Benali")
    expect(page.get_by_role("link", name="Samira Benali")).to_be_visible()
    assert_accessible(page, visited)
    assert Household.objects.get(name="Famille Benali").members.count() == 2
    assert len(visited) >= 8


def test_login_with_the_keyboard_only(page, live_server, reception_a):
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"

    page.goto(f"{live_server.url}/compte/connexion/")
    expect(page.get_by_label("Adresse e-mail")).to_be_focused()  # autofocus: type straight away
    page.keyboard.type(reception_a.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    page.keyboard.type("mauvais mot de passe")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect")).to_be_visible()
    expect(page.get_by_label("Adresse e-mail")).to_have_value(reception_a.email)
    page.get_by_label("Mot de passe").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Se connecter")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    assert_accessible(page)


def test_every_staff_page_of_the_foundation_passes_axe(
    page, live_server, staff, centre_a, centre_b, otp_verified
):
    coordinator = staff("director")
    household = HouseholdFactory(centre=centre_a, name="Famille Roux")
    member = HouseholdMemberFactory(household=household, person__last_name="Roux", person__first_name="Jean")
    PersonFactory(centre=centre_a, last_name="Roux", first_name="Jean")  # a likely duplicate
    HouseholdFactory(centre=centre_a, name="Famille Roux")
    ConsentFactory(person=member.person)
    log_in(page, live_server, coordinator)
    person, hh = member.person_id, household.pk
    for path in [
        "/espace/",
        "/profil/",
        "/journal/",
        "/centre/reglages/",
        "/equipe/inviter/",
        "/personnes/?q=roux",
        f"/personnes/{person}/",
        f"/personnes/{person}/modifier/",
        f"/personnes/{person}/consentement/",
        f"/personnes/{person}/fusionner/",
        f"/personnes/{person}/anonymiser/",
        f"/personnes/{person}/supprimer/",
        "/foyers/",
        f"/foyers/{hh}/",
        f"/foyers/{hh}/modifier/",
        f"/foyers/{hh}/membres/ajouter/",
        f"/foyers/{hh}/partager/",
        f"/foyers/{hh}/fusionner/",
        "/compte/double-authentification/",
        "/page-inexistante/",
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.goto(f"{live_server.url}/profil/")
    page.get_by_label("Nom du jeton").fill("Tableur")
    page.get_by_role("button", name="Créer un jeton").click()
    expect(page.get_by_text("Copiez-le maintenant")).to_be_visible()
    assert_accessible(page)


def test_the_anonymous_pages_pass_axe_on_a_phone(phone, live_server, centre_a):
    for path in ["/", "/compte/connexion/", "/compte/mot-de-passe/oublie/", "/compte/invitation/AA/mauvais/"]:
        phone.goto(live_server.url + path)
        assert_accessible(phone)
    phone.goto(f"{live_server.url}/compte/mot-de-passe/oublie/")
    phone.get_by_label("Adresse e-mail").fill("quelquun@example.org")
    phone.get_by_role("button", name="Recevoir le lien").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Regardez vos e-mails")
    assert_accessible(phone)


def test_the_menu_is_one_line_on_a_phone_and_opens_with_the_keyboard(phone, page, live_server, director_a):
    log_in(phone, live_server, director_a)
    menu = phone.get_by_role("navigation", name="Menu principal")
    team = menu.get_by_role("link", name="Équipe du centre")
    expect(team).to_be_hidden()
    height = menu.bounding_box()["height"]
    assert height < 60, f"le menu fermé occupe {height} px"  # one line: « Accueil » and « Menu »
    assert_accessible(phone)
    summary = menu.locator("summary")
    assert summary.bounding_box()["height"] >= 44
    summary.focus()
    phone.keyboard.press("Enter")
    expect(team).to_be_visible()
    # Grouped by theme, in the registry's order.
    themes = menu.locator(".nav-group__title").all_inner_texts()
    assert themes[0].lower() == "accueil et familles" and themes[-1].lower() == "centre et équipe"
    expect(menu.get_by_role("list", name="Centre et équipe")).to_contain_text("Journal")
    for box in (link.bounding_box() for link in menu.get_by_role("link").all()):
        assert box["height"] >= 44
    assert_accessible(phone)
    team.focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Équipe")
    # On a wide screen the menu is open from the start.
    log_in(page, live_server, director_a)
    expect(
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Journal")
    ).to_be_visible()
