"""Reading a table someone uploads (CSV or XLSX) with its limits checked while it is read.

Every upload of a spreadsheet goes through here, so that one place decides how much a file may hold and
how long reading it may take. A file is bounded before its content is parsed, then while it is parsed:

- the file as sent: `max_bytes` (20 Mo), its type recognised by its first bytes, never its name;
- XLSX, a zip: before any part is parsed, the zip's directory is inspected. The number of members,
  each member's declared size once unzipped (the worksheets, the shared strings, the styles, the rest),
  their total, and the compression ratio of every large member. Python's zipfile never inflates a member
  beyond its declared size (it stops there and the CRC check fails), so these declared sizes bound what
  reading can unpack: a 400 Ko « zip bomb » declaring gigabytes is refused from its directory, without
  inflating a byte. A DTD (what entity bombs are made of) is refused from each part's prolog. Then every
  part read — the manifest, the workbook and its relations, the styles, the shared strings (found
  through the manifest, and bounded as such whatever their name), the first sheet — is streamed through
  expat, one element at a time, without building a tree: every element is counted and the clock read
  every few thousand, nesting is bounded, each shared string is bounded like a cell, and the elements of
  a sheet or of its strings that are no part of a table (formatting, links, cells past the columns
  allowed, or anything a spreadsheet never writes) are bounded by `max_other_elements`, so that a sheet
  of millions of them is refused in about a second. Reading stops at the first row, column or cell over
  the limits: rows past the limit are never parsed, and no row is made up for the numbers a sheet skips
  (openpyxl would fill millions of empty rows for a sheet whose last row is numbered 3 000 000);
- CSV: decoded and split line by line; a line too long is refused before the csv module splits it into
  cells, and rows, columns and cells are checked on each record, which is numbered by the line of the
  file where it starts (a cell between quotes may span lines). Decoding yields at most one character per
  byte, so the decoded text is bounded by `max_bytes` too. A file whose start is made of control
  characters is binary, not a table, and is refused;
- rows count as a spreadsheet numbers them, blank lines included: a sheet of 3 million empty rows is as
  long to read as one of 3 million names, and is refused at the same line;
- every cell, CSV or XLSX, is cleaned as the platform cleans any text (`clean_cell`, after
  csc.core.cleaning): the characters it refuses — NUL and the other control characters, the
  bidirectional overrides — are dropped from the cell, not refused, since the person who exported the
  file cannot see them to remove them; a cell that shows nothing is empty;
- and a clock, last: reading stops after `max_seconds` whatever the file, so that no shape of file this
  module did not foresee can hold a server process past its timeout.

Each refusal is a `TableRefused` whose message is French, names the limit and says what to do; the form
that received the file shows it next to its field, and nothing is saved.

The attendance import (csc.activities.imports), today the only upload of a table, reads files of up to
100,000 rows in the request: with these limits the bombs of the security review are refused within a
second or so, and the largest file accepted is read in a few seconds.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import posixpath
import re
import time as clock
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

from csc.core.cleaning import REFUSED, is_invisible

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
    # 40 Mo of XML. The shared strings are all kept in memory while the sheet is read, and nothing but
    # a few number formats is needed from the styles: both are bounded tighter.
    max_sheet_bytes: int = 100 * MB
    max_strings_bytes: int = 30 * MB
    max_styles_bytes: int = 5 * MB
    # Elements of a sheet or of its shared strings that are not rows, cells, values and texts
    # (formatting, merged cells, links, empty cells past `max_columns`…): half a million is parsed in
    # well under a second, and is far more than any real attendance sheet holds.
    max_other_elements: int = 500_000
    # Any other XML part (the workbook, its relations and manifest are streamed; the rest never read).
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
    return _sheet_rows(archive, limits, deadline)


class _RootReached(Exception):
    pass


class _Declaration(Exception):
    pass


def refuse_declarations(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose XML declares a DTD. A spreadsheet never needs one, and a DTD is what
    « billion laughs » entity bombs are made of; Python's XML parsers (expat, which `_Parts` uses;
    defusedxml is not installed) would expand them. Only the prolog of each part is parsed: expat stops
    at the root element, before which any DTD must come (`_Parts` refuses one all the same).

    Every member is looked at, whatever its name: the workbook, its sheets and its shared strings are
    found through the package's manifest and relations, which may name any member. A member expat cannot
    read (a picture, Excel's loose VML) is no XML: it is never parsed, or fails as it did here."""
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
            raise TableRefused(_(DECLARATIONS)) from None
        except Exception:  # noqa: BLE001 — expat.ExpatError, zipfile.BadZipFile, a bad CRC…
            raise TableRefused(_(BROKEN_WORKBOOK)) from None


