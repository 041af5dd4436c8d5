"""Reading a table someone uploads (CSV or XLSX) with its limits checked while it is read.

Every upload of a spreadsheet goes through here, so that one place decides how much a file may hold and
how long reading it may take. A file is bounded before its content is parsed, then while it is parsed:

- the file as sent: `max_bytes` (20 Mo), its type recognised by its first bytes, never its name;
- XLSX, a zip: before openpyxl opens anything, the zip's directory is inspected. The number of members,
  each member's declared size once unzipped (the worksheets, the shared strings, the styles, the rest),
  their total, and the compression ratio of every large member. Python's zipfile never inflates a member
  beyond its declared size (it stops there and the CRC check fails), so these declared sizes bound what
  reading can unpack: a 400 Ko « zip bomb » declaring gigabytes is refused from its directory, without
  inflating a byte. A DTD (what entity bombs are made of) is refused from each part's prolog. The first
  sheet is then streamed element by element (`iterparse`), and reading stops at the first row, column
  or cell over the limits: rows past the limit are never parsed, and openpyxl's filling of missing rows
  and columns (millions of empty rows for a sheet whose last row is numbered 3 000 000) is never used;
- CSV: decoded and split line by line; a line too long is refused before the csv module splits it into
  cells, and rows, columns and cells are checked on each record. Decoding yields at most one character per
  byte, so the decoded text is bounded by `max_bytes` too;
- rows count as a spreadsheet numbers them, blank lines included: a sheet of 3 million empty rows is as
  long to read as one of 3 million names, and is refused at the same line;
- and a clock, last: reading stops after `max_seconds` whatever the file, so that no shape of file this
  module did not foresee can hold a server process past its timeout.

Each refusal is a `TableRefused` whose message is French, names the limit and says what to do; the form
that received the file shows it next to its field, and nothing is saved.

The attendance import (csc.activities.imports), today the only upload of a table, reads files of up to
100,000 rows in the request: with these limits the bombs of the security review are refused in well under
a second, and the largest file accepted is read in a few seconds.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import time as clock
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

MB = 1024 * 1024
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    """How much an uploaded table may hold. The defaults suit the attendance import; a caller with
    smaller needs passes smaller limits (tests pass tiny ones to reach each check quickly)."""

    max_bytes: int = 20 * MB
    # Lines after the header line, counted as the spreadsheet numbers them (blank lines included).
    max_rows: int = 100_000
    max_columns: int = 60
    max_cell_chars: int = 10_000
    # CSV: a physical line; checked before the line is split into cells.
    max_line_chars: int = 200_000
    # XLSX, declared sizes once unzipped. A worksheet of 100,000 rows and a dozen columns is about
    # 40 Mo of XML; shared strings and styles are loaded whole by openpyxl, so they are bounded tighter.
    max_sheet_bytes: int = 100 * MB
    max_strings_bytes: int = 30 * MB
    max_styles_bytes: int = 5 * MB
    # Any other XML part (openpyxl parses the workbook, its relations, theme and properties whole).
    max_part_bytes: int = 5 * MB
    max_unzipped_bytes: int = 150 * MB
    max_members: int = 500
    # A real worksheet compresses 5 to 20 times; a bomb, hundreds to a thousand times.
    max_ratio: int = 100
    ratio_checked_above: int = 1 * MB
    # Last resort, below gunicorn's 30 s timeout.
    max_seconds: float = 20.0


DEFAULT_LIMITS = Limits()


class TableRefused(Exception):
    """A file that is not a table this module reads, or that goes over a limit; the message is French,
    names the limit and says what to do."""


@dataclass
class Table:
    """The file as rows of text cells, with the number each row has in the original file (its line in
    the CSV, its row in the sheet). `headers` is the first row that is not blank."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]


def number(value: int) -> str:
    """100000 → « 100 000 », as a French reader writes it."""
    return f"{value:,}".replace(",", " ")


def megabytes(size: int) -> str:
    return f"{size / MB:.0f}" if size >= 10 * MB or size % MB == 0 else f"{size / MB:.1f}".replace(".", ",")


# --- What the file is ------------------------------------------------------------------------------

NOT_A_TABLE = (
    "Ce fichier n'est ni un tableau CSV ni un classeur Excel (.xlsx). Dans votre tableur, choisissez "
    "« Enregistrer sous » puis le format CSV ou Excel (.xlsx)."
)
SPLIT_IT = "Découpez-le en plusieurs fichiers, par année par exemple."


def _not_a_table() -> TableRefused:
    return TableRefused(_(NOT_A_TABLE))


