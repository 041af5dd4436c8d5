"""The files of the security review, sent to the attendance import as a director would send them: each is
refused within 2 seconds with a French message on the upload form that names the limit, and nothing is
saved. Before core's tabular reader, the first one (3 million one-cell rows, a few hundred kilobytes)
was read whole inside the request and held the gunicorn worker past its timeout.

The time is asserted here, against the rule that tests assert no timings, because it is the defect
itself: a file refused in 40 s is a worker killed. The bound is generous (the refusals take a fraction of
it on a loaded 2-core machine)."""

import html
import re
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from csc.activities.models import Activity, Attendance, AttendanceImport
from csc.testing import jobs as jobs_testing
from csc.testing import spreadsheets
from csc.testing.spreadsheets import inline_row, one_cell_rows, same_rows, workbook, workbook_with_rows

MB = 1024 * 1024
SECONDS = 2.0
DAY = timezone.localdate() - timedelta(days=40)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def director(login, director_a):
    return login(director_a)


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body)).replace("\u00a0", " ")


def send(client, name: str, content: bytes):
    """Open the import form, then post the file to it: the response, and how long the post took."""
    client.get(reverse("activities:import_start"))
    upload = SimpleUploadedFile(name, content)
    started = time.monotonic()
    response = client.post(reverse("activities:import_start"), {"file": upload})
    return response, time.monotonic() - started