DECLARATIONS = (
    "Ce classeur contient des déclarations qu'un tableur n'écrit pas : il ne peut pas être lu sans "
    "risque. Enregistrez-le à nouveau depuis votre tableur, ou en CSV."
)
BROKEN_WORKBOOK = (
    "Ce classeur Excel est abîmé ou protégé par un mot de passe : il ne peut pas être lu. "
    "Enregistrez-le à nouveau, sans mot de passe, ou en CSV."
)


def _sheet_rows(
    archive: zipfile.ZipFile, limits: Limits, deadline: _Deadline
) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows. Every part read to get there (the package's manifest, the workbook and its
    relations, the styles, the shared strings) and the sheet itself are streamed through expat by
    `_Parts`, under one count of elements and one clock: no part is parsed whole, and none is read
    without the clock. openpyxl is used only for its tables of number formats and its date conversion.
    """
    try:
        parts = _Parts(archive, limits, deadline)
        path, cells = parts.open_workbook()
        yield from parts.walk(path, _SheetWalker(cells, limits, parts))
    except TableRefused:
        raise
    except Exception:  # noqa: BLE001 — a missing part, a cell, a row number or XML that cannot be read
        raise TableRefused(_(BROKEN_WORKBOOK)) from None
    finally:
        archive.close()


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# expat joins a namespace and a name with this separator: « …/main}row ».
SEPARATOR = "}"
ROW_TAG = f"{MAIN_NS}}}row"
CELL_TAG = f"{MAIN_NS}}}c"
VALUE_TAG = f"{MAIN_NS}}}v"
FORMULA_TAG = f"{MAIN_NS}}}f"
INLINE_TAG = f"{MAIN_NS}}}is"
TEXT_TAG = f"{MAIN_NS}}}t"
RUN_TAG = f"{MAIN_NS}}}r"
STRING_TAG = f"{MAIN_NS}}}si"
# A sheet nests 7 deep (worksheet, sheetData, row, c, is, r, t), its extensions a few more. Each open
# element costs expat memory until it closes: a file nesting millions deep is refused at this depth.
MAX_DEPTH = 64
# The clock is read every this many elements, whatever they are: a few milliseconds of parsing.
CLOCK_EVERY = 4096


def _too_deep() -> TableRefused:
    return TableRefused(
        _(
            "Ce classeur imbrique ses éléments bien plus profondément qu'un tableur ne le fait : ce n'est "
            "pas un classeur ordinaire. Enregistrez-le à nouveau depuis votre tableur, ou en CSV."
        )
    )


def _not_ordinary(limits: Limits) -> TableRefused:
    return TableRefused(
        _(
            "Ce classeur contient plus de %(elements)s éléments qui ne sont pas des cellules de tableau : "
            "ce n'est pas un classeur ordinaire. Enregistrez-le à nouveau depuis votre tableur, ou en CSV."
        )
        % {"elements": number(limits.max_other_elements)}
    )


def _string_too_long(limits: Limits) -> TableRefused:
    return TableRefused(
        _(
            "Un texte du classeur dépasse %(chars)s caractères : ce n'est pas une cellule de tableau "
            "ordinaire. Vérifiez le classeur, puis enregistrez-le à nouveau."
        )
        % {"chars": number(limits.max_cell_chars)}
    )


class _Walker:
    """What one part's elements mean, told by expat one element at a time. `depth` is that of the
    element just opened (the root is 1); `pending` holds what the walk gives (a sheet's rows)."""

    def __init__(self):
        self.pending: list = []

    def start(self, tag: str, attrs: dict, depth: int) -> None:
        pass

    def end(self, tag: str, depth: int) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Parts:
    """Reads the parts of one workbook through expat, with one budget for all of them: every element is
    counted and the clock read every CLOCK_EVERY elements, nesting is bounded, and no element is kept
    once read (there is no tree: the walkers keep only what they need). A part's declared size was
    bounded by `check_archive`; here the parts found through the manifest and the relations get their
    own bound whatever their names."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits, deadline: _Deadline):
        self.archive = archive
        self.limits = limits
        self.deadline = deadline
        self.elements = 0
        self.others = 0

    def other(self) -> None:
        """One more element that is no part of a table (see `_SheetWalker`)."""
        self.others += 1
        if self.others > self.limits.max_other_elements:
            raise _not_ordinary(self.limits)

    def walk(self, name: str, walker: _Walker, *, all_other: bool = False) -> Iterator:
        """What `walker` gives from the part `name`, given as it comes. With `all_other`, every element
        counts towards `max_other_elements` (the parts read to open the workbook are no table)."""
        from xml.parsers import expat

        self.deadline.check()
        parser = expat.ParserCreate(namespace_separator=SEPARATOR)
        parser.buffer_text = True
        parser.ordered_attributes = False
        depth = 0
        opened, closed, other = walker.start, walker.end, self.other

        def start(tag, attrs):
            nonlocal depth
            depth += 1
            self.elements += 1
            if not self.elements % CLOCK_EVERY:
                self.deadline.check()
            if depth > MAX_DEPTH:
                raise _too_deep()
            opened(tag, attrs, depth)

        def start_other(tag, attrs):
            other()
            start(tag, attrs)

        def end(tag):
            nonlocal depth
            closed(tag, depth)
            depth -= 1

        def declaration(*args):
            raise _Declaration

        parser.StartElementHandler = start_other if all_other else start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = walker.text
        # refuse_declarations looked at every prolog already; a part read here is refused all the same.
        parser.StartDoctypeDeclHandler = declaration
        parser.EntityDeclHandler = declaration
        pending = walker.pending
        try:
            with self.archive.open(name) as source:
                while chunk := source.read(64 * 1024):
                    try:
                        parser.Parse(chunk, False)
                    finally:
                        # What was read before a refusal is given first, as it would be row by row.
                        yield from pending
                        pending.clear()
                parser.Parse(b"", True)
        except _Declaration:
            raise TableRefused(_(DECLARATIONS)) from None
        yield from pending
        pending.clear()

    def read(self, name: str, walker: _Walker, *, limit: int | None = None) -> None:
        """A part read to open the workbook, bounded by `max_part_bytes` (or `limit`) whatever its name:
        its elements are no table and count as such."""
        self.bounded(name, limit or self.limits.max_part_bytes, _("un de ses éléments"))
        for _item in self.walk(name, walker, all_other=True):
            pass

    def bounded(self, name: str, limit: int, what: str) -> None:
        """A part found through the package, bounded as its role requires whatever it is named."""
        size = self.archive.getinfo(name).file_size
        if size > limit:
            raise _unzipped_too_big(what, size, limit)

    def open_workbook(self) -> tuple[str, _CellReader]:
        """The path of the first worksheet and a reader of its cells, found as openpyxl finds them: the
        workbook and the shared strings through the manifest, the sheet through the workbook's
        relations, the date formats in `xl/styles.xml`."""
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        manifest = _Manifest()
        self.read("[Content_Types].xml", manifest)
        workbook_path = manifest.workbook()
        book = _Book()
        self.read(workbook_path, book)
        folder, name = workbook_path.rpartition("/")[::2]
        relations = _Relations(folder)
        self.read(f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels", relations)
        names = set(self.archive.namelist())
        path = None
        for relation_id in book.sheets:
            kind, target = relations.targets[relation_id]
            if target in names and "chartsheet" not in kind:
                path = target
                break
        if path is None:
            raise ValueError("no worksheet")
        # The relations may place the sheet anywhere in the zip: its own bound, whatever its name.
        self.bounded(path, self.limits.max_sheet_bytes, _("une feuille"))
        styles = _Styles()
        if "xl/styles.xml" in names:
            self.read("xl/styles.xml", styles, limit=self.limits.max_styles_bytes)
        strings = _Strings(self)
        if manifest.strings:
            self.bounded(manifest.strings, self.limits.max_strings_bytes, _("le texte des cellules"))
            for _item in self.walk(manifest.strings, strings):
                pass
        epoch = CALENDAR_MAC_1904 if book.date1904 else CALENDAR_WINDOWS_1900
        date_formats, timedelta_formats = styles.date_formats()
        return path, _CellReader(strings.strings, epoch, date_formats, timedelta_formats)


class _Manifest(_Walker):
    """[Content_Types].xml: which part is the workbook, which the shared strings."""

    def __init__(self):
        super().__init__()
        self.overrides: dict[str, str] = {}
        self.defaults: set[str] = set()

    def start(self, tag, attrs, depth):
        if depth != 2:
            return
        if tag.endswith("}Override"):
            kind, part = attrs.get("ContentType", ""), attrs.get("PartName", "").lstrip("/")
            self.overrides.setdefault(kind, part)
        elif tag.endswith("}Default"):
            self.defaults.add(attrs.get("ContentType", ""))

    @property
    def strings(self) -> str | None:
        from openpyxl.xml.constants import SHARED_STRINGS

        return self.overrides.get(SHARED_STRINGS)

    def workbook(self) -> str:
        from openpyxl.xml.constants import XLSM, XLSX, XLTM, XLTX

        for kind in (XLTM, XLTX, XLSM, XLSX):
            if kind in self.overrides:
                return self.overrides[kind]
        # Some programs give the workbook's type as the default of every .xml part.
        if self.defaults & {XLTM, XLTX, XLSM, XLSX}:
            return "xl/workbook.xml"
        raise ValueError("no workbook part")


class _Book(_Walker):
    """The workbook part: its calendar and its sheets in order (their relation ids)."""

    def __init__(self):
        super().__init__()
        self.date1904 = False
        self.sheets: list[str] = []

    def start(self, tag, attrs, depth):
        if depth == 2 and tag == f"{MAIN_NS}}}workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")
        elif depth == 3 and tag == f"{MAIN_NS}}}sheet":
            relation = attrs.get(f"{RELATIONS_NS}}}id")
            if relation:
                self.sheets.append(relation)


class _Relations(_Walker):
    """A part's relations: id → (type, path in the zip), targets resolved as openpyxl resolves them."""

    def __init__(self, folder: str):
        super().__init__()
        self.parent = folder
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, tag, attrs, depth):
        if not tag.endswith("}Relationship") or attrs.get("TargetMode") == "External":
            return
        target = attrs.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(self.parent, target))
        self.targets[attrs.get("Id", "")] = (attrs.get("Type", ""), target)


