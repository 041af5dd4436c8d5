"""An animator takes a session's attendance on a phone, through a Wi-Fi that drops, and adds a walk-in;
then programmes sessions and copies a paper sheet; goes on through an outage of the database. axe-core
on every page crossed."""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from csc.activities import sessions
from csc.activities.models import Activity, Attendance, Session
from csc.people.models import Person
from csc.testing.browser import assert_accessible, field, log_in, new_page
from csc.testing.factories import PersonFactory
from csc.testing.outage import database_down

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def animator(staff):
    return staff("animator", "a")


@pytest.fixture
def workshop_today(centre_a):
    today = timezone.localdate()
    workshop = Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)
    session = sessions.add_session(activity=workshop, day=today, start_time=time(14), end_time=time(16))
    people = [
        PersonFactory(centre=centre_a, last_name="Benali", first_name="Yasmina"),
        PersonFactory(centre=centre_a, last_name="Carpentier", first_name="Marc"),
        PersonFactory(centre=centre_a, last_name="Diallo", first_name="Awa"),
    ]
    for person in people:
        sessions.enrol(activity=workshop, person=person, joined_on=today - timedelta(days=30))
    return workshop, session, people


def row(page, name):
    return page.get_by_role("row", name=re.compile(name, re.I))


def test_an_animator_takes_attendance_on_a_phone_with_a_wifi_that_drops(
    browser, live_server, animator, workshop_today
):
    workshop, session, people = workshop_today
    visited = []
    context, page = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, live_server, animator)

    page.get_by_role("link", name="Présences").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les séances d'aujourd'hui")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Atelier couture").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier couture")
    expect(page.locator("#sheet-summary")).to_contain_text("0 présent sur 3 personnes, 3 sans réponse")
    assert_accessible(page, visited)

    # A tap is saved on its own.
    row(page, "BENALI").get_by_role("button", name=re.compile("^Présent")).click()
    expect(row(page, "BENALI")).to_contain_text("Enregistré : présent(e)")
    expect(row(page, "BENALI").get_by_role("button", name=re.compile("^Présent"))).to_have_attribute(
        "aria-pressed", "true"
    )

    # The Wi-Fi drops: the tap shows, waits, and is not lost.
    context.set_offline(True)
    row(page, "CARPENTIER").get_by_role("button", name=re.compile("^Absent")).click()
    expect(row(page, "CARPENTIER")).to_contain_text("En attente d'envoi : absent(e)")
    expect(page.locator("#pending-banner")).to_be_visible()
    expect(page.locator("#pending-banner")).to_contain_text("1 réponse en attente d'envoi")
    assert not Attendance.objects.filter(person=people[1]).exists()
    # The network comes back: the answer is sent again by itself.
    context.set_offline(False)
    expect(row(page, "CARPENTIER")).to_contain_text("Enregistré : absent(e)", timeout=15_000)
    expect(page.locator("#pending-banner")).to_be_hidden()
    assert Attendance.objects.get(person=people[1]).status == "absent"

    # Keyboard: Tab to Diallo's « Excusé » and press Space.
    row(page, "DIALLO").get_by_role("button", name=re.compile("^Absent")).focus()
    page.keyboard.press("Tab")
    expect(row(page, "DIALLO").get_by_role("button", name=re.compile("^Excusé"))).to_be_focused()
    page.keyboard.press("Space")
    expect(row(page, "DIALLO")).to_contain_text("Enregistré : excusé(e)")
    assert_accessible(page, visited)

    # A walk-in: not in the centre yet.
    page.get_by_role("link", name="Ajouter une personne venue sans inscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajouter une personne venue sans inscription")
    page.get_by_label("Nom ou prénom").fill("Nouvelle")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_text("Personne de ce nom dans le centre.")).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_label(field("Nom")).fill("Nouvelle")
    page.get_by_role("button", name="Créer la fiche et noter présent(e)").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    assert_accessible(page, visited)
    page.get_by_label(field("Prénom")).fill("Inès")
    page.get_by_label(field("Commune")).fill("Roubaix")
    page.get_by_role("button", name="Créer la fiche et noter présent(e)").click()
    expect(page.get_by_role("status").first).to_contain_text("Inès Nouvelle ajouté(e) et noté(e) présent(e)")
    expect(row(page, "NOUVELLE")).to_contain_text("Venu(e) sans inscription")
    expect(page.locator("#sheet-summary")).to_contain_text("2 présents sur 4 personnes")
    assert_accessible(page, visited)
    walk_in = Person.objects.get(last_name="Nouvelle")
    assert walk_in.centre_id == session.centre_id and walk_in.city == "Roubaix"

    # The paper sheet for the next session without a device.
    with page.expect_download() as download:
        page.get_by_role("link", name="Feuille papier (PDF)").click()
    assert download.value.suggested_filename == f"feuille-atelier-couture-{session.date:%Y-%m-%d}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert len(visited) == 6
    context.close()