def too_big(size: int, limits: Limits = DEFAULT_LIMITS) -> str:
    """The message for a file heavier than `limits.max_bytes`."""
    return _("Ce fichier pèse %(size)s Mo : le maximum est %(limit)s Mo. %(split)s") % {
        "size": f"{size / MB:.1f}".replace(".", ","),
        "limit": megabytes(limits.max_bytes),
        "split": _(SPLIT_IT),
    }


def read_table(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Table:
    """The table of an uploaded file, recognised by its content: XLSX or CSV (UTF-8, Windows-1252 or
    Latin-1; `;`, `,` or tab). Raises TableRefused (French) for anything else or over the limits.

    Blank rows are left out (their numbers still count towards `max_rows`); the header row's trailing
    blank cells are dropped.
    """
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for line, cells in iter_rows(data, limits):
        if headers is None:
            headers = cells
            while headers and not headers[-1]:
                headers.pop()
        else:
            rows.append((line, cells))
    return Table(headers=headers or [], rows=rows)


def iter_rows(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[int, list[str]]]:
    """The rows of an uploaded table that are not blank, with their number, read lazily: a refusal
    comes at the first row over a limit, never after the whole file."""
    if len(data) > limits.max_bytes:
        raise TableRefused(too_big(len(data), limits))
    if not data.strip():
        return iter(())
    if data.startswith(b"%PDF-"):
        raise TableRefused(
            _(
                "Ce fichier est un PDF : il ne peut pas être lu comme un tableau. Envoyez le tableur "
                "d'origine, enregistré en CSV ou en Excel (.xlsx)."
            )
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableRefused(
            _(
                "Ce fichier est au format Excel ancien (.xls). Ouvrez-le dans votre tableur et "
                "enregistrez-le en Excel (.xlsx) ou en CSV."
            )
        )
    deadline = _Deadline(limits.max_seconds)
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data, limits, deadline)
    return _csv_rows(data, limits, deadline)


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = clock.monotonic() + seconds

    def check(self) -> None:
        if clock.monotonic() > self.ends:
            raise TableRefused(
                _(
                    "Ce fichier est trop long à lire (plus de %(seconds)s secondes) : il a sans doute "
                    "beaucoup plus de lignes ou de colonnes qu'il n'y paraît. %(split)s"
                )
                % {"seconds": f"{self.seconds:.0f}", "split": _(SPLIT_IT)}
            )


def _too_many_rows(limits: Limits) -> TableRefused:
    return TableRefused(
        _(
            "Le fichier dépasse %(rows)s lignes, sans compter la ligne des titres (les lignes vides "
            "comptent aussi : supprimez celles qui suivent le tableau). %(split)s"
        )
        % {"rows": number(limits.max_rows), "split": _(SPLIT_IT)}
    )


def _too_many_columns(limits: Limits, line: int) -> TableRefused:
    return TableRefused(
        _(
            "Le fichier dépasse %(columns)s colonnes (ligne %(line)s) : gardez seulement les colonnes "
            "utiles à l'import, puis enregistrez-le à nouveau."
        )
        % {"columns": number(limits.max_columns), "line": number(line)}
    )


def _cell_too_long(limits: Limits, line: int) -> TableRefused:
    return TableRefused(
        _(
            "Une cellule de la ligne %(line)s dépasse %(chars)s caractères : ce n'est pas une cellule "
            "de tableau ordinaire. Vérifiez cette ligne, puis enregistrez le fichier à nouveau."
        )
        % {"line": number(line), "chars": number(limits.max_cell_chars)}
    )


# --- XLSX ------------------------------------------------------------------------------------------


SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW_TAG = SHEET_NS + "row"
CELL_TAG = SHEET_NS + "c"


def _unzipped_too_big(what: str, size: int, limit: int) -> TableRefused:
    return TableRefused(
        _(
            "Ce classeur est trop volumineux : une fois décompressé, %(what)s pèserait %(size)s Mo, "
            "le maximum est %(limit)s Mo. %(split)s"
        )
        % {"what": what, "size": megabytes(size), "limit": megabytes(limit), "split": _(SPLIT_IT)}
    )


def check_archive(archive: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a workbook from its zip directory alone: too many members, a member or the whole larger
    than the limits once unzipped, or compressed like a bomb. Nothing is inflated here."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise TableRefused(
            _(
                "Ce classeur contient plus de %(members)s éléments : ce n'est pas un classeur ordinaire. "
                "Enregistrez-le à nouveau depuis votre tableur, ou en CSV."
            )
            % {"members": number(limits.max_members)}
        )
    total = 0
    for member in members:
        name, size = member.filename, member.file_size
        total += size
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            limit, what = limits.max_sheet_bytes, _("une feuille")
        elif name == "xl/sharedStrings.xml":
            limit, what = limits.max_strings_bytes, _("le texte des cellules")
        elif name == "xl/styles.xml":
            limit, what = limits.max_styles_bytes, _("la mise en forme")
        elif name.endswith((".xml", ".rels")):
            limit, what = limits.max_part_bytes, _("un de ses éléments")
        else:
            # Pictures and the like are never unpacked to read the table: only the total bounds them.
            limit, what = limits.max_unzipped_bytes, _("un de ses éléments")
        if size > limit:
            raise _unzipped_too_big(what, size, limit)
        if size > limits.ratio_checked_above and size > limits.max_ratio * max(member.compress_size, 1):
            raise TableRefused(
                _(
                    "Ce classeur est anormalement compressé (plus de %(ratio)s fois) : il ne peut pas "
                    "être lu sans risque. Enregistrez-le à nouveau depuis votre tableur, ou en CSV."
                )
                % {"ratio": number(limits.max_ratio)}
            )
    if total > limits.max_unzipped_bytes:
        raise _unzipped_too_big(_("le classeur"), total, limits.max_unzipped_bytes)


def _xlsx_rows(data: bytes, limits: Limits, deadline: _Deadline) -> Iterator[tuple[int, list[str]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _not_a_table() from None
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise TableRefused(
                _("Ce fichier est un classeur LibreOffice (.ods). Enregistrez-le en Excel (.xlsx) ou en CSV.")
            )
        raise _not_a_table()
    check_archive(archive, limits)
    refuse_declarations(archive)
    return _sheet_rows(data, limits, deadline)


class _RootReached(Exception):
    pass


class _Declaration(Exception):
    pass


def refuse_declarations(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose XML declares a DTD. A spreadsheet never needs one, and a DTD is what
    « billion laughs » entity bombs are made of; Python's XML parsers (used by openpyxl here, since
    defusedxml is not installed) would expand them. Only the prolog of each part is parsed: expat stops
    at the root element, before which any DTD must come.

    Every member is looked at, whatever its name: openpyxl finds the workbook, its sheets and its shared
    strings through the package's relations, which may name any member. A member expat cannot read
    (a picture, Excel's loose VML) is no XML: openpyxl never parses it, or fails on it as expat did."""
    from xml.parsers import expat

    def doctype(*args):
        raise _Declaration

    def root(*args):
        raise _RootReached

    for member in archive.infolist():
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = doctype
        parser.EntityDeclHandler = doctype
        parser.StartElementHandler = root
        try:
            with archive.open(member) as part:
                while chunk := part.read(64 * 1024):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except (_RootReached, expat.ExpatError):
            continue
        except _Declaration:
            raise TableRefused(
                _(
                    "Ce classeur contient des déclarations qu'un tableur n'écrit pas : il ne peut pas être "
                    "lu sans risque. Enregistrez-le à nouveau depuis votre tableur, ou en CSV."
                )
            ) from None
        except Exception:  # noqa: BLE001 — expat.ExpatError, zipfile.BadZipFile, a bad CRC…
            raise TableRefused(_(BROKEN_WORKBOOK)) from None


BROKEN_WORKBOOK = (
    "Ce classeur Excel est abîmé ou protégé par un mot de passe : il ne peut pas être lu. "
    "Enregistrez-le à nouveau, sans mot de passe, ou en CSV."
)


def _sheet_rows(data: bytes, limits: Limits, deadline: _Deadline) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows, parsed one XML element at a time.

    openpyxl gives the workbook: its shared strings, its date styles, where its first sheet is. The loop
    over the sheet's elements is ours, so that a limit stops it at the element that goes over, never
    after a row or a sheet was built whole; it converts each cell itself (`_CellReader`), leaner than
    openpyxl's parser, so that the largest file allowed is read in a few seconds.
    """
    from xml.etree.ElementTree import iterparse

    try:
        archive, path, cells = _open_workbook(data)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds of errors for a broken workbook
        raise TableRefused(_(BROKEN_WORKBOOK)) from None
    try:
        try:
            member = archive.getinfo(path)
        except KeyError:
            raise TableRefused(_(BROKEN_WORKBOOK)) from None
        # The relations may place the sheet anywhere in the zip: its own bound, whatever its name.
        if member.file_size > limits.max_sheet_bytes:
            raise _unzipped_too_big(_("une feuille"), member.file_size, limits.max_sheet_bytes)
        with archive.open(member) as source:
            # No DTD here (refuse_declarations): only the five predefined entities, nothing to expand.
            yield from _walk_sheet(iterparse(source), cells, limits, deadline)  # noqa: S314
    except TableRefused:
        raise
    except Exception:  # noqa: BLE001 — as above, for a cell, a row number or XML that cannot be read
        raise TableRefused(_(BROKEN_WORKBOOK)) from None
    finally:
        archive.close()


def _open_workbook(data: bytes):
    """The zip, the path of the first worksheet and a reader of its cells, through openpyxl's reader
    without `load_workbook`: in read-only mode, that one parses every sheet whole to find its size when
    the sheet does not give it (openpyxl's `_get_size`), before the first row could be checked."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    workbook = reader.wb
    for _sheet, relation in reader.parser.find_sheets():
        if relation.target in reader.valid_files and "chartsheet" not in relation.Type:
            cells = _CellReader(
                reader.shared_strings, workbook.epoch, workbook._date_formats, workbook._timedelta_formats
            )
            return reader.archive, relation.target, cells
    raise ValueError("no worksheet")


VALUE_TAG = SHEET_NS + "v"
INLINE_TAG = SHEET_NS + "is"
TEXT_TAG = SHEET_NS + "t"
RUN_TAG = SHEET_NS + "r"


class _CellReader:
    """A cell element as its value, as openpyxl reads it in data-only mode: shared and inline strings,
    numbers, dates (a number whose style is a date format), booleans, cached results of formulas."""

    def __init__(self, shared_strings, epoch, date_formats, timedelta_formats):
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.shared_strings = shared_strings
        self.epoch = epoch
        self.date_formats = date_formats
        self.timedelta_formats = timedelta_formats
        self.from_excel = from_excel
        self.from_iso = from_ISO8601

    def value(self, element):
        kind = element.get("t", "n")
        if kind == "inlineStr":
            inline = element.find(INLINE_TAG)
            return _inline_text(inline) if inline is not None else None
        value = element.findtext(VALUE_TAG)
        if not value:
            return None
        if kind == "s":
            return self.shared_strings[int(value)]
        if kind == "n":
            number = float(value) if "." in value or "e" in value or "E" in value else int(value)
            style = element.get("s")
            if style and int(style) in self.date_formats:
                try:
                    return self.from_excel(number, self.epoch, timedelta=int(style) in self.timedelta_formats)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return self.from_iso(value)
        return value  # « str » (a formula's text) and « e » (an error such as #N/A)


def _inline_text(inline) -> str:
    """An inline string's text: its plain text and its formatted runs, without phonetic hints."""
    parts = []
    for child in inline:
        if child.tag == TEXT_TAG:
            parts.append(child.text or "")
        elif child.tag == RUN_TAG:
            parts.append(child.findtext(TEXT_TAG) or "")
    return "".join(parts)


def _column(coordinate: str) -> int:
    """« AB12 » → 28."""
    column = 0
    for letter in coordinate:
        if "A" <= letter <= "Z":
            column = column * 26 + ord(letter) - 64
        else:
            break
    return column


def _line_of(coordinate: str | None, previous_line: int) -> int:
    """The row of a cell for a message: from its coordinate (« B12 » → 12), else the row after the last
    one read."""
    digits = (coordinate or "").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return int(digits) if digits.isdigit() else previous_line + 1


def _walk_sheet(
    events, cells: _CellReader, limits: Limits, deadline: _Deadline
) -> Iterator[tuple[int, list[str]]]:
    """Only end events: a cell is converted when its element is complete, a row is checked and given
    when its element is. Rows are counted both by the number the sheet gives them and as they come (a
    sheet that numbers every row « 1 » must not escape the limit either); the cells of one row are
    bounded by Excel's maximum, counted as they come too."""
    last_line = limits.max_rows + 1
    line = rows_read = cells_in_row = column = 0
    row: list[str] = []
    for _event, element in events:
        tag = element.tag
        if tag == CELL_TAG:
            cells_in_row += 1
            if cells_in_row == 1:
                rows_read += 1
                if rows_read > last_line:
                    raise _too_many_rows(limits)
            coordinate = element.get("r")
            if cells_in_row > EXCEL_MAX_COLUMNS:
                raise _too_many_columns(limits, _line_of(coordinate, line))
            column = _column(coordinate) if coordinate else column + 1
            text = cell_text(cells.value(element))
            element.clear()
            if not text:
                continue
            if column > limits.max_columns:
                raise _too_many_columns(limits, _line_of(coordinate, line))
            if len(text) > limits.max_cell_chars:
                raise _cell_too_long(limits, _line_of(coordinate, line))
            if len(row) < column:
                row.extend([""] * (column - len(row)))
            row[column - 1] = text
        elif tag == ROW_TAG:
            number = element.get("r")
            line = int(number) if number else line + 1
            if not cells_in_row:
                rows_read += 1
            if line > last_line or rows_read > last_line:
                raise _too_many_rows(limits)
            if rows_read % 1000 == 0:
                deadline.check()
            if any(row):
                yield line, row
            row, cells_in_row, column = [], 0, 0
            # Emptied, a row read weighs a few dozen bytes: the row limit bounds what stays.
            element.clear()
        elif tag in (VALUE_TAG, INLINE_TAG, TEXT_TAG, RUN_TAG):
            continue  # part of the cell being read
        else:
            element.clear()


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person would type: dates dd/mm/yyyy, times HH:MM."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.date() in (date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1)):
            return f"{value:%H:%M}"
        if value.time() == time(0):
            return f"{value:%d/%m/%Y}"
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- CSV -------------------------------------------------------------------------------------------

# Control characters no spreadsheet writes in a CSV: a binary file read as text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
CONTROL_CHECKED_CHARS = 200_000


def _encoding(data: bytes) -> str:
    """UTF-8 when the whole file decodes as such, else Windows-1252, else Latin-1 (which decodes any
    byte: the control-character check catches what is not text). Checked chunk by chunk, without
    building the decoded text."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), MB):
                decoder.decode(data[start : start + MB])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def _csv_rows(data: bytes, limits: Limits, deadline: _Deadline) -> Iterator[tuple[int, list[str]]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding=_encoding(data), newline="")
    lines = _checked_lines(text, limits, deadline)
    # The delimiter is the one the first line that is not blank uses most; the blank lines above it
    # are kept, so that rows keep the number they have in the file.
    blank: list[str] = []
    for line in lines:
        if line.strip():
            delimiter = max((";", ",", "\t"), key=line.count)
            return _csv_records(itertools.chain(blank, [line], lines), delimiter, limits)
        blank.append(line)
        if len(blank) > limits.max_rows + 1:
            raise _too_many_rows(limits)
    return iter(())


def _checked_lines(text: io.TextIOWrapper, limits: Limits, deadline: _Deadline) -> Iterator[str]:
    """The physical lines of the file, each refused before it reaches the csv module if it is longer
    than a line of the largest table allowed."""
    checked = 0
    number_read = 0
    # readline(limit) never builds a line longer than the limit, whatever the file holds.
    while line := text.readline(limits.max_line_chars + 1):
        number_read += 1
        if len(line) > limits.max_line_chars:
            raise TableRefused(
                _(
                    "La ligne %(line)s du fichier dépasse %(chars)s caractères : ce n'est pas une ligne "
                    "de tableau ordinaire. Vérifiez le fichier, ou enregistrez-le en Excel (.xlsx)."
                )
                % {"line": number(number_read), "chars": number(limits.max_line_chars)}
            )
        if checked < CONTROL_CHECKED_CHARS:
            if _CONTROL.search(line):
                raise _not_a_table()
            checked += len(line)
        if number_read % 1000 == 0:
            deadline.check()
        yield line


def _csv_records(lines: Iterator[str], delimiter: str, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    last_line = limits.max_rows + 1
    records = csv.reader(lines, delimiter=delimiter)
    try:
        for line, record in enumerate(records, start=1):
            # A leading blank line was skipped to find the delimiter: it still counts, as in the sheet.
            if line > last_line:
                raise _too_many_rows(limits)
            cells = [cell.strip() for cell in record]
            if len(cells) > limits.max_columns:
                if any(cells[limits.max_columns :]):
                    raise _too_many_columns(limits, line)
                del cells[limits.max_columns :]
            if any(len(cell) > limits.max_cell_chars for cell in cells):
                raise _cell_too_long(limits, line)
            if any(cells):
                yield line, cells
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise TableRefused(
                _(
                    "Une cellule du fichier dépasse %(chars)s caractères : ce n'est pas une cellule de "
                    "tableau ordinaire (un guillemet mal fermé, peut-être). Vérifiez le fichier."
                )
                % {"chars": number(limits.max_cell_chars)}
            ) from None
        raise _not_a_table() from None
