"""Core's reader of uploaded tables: every limit is checked while the file is read, refused with a French
message that names it, and reading stops at the row, column, cell or zip member that goes over.

Small limits reach each check with small files; csc/activities/tests/test_imports_bombs.py sends the
real bombs to the attendance import with its real limits."""

import io
import zipfile
from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csc.core import tabular
from csc.core.cleaning import REFUSED, is_invisible
from csc.core.tabular import Limits, TableRefused, iter_rows, read_table
from csc.core.tabular.cells import clean_cell
from csc.testing import spreadsheets
from csc.testing.spreadsheets import inline_row, one_cell_rows, shared_strings, workbook, workbook_with_rows

SMALL = Limits(max_rows=10, max_columns=5, max_cell_chars=50, max_line_chars=400)


def csv_lines(lines: list[str]) -> bytes:
    return "\r\n".join(lines).encode() + b"\r\n"


# --- What is read ----------------------------------------------------------------------------------


def test_a_csv_table_is_read_with_the_numbers_of_its_lines():
    data = csv_lines(["", "Date;Nom;Prénom", "01/02/2024;Martin;Léa", "", " 02/02/2024 ; Roux ;Ana"])

    table = read_table(data)

    assert table.headers == ["Date", "Nom", "Prénom"]
    assert table.rows == [(3, ["01/02/2024", "Martin", "Léa"]), (5, ["02/02/2024", "Roux", "Ana"])]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252", "latin-1"])
def test_a_csv_table_is_read_in_every_usual_encoding(encoding):
    data = "Nom,Prénom\r\nLefèvre,Élodie\r\n".encode(encoding)

    assert read_table(data).rows == [(2, ["Lefèvre", "Élodie"])]


def test_a_csv_row_is_numbered_by_the_line_where_it_starts_in_the_file():
    # A cell between quotes may hold line breaks: the rows after it are not on the line they would be
    # if records were counted, and the error report must send the person to the right line.
    data = b'Date;Nom\n"a\nb\nc";X\n01/02/2024;Y\n'

    assert read_table(data).rows == [(2, ["a\nb\nc", "X"]), (5, ["01/02/2024", "Y"])]
    with pytest.raises(TableRefused, match="Une cellule de la ligne 5 dépasse 50 caractères"):
        read_table(b'Date;Nom\n"a\nb\nc";X\n01/02/2024;' + b"y" * 51, SMALL)


def test_refused_characters_are_dropped_from_every_cell():
    # NUL, other controls and the bidirectional overrides (csc.core.cleaning) show nothing in a
    # spreadsheet: the person who exported the file cannot remove them, so they are dropped, wherever
    # they are in the file. A cell left with nothing visible is empty.
    far = ["01/02/2024;Personne"] * 20_000
    data = csv_lines(["Date;Nom\u202e"] + far + ["0\x002/02/2024;Ro\u202eux\x1b", "\u200b\x00;\u202e"])

    table = read_table(data)

    assert table.headers == ["Date", "Nom"]
    assert table.rows[-1] == (20_002, ["02/02/2024", "Roux"])
    assert table.rows[-2][0] == 20_001 and len(table.rows) == 20_001
    sheet = workbook_with_rows([inline_row(1, "Date", "Nom\u202e"), inline_row(2, "x\x9b", "\u2067Léa")])
    assert read_table(sheet).rows == [(2, ["x", "Léa"])]


def test_a_binary_file_is_not_read_as_a_table_but_a_few_controls_are_no_binary():
    with pytest.raises(TableRefused, match="ni un tableau CSV ni un classeur Excel"):
        read_table(b"Date;Nom\n" + bytes(range(256)) * 4)

    assert read_table(b"Date;Nom\n\x00\x00L\x00\xc3\xa9a;Roux\n").rows == [(2, ["Léa", "Roux"])]


def test_an_xlsx_table_is_read_with_dates_times_and_the_numbers_of_its_rows():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Jour", "Nom", "Début", "Présent", None, None])
    sheet.append([datetime(2024, 3, 14), "Martin", time(9, 30), 1])
    sheet.append([None, None])
    sheet.append([date(2024, 3, 21), "Roux", None, True])
    buffer = io.BytesIO()
    book.save(buffer)

    table = read_table(buffer.getvalue())

    assert table.headers == ["Jour", "Nom", "Début", "Présent"]
    assert table.rows == [(2, ["14/03/2024", "Martin", "09:30", "1"]), (4, ["21/03/2024", "Roux", "", "oui"])]


