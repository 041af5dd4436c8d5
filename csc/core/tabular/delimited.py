"""The CSV reader: the encoding guessed, the file read line by line with each line bounded before the
csv module splits it, a binary file refused from its start, and each record checked as it comes.

Named `delimited` so that, inside this package, `csv` stays the standard library's module."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .cells import clean_cell
from .limits import (
    MB,
    Deadline,
    Limits,
    TableRefused,
    cell_too_long,
    not_a_table,
    number,
    too_many_columns,
    too_many_rows,
)

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


def csv_rows(data: bytes, limits: Limits, deadline: Deadline) -> Iterator[tuple[int, list[str]]]:
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
            raise too_many_rows(limits)
    return iter(())


def _checked_lines(text: io.TextIOWrapper, limits: Limits, deadline: Deadline) -> Iterator[str]:
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
                raise not_a_table()
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
                raise too_many_rows(limits)
            cells = [clean_cell(cell) for cell in record]
            if len(cells) > limits.max_columns:
                if any(cells[limits.max_columns :]):
                    raise too_many_columns(limits, line)
                del cells[limits.max_columns :]
            if any(len(cell) > limits.max_cell_chars for cell in cells):
                raise cell_too_long(limits, line)
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
        raise not_a_table() from None