def test_an_animator_programmes_a_workshop_and_copies_a_paper_sheet(browser, live_server, animator, centre_a):
    today = timezone.localdate()
    workshop = Activity.objects.create(centre=centre_a, name="Fablab du mardi", kind=Activity.Kind.FABLAB)
    person = PersonFactory(centre=centre_a, last_name="Lemaire", first_name="Jules")
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, animator)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Programmer les séances"
    ).click()
    assert_accessible(page, visited)
    page.get_by_role("link", name="Fablab du mardi", exact=True).click()
    assert_accessible(page, visited)

    page.get_by_role("link", name="Programmer chaque semaine").click()
    page.get_by_label("Mardi").check()
    page.get_by_label(field("Première date")).fill((today - timedelta(days=14)).isoformat())
    page.get_by_label(field("Dernière date")).fill((today + timedelta(days=60)).isoformat())
    page.get_by_label(field("De")).fill("17:00")
    page.get_by_label(field("À")).fill("15:00")
    page.get_by_role("button", name="Créer les séances").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    assert_accessible(page, visited)
    page.get_by_label(field("À")).fill("19:00")
    page.get_by_role("button", name="Créer les séances").click()
    expect(page.get_by_role("status").first).to_contain_text("séance(s) programmée(s)")
    assert Session.objects.filter(activity=workshop).count() >= 8

    page.get_by_role("link", name="Participants").click()
    page.get_by_label("Nom ou prénom").fill("lemaire")
    page.get_by_role("button", name="Chercher").click()
    assert_accessible(page, visited)
    page.get_by_label("Inscrit(e) à partir du").fill((today - timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Inscrire Jules Lemaire").click()
    expect(page.get_by_role("status").first).to_contain_text("Jules Lemaire inscrit(e)")
    assert_accessible(page, visited)

    # Copy last week's paper sheet.
    past = Session.objects.filter(activity=workshop, date__lt=today).order_by("-date").first()
    page.goto(
        f"{live_server.url}/presences/activites/{workshop.pk}/saisie/?du={past.date:%Y-%m-%d}&au={past.date:%Y-%m-%d}"
    )
    assert_accessible(page, visited)
    page.get_by_label(f"Jules Lemaire, {past.date:%d/%m/%Y}").select_option("present")
    page.get_by_role("button", name="Enregistrer la feuille").click()
    expect(page.get_by_role("status").first).to_contain_text("1 présence(s) enregistrée(s)")
    assert Attendance.objects.get(person=person, session=past).source == "feuille"
    context.close()


def test_the_other_check_pages_counting_moving_cancelling_closures_and_a_periods_sessions(
    browser, live_server, director_a, centre_a
):
    """Every Check page no other test crosses, each with one action and axe-core."""
    from csc.activities.demo import build_leisure_centre
    from csc.activities.models import Closure, HeadCount

    today = timezone.localdate()
    library = Activity.objects.create(
        centre=centre_a, name="Ludothèque", kind=Activity.Kind.TOY_LIBRARY, counts_only=True
    )
    open_door = sessions.add_session(activity=library, day=today, start_time=time(14), end_time=time(17))
    leisure = build_leisure_centre(centre_a, today=today)
    visited = []
    context, page = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, live_server, director_a)

    # Head count of an open-door session, with a bad number first.
    page.goto(f"{live_server.url}/presences/seances/{open_door.pk}/")
    assert_accessible(page, visited)
    page.get_by_label(field("Adultes venus")).fill("-3")
    page.get_by_label(field("Enfants venus")).fill("9")
    page.get_by_role("button", name="Enregistrer le comptage").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    assert_accessible(page, visited)
    page.get_by_label(field("Adultes venus")).fill("4")
    page.get_by_role("button", name="Enregistrer le comptage").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Comptage enregistré : 4 adulte(s), 9 enfant(s)."
    )
    assert dict(HeadCount.objects.values_list("category", "count")) == {"adultes": 4, "enfants": 9}

    # A one-off session, then moved, then cancelled.
    page.goto(f"{live_server.url}/presences/activites/{library.pk}/seances/nouvelle/")
    assert_accessible(page, visited)
    page.get_by_label(field("Date")).fill((today + timedelta(days=3)).isoformat())
    page.get_by_label(field("De")).fill("10:00")
    page.get_by_label(field("À")).fill("12:00")
    page.get_by_label("Intitulé (facultatif)").fill("Soirée jeux")
    page.get_by_role("button", name="Ajouter la séance").click()
    expect(page.get_by_role("status").first).to_contain_text("ajoutée")
    extra = Session.objects.get(title="Soirée jeux")
    page.get_by_role("link", name=f"Déplacer la séance du {extra.date:%d/%m/%Y}").click()
    assert_accessible(page, visited)
    page.get_by_label(field("Date")).fill((today + timedelta(days=4)).isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").first).to_contain_text("Séance enregistrée")
    page.goto(f"{live_server.url}/presences/seances/{extra.pk}/annuler/")
    assert_accessible(page, visited)
    page.get_by_role("button", name="Annuler la séance").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    page.get_by_label(field("Motif de l'annulation")).fill("Salle prise")
    page.get_by_role("button", name="Annuler la séance").click()
    expect(page.get_by_role("status").first).to_contain_text("annulée")
    extra.refresh_from_db()
    assert extra.is_cancelled and extra.date == today + timedelta(days=4)

    # The centre's closures.
    page.goto(f"{live_server.url}/presences/fermetures/")
    assert_accessible(page, visited)
    page.get_by_label(field("Fermé du")).fill(today.isoformat())
    page.get_by_label(field("Au (inclus)")).fill((today + timedelta(days=2)).isoformat())
    page.get_by_label("Motif").fill("Pont")
    page.get_by_role("button", name="Ajouter la fermeture").click()
    expect(page.get_by_role("status").first).to_contain_text("Fermeture du")
    assert Closure.objects.get().reason == "Pont"
    assert_accessible(page, visited)

    # The sessions of a leisure-centre period.
    page.goto(f"{live_server.url}/presences/periodes/{leisure.period.pk}/seances/")
    assert_accessible(page, visited)
    page.get_by_label(field("Accueil de")).fill("09:00")
    page.get_by_label(field("À")).fill("17:00")
    page.get_by_role("button", name="Créer les séances").click()
    expect(page.get_by_role("status").first).to_contain_text("séance(s) créée(s)")
    assert (
        Session.objects.filter(period_day__period=leisure.period).count() == leisure.period.days.count() * 3
    )
    assert len(visited) == 8
    context.close()


# --- Through an outage of the database: the taps wait « en attente d'envoi » and arrive exactly once when it
# answers again. The outage is real (csc/testing/outage.py): the live server cannot reach its database.


def tap(page, name, answer):
    row(page, name).get_by_role("button", name=re.compile(f"^{answer}")).click()


def test_taps_made_during_an_outage_wait_and_arrive_once(
    browser, live_server, staff, workshop_today, settings
):
    settings.CSC_RETRY_AFTER_SECONDS = 2  # what the 503 asks the screen to wait (30 s in production)
    _, session, people = workshop_today
    context, page = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, live_server, staff("animator", "a"))
    page.goto(live_server.url + reverse("activities:session_sheet", args=[session.pk]))
    tap(page, "BENALI", "Présent")
    expect(row(page, "BENALI")).to_contain_text("Enregistré : présent(e)")

    with database_down(live_server=live_server):
        tap(page, "CARPENTIER", "Absent")
        tap(page, "DIALLO", "Présent")
        tap(page, "BENALI", "Excusé")  # a correction of a saved answer waits too
        expect(row(page, "CARPENTIER")).to_contain_text("En attente d'envoi : absent(e)")
        expect(row(page, "DIALLO")).to_contain_text("En attente d'envoi : présent(e)")
        expect(row(page, "BENALI")).to_contain_text("En attente d'envoi : excusé(e)")
        status = page.get_by_role("status").filter(has_text="en attente d'envoi")
        expect(status).to_contain_text("3 réponses en attente d'envoi")
        expect(status).to_contain_text("le serveur est momentanément indisponible")
        expect(page.locator("#sheet-summary")).to_contain_text("1 présent sur 3 personnes")
        assert_accessible(page)
        # The screen tries again by itself (Retry-After) and keeps failing while the database is away.
        with page.expect_response(lambda r: r.status == 503 and "/personnes/" in r.url, timeout=10_000):
            pass
        expect(row(page, "CARPENTIER")).to_contain_text("En attente d'envoi : absent(e)")

        # Any other page, for the animator or anyone else, says so in French.
        _, other = new_page(browser)
        response = other.goto(live_server.url + "/")
        assert response.status == 503
        assert response.headers["retry-after"] == "2"
        expect(other.get_by_role("heading", level=1)).to_have_text("Service momentanément indisponible")
        assert_accessible(other)
        assert_accessible(page)

    # The database is back: the waiting answers arrive by themselves, once.
    expect(row(page, "CARPENTIER")).to_contain_text("Enregistré : absent(e)", timeout=15_000)
    expect(row(page, "DIALLO")).to_contain_text("Enregistré : présent(e)", timeout=15_000)
    expect(row(page, "BENALI")).to_contain_text("Enregistré : excusé(e)", timeout=15_000)
    expect(page.locator("#pending-banner")).to_be_hidden()
    expect(page.locator("#sheet-summary")).to_have_text("1 présent sur 3 personnes.")
    assert sorted(Attendance.objects.values_list("person__last_name", "status")) == [
        ("Benali", "excuse"),
        ("Carpentier", "absent"),
        ("Diallo", "present"),
    ]
    # A reload finds nothing left to send.
    page.reload()
    expect(page.locator("#pending-banner")).to_be_hidden()
    assert page.evaluate(f"window.localStorage.getItem('csc-appel-{session.pk}')") == "{}"