def test_rows_of_a_sheet_keep_their_numbers_and_cells_their_columns():
    rows = [inline_row(1, "Date", "Nom"), b'<row r="7"><c r="C7" t="inlineStr"><is><t>x</t></is></c></row>']

    table = read_table(workbook_with_rows(rows))

    assert table.rows == [(7, ["", "", "x"])]


# --- Rows ------------------------------------------------------------------------------------------


def test_a_csv_over_the_row_limit_is_refused_at_the_first_row_over_it():
    data = csv_lines(["Date;Nom"] + [f"01/02/2024;Personne {n}" for n in range(1, 1001)])
    read = []

    with pytest.raises(TableRefused, match="Le fichier dépasse 10 lignes, sans compter la ligne des titres"):
        for row in iter_rows(data, SMALL):
            read.append(row)

    assert len(read) == 11, "the header and the 10 rows allowed, never the 990 after them"


def test_blank_lines_count_towards_the_row_limit():
    exactly = csv_lines(["Date;Nom"] + ["01/02/2024;Léa"] * 5 + [";"] * 5)
    assert len(read_table(exactly, SMALL).rows) == 5

    with pytest.raises(TableRefused, match="les lignes vides comptent aussi"):
        read_table(csv_lines(["Date;Nom", "01/02/2024;Léa"] + [""] * 100), SMALL)
    with pytest.raises(TableRefused, match="dépasse 10 lignes"):
        read_table(b"\n" * 1000 + b"Date;Nom\n", SMALL)


def test_a_sheet_over_the_row_limit_is_refused_while_it_is_read():
    data = workbook_with_rows(one_cell_rows(1000))
    read = []

    with pytest.raises(TableRefused, match="dépasse 10 lignes"):
        for row in iter_rows(data, SMALL):
            read.append(row)

    assert len(read) == 11


@pytest.mark.parametrize(
    "rows",
    [
        # Empty rows count as in the sheet: a formatted blank row is still a row to read.
        pytest.param([inline_row(1, "Date", "Nom")] + [b"<row><c/></row>"] * 100, id="blank rows"),
        # The sheet jumps to row 3 000 000: refused at that row, never filled with empty rows up to it.
        pytest.param([inline_row(1, "Date", "Nom"), inline_row(3_000_000, "x")], id="row number jump"),
        # Every row numbered 1: the rows read count too.
        pytest.param([inline_row(1, "Date", "Nom")] + [inline_row(1, "x")] * 100, id="same number"),
    ],
)
def test_a_sheet_cannot_escape_the_row_limit(rows):
    with pytest.raises(TableRefused, match="dépasse 10 lignes"):
        read_table(workbook_with_rows(rows), SMALL)


def test_exactly_the_row_limit_is_read():
    rows = [inline_row(n, "Date" if n == 1 else str(n)) for n in range(1, 12)]

    assert len(read_table(workbook_with_rows(rows), SMALL).rows) == 10


# --- Columns and cells -----------------------------------------------------------------------------


def test_a_value_beyond_the_column_limit_is_refused_and_empty_columns_beyond_it_are_ignored():
    table = read_table(csv_lines(["a;b;c;d;e;;;;;;", "1;2;3;4;5;;;;"]), SMALL)
    assert table.rows == [(2, ["1", "2", "3", "4", "5"])]

    with pytest.raises(TableRefused, match="Le fichier dépasse 5 colonnes \\(ligne 2\\)"):
        read_table(csv_lines(["a;b;c", "1;2;3;4;5;6"]), SMALL)
    with pytest.raises(TableRefused, match="dépasse 5 colonnes \\(ligne 2\\)"):
        read_table(workbook_with_rows([inline_row(1, "a", "b"), inline_row(2, *"123456")]), SMALL)


def test_a_row_of_more_cells_than_excel_allows_is_refused():
    cells = b'<c t="inlineStr"><is><t></t></is></c>' * (tabular.EXCEL_MAX_COLUMNS + 1)

    with pytest.raises(TableRefused, match="colonnes"):
        read_table(workbook_with_rows([inline_row(1, "a", "b"), b"<row>" + cells + b"</row>"]), SMALL)


