"""A director reads last month's attendance report on a phone and downloads it; a territory coordinator
opens the roll-up of their centres. axe-core on every page crossed."""

import io
import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import expect
from pypdf import PdfReader

from csc.activities import sessions
from csc.activities.attendance import services as attendance
from csc.activities.models import Activity
from csc.core.models import StaffRole
from csc.testing.browser import assert_accessible, field, log_in, new_page
from csc.testing.factories import CentreFactory, PersonFactory, UserFactory
from csc.testing.tasks import run_task_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def last_month(network):
    """Last month in Centre Alpha: two workshop sessions of 2 hours, three people; one presence in
    Centre Gamma, in the same territory."""
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    alpha, gamma = network["a"], CentreFactory(name="Centre Gamma", territory=network["a"].territory)
    workshop = Activity.objects.create(centre=alpha, name="Atelier couture", kind=Activity.Kind.WORKSHOP)
    people = [
        PersonFactory(centre=alpha, sex="F", city="Lille", in_qpv=True),
        PersonFactory(centre=alpha, sex="M", city="Roubaix"),
        PersonFactory(centre=alpha, sex="F", city="Lille"),
    ]
    for offset, present in ((2, people), (9, people[:2])):
        session = sessions.add_session(
            activity=workshop, day=first + timedelta(days=offset), start_time=time(14), end_time=time(16)
        )
        for person in present:
            attendance.mark(session=session, person=person, status="present", actor=None)
    other = Activity.objects.create(centre=gamma, name="Fablab", kind=Activity.Kind.FABLAB)
    session = sessions.add_session(
        activity=other, day=first + timedelta(days=3), start_time=time(9), end_time=time(12)
    )
    attendance.mark(session=session, person=PersonFactory(centre=gamma), status="present", actor=None)
    return first


def figure(page, label):
    return page.get_by_role("row", name=re.compile(rf"^{re.escape(label)} ")).get_by_role("cell")


def assert_no_sideways_scroll(page):
    # Wide tables scroll inside their frame; the page itself never scrolls sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_director_reads_and_downloads_last_months_report_on_a_phone(
    browser, live_server, director_a, last_month
):
    visited = []
    context, page = new_page(browser, **PHONE)
    log_in(page, live_server, director_a)
    label = date_format(last_month, "F Y")

    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_text("Menu", exact=True).click()  # on a phone the menu is closed
    menu.get_by_role("link", name="Bilans de fréquentation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bilan de fréquentation — {label}")
    expect(figure(page, "Séances tenues")).to_have_text("2")
    expect(figure(page, "Présences")).to_have_text("5")
    expect(figure(page, "Participants différents")).to_have_text("3")
    expect(figure(page, "Heures réalisées")).to_have_text("10,00")
    expect(page.get_by_role("row", name=re.compile("^Lille "))).to_contain_text("2")
    expect(page.get_by_text("Fablab")).to_have_count(0)  # Centre Gamma's
    assert_no_sideways_scroll(page)
    assert_accessible(page, visited)

    # A period typed the wrong way round: the message is next to the field, the typing kept.
    page.get_by_label("D'une date à une autre").check()
    page.get_by_label(field("Du")).fill(f"{last_month:%d/%m/%Y}")
    page.get_by_label(field("Au (inclus)")).fill(f"{last_month - timedelta(days=1):%d/%m/%Y}")
    page.get_by_role("button", name="Afficher le bilan").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    expect(page.get_by_text("La date de fin est avant la date de début")).to_have_count(2)
    expect(page.get_by_label(field("Du"))).to_have_value(f"{last_month:%d/%m/%Y}")
    expect(page.get_by_label(field("Au (inclus)"))).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, visited)

    # Back to a month, picked in the month field.
    page.get_by_label("D'un mois").check()
    page.get_by_label(field("Mois")).fill(f"{last_month:%Y-%m}")
    page.get_by_role("button", name="Afficher le bilan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bilan de fréquentation — {label}")
    expect(figure(page, "Participants différents")).to_have_text("3")
    assert_accessible(page, visited)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le bilan en PDF").click()
    assert download.value.suggested_filename == f"bilan-centre-alpha-{last_month:%Y-%m}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le tableur (XLSX)").click()
    assert download.value.suggested_filename == f"bilan-centre-alpha-{last_month:%Y-%m}.xlsx"
    from openpyxl import load_workbook

    with open(download.value.path(), "rb") as xlsx:
        book = load_workbook(io.BytesIO(xlsx.read()))
    figures = {row[0]: row[1] for row in book["Chiffres"].iter_rows(values_only=True) if row and row[0]}
    assert figures["Présences"] == 5 and figures["Heures réalisées"] == 10
    assert len(visited) == 3
    context.close()


def test_a_territory_coordinator_opens_the_roll_up_of_their_centres(
    browser, live_server, otp_verified, network, last_month
):
    user = UserFactory(first_name="Nadia")
    StaffRole.objects.create(user=user, role="territory_coordinator", territory=network["a"].territory)
    visited = []
    context, page = new_page(browser, **PHONE)
    log_in(page, live_server, user)
    label = date_format(last_month, "F Y")

    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_text("Menu", exact=True).click()  # on a phone the menu is closed
    menu.get_by_role("link", name="Bilans de fréquentation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bilan de fréquentation — {label}")
    assert_accessible(page, visited)
    page.get_by_role("link", name="Voir le bilan de tous vos centres").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bilan de vos centres — {label}")
    expect(page.get_by_role("row", name=re.compile("^Centre Alpha "))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Centre Gamma "))).to_be_visible()
    expect(page.get_by_text("Centre Bêta")).to_have_count(0)
    subtotal = page.get_by_role("row", name=re.compile("^Sous-total Territoire Nord ")).get_by_role("cell")
    # Sessions, presences, of which open door, participants, new, returning, hours, absent, excused.
    expect(subtotal).to_have_text(["3", "6", "0", "4", "4", "0", "13,00", "0", "0"])
    assert_no_sideways_scroll(page)
    assert_accessible(page, visited)

    # The PDF is prepared in the background: the button leads to the job's page, with its progress.
    page.get_by_role("button", name="Préparer le bilan en PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Bilan de fréquentation — Territoire Nord, {label} (PDF)"
    )
    status = page.get_by_role("status")
    expect(status).to_have_text("En attente : le travail va commencer.")
    expect(page.locator("progress")).to_be_visible()
    assert_accessible(page, visited)

    run_task_worker()  # the task worker, while the page waits; its polling shows the result
    expect(status).to_have_text("Prêt : le fichier peut être téléchargé.", timeout=10_000)
    expect(page.locator("progress")).to_have_count(0)
    assert_accessible(page, visited)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Télécharger bilan-")).click()
    assert download.value.suggested_filename == f"bilan-reseau-{last_month:%Y-%m}.pdf"
    reader = PdfReader(download.value.path())
    words = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Centre Alpha" in words and "Centre Gamma" in words and "Centre Bêta" not in words

    # Found again in « Mes exports », linked from every page's header.
    page.get_by_role("banner").get_by_role("link", name="Mes exports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes exports")
    expect(
        page.get_by_role("row", name=re.compile(f"Bilan de fréquentation — Territoire Nord, {label}"))
    ).to_contain_text("Prêt")
    assert_accessible(page, visited)
    assert len(visited) == 5
    context.close()
