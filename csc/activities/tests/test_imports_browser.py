"""A director imports a spreadsheet of past attendance in a real Chromium, with axe-core on every page."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from csc.activities.models import Activity, Attendance, AttendanceImport
from csc.people.models import Person
from csc.testing.browser import assert_accessible, field, log_in
from csc.testing.factories import PersonFactory
from csc.testing.tasks import run_task_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def spreadsheet(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Date", "Activité", "Nom", "Prénom", "Date de naissance", "Présence"])
    writer.writerows(rows)
    return out.getvalue().encode("cp1252")


def test_a_director_imports_past_attendance_and_fetches_the_refused_rows(
    page, live_server, director_a, centre_a
):
    Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)
    PersonFactory(centre=centre_a, last_name="Martin", first_name="Léa", birth_date=date(1985, 3, 14))
    day = (timezone.localdate() - timedelta(days=20)).strftime("%d/%m/%Y")
    visited = []
    log_in(page, live_server, director_a)

    page.goto(f"{live_server.url}/presences/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer des présences passées")
    expect(page.get_by_role("cell", name="Aucun fichier envoyé pour l'instant.")).to_be_visible()
    assert_accessible(page, visited)

    # A PDF sent by mistake: a French message on the field, nothing kept.
    page.get_by_label(field("Fichier des présences")).set_input_files(
        {"name": "attestation.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF"}
    )
    page.get_by_role("button", name="Envoyer et voir l'aperçu").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    expect(page.get_by_text("Ce fichier est un PDF", exact=False).first).to_be_visible()
    assert_accessible(page, visited)

    page.get_by_label(field("Fichier des présences")).set_input_files(
        {
            "name": "presences-2025.csv",
            "mimeType": "text/csv",
            "buffer": spreadsheet(
                [
                    [day, "Atelier couture", "Martin", "Léa", "14/03/1985", "P"],
                    [day, "Atelier couture", "Nouvelle", "Inès", "", "A"],
                    ["31/02/2025", "Atelier couture", "Martin", "Léa", "", "P"],
                ]
            ),
        }
    )
    page.get_by_role("button", name="Envoyer et voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import : presences-2025.csv")
    expect(page.get_by_label(field("Colonne « Prénom »"))).to_have_value("3")
    bilan = page.locator("#bilan-apercu")
    expect(bilan).to_contain_text(
        "2 présences à ajouter, dont 1 de personnes que le centre ne connaît pas encore"
    )
    expect(bilan).to_contain_text("1 ligne refusée")
    error_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="4"))
    expect(error_row).to_contain_text("Refusée")
    expect(error_row).to_contain_text("Date impossible : « 31/02/2025 »")
    assert_accessible(page, visited)

    page.get_by_label("Créer la personne inconnue").check()
    page.get_by_role("button", name="Importer les présences").click()
    # Imported by the task worker: the job's page follows it, then links to the result.
    expect(page.get_by_role("heading", level=1)).to_have_text("Import de présences — presences-2025.csv")
    assert_accessible(page, visited)
    run_task_worker()
    expect(page.get_by_role("status")).to_have_text("Prêt.", timeout=10_000)
    expect(page.get_by_text("2 présences ajoutées.")).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_role("link", name="Voir le résultat de l'import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import terminé : presences-2025.csv")
    assert_accessible(page, visited)
    assert Attendance.objects.filter(source=Attendance.Source.IMPORT).count() == 2
    assert Person.objects.filter(centre=centre_a, last_name="Nouvelle", first_name="Inès").exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger les lignes refusées (CSV)").click()
    assert download.value.suggested_filename == "erreurs-presences-2025.csv"
    with open(download.value.path(), encoding="utf-8-sig") as report:
        rows = list(csv.reader(report, delimiter=";"))
    assert rows[1][:4] == ["31/02/2025", "Atelier couture", "Martin", "Léa"]
    assert rows[1][-2:] == ["4", "Date impossible : « 31/02/2025 » (écrivez-la jj/mm/aaaa)."]

    page.get_by_role("link", name="Importer un autre fichier").click()
    expect(page.get_by_role("link", name="presences-2025.csv")).to_be_visible()
    assert_accessible(page, visited)
    assert AttendanceImport.objects.get().status == AttendanceImport.Status.DONE
    assert len(visited) == 7


def test_the_import_pages_work_on_a_phone(phone, live_server, director_a, centre_a):
    Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)
    day = (timezone.localdate() - timedelta(days=3)).strftime("%d/%m/%Y")
    log_in(phone, live_server, director_a)

    phone.goto(f"{live_server.url}/presences/import/")
    assert_accessible(phone)
    phone.get_by_label(field("Fichier des présences")).set_input_files(
        {
            "name": "p.csv",
            "mimeType": "text/csv",
            "buffer": spreadsheet([[day, "Atelier couture", "Petit", "Jules", "", "P"]]),
        }
    )
    phone.get_by_role("button", name="Envoyer et voir l'aperçu").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Aperçu de l'import")
    assert_accessible(phone)
    # Without the confirmation, the unknown person is not created and their row is reported.
    phone.get_by_role("button", name="Importer les présences").click()
    run_task_worker()
    expect(phone.get_by_text("0 présences ajoutées.")).to_be_visible(timeout=10_000)
    assert_accessible(phone)
    assert not Person.objects.filter(last_name="Petit").exists()