def test_a_cell_over_the_size_limit_is_refused():
    with pytest.raises(TableRefused, match="Une cellule de la ligne 2 dépasse 50 caractères"):
        read_table(csv_lines(["a;b", "1;" + "x" * 51]), SMALL)
    with pytest.raises(TableRefused, match="Une cellule de la ligne 2 dépasse 50 caractères"):
        read_table(workbook_with_rows([inline_row(1, "a", "b"), inline_row(2, "x" * 51)]), SMALL)
    # A quote never closed makes the rest of the file one cell: refused, not read to the end.
    with pytest.raises(TableRefused, match="un guillemet mal fermé"):
        read_table(b'a;b\n"' + b"x\n" * 100_000, Limits())


def test_a_csv_line_over_the_size_limit_is_refused_before_being_split_into_cells():
    with pytest.raises(TableRefused, match="La ligne 2 du fichier dépasse 400 caractères"):
        read_table(b"a;b\n" + b";" * 10_000_000, SMALL)


# --- XLSX: elements that are no table ---------------------------------------------------------------


NOISE = Limits(max_other_elements=1000)


@pytest.mark.parametrize(
    "rows",
    [
        # The review's sheet: no row at all, only elements a spreadsheet never writes.
        pytest.param([b"<a/>x" * 5000], id="no rows"),
        # Rows of empty cells far past the columns allowed: 16 384 per row is Excel's width, not a bomb.
        pytest.param([b"<row>" + b"<c/>" * 16_384 + b"</row>"] * 3, id="empty cells"),
        pytest.param(
            [inline_row(1, "Date", "Nom"), b"<row>" + b"<b/>" * 5000 + b"</row>"], id="inside a row"
        ),
    ],
)
def test_a_sheet_of_elements_that_are_no_cells_is_refused_at_the_limit(rows):
    with pytest.raises(TableRefused, match="plus de 1 000 éléments qui ne sont pas des cellules de tableau"):
        read_table(workbook_with_rows(rows, compresslevel=0), NOISE)


def test_what_a_spreadsheet_writes_around_its_cells_is_read():
    rows = [
        b'<row r="1" spans="1:2" ht="15"><c r="A1" t="inlineStr"><is><r><rPr><b/><sz val="11"/></rPr>'
        b'<t>Da</t></r><r><t>te</t></r><rPh><t>phonetic</t></rPh></is></c><c r="B1" s="0" t="inlineStr">'
        b"<is><t>Nom</t></is></c></row>",
        b'<row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2" t="s"><v>1</v></c></row>',
    ]
    assert read_table(workbook_with_rows(rows), NOISE).rows == [(2, ["2", "Nom"])]