def test_the_review_file_of_3_million_rows_is_refused_within_2_seconds(director):
    # 3 million one-cell rows in a few hundred kilobytes: any such file is compressed far beyond what a
    # real sheet is (5 to 20 times), so its zip directory is enough to refuse it.
    bomb = workbook_with_rows(same_rows(3_000_000), compresslevel=9)
    assert len(bomb) < 1 * MB, "the bomb is small: the size limit of the upload cannot catch it"

    response, elapsed = send(director, "presences.xlsx", bomb)

    assert response.status_code == 200
    assert elapsed < SECONDS
    assert "Ce classeur est anormalement compressé (plus de 100 fois)" in text(response)
    assert "Enregistrez-le à nouveau depuis votre tableur, ou en CSV." in text(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not AttendanceImport.objects.exists()


def test_a_sheet_just_over_the_row_limit_is_refused_at_its_100_001st_row(director):
    # Less compressible (every row numbered, with its own value), within every size: the row limit,
    # checked while the sheet is read, refuses it without reading the rows after it.
    sheet = workbook_with_rows(one_cell_rows(100_000 + 1_000, batch=50_000))

    response, _ = send(director, "presences.xlsx", sheet)

    # No time asserted: reading 100,000 rows takes seconds, as for a real file of that length.
    assert "Le fichier dépasse 100 000 lignes, sans compter la ligne des titres" in text(response)
    assert not AttendanceImport.objects.exists()


STRINGS = [b"<si><t>a</t></si>" * 60_000] * 40  # 39 Mo once unzipped
NOISY_STRINGS = spreadsheets.noisy(b"<si><t>a</t></si>", MB, every=4)
NO_ROWS = spreadsheets.noisy(b"<a/>", MB)
EMPTY_CELLS = b"<row>" + spreadsheets.noisy(b"<c/>", 16_384 * 4) + b"</row>"
BOMBS = [
    pytest.param(
        "presences.xlsx",
        # The sheet's last row is numbered 3 000 000: openpyxl would fill every row up to it.
        lambda: workbook_with_rows(
            [inline_row(1, "Date", "Activité", "Nom", "Prénom"), inline_row(3_000_000, "x")]
        ),
        "Le fichier dépasse 100 000 lignes, sans compter la ligne des titres",
        id="xlsx-row-numbered-3-million",
    ),
    pytest.param(
        "presences.xlsx",
        # A sheet of spaces that unzips to 200 Mo from a file of a few hundred kilobytes.
        lambda: workbook({spreadsheets.SHEET: (b" " * MB for _ in range(200))}, compresslevel=9),
        "une feuille pèserait 200 Mo, le maximum est 100 Mo",
        id="zip-bomb-sheet",
    ),
    pytest.param(
        "presences.xlsx",
        # Shared strings that openpyxl would load whole before reading the first row.
        lambda: workbook({spreadsheets.STRINGS: spreadsheets.shared_strings(*STRINGS)}, compresslevel=9),
        "le texte des cellules pèserait 39 Mo, le maximum est 30 Mo",
        id="zip-bomb-shared-strings",
    ),
    pytest.param(
        "presences.xlsx",
        # The same, in a part the manifest names as the shared strings whatever its name.
        # A few letters between the strings keep it under the compression check, which would refuse it.
        lambda: workbook(
            {"xl/strings.bin": spreadsheets.shared_strings(*[NOISY_STRINGS] * 39)}, strings="xl/strings.bin"
        ),
        "le texte des cellules pèserait 40 Mo, le maximum est 30 Mo",
        id="zip-bomb-shared-strings-renamed",
    ),
    pytest.param(
        "presences.xlsx",
        # The second review's sheet: 42 Mo without a row, elements no spreadsheet writes and a few
        # letters between them to stay under the compression check; once read for 25 s and 1 Go.
        lambda: workbook_with_rows([NO_ROWS] * 42),
        "plus de 500 000 éléments qui ne sont pas des cellules de tableau",
        id="sheet-without-rows",
    ),
    pytest.param(
        "presences.xlsx",
        # 1 000 rows of Excel's 16 384 columns of empty cells: 16 million cells between two rows.
        lambda: workbook_with_rows([EMPTY_CELLS] * 1000),
        "plus de 500 000 éléments qui ne sont pas des cellules de tableau",
        id="rows-of-empty-cells",
    ),
    pytest.param(
        "presences.csv",
        b"Date;Activit\xc3\xa9;Nom;Pr\xc3\xa9nom\n" + b"\n" * (19 * MB),
        "Le fichier dépasse 100 000 lignes, sans compter la ligne des titres",
        id="csv-19-million-blank-lines",
    ),
    pytest.param(
        "presences.csv",
        b"Date;Nom;Pr\xc3\xa9nom\n" + b";" * (19 * MB),
        "La ligne 2 du fichier dépasse 200 000 caractères",
        id="csv-one-line-of-19-million-columns",
    ),
    pytest.param(
        "presences.csv",
        b'Date;Nom;Pr\xc3\xa9nom\n"' + b"x\n" * (9 * MB),
        "Une cellule du fichier dépasse 10 000 caractères",
        id="csv-quote-never-closed",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BOMBS)
def test_every_bomb_is_refused_within_2_seconds_with_the_limit_named(director, name, content, message):
    data = content() if callable(content) else content
    assert len(data) <= 20 * MB

    response, elapsed = send(director, name, data)

    assert response.status_code == 200
    assert message in text(response)
    assert elapsed < SECONDS
    assert not AttendanceImport.objects.exists()


def test_a_normal_workbook_still_imports(director, centre_a):
    Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)
    rows = [
        inline_row(1, "Date", "Activité", "Nom", "Prénom"),
        inline_row(2, f"{DAY:%d/%m/%Y}", "Atelier couture", "Martin", "Léa"),
        inline_row(3, f"{DAY:%d/%m/%Y}", "Atelier couture", "Roux", "Ana"),
    ]

    response, _ = send(director, "presences.xlsx", workbook_with_rows(rows))
    batch = AttendanceImport.objects.get()
    assert response.status_code == 302
    jobs_testing.start(
        director,
        reverse("activities:import_preview", args=[batch.pk]),
        {
            "date": "0",
            "activity": "1",
            "last_name": "2",
            "first_name": "3",
            "create_people": "on",
            "action": "importer",
        },
    )
    jobs_testing.run_jobs()  # the import runs in the task worker

    assert Attendance.objects.filter(date=DAY).count() == 2