class _Styles(_Walker):
    """The styles part, for the only thing the table needs from it: which cell styles show a date, a
    time or a duration (a number whose style is a date format is a date)."""

    def __init__(self):
        super().__init__()
        self.custom: dict[int, str] = {}
        self.cell_formats: list[int] = []
        self.in_cell_xfs = False

    def start(self, tag, attrs, depth):
        if depth == 3 and tag == f"{MAIN_NS}}}numFmt":
            self.custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif depth == 2 and tag == f"{MAIN_NS}}}cellXfs":
            self.in_cell_xfs = True
        elif depth == 3 and self.in_cell_xfs and tag == f"{MAIN_NS}}}xf":
            self.cell_formats.append(int(attrs.get("numFmtId", "0")))

    def end(self, tag, depth):
        if depth == 2:
            self.in_cell_xfs = False

    def date_formats(self) -> tuple[set[int], set[int]]:
        from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

        dates, durations = set(), set()
        kinds: dict[int, tuple[bool, bool]] = {}
        for index, format_id in enumerate(self.cell_formats):
            kind = kinds.get(format_id)
            if kind is None:
                code = self.custom[format_id] if format_id in self.custom else builtin_format_code(format_id)
                kind = kinds[format_id] = (is_date_format(code), is_timedelta_format(code))
            if kind[0]:
                dates.add(index)
            if kind[1]:
                durations.add(index)
        return dates, durations