def test_the_parts_read_to_open_a_workbook_count_their_elements_too():
    styles = [b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    styles += [b"<a/>x" * 5000, b"</styleSheet>"]

    with pytest.raises(TableRefused, match="qui ne sont pas des cellules de tableau"):
        read_table(workbook({"xl/styles.xml": styles}), NOISE)


def test_a_sheet_nested_deeper_than_any_spreadsheet_writes_is_refused():
    with pytest.raises(TableRefused, match="imbrique ses éléments bien plus profondément"):
        read_table(workbook_with_rows([b"<a>" * 1000]))


def test_reading_a_sheet_without_rows_keeps_memory_flat():
    import tracemalloc

    # Kept, even emptied, as the tree of a parser keeps them, 300 000 elements weigh tens of megabytes
    # (the review's sheet of 10 million, a gigabyte); read and let go, nothing.
    data = workbook_with_rows([b"<a/>" * 300_000])
    tracemalloc.start()
    try:
        read_table(data, Limits(max_other_elements=10_000_000, max_ratio=10_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 5 * 1024 * 1024


# --- XLSX: the shared strings ------------------------------------------------------------------------


def test_shared_strings_are_found_through_the_manifest_whatever_their_name():
    # The test workbook's header row is two shared strings; the manifest may name their part anything.
    assert read_table(workbook({})).headers == ["Date", "Nom"]
    assert read_table(workbook({}, strings="xl/strings.bin")).headers == ["Date", "Nom"]


def test_shared_strings_over_their_limit_are_refused_whatever_their_part_is_named():
    strings = shared_strings(b"<si><t>a</t></si>" * 200_000)

    with pytest.raises(TableRefused, match="le texte des cellules pèserait 3,2 Mo, le maximum est 1 Mo"):
        read_table(
            workbook({"xl/strings.bin": strings}, strings="xl/strings.bin"),
            # Not the ratio: a member named .bin is checked for it like any other.
            Limits(max_strings_bytes=1024 * 1024, max_ratio=10_000),
        )


def test_a_shared_string_longer_than_a_cell_is_refused_while_it_is_read():
    strings = shared_strings(b"<si><t>Date</t></si><si><t>", b"x" * 10_000, b"</t></si>")

    with pytest.raises(TableRefused, match="Un texte du classeur dépasse 50 caractères"):
        read_table(workbook({spreadsheets.STRINGS: strings}), SMALL)


def test_elements_that_are_no_strings_are_refused_at_the_limit():
    with pytest.raises(TableRefused, match="qui ne sont pas des cellules de tableau"):
        read_table(workbook({spreadsheets.STRINGS: shared_strings(b"<a/>" * 5000)}), NOISE)


# --- XLSX: the zip before the sheet ----------------------------------------------------------------


def test_a_member_declaring_more_than_its_limit_once_unzipped_is_refused_without_inflating_it():
    strings = shared_strings(b"<si><t>a</t></si>" * 200_000)

    with pytest.raises(TableRefused, match="le texte des cellules pèserait 3,2 Mo, le maximum est 1 Mo"):
        read_table(workbook({spreadsheets.STRINGS: strings}), Limits(max_strings_bytes=1024 * 1024))


def test_a_sheet_larger_than_its_limit_once_unzipped_is_refused():
    data = workbook_with_rows(one_cell_rows(100_000), compresslevel=1)

    with pytest.raises(TableRefused, match="une feuille pèserait .* Mo, le maximum est 2 Mo"):
        read_table(data, Limits(max_sheet_bytes=2 * 1024 * 1024, max_ratio=10_000))


def test_a_member_compressed_like_a_bomb_is_refused():
    zeros = [b"<x>", b" " * (5 * 1024 * 1024), b"</x>"]

    with pytest.raises(TableRefused, match="anormalement compressé \\(plus de 100 fois\\)"):
        read_table(workbook({"xl/worksheets/sheet1.xml": zeros}))


def test_a_zip_of_too_many_members_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook({}))) as base, zipfile.ZipFile(buffer, "w") as out:
        for member in base.infolist():
            out.writestr(member.filename, base.read(member.filename))
        for n in range(20):
            out.writestr(f"xl/media/image{n}.png", b"")

    with pytest.raises(TableRefused, match="plus de 10 éléments"):
        read_table(buffer.getvalue(), Limits(max_members=10))


def test_a_workbook_with_a_dtd_is_refused_before_any_entity_is_expanded():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )

    with pytest.raises(TableRefused, match="déclarations qu'un tableur n'écrit pas"):
        read_table(workbook({spreadsheets.SHEET: [laughs]}))


def test_pictures_and_loose_vml_do_not_make_a_workbook_unreadable():
    parts = {
        spreadsheets.SHEET: spreadsheets.sheet([inline_row(1, "Date", "Nom"), inline_row(2, "x", "y")]),
        "xl/media/image1.png": [b"\x89PNG\r\n\x1a\n" + bytes(2000)],
        "xl/drawings/vmlDrawing1.vml": [b"<xml><o:shapelayout><br></xml>"],
    }

    assert read_table(workbook(parts)).rows == [(2, ["x", "y"])]


def test_a_broken_workbook_gets_a_french_message():
    data = workbook_with_rows([b'<row r="abc"><c><v>1</v></c></row>'])

    with pytest.raises(TableRefused, match="abîmé ou protégé par un mot de passe"):
        read_table(data)


# --- The clock ------------------------------------------------------------------------------------


def test_reading_stops_when_it_takes_longer_than_allowed():
    data = csv_lines(["Date;Nom"] + ["01/02/2024;Léa"] * 5000)

    with pytest.raises(TableRefused, match="Ce fichier est trop long à lire \\(plus de 0 secondes\\)"):
        read_table(data, Limits(max_seconds=0))


def test_the_clock_runs_from_the_opening_of_a_workbook():
    # Its manifest, its workbook, its styles and its shared strings are read under the clock too: the
    # first row is never reached here.
    with pytest.raises(TableRefused, match="Ce fichier est trop long à lire"):
        read_table(workbook({}), Limits(max_seconds=0))


# --- The cleaning's fast path ------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.text(alphabet=" \t~AZaz09\x00\x1f\x7f")
)
def test_a_plain_cell_skips_the_regexes_and_ends_as_the_cleaning_makes_it(text):
    """clean_cell's shortcut for printable ASCII must give what the two regexes give, for any text."""
    kept = REFUSED.sub("", text).strip()
    assert clean_cell(text) == ("" if is_invisible(kept) else kept)
