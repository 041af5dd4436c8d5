"""Import of past attendance (« Check »): the files a centre brings, what the preview says, what the
import writes, and what it never does (match another centre's people, add anything twice, give a 500)."""

import csv
import html
import io
import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from csc.activities.imports import services as imports
from csc.activities.models import Activity, Attendance, AttendanceImport, Session
from csc.core.models import AuditEvent
from csc.people.models import Person
from csc.testing import jobs as jobs_testing
from csc.testing.factories import PersonFactory

TODAY = timezone.localdate()
DAY = TODAY - timedelta(days=40)
DAY2 = TODAY - timedelta(days=33)
HEADERS = ["Date", "Activité", "Nom", "Prénom", "Date de naissance", "Présence"]


@pytest.fixture(autouse=True)
def _no_second_factor(otp_verified):
    """Directors must set up TOTP in production; that path is tested in core."""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sewing(centre_a):
    return Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)


@pytest.fixture
def toys(centre_a):
    return Activity.objects.create(
        centre=centre_a, name="Ludothèque", kind=Activity.Kind.TOY_LIBRARY, counts_only=True
    )


@pytest.fixture
def lea(centre_a):
    return PersonFactory(centre=centre_a, last_name="Martin", first_name="Léa", birth_date=date(1985, 3, 14))


@pytest.fixture
def director(login, director_a):
    return login(director_a)