class _Strings(_Walker):
    """The shared strings, as openpyxl reads them: the text of each `si` (its plain text and its runs,
    without phonetic hints). Each string is bounded like a cell while it is read; elements a table of
    strings does not hold count towards `max_other_elements`, as in the sheet."""

    # Children of a string (`si`), of a run or phonetic hint, and how many properties a run may have.
    PARTS = frozenset(f"{MAIN_NS}}}{name}" for name in ("t", "r", "rPh", "phoneticPr"))
    RUN_PARTS = frozenset(f"{MAIN_NS}}}{name}" for name in ("t", "rPr"))
    MAX_PROPERTIES = 32

    def __init__(self, parts: _Parts):
        super().__init__()
        self.parts = parts
        self.limits = parts.limits
        self.strings: list[str] = []
        self.texts: list[str] = []
        self.length = self.properties = 0
        self.collecting = self.in_run = False

    def start(self, tag, attrs, depth):
        if depth == 2:
            if tag != STRING_TAG:
                self.parts.other()
            self.texts, self.length = [], 0
        elif depth == 3:
            if tag not in self.PARTS:
                self.parts.other()
            self.collecting = tag == TEXT_TAG
            self.in_run = tag == RUN_TAG
        elif depth == 4:
            if tag not in self.RUN_PARTS:
                self.parts.other()
            self.collecting = self.in_run and tag == TEXT_TAG
            self.properties = 0
        elif depth == 5:
            self.properties += 1
            if self.properties > self.MAX_PROPERTIES:
                self.parts.other()
        elif depth > 5:
            self.parts.other()

    def end(self, tag, depth):
        self.collecting = False
        if depth == 2 and tag == STRING_TAG:
            text = "".join(self.texts).replace("x005F_", "")
            if len(text) > self.limits.max_cell_chars and len(text.strip()) > self.limits.max_cell_chars:
                raise _string_too_long(self.limits)
            self.strings.append(text)

    def text(self, data):
        if self.collecting:
            self.texts.append(data)
            self.length += len(data)
            # Spaces around a text are not counted in a cell; beyond twice the limit it is no cell.
            if self.length > 2 * self.limits.max_cell_chars:
                raise _string_too_long(self.limits)


