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
  package did not foresee can hold a server process past its timeout.

Each refusal is a `TableRefused` whose message is French, names the limit and says what to do; the form
that received the file shows it next to its field, and nothing is saved.

The attendance import (csc.activities.imports), today the only upload of a table, reads files of up to
100,000 rows in the request: with these limits the bombs of the security review are refused within a
second or so, and the largest file accepted is read in a few seconds.

One module per concern, each importing only those below it (import-linter checks the order): `limits`
(the limits, `TableRefused`, the messages both readers share and the clock) and `cells` (what a cell
becomes), `archive` (a workbook refused from its zip directory and its prologs), `parts` (a workbook's
parts streamed through expat under one budget, and what opening it reads), then the two readers, `xlsx`
and `delimited` (CSV). This module recognises the file and hands it to one of them. Callers use the
package: `from csc.core import tabular`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .archive import check_archive, refuse_declarations
from .cells import cell_text, clean_cell
from .delimited import csv_rows
from .limits import DEFAULT_LIMITS, MB, Deadline, Limits, TableRefused, megabytes, number, too_big
from .xlsx import EXCEL_MAX_COLUMNS, xlsx_rows

__all__ = [
    "DEFAULT_LIMITS",
    "EXCEL_MAX_COLUMNS",
    "MB",
    "Limits",
    "Table",
    "TableRefused",
    "cell_text",
    "check_archive",
    "clean_cell",
    "iter_rows",
    "megabytes",
    "number",
    "read_table",
    "refuse_declarations",
    "too_big",
]


@dataclass
class Table:
    """The file as rows of text cells, with the number each row has in the original file (its line in
    the CSV, its row in the sheet). `headers` is the first row that is not blank."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]


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
    deadline = Deadline(limits.max_seconds)
    if data.startswith(b"PK\x03\x04"):
        return xlsx_rows(data, limits, deadline)
    return csv_rows(data, limits, deadline)