def d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def csv_bytes(rows, headers=HEADERS, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def prepare(centre, data: bytes, actor=None, name="presences.csv") -> AttendanceImport:
    return imports.prepare_import(centre, ContentFile(data, name=name), actor)


def run(batch, create_people=False, actor=None, mapping=None):
    mapping = mapping or imports.Mapping.from_json(batch.mapping)
    return imports.run_import(batch, mapping, create_people=create_people, actor=actor)


def by_line(preview) -> dict[int, imports.RowResult]:
    return {row.line: row for row in preview.rows}


def text(response) -> str:
    """The page as a person reads it: tags removed, entities decoded, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body)).replace("\u00a0", " ").replace("\u202f", " ")


def report_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


# --- Reading the file ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [
        ("utf-8", True, ";"),
        ("utf-8", False, ";"),
        ("utf-8", False, ","),
        ("cp1252", False, ";"),
        ("latin-1", False, ","),
    ],
)
def test_csv_files_of_every_usual_encoding_and_separator_are_read(
    centre_a, sewing, lea, encoding, bom, delimiter
):
    rows = [
        [d(DAY), "Atelier couture", "Martin", "Léa", "14/03/1985", "P"],
        [d(DAY), "atelier COUTURE", "Lefèvre", "Élodie", "", "absent"],
    ]
    batch = prepare(centre_a, csv_bytes(rows, delimiter=delimiter, encoding=encoding, bom=bom))

    assert batch.row_count == 2
    result = imports.preview(batch)
    assert result.problems == []
    assert result.headers == HEADERS
    first, second = result.rows
    assert (first.kind, first.person_id, first.status) == (imports.ADD, lea.pk, Attendance.Status.PRESENT)
    assert second.kind == imports.ADD and second.needs_new_person
    assert second.status == Attendance.Status.ABSENT
    shown = result.shown()
    assert [(s.last_name, s.first_name, s.activity) for s in shown] == [
        ("Martin", "Léa", "Atelier couture"),
        ("Lefèvre", "Élodie", "atelier COUTURE"),
    ]

    run(batch, create_people=True)
    assert Person.objects.filter(centre=centre_a, last_name="Lefèvre", first_name="Élodie").exists()
    assert Attendance.objects.filter(activity=sewing).count() == 2


def test_an_xlsx_workbook_with_real_date_and_time_cells_is_read(centre_a, sewing, lea):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Jour", "Atelier", "Nom", "Prénom", "Né(e) le", "Présent", "Début", "Fin"])
    sheet.append(
        [
            datetime.combine(DAY, time(0)),
            "Atelier couture",
            "Martin",
            "Léa",
            date(1985, 3, 14),
            1,
            time(9, 30),
            time(11, 0),
        ]
    )
    sheet.append([None] * 8)  # a blank line in the middle of the sheet
    sheet.append([DAY2, "Atelier couture", "Martin", "Léa", None, "A", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = prepare(centre_a, buffer.getvalue(), name="présences 2025.xlsx")
    result = imports.preview(batch)

    assert batch.file_name == "présences 2025.xlsx"
    assert result.problems == []
    rows = by_line(result)
    assert set(rows) == {2, 4}, "rows keep their number in the sheet"
    assert rows[2].day == DAY and rows[2].person_id == lea.pk
    assert rows[2].new_session == (sewing.pk, DAY, time(9, 30))
    assert rows[4].status == Attendance.Status.ABSENT

    outcome = run(batch)
    assert outcome.imported == 2 and outcome.sessions_created == 2
    morning = Session.objects.get(activity=sewing, date=DAY)
    assert (morning.start_time, morning.end_time, morning.counted_hours) == (
        time(9, 30),
        time(11),
        Decimal("1.50"),
    )
    afternoon = Session.objects.get(activity=sewing, date=DAY2)
    assert (afternoon.start_time, afternoon.end_time, afternoon.counted_hours) == (
        time(14),
        time(16),
        Decimal("2.00"),
    )
    attendance = Attendance.objects.get(session=morning)
    assert (attendance.hours, attendance.source, attendance.centre_id) == (
        Decimal("1.50"),
        Attendance.Source.IMPORT,
        centre_a.pk,
    )


MALFORMED = [
    ("garbage.csv", bytes(range(256)) * 40, "ni un tableau CSV ni un classeur Excel"),
    ("attestation.csv", b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF", "Ce fichier est un PDF"),
    ("vide.csv", b"", "Le fichier est vide."),
    ("blanc.csv", b"\r\n\r\n  \r\n", "Le fichier est vide."),
    ("titres.csv", "Date;Activité;Nom;Prénom\r\n".encode(), "ne contient que la ligne des titres"),
    ("ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "format Excel ancien (.xls)"),
    ("faux.xlsx", b"PK\x03\x04 not really a zip", "ni un tableau CSV ni un classeur Excel"),
    (
        "une-colonne.csv",
        b"Date\r\n01/02/2024\r\n",
        "La première ligne doit donner le nom des colonnes",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), MALFORMED)
def test_a_malformed_file_gets_a_french_message_on_the_upload_field(
    director, centre_a, name, content, message
):
    response = director.post(reverse("activities:import_start"), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert message in text(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not AttendanceImport.objects.exists()


def test_an_ods_or_a_zip_that_is_no_workbook_is_refused(centre_a):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(imports.ImportRefused, match="LibreOffice"):
        prepare(centre_a, buffer.getvalue(), name="presences.ods")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    with pytest.raises(imports.ImportRefused, match="ni un tableau CSV"):
        prepare(centre_a, buffer.getvalue(), name="presences.xlsx")


def test_a_file_over_20_mb_is_refused_before_reading(centre_a):
    big = ContentFile(b"x", name="enorme.csv")
    big.size = imports.MAX_FILE_BYTES + 1
    with pytest.raises(imports.ImportRefused, match="le maximum est 20 Mo"):
        imports.prepare_import(centre_a, big, None)


# --- The mapping -----------------------------------------------------------------------------------


def test_the_mapping_is_guessed_from_common_header_names():
    headers = [
        "N°",
        "Jour",
        "NOM DE FAMILLE",
        "Prénoms",
        "Date naissance",
        "Activités",
        "Présent/Absent",
        "Heure de début",
        "Heure fin",
        "Genre",
        "Ville",
        "Quartier prioritaire",
        "Remarque",
    ]
    mapping = imports.guess_mapping(headers)

    assert mapping.columns == {
        "date": 1,
        "last_name": 2,
        "first_name": 3,
        "birth_date": 4,
        "activity": 5,
        "status": 6,
        "start_time": 7,
        "end_time": 8,
        "sex": 9,
        "city": 10,
        "in_qpv": 11,
    }
    # Longer headers starting with a known name.
    assert imports.guess_mapping(["Date de la séance", "Nom de l'enfant", "Prénom de l'enfant"]).columns == {
        "date": 0,
        "last_name": 1,
        "first_name": 2,
    }
    # The example file is recognised entirely.
    template = imports.template_csv().splitlines()[0].split(";")
    assert set(imports.guess_mapping(template).columns) == {column.key for column in imports.COLUMNS}


def test_the_director_changes_the_mapping_and_chooses_one_activity_for_the_file(
    director, centre_a, sewing, lea
):
    data = csv_bytes([[d(DAY), "Martin", "Léa", "oui"]], headers=["Quand", "Nom", "Prénom", "Venu"])
    response = director.post(reverse("activities:import_start"), {"file": SimpleUploadedFile("a.csv", data)})
    batch = AttendanceImport.objects.get()
    assert response.url == reverse("activities:import_preview", args=[batch.pk])
    assert batch.mapping["columns"] == {"last_name": 1, "first_name": 2}

    page = director.get(response.url)
    assert "Choisissez la colonne qui contient « Date »." in text(page)
    assert "Importer les présences" not in text(page)

    response = director.post(
        response.url,
        {
            "date": "0",
            "last_name": "1",
            "first_name": "2",
            "status": "3",
            "activity_for_all": sewing.pk,
            "action": "apercu",
        },
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.mapping["columns"] == {"date": 0, "last_name": 1, "first_name": 2, "status": 3}
    assert batch.mapping["activity_id"] == sewing.pk
    page = text(director.get(response.url))
    assert "1 présence à ajouter" in page
    assert "Présent(e), personne connue, séance à créer (14:00–16:00)." in page


def test_a_mapping_without_date_or_the_same_column_twice_is_refused_on_its_fields(director, centre_a, sewing):
    batch = prepare(centre_a, csv_bytes([[d(DAY), "Atelier couture", "Martin", "Léa", "", ""]]))
    url = reverse("activities:import_preview", args=[batch.pk])

    response = director.post(url, {"last_name": "2", "first_name": "2", "action": "importer"})

    page = text(response)
    assert "Colonne « Date » : Choisissez la colonne qui contient « Date »." in page
    assert "Cette colonne est déjà choisie pour « Nom »." in page
    assert "Choisissez la colonne « Activité », ou une activité pour tout le fichier." in page
    assert 'aria-describedby="id_date_helptext date-erreurs"' in response.content.decode()
    assert not Attendance.objects.exists()


def test_importing_with_a_mapping_changed_but_not_previewed_imports_nothing(director, centre_a, sewing, lea):
    batch = prepare(centre_a, csv_bytes([[d(DAY), "Atelier couture", "Martin", "Léa", "", "A"]]))
    url = reverse("activities:import_preview", args=[batch.pk])

    response = director.post(
        url,
        {"date": "0", "activity": "1", "last_name": "2", "first_name": "3", "action": "importer"},
        follow=True,
    )

    assert "Les colonnes choisies ont changé : rien n'est importé." in text(response)
    assert not Attendance.objects.exists()
    batch.refresh_from_db()
    assert batch.status == AttendanceImport.Status.PREVIEW
    assert "status" not in batch.mapping["columns"]


# --- What each row becomes -------------------------------------------------------------------------


def test_each_refused_row_says_why_in_french(centre_a, sewing, toys, lea):
    PersonFactory(centre=centre_a, last_name="Dupont", first_name="Marc", birth_date=date(1970, 1, 1))
    PersonFactory(centre=centre_a, last_name="Dupont", first_name="Marc", birth_date=date(1990, 5, 5))
    Session.objects.create(
        centre=centre_a,
        activity=sewing,
        date=DAY2,
        start_time=time(14),
        end_time=time(16),
        counted_hours=Decimal("2"),
        status=Session.Status.CANCELLED,
    )
    headers = [*HEADERS, "Heure de début", "Heure de fin"]
    rows = [
        [d(TODAY + timedelta(days=3)), "Atelier couture", "Martin", "Léa", "", "P", "", ""],  # 2
        ["31/02/2024", "Atelier couture", "Martin", "Léa", "", "P", "", ""],  # 3
        [d(DAY2), "Atelier couture", "Martin", "Léa", "", "P", "", ""],  # 4
        [d(DAY), "Atelier poterie", "Martin", "Léa", "", "P", "", ""],  # 5
        [d(DAY), "Atelier couture", "Dupont", "Marc", "", "P", "", ""],  # 6
        [d(DAY), "Atelier couture", "Martin", "Léa", "", "peut-être", "", ""],  # 7
        [d(DAY), "Atelier couture", "Martin", "Léa", "", "P", "16:00", "14:00"],  # 8
        [d(DAY), "Atelier couture", "", "Léa", "", "P", "", ""],  # 9
        [d(DAY), "Ludothèque", "Martin", "Léa", "", "P", "", ""],  # 10
        [d(DAY), "Atelier couture", "Dupont", "Marc", "05/05/1990", "E", "", ""],  # 11: fine
    ]
    batch = prepare(centre_a, csv_bytes(rows, headers=headers))
    result = imports.preview(batch)
    rows = by_line(result)

    assert "Date dans le futur" in rows[2].message
    assert rows[3].message == "Date impossible : « 31/02/2024 » (écrivez-la jj/mm/aaaa)."
    assert f"La séance du {d(DAY2)} a été annulée" in rows[4].message
    assert rows[5].message == (
        "Activité « Atelier poterie » inconnue. Activités du centre : « Atelier couture », « Ludothèque »."
    )
    assert rows[6].message == "Plusieurs personnes portent ce nom : ajoutez la date de naissance."
    assert "Présence « peut-être » non reconnue" in rows[7].message
    assert rows[8].message == "L'heure de fin (14:00) est avant l'heure de début (16:00)."
    assert rows[9].message == "Nom manquant."
    assert "accueil libre" in rows[10].message
    assert all(rows[line].kind == imports.ERROR for line in range(2, 11))
    assert rows[11].kind == imports.ADD and rows[11].status == Attendance.Status.EXCUSED
    assert (result.errors, result.to_add) == (9, 1)
    assert [shown.result.line for shown in result.shown()] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]

    outcome = run(batch)
    assert (outcome.imported, outcome.errors) == (1, 9)
    assert Attendance.objects.get().person.birth_date == date(1990, 5, 5)
    assert Session.objects.get(status=Session.Status.CANCELLED).attendances.count() == 0


def test_unknown_people_are_created_only_after_confirmation(centre_a, sewing, lea):
    rows = [
        [d(DAY), "Atelier couture", "Martin", "Léa", "", "P"],
        [d(DAY), "Atelier couture", "Nouveau", "Nina", "02/02/2015", "P"],
        [d(DAY2), "Atelier couture", "nouveau", "NINA", "", "A"],  # the same new person
        [d(DAY2), "Atelier couture", "Autre", "Omar", "", "P"],
    ]
    data = csv_bytes(rows)
    batch = prepare(centre_a, data)
    result = imports.preview(batch)
    assert (result.new_people, result.to_add, result.to_add_for_new_people) == (2, 4, 3)

    outcome = run(batch, create_people=False)

    assert (outcome.imported, outcome.unknown_people_skipped, outcome.people_created) == (1, 3, 0)
    assert not Person.objects.filter(last_name__in=["Nouveau", "Autre"]).exists()
    batch.refresh_from_db()
    assert (batch.imported_count, batch.skipped_count, batch.error_count) == (1, 3, 0)
    report = list(csv.reader(io.StringIO(batch.error_report), delimiter=";"))
    assert [row[2] for row in report[1:]] == ["Nouveau", "nouveau", "Autre"]
    assert all(row[-1].startswith("Personne inconnue du centre, non créée") for row in report[1:])

    # The same file again, this time creating them: only what is missing is added.
    again = prepare(centre_a, data)
    outcome = run(again, create_people=True)
    assert (outcome.imported, outcome.people_created, outcome.already_present) == (3, 2, 1)
    nina = Person.objects.get(centre=centre_a, last_name="Nouveau")
    assert (nina.first_name, nina.birth_date, nina.search_name) == ("Nina", date(2015, 2, 2), "nouveau nina")
    assert nina.attendances.count() == 2
    assert AuditEvent.objects.filter(action="create", person_id=nina.pk).exists()
    assert Attendance.objects.count() == 4


def import_in_background(client, preview_url: str, data: dict) -> str:
    """Press « Importer »: the import runs in the task worker; returns the text of the job's page."""
    job_url = jobs_testing.start(client, preview_url, data)
    jobs_testing.run_jobs()
    return text(client.get(job_url))


def test_the_same_file_twice_adds_nothing_and_the_preview_says_it_was_imported(
    director, director_a, centre_a, sewing, lea
):
    rows = [
        [d(DAY), "Atelier couture", "Martin", "Léa", "", "P"],
        [d(DAY2), "Atelier couture", "Martin", "Léa", "", "P"],
        [d(DAY2), "Atelier couture", "Neuve", "Zoé", "", "P"],
        [d(DAY2), "Atelier couture", "Martin", "Léa", "", "P"],  # the same line twice in the file
    ]
    data = csv_bytes(rows)
    first = prepare(centre_a, data, actor=director_a)
    assert by_line(imports.preview(first))[5].message == "Même présence qu'à la ligne 3 : rien à ajouter."
    run(first, create_people=True, actor=director_a)
    counts = (Attendance.objects.count(), Session.objects.count(), Person.objects.count())
    assert counts == (3, 2, 2)

    response = director.post(reverse("activities:import_start"), {"file": SimpleUploadedFile("b.csv", data)})
    second = AttendanceImport.objects.exclude(pk=first.pk).get()
    page = text(director.get(response.url))
    assert "Ce même fichier a déjà été importé le" in page
    assert "0 présences à ajouter" in page
    job_page = import_in_background(
        director,
        response.url,
        {
            **{k: str(v) for k, v in second.mapping["columns"].items()},
            "create_people": "on",
            "action": "importer",
        },
    )

    assert "0 présences ajoutées." in job_page
    assert (Attendance.objects.count(), Session.objects.count(), Person.objects.count()) == counts
    second.refresh_from_db()
    assert (second.imported_count, second.skipped_count, second.people_created, second.sessions_created) == (
        0,
        4,
        0,
        0,
    )


def test_attendance_already_taken_is_kept_as_it_was(centre_a, sewing, lea):
    session = Session.objects.create(
        centre=centre_a,
        activity=sewing,
        date=DAY,
        start_time=time(10),
        end_time=time(12),
        counted_hours=Decimal("2"),
    )
    Attendance.objects.create(
        session=session,
        person=lea,
        centre=centre_a,
        activity=sewing,
        date=DAY,
        hours=Decimal("2"),
        status=Attendance.Status.ABSENT,
        recorded_at=timezone.now(),
    )
    batch = prepare(centre_a, csv_bytes([[d(DAY), "Atelier couture", "Martin", "Léa", "", "P"]]))

    result = imports.preview(batch)
    assert result.rows[0].message == "Présence déjà enregistrée : rien à ajouter."
    run(batch)
    assert Attendance.objects.get().status == Attendance.Status.ABSENT


def test_another_centres_people_are_never_matched(centre_a, centre_b, sewing):
    PersonFactory(centre=centre_b, last_name="Martin", first_name="Léa", birth_date=date(1985, 3, 14))
    batch = prepare(centre_a, csv_bytes([[d(DAY), "Atelier couture", "Martin", "Léa", "14/03/1985", "P"]]))

    result = imports.preview(batch)
    assert result.rows[0].needs_new_person
    run(batch, create_people=True)

    created = Attendance.objects.get().person
    assert created.centre_id == centre_a.pk
    assert Person.objects.filter(last_name="Martin").count() == 2


def test_a_known_person_without_birth_date_is_matched_and_homonyms_by_birth_date(centre_a, sewing):
    known = PersonFactory(centre=centre_a, last_name="Petit", first_name="Jules", birth_date=None)
    older = PersonFactory(centre=centre_a, last_name="Roux", first_name="Ana", birth_date=date(1960, 1, 1))
    PersonFactory(centre=centre_a, last_name="Roux", first_name="Ana", birth_date=date(2010, 1, 1))
    rows = [
        [d(DAY), "Atelier couture", "PETIT", "jules", "01/06/2012", "P"],
        [d(DAY), "Atelier couture", "Roux", "Ana", "1/1/60", "P"],
        [d(DAY), "Atelier couture", "Roux", "Ana", "2001-01-01", "P"],
    ]
    result = imports.preview(prepare(centre_a, csv_bytes(rows)))

    assert result.rows[0].person_id == known.pk
    assert result.rows[1].person_id == older.pk
    assert result.rows[2].new_person == ("roux ana", date(2001, 1, 1))


# --- Pages, tenancy, the report --------------------------------------------------------------------


def test_the_director_imports_a_file_and_downloads_the_refused_rows(
    director, centre_a, sewing, lea, django_capture_on_commit_callbacks
):
    rows = [
        [d(DAY), "Atelier couture", "Martin", "Léa", "", "P"],
        [d(DAY), "Atelier couture", "Neuf", "Paul", "", "P"],
        ["32/01/2024", "Atelier couture", "=Martin", "Léa", "", "P"],
    ]
    response = director.get(reverse("activities:import_start"))
    assert "Aucun fichier envoyé pour l'instant." in text(response)
    response = director.post(
        reverse("activities:import_start"),
        {"file": SimpleUploadedFile("présences 2024.csv", csv_bytes(rows))},
    )
    batch = AttendanceImport.objects.get()
    page = director.get(response.url)
    body = text(page)
    assert "1 ligne refusée" in body
    assert "Créer la personne inconnue" in body
    assert body.index("Date impossible") < body.index("Présent(e), personne connue")

    preview_report = director.get(reverse("activities:import_errors", args=[batch.pk]))
    assert report_rows(preview_report.content)[1][-1].startswith("Date impossible")

    preview_url = response.url
    job_page = import_in_background(
        director,
        preview_url,
        {
            **{k: str(v) for k, v in batch.mapping["columns"].items()},
            "create_people": "on",
            "action": "importer",
        },
    )
    assert "Prêt." in job_page
    assert "2 présences ajoutées." in job_page and "1 personne créée." in job_page
    assert "1 ligne refusée : voyez le rapport d'erreurs." in job_page
    body = text(director.get(preview_url))
    assert "Personnes créées 1" in body
    assert Attendance.objects.filter(import_batch=batch).count() == 2
    batch.refresh_from_db()
    assert batch.status == AttendanceImport.Status.DONE and not batch.upload

    report = director.get(reverse("activities:import_errors", args=[batch.pk]))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="erreurs-presences-2024.csv"' in report["Content-Disposition"]
    assert report_rows(report.content) == [
        [*HEADERS, "Ligne d'origine", "Motif du refus"],
        [
            "32/01/2024",
            "Atelier couture",
            "'=Martin",
            "Léa",
            "",
            "P",
            "4",
            "Date impossible : « 32/01/2024 » (écrivez-la jj/mm/aaaa).",
        ],
    ]
    listing = text(director.get(reverse("activities:import_start")))
    assert "présences 2024.csv" in listing and f"Importé le {TODAY:%d/%m/%Y}" in listing

    # Posting the import again changes nothing.
    director.post(reverse("activities:import_preview", args=[batch.pk]), {"action": "importer"})
    assert Attendance.objects.count() == 2


def test_the_example_file_can_be_downloaded_and_imported(director, centre_a, sewing):
    response = director.get(reverse("activities:import_template"))
    assert response["Content-Disposition"] == 'attachment; filename="modele-presences.csv"'
    assert response.content.decode("utf-8-sig").startswith("Date;Activité;Nom;Prénom;Date de naissance")

    batch = prepare(centre_a, response.content)
    result = imports.preview(batch)
    assert (result.errors, result.to_add, result.new_people) == (0, 3, 2)
    run(batch, create_people=True)
    karim = Person.objects.get(first_name="Karim")
    assert (karim.sex, karim.city, karim.in_qpv) == ("M", "Roubaix", False)
    lea = Person.objects.get(first_name="Léa")
    assert (lea.sex, lea.city, lea.in_qpv) == ("F", "Lille", True)


def test_another_centres_import_is_a_404(login, staff, centre_a, centre_b, sewing):
    batch = prepare(centre_b, csv_bytes([[d(DAY), "Atelier couture", "Martin", "Léa", "", "P"]]))
    client = login(staff("director", "a"))

    for url in (
        reverse("activities:import_preview", args=[batch.pk]),
        reverse("activities:import_errors", args=[batch.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("activities:import_preview", args=[batch.pk]), {"action": "importer"}).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["animator", "reception", "social_worker"])
def test_a_role_without_the_import_capability_gets_a_404(login, staff, centre_a, sewing, role):
    batch = prepare(centre_a, csv_bytes([[d(DAY), "Atelier couture", "Martin", "Léa", "", "P"]]))
    client = login(staff(role, "a"))

    for url in (
        reverse("activities:import_start"),
        reverse("activities:import_template"),
        reverse("activities:import_preview", args=[batch.pk]),
        reverse("activities:import_errors", args=[batch.pk]),
    ):
        assert client.get(url).status_code == 404, url
    upload = SimpleUploadedFile("a.csv", csv_bytes([[d(DAY), "Atelier couture", "X", "Y", "", ""]]))
    assert client.post(reverse("activities:import_start"), {"file": upload}).status_code == 404
    assert AttendanceImport.objects.count() == 1


def test_a_coordinator_may_import(login, staff, centre_a):
    assert login(staff("coordinator", "a")).get(reverse("activities:import_start")).status_code == 200


# --- Queries ---------------------------------------------------------------------------------------


def many_rows(count: int) -> bytes:
    rows = []
    for n in range(count):
        day = DAY - timedelta(days=n % 20)
        rows.append([d(day), "Atelier couture", f"Nom{n % 37}", f"Prénom{n}", "", "P" if n % 3 else "A"])
    return csv_bytes(rows)


def forced_splits(model, count: int) -> int:
    """The extra INSERT statements the database forces on a bulk insert of `count` rows: SQLite takes
    999 parameters per statement (Django then splits every 999 // columns rows), PostgreSQL 65,535."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    size = min(connection.ops.bulk_batch_size(fields, [None] * count) or count, imports.BATCH_SIZE)
    return math.ceil(count / size) - 1


@pytest.mark.parametrize("count", [10, 200])
def test_the_import_makes_a_bounded_number_of_queries(centre_a, sewing, django_assert_max_num_queries, count):
    for n in range(0, count, 2):  # half the people are known
        PersonFactory(centre=centre_a, last_name=f"Nom{n % 37}", first_name=f"Prénom{n}", birth_date=None)
    batch = prepare(centre_a, many_rows(count))

    with django_assert_max_num_queries(6):
        result = imports.preview(batch)
    assert (result.to_add, result.new_people, result.new_sessions) == (count, count // 2, min(count, 20))

    # The same statements for 10 rows as for 200, plus the splits the database itself imposes.
    splits = (
        2 * forced_splits(Person, count // 2)  # the people and their journal lines
        + forced_splits(Attendance, count)
        + forced_splits(Session, 20)
    )
    with django_assert_max_num_queries(14 + splits):
        outcome = run(batch, create_people=True)
    assert outcome.imported == count
    assert Attendance.objects.filter(import_batch=batch).count() == count


@pytest.mark.parametrize("count", [10, 200])
def test_the_preview_page_makes_a_bounded_number_of_queries(
    director, centre_a, sewing, django_assert_max_num_queries, count
):
    batch = prepare(centre_a, many_rows(count))
    url = reverse("activities:import_preview", args=[batch.pk])
    director.get(url)

    with django_assert_max_num_queries(14):
        response = director.get(url)
    assert f"{count} lignes dans le fichier" in text(response)


def test_a_file_never_imported_is_forgotten_after_30_days(
    director, centre_a, sewing, django_capture_on_commit_callbacks
):
    old = prepare(centre_a, csv_bytes([[d(DAY), "Atelier couture", "Martin", "Léa", "", "P"]]))
    stored = old.upload.name  # through the storage, never a path on disk (S3 has none)
    AttendanceImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    with django_capture_on_commit_callbacks(execute=True):
        prepare(centre_a, csv_bytes([[d(DAY2), "Atelier couture", "Martin", "Léa", "", "P"]]))

    old.refresh_from_db()
    assert not old.upload
    assert not default_storage.exists(stored)
    response = director.get(reverse("activities:import_preview", args=[old.pk]), follow=True)
    assert "Le fichier de cet import n'est plus conservé : envoyez-le à nouveau." in text(response)


def test_the_corrected_error_report_imports_the_rows_it_refused(centre_a, sewing, lea):
    rows = [
        [d(DAY), "Atelier couture", "Martin", "Léa", "", "P"],
        ["31/02/2024", "Atelier couture", "Martin", "Léa", "", "A"],
    ]
    batch = prepare(centre_a, csv_bytes(rows))
    run(batch)
    batch.refresh_from_db()
    corrected = batch.error_report.replace("31/02/2024", d(DAY2))

    again = prepare(centre_a, corrected.encode("utf-8"), name="erreurs-corrigees.csv")
    assert imports.Mapping.from_json(again.mapping).columns == {
        "date": 0,
        "activity": 1,
        "last_name": 2,
        "first_name": 3,
        "birth_date": 4,
        "status": 5,
    }
    outcome = run(again)

    assert (outcome.imported, outcome.errors) == (1, 0)
    assert Attendance.objects.get(date=DAY2).status == Attendance.Status.ABSENT


def test_sending_the_form_without_a_file_asks_for_one(director, centre_a):
    response = director.post(reverse("activities:import_start"), {})

    assert "Fichier des présences : Choisissez le fichier à importer." in text(response)
    assert not AttendanceImport.objects.exists()


def _xlsx(rows: list[list[str]]) -> bytes:
    from csc.testing.spreadsheets import inline_row, workbook_with_rows

    return workbook_with_rows([inline_row(n, *row) for n, row in enumerate([HEADERS, *rows], start=1)])


@pytest.mark.parametrize(
    ("name", "build", "control"),
    [
        pytest.param("presences.csv", csv_bytes, "\x00", id="csv"),
        # XML cannot hold a NUL: a C1 control (« CSI ») is what reaches a workbook's cells.
        pytest.param("presences.xlsx", _xlsx, "\x9b", id="xlsx"),
    ],
)
def test_invisible_controls_in_an_exported_file_are_dropped_from_what_is_stored(
    director, centre_a, sewing, name, build, control
):
    # A file exported by another program: a control character and a right-to-left override the person
    # cannot see. Refusing them would stop the import over nothing visible; they are dropped instead.
    rows = [
        [d(DAY), "Atelier couture", f"Neu{control}f", "Pa\u202eul", "", "P"],
        [f"32/01/2024{control}", "Atelier couture", "Roux\u202e", f"{control}Ana", "", "P"],
    ]
    response = director.post(
        reverse("activities:import_start"), {"file": SimpleUploadedFile(name, build(rows))}
    )
    batch = AttendanceImport.objects.get()
    job_page = import_in_background(
        director,
        response.url,
        {
            **{k: str(v) for k, v in batch.mapping["columns"].items()},
            "create_people": "on",
            "action": "importer",
        },
    )

    assert "1 présence ajoutée." in job_page
    assert Attendance.objects.filter(import_batch=batch).count() == 1
    person = Person.objects.get(centre=centre_a, last_name="Neuf")
    assert person.first_name == "Paul"
    batch.refresh_from_db()
    assert batch.error_report.splitlines()[1].startswith("32/01/2024;Atelier couture;Roux;Ana;")
    assert not re.search("[\x00\x9b\u202e]", batch.error_report)


# --- In the background, in one transaction --------------------------------------------------------------


class Interrupted(Exception):
    pass


def test_an_import_interrupted_near_its_end_leaves_nothing_written_and_runs_again(
    centre_a, sewing, director_a
):
    # 10,000 rows of 2,500 new people, 4 sessions each. The progress the import reports is where the
    # interruption comes (as a killed worker would stop it): after 8,000 attendances written, 2,000
    # before the end.
    days = [DAY - timedelta(days=i) for i in range(4)]
    rows = [
        [d(day), "Atelier couture", f"Nom{n:04d}", "Prénom", "", "P"] for n in range(2500) for day in days
    ]
    batch = prepare(centre_a, csv_bytes(rows), actor=director_a)
    seen = []

    def progress(done, total, step=""):
        seen.append((step, done, total))
        if step == imports.WRITING and done >= 8000:
            raise Interrupted

    mapping = imports.Mapping.from_json(batch.mapping)
    people, sessions = Person.objects.count(), Session.objects.count()
    with pytest.raises(Interrupted):
        imports.run_import(batch, mapping, create_people=True, actor=director_a, progress=progress)

    assert (imports.READING, 9500, 10_000) in seen and (imports.WRITING, 8000, 10_000) in seen
    assert Attendance.objects.count() == 0
    assert (Person.objects.count(), Session.objects.count()) == (people, sessions)
    batch.refresh_from_db()
    assert batch.status == AttendanceImport.Status.PREVIEW and batch.upload  # the file is kept to try again

    done = imports.run_import(batch, mapping, create_people=True, actor=director_a)
    assert done.imported == 10_000 and done.people_created == 2500 and done.sessions_created == 4
    batch.refresh_from_db()
    assert not batch.upload  # the stored file goes once imported


def test_a_refused_import_fails_its_job_in_french_and_can_be_restarted(
    director, director_a, centre_a, sewing, lea
):
    batch = prepare(
        centre_a, csv_bytes([[d(DAY), "Atelier couture", "Martin", "Léa", "", "P"]]), actor=director_a
    )
    job_url = jobs_testing.start(
        director,
        reverse("activities:import_preview", args=[batch.pk]),
        {**{k: str(v) for k, v in batch.mapping["columns"].items()}, "action": "importer"},
    )
    # Imported meanwhile by another way (a colleague's job): this one is refused, in French.
    run(batch, actor=director_a)
    jobs_testing.run_jobs()
    page = text(director.get(job_url))
    assert "Échec : le travail n'a pas abouti." in page
    assert "Ce fichier a déjà été importé." in page
    assert "Relancer" in page
    assert Attendance.objects.count() == 1