class _CellReader:
    """A cell as its value, as openpyxl reads it in data-only mode: shared and inline strings, numbers,
    dates (a number whose style is a date format), booleans, cached results of formulas."""

    def __init__(self, shared_strings, epoch, date_formats, timedelta_formats):
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.shared_strings = shared_strings
        self.epoch = epoch
        self.date_formats = date_formats
        self.timedelta_formats = timedelta_formats
        self.from_excel = from_excel
        self.from_iso = from_ISO8601

    def value(self, kind: str, style: str | None, value: str):
        """`value` is the text of the cell's `v`, or of its inline string."""
        if kind == "inlineStr":
            return value
        if not value:
            return None
        if kind == "s":
            return self.shared_strings[int(value)]
        if kind == "n":
            amount = float(value) if "." in value or "e" in value or "E" in value else int(value)
            if style and int(style) in self.date_formats:
                try:
                    return self.from_excel(amount, self.epoch, timedelta=int(style) in self.timedelta_formats)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return amount
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return self.from_iso(value)
        return value  # « str » (a formula's text) and « e » (an error such as #N/A)


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
    """The row of a cell for a message: from its coordinate (« B12 » → 12), else the row of the row
    being read."""
    digits = (coordinate or "").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return int(digits) if digits.isdigit() else previous_line


ROW_DEPTH, CELL_DEPTH = 3, 4  # worksheet > sheetData > row > c


class _SheetWalker(_Walker):
    """A sheet's rows, checked as they come: a row is counted when it opens (by the number the sheet
    gives it and as it comes: a sheet that numbers every row « 1 » must not escape the limit either), a
    cell is converted when it closes, and the row is given when it closes. The cells of one row are
    bounded by Excel's maximum.

    Only rows, their cells and the cells' values are what a sheet is for. Everything else (column
    widths, merged cells, links, formatting, cells past `max_columns`, elements a spreadsheet never
    writes) counts towards `max_other_elements`: a sheet of millions of elements that are no cells is
    refused in a fraction of a second, long before the clock."""

    def __init__(self, cells: _CellReader, limits: Limits, parts: _Parts):
        super().__init__()
        self.cells = cells
        self.limits = limits
        self.last_line = limits.max_rows + 1
        self.other = parts.other
        self.line = self.rows_read = 0
        self.in_row = False
        self.row: list[str] = []
        self.cells_in_row = self.column = 0
        self.cell: tuple[str, str | None, str | None] | None = None
        self.in_inline = self.in_run = self.collecting = False
        self.texts: list[str] = []
        self.length = 0

    def start(self, tag, attrs, depth):
        if depth == CELL_DEPTH and tag == CELL_TAG and self.in_row:
            self.cells_in_row += 1
            coordinate = attrs.get("r")
            if self.cells_in_row > EXCEL_MAX_COLUMNS:
                raise _too_many_columns(self.limits, _line_of(coordinate, self.line))
            if self.cells_in_row > self.limits.max_columns:
                self.other()
            self.column = _column(coordinate) if coordinate else self.column + 1
            self.cell = (attrs.get("t", "n"), attrs.get("s"), coordinate)
            self.texts, self.length = [], 0
        elif (
            self.cell is not None and depth == CELL_DEPTH + 1 and tag in (VALUE_TAG, FORMULA_TAG, INLINE_TAG)
        ):
            self.collecting = tag == VALUE_TAG
            self.in_inline = tag == INLINE_TAG
        elif (
            self.in_inline
            and tag == TEXT_TAG
            and (depth == CELL_DEPTH + 2 or (self.in_run and depth == CELL_DEPTH + 3))
        ):
            self.collecting = True
        elif self.in_inline and depth == CELL_DEPTH + 2 and tag == RUN_TAG:
            self.in_run = True
        elif depth == ROW_DEPTH and tag == ROW_TAG:
            self.rows_read += 1
            numbered = attrs.get("r")
            self.line = int(numbered) if numbered else self.line + 1
            if self.line > self.last_line or self.rows_read > self.last_line:
                raise _too_many_rows(self.limits)
            self.in_row = True
        else:
            self.other()

    def end(self, tag, depth):
        if depth > CELL_DEPTH:
            if tag in (TEXT_TAG, VALUE_TAG):
                self.collecting = False
            elif tag == RUN_TAG:
                self.in_run = False
            elif tag == INLINE_TAG:
                self.in_inline = False
        elif depth == CELL_DEPTH and self.cell is not None:
            self._cell()
        elif depth == ROW_DEPTH and self.in_row:
            if any(self.row):
                self.pending.append((self.line, self.row))
            self.row, self.cells_in_row, self.column, self.in_row = [], 0, 0, False

    def _cell(self) -> None:
        kind, style, coordinate = self.cell
        self.cell = None
        self.collecting = self.in_inline = self.in_run = False
        if not self.texts:
            return  # an empty cell, of any type: nothing to convert
        value = "".join(self.texts)
        text = clean_cell(cell_text(self.cells.value(kind, style, value)))
        if not text:
            return
        line = _line_of(coordinate, self.line)
        if self.column > self.limits.max_columns:
            raise _too_many_columns(self.limits, line)
        if len(text) > self.limits.max_cell_chars:
            raise _cell_too_long(self.limits, line)
        if len(self.row) < self.column:
            self.row.extend([""] * (self.column - len(self.row)))
        self.row[self.column - 1] = text

    def text(self, data):
        if self.collecting:
            self.texts.append(data)
            self.length += len(data)
            # Spaces around a value are not counted in a cell; beyond twice the limit it is no cell.
            if self.length > 2 * self.limits.max_cell_chars:
                raise _cell_too_long(self.limits, _line_of(self.cell[2], self.line))


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


