"""The parts of a workbook streamed through expat under one budget (`Parts`), and the walkers that read
what opening it needs: the manifest, the workbook and its relations, the styles' date formats and the
shared strings, which make the `CellReader` the sheet's cells are converted with."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .archive import DECLARATIONS, Declaration, unzipped_too_big
from .limits import Deadline, Limits, TableRefused, number

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


class Walker:
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


class Parts:
    """Reads the parts of one workbook through expat, with one budget for all of them: every element is
    counted and the clock read every CLOCK_EVERY elements, nesting is bounded, and no element is kept
    once read (there is no tree: the walkers keep only what they need). A part's declared size was
    bounded by `check_archive`; here the parts found through the manifest and the relations get their
    own bound whatever their names."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits, deadline: Deadline):
        self.archive = archive
        self.limits = limits
        self.deadline = deadline
        self.elements = 0
        self.others = 0

    def other(self) -> None:
        """One more element that is no part of a table (see `xlsx._SheetWalker`)."""
        self.others += 1
        if self.others > self.limits.max_other_elements:
            raise _not_ordinary(self.limits)

    def walk(self, name: str, walker: Walker, *, all_other: bool = False) -> Iterator:
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
            raise Declaration

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
        except Declaration:
            raise TableRefused(_(DECLARATIONS)) from None
        yield from pending
        pending.clear()

    def read(self, name: str, walker: Walker, *, limit: int | None = None) -> None:
        """A part read to open the workbook, bounded by `max_part_bytes` (or `limit`) whatever its name:
        its elements are no table and count as such."""
        self.bounded(name, limit or self.limits.max_part_bytes, _("un de ses éléments"))
        for _item in self.walk(name, walker, all_other=True):
            pass

    def bounded(self, name: str, limit: int, what: str) -> None:
        """A part found through the package, bounded as its role requires whatever it is named."""
        size = self.archive.getinfo(name).file_size
        if size > limit:
            raise unzipped_too_big(what, size, limit)

    def open_workbook(self) -> tuple[str, CellReader]:
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
        return path, CellReader(strings.strings, epoch, date_formats, timedelta_formats)


class _Manifest(Walker):
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


class _Book(Walker):
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


class _Relations(Walker):
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


class _Styles(Walker):
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


class _Strings(Walker):
    """The shared strings, as openpyxl reads them: the text of each `si` (its plain text and its runs,
    without phonetic hints). Each string is bounded like a cell while it is read; elements a table of
    strings does not hold count towards `max_other_elements`, as in the sheet."""

    # Children of a string (`si`), of a run or phonetic hint, and how many properties a run may have.
    PARTS = frozenset(f"{MAIN_NS}}}{name}" for name in ("t", "r", "rPh", "phoneticPr"))
    RUN_PARTS = frozenset(f"{MAIN_NS}}}{name}" for name in ("t", "rPr"))
    MAX_PROPERTIES = 32

    def __init__(self, parts: Parts):
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


class CellReader:
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
