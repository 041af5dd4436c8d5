"""A director reads the casework figures in Chromium: the year's page from the menu, a pivot of their
choice, its spreadsheet, a year typed wrong, and the funders' report in PDF. axe-core on every page
crossed."""

import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from csc.casework.tests.test_casework_stats import NAMES, Y, build_year
from csc.testing.browser import assert_accessible, field, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year(network, staff, otp_verified):
    return build_year(network, staff)


def row(page, label):
    return page.get_by_role("row", name=re.compile(rf"^{re.escape(label)} "))


def test_a_director_builds_a_pivot_downloads_it_and_the_funders_report(browser, live_server, year, staff):
    director = staff("director", "a", user__first_name="Nadia", user__last_name="Ferhat")
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    log_in(page, live_server, director)

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Chiffres de l'accompagnement"
    ).click()
    this_year = timezone.localdate().year
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Chiffres de l'accompagnement — {this_year}")
    assert_accessible(page, visited)

    page.get_by_label(field("Année")).fill(str(Y))
    page.get_by_label(field("Ce que l'on compte")).select_option(label="Personnes suivies")
    page.get_by_label(field("En lignes")).select_option(label="Problématique")
    page.get_by_label(field("En colonnes")).select_option(label="Sexe")
    page.get_by_role("button", name="Afficher les chiffres").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Chiffres de l'accompagnement — {Y}")
    expect(
        page.get_by_role("heading", name="Personnes suivies par problématique et par sexe")
    ).to_be_visible()
    # Femmes, Hommes, Sexe non précisé, Total
    expect(row(page, "Logement").get_by_role("cell")).to_have_text(["1", "1", "0", "2"])
    expect(row(page, "Emploi et insertion").get_by_role("cell")).to_have_text(["1", "0", "0", "1"])
    for name in NAMES:
        expect(page.get_by_text(name)).to_have_count(0)
    assert_accessible(page, visited)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le tableau (XLSX)").click()
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))["Tableau croisé"]
    lines = {r[0]: list(r[1:]) for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert lines["Logement"] == [1, 1, 0, 2] and lines["Total"] == [2, 1, 0, 3]

    page.get_by_label(field("Année")).fill("deux mille")
    page.get_by_role("button", name="Afficher les chiffres").click()
    expect(page.get_by_role("alert")).to_contain_text("Choisissez une année entre 1990 et")
    expect(page.get_by_label(field("Année"))).to_have_value("deux mille")
    assert_accessible(page, visited)

    page.get_by_label(field("Année")).fill(str(Y))
    page.get_by_role("button", name="Afficher les chiffres").click()
    page.get_by_role("link", name="Rapport d'activité pour les financeurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapport d'activité de l'accompagnement — {Y}")
    expect(row(page, "Femmes").get_by_role("cell")).to_have_text(["2"])
    expect(row(page, "Entretien").get_by_role("cell")).to_have_text(["2", "1,50"])
    assert_accessible(page, visited)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le rapport (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert len(visited) == 4
    context.close()