def clean_cell(text: str) -> str:
    """A cell as it is kept: the characters the platform's cleaning refuses (csc.core.cleaning: NUL and
    the other control characters, the bidirectional overrides…) dropped, its spaces trimmed, and a cell
    showing nothing empty.

    Dropped, not refused: in a file exported by another program, the person who sends it cannot see an
    invisible character, so cannot find it to remove it, and a message would only stop the import. What
    is dropped is no letter, so no meaning goes with it: a NUL or an escape shows nothing in a
    spreadsheet (and separates no cells: the csv module reads it as part of the cell), and a bidirectional
    override only changes the order in which letters are shown, so a name with a stray U+202E is stored
    with its letters in the order they were typed."""
    text = REFUSED.sub("", text).strip()
    return "" if is_invisible(text) else text


# --- CSV -------------------------------------------------------------------------------------------

# Control characters no spreadsheet writes in a CSV. A binary file read as text is made of them for
# about a quarter (one byte in four falls in these ranges); a table exported by another program may hold
# a few (a NUL, a stray escape), which `clean_cell` drops. The file's start tells one from the other.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
CONTROL_CHECKED_CHARS = 200_000
BINARY_CONTROLS = 32  # more than this many, and more than one character in BINARY_SHARE
BINARY_SHARE = 20


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
    checked = controls = 0
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
            controls += len(_CONTROL.findall(line))
            checked += len(line)
            if controls > BINARY_CONTROLS and controls * BINARY_SHARE > checked:
                raise _not_a_table()
        if number_read % 1000 == 0:
            deadline.check()
        yield line


def _csv_records(lines: Iterator[str], delimiter: str, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """The records of the CSV, each with the line of the file where it starts. A cell between quotes
    may hold line breaks, so a record may span several lines: the reader is fed one physical line at a
    time and its `line_num` says where the next record starts. The row limit counts records, as a
    spreadsheet numbers the rows it shows."""
    last_row = limits.max_rows + 1
    records = csv.reader(lines, delimiter=delimiter)
    starts = 1
    try:
        for row, record in enumerate(records, start=1):
            line, starts = starts, records.line_num + 1
            # A leading blank line was skipped to find the delimiter: it still counts, as in the sheet.
            if row > last_row:
                raise _too_many_rows(limits)
            cells = [clean_cell(cell) for cell in record]
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
