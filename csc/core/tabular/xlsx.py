"""The XLSX reader: the workbook recognised and checked from its zip (`archive`), opened through its
parts (`parts`), then its first sheet streamed row by row, each row checked as it closes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .archive import BROKEN_WORKBOOK, check_archive, refuse_declarations
from .cells import cell_text, clean_cell
from .limits import (
    Deadline,
    Limits,
    TableRefused,
    cell_too_long,
    not_a_table,
    too_many_columns,
    too_many_rows,
)
from .parts import (
    CELL_TAG,
    FORMULA_TAG,
    INLINE_TAG,
    ROW_TAG,
    RUN_TAG,
    TEXT_TAG,
    VALUE_TAG,
    CellReader,
    Parts,
    Walker,
)

EXCEL_MAX_COLUMNS = 16_384


def xlsx_rows(data: bytes, limits: Limits, deadline: Deadline) -> Iterator[tuple[int, list[str]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise not_a_table() from None
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise TableRefused(
                _("Ce fichier est un classeur LibreOffice (.ods). Enregistrez-le en Excel (.xlsx) ou en CSV.")
            )
        raise not_a_table()
    check_archive(archive, limits)
    refuse_declarations(archive)
    return _sheet_rows(archive, limits, deadline)


def _sheet_rows(
    archive: zipfile.ZipFile, limits: Limits, deadline: Deadline
) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows. Every part read to get there (the package's manifest, the workbook and its
    relations, the styles, the shared strings) and the sheet itself are streamed through expat by
    `Parts`, under one count of elements and one clock: no part is parsed whole, and none is read
    without the clock. openpyxl is used only for its tables of number formats and its date conversion.
    """
    try:
        parts = Parts(archive, limits, deadline)
        path, cells = parts.open_workbook()
        yield from parts.walk(path, _SheetWalker(cells, limits, parts))
    except TableRefused:
        raise
    except Exception:  # noqa: BLE001 — a missing part, a cell, a row number or XML that cannot be read
        raise TableRefused(_(BROKEN_WORKBOOK)) from None
    finally:
        archive.close()


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


class _SheetWalker(Walker):
    """A sheet's rows, checked as they come: a row is counted when it opens (by the number the sheet
    gives it and as it comes: a sheet that numbers every row « 1 » must not escape the limit either), a
    cell is converted when it closes, and the row is given when it closes. The cells of one row are
    bounded by Excel's maximum.

    Only rows, their cells and the cells' values are what a sheet is for. Everything else (column
    widths, merged cells, links, formatting, cells past `max_columns`, elements a spreadsheet never
    writes) counts towards `max_other_elements`: a sheet of millions of elements that are no cells is
    refused in a fraction of a second, long before the clock."""

    def __init__(self, cells: CellReader, limits: Limits, parts: Parts):
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
                raise too_many_columns(self.limits, _line_of(coordinate, self.line))
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
                raise too_many_rows(self.limits)
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
            raise too_many_columns(self.limits, line)
        if len(text) > self.limits.max_cell_chars:
            raise cell_too_long(self.limits, line)
        if len(self.row) < self.column:
            self.row.extend([""] * (self.column - len(self.row)))
        self.row[self.column - 1] = text

    def text(self, data):
        if self.collecting:
            self.texts.append(data)
            self.length += len(data)
            # Spaces around a value are not counted in a cell; beyond twice the limit it is no cell.
            if self.length > 2 * self.limits.max_cell_chars:
                raise cell_too_long(self.limits, _line_of(self.cell[2], self.line))
