"""A parent on a phone, then reception at the desk, in a real Chromium; axe-core on every page."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from csc.activities.demo import build_leisure_centre
from csc.enrolment.models import Request
from csc.testing.browser import assert_accessible, field, log_in
from csc.testing.tasks import run_task_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leisure(centre_a, settings, live_server):
    settings.CSC_PUBLIC_URL = live_server.url
    today = timezone.localdate()
    return build_leisure_centre(centre_a, today=today, places=10, holiday_start=today + timedelta(days=20))


def choose(page, label, answer):
    page.get_by_role("group", name=re.compile(re.escape(label))).get_by_label(answer, exact=True).check()


def fill_family(page, quotient="612,50"):
    page.get_by_label(field("Adresse e-mail")).fill("nadia.martin@example.org")
    page.get_by_label(field("Téléphone")).fill("06 12 34 56 78")
    page.get_by_label(field("Adresse")).fill("3 rue des Lilas")
    page.get_by_label(field("Code postal")).fill("59000")
    page.get_by_label(field("Commune")).fill("Lille")
    page.get_by_label(field("Quotient familial CAF (en euros)")).fill(quotient)
    choose(page, "Photos", "Oui")
    choose(page, "Informations", "Non")
    choose(page, "Données", "Oui")


def test_a_parent_joins_pre_registers_and_follows_the_request_on_a_phone(phone, live_server, leisure):
    visited = []
    page = phone
    centre = leisure.activity.centre
    page.goto(f"{live_server.url}/inscriptions/{centre.slug}/")
    assert_accessible(page, visited)

    # Pré-adhésion
    page.get_by_role("link", name="Faire une pré-adhésion").click()
    assert_accessible(page, visited)
    adult = page.get_by_role("group", name=re.compile("^Vous"))
    adult.get_by_label(field("Prénom")).fill("Nadia")
    adult.get_by_label(field("Nom")).fill("Martin")
    child = page.get_by_role("group", name=re.compile("^Enfant 1"))
    child.get_by_label(field("Prénom")).fill("Léa")
    child.get_by_label(field("Nom")).fill("Martin")
    child.get_by_label(field("Date de naissance")).fill("2019-03-14")
    fill_family(page, quotient="-5")
    page.get_by_role("button", name="Envoyer ma demande d'adhésion").click()
    expect(page.locator("#erreurs-formulaire")).to_contain_text("ne peut pas être négatif")
    assert_accessible(page, visited)
    expect(page.get_by_label(field("Prénom")).first).to_have_value("Nadia")  # nothing else lost
    page.get_by_label(field("Quotient familial CAF (en euros)")).fill("612,50")
    page.get_by_role("button", name="Envoyer ma demande d'adhésion").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Votre demande n°")
    expect(page.get_by_role("status")).to_contain_text("Reçue")
    assert_accessible(page, visited)

    # Pré-inscription, with the fee following the ticks
    page.goto(f"{live_server.url}/inscriptions/{centre.slug}/")
    page.get_by_role("link", name=re.compile("Pré-inscrire mes enfants")).click()
    assert_accessible(page, visited)
    parent = page.get_by_role("group", name="Vous (parent ou responsable)")
    parent.get_by_label(field("Prénom")).fill("Nadia")
    parent.get_by_label(field("Nom")).fill("Martin")
    child = page.get_by_role("group", name="Enfant 1", exact=True)
    child.get_by_label(field("Prénom")).fill("Léa")
    child.get_by_label(field("Nom")).fill("Martin")
    child.get_by_label(field("Date de naissance")).fill("2019-03-14")
    fill_family(page)
    days = child.get_by_role("group", name=re.compile("^(lundi|mardi|mercredi|jeudi|vendredi)"))
    days.nth(0).get_by_label("Journée avec repas").check()
    days.nth(1).get_by_label("Journée avec repas").check()
    expect(page.locator("#tarif")).to_contain_text("Total : 8,30")  # 2 × 4,15 €, computed as she ticks
    assert_accessible(page, visited)
    page.get_by_role("button", name="Vérifier ma demande").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifiez votre demande")
    expect(page.locator("#tarif")).to_contain_text("Total : 8,30")
    assert_accessible(page, visited)
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("status")).to_contain_text("Reçue")

    # The e-mail arrives with its PDF; its link opens the follow page, where the parent can cancel.
    run_task_worker()
    registration_mail = next(m for m in mail.outbox if "pré-inscription" in m.body)
    assert registration_mail.attachments[0][0].endswith(".pdf")
    link = re.search(r"http://\S+/suivi/\S+/", registration_mail.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Votre demande n°")
    page.get_by_role("link", name="Annuler ma demande").click()
    assert_accessible(page, visited)
    page.get_by_role("link", name="Non, garder ma demande").click()
    expect(page.get_by_role("status")).to_contain_text("Reçue")
    assert len(visited) >= 8


def tab_to(page, name, limit=80):
    """Press Tab until the focused element is the one with that accessible name (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        label = page.evaluate(
            """() => { const el = document.activeElement; if (!el) return '';
                 if (el.labels && el.labels.length) return el.labels[0].innerText;
                 return el.getAttribute('aria-label') || el.innerText || el.value || ''; }"""
        )
        if re.search(name, label or ""):
            return
    raise AssertionError(f"« {name} » n'est pas atteignable au clavier")


def test_the_pre_registration_can_be_done_with_the_keyboard_alone(page, live_server, leisure, centre_a):
    page.goto(f"{live_server.url}/inscriptions/{centre_a.slug}/periodes/{leisure.period.pk}/")
    tab_to(page, "^Prénom")
    page.keyboard.type("Samir")
    page.keyboard.press("Tab")
    page.keyboard.type("Benali")
    tab_to(page, "^Prénom")
    page.keyboard.type("Inès")
    page.keyboard.press("Tab")
    page.keyboard.type("Benali")
    page.keyboard.press("Tab")
    # A date field takes digits in the browser's order (dd mm or mm dd): either is a 9-year-old here.
    page.keyboard.type("02052017")
    tab_to(page, "Journée avec repas")
    page.keyboard.press("Space")
    tab_to(page, "^Adresse e-mail")
    page.keyboard.type("samir@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("0612345678")
    page.keyboard.press("Tab")
    page.keyboard.type("8 rue Pasteur")
    page.keyboard.press("Tab")
    page.keyboard.type("59000")
    page.keyboard.press("Tab")
    page.keyboard.type("Lille")
    for consent in ("Oui", "Oui", "Oui"):
        tab_to(page, f"^{consent}$")
        page.keyboard.press("Space")
    tab_to(page, "^Vérifier ma demande$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifiez votre demande")
    tab_to(page, "^Envoyer ma demande$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Reçue")
    assert Request.objects.get().people.filter(first_name="Inès").exists()


def test_reception_validates_a_request(page, live_server, leisure, reception_a, centre_a):
    from csc.enrolment import services

    from .helpers import family

    day = leisure.period.days.first()
    submitted = services.submit_registration_request(
        period=leisure.period, submission=family([(leisure.groups[1], [(day.pk, leisure.units["day"].pk)])])
    )
    visited = []
    log_in(page, live_server, reception_a)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Demandes en ligne"
    ).click()
    assert_accessible(page, visited)
    page.get_by_role("link", name=re.compile(submitted.reference)).click()
    assert_accessible(page, visited)
    page.get_by_role("button", name="Valider la demande").click()
    expect(page.get_by_role("status").first).to_contain_text("validée")
    assert_accessible(page, visited)
    submitted.refresh_from_db()
    assert submitted.status == "validee"
    assert submitted.household.registrations.count() == 1


def test_a_director_rewrites_an_e_mail_and_a_closed_period_says_so(
    page, live_server, leisure, director_a, centre_a
):
    from csc.activities.models import Period
    from csc.enrolment.models import StatusMessage

    visited = []
    log_in(page, live_server, director_a)
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Textes des e-mails aux familles").click()
    assert_accessible(page, visited)
    received = page.get_by_role("group", name=re.compile("Statut « Reçue »"))
    received.get_by_label("Objet").fill("Merci {prenom}, c'est bien reçu")
    page.get_by_role("button", name="Enregistrer les textes").click()
    expect(page.get_by_role("status")).to_contain_text("Textes des e-mails enregistrés")
    assert_accessible(page, visited)
    assert (
        StatusMessage.objects.get(centre=centre_a, status="recue").subject
        == "Merci {prenom}, c'est bien reçu"
    )

    Period.objects.filter(pk=leisure.period.pk).update(
        registration_closes_on=timezone.localdate() - timedelta(days=1)
    )
    page.goto(f"{live_server.url}/inscriptions/{centre_a.slug}/periodes/{leisure.period.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Les pré-inscriptions sont fermées")
    assert_accessible(page, visited)


def test_reception_chooses_the_layout_of_the_registrations_export(page, live_server, leisure, reception_a):
    from openpyxl import load_workbook

    from csc.activities import services as activity_services

    visited = []
    log_in(page, live_server, reception_a)
    page.goto(f"{live_server.url}/demandes/?periode={leisure.period.pk}")
    assert_accessible(page, visited)
    layouts = page.get_by_role("group", name="Présentation des inscrits")
    expect(layouts.get_by_label("Une colonne par jour")).to_be_checked()
    layouts.get_by_label("Résumé : une ligne par enfant").check()
    page.get_by_label("Groupe", exact=True).last.select_option(label=leisure.groups[1].name)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger les inscrits (Excel)").click()
    assert download.value.suggested_filename.endswith("-resume.xlsx")
    with open(download.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    header = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert "Jours réservés" in header and "Montant dû" in header

    # A school year: a column per day is no longer offered, and says why.
    first = leisure.period.days.order_by("date").first().date
    dates = activity_services.weekdays_between(first, first + timedelta(days=90), {0, 1, 2, 3, 4})
    activity_services.set_period_days(leisure.period, dates[:40])
    page.reload()
    expect(layouts.get_by_label("Une colonne par jour")).to_be_disabled()
    expect(layouts).to_contain_text("elle compte 40 jours")
    expect(layouts.get_by_label("Résumé : une ligne par enfant")).to_be_checked()
    assert_accessible(page, visited)
