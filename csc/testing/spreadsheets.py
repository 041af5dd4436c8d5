"""Workbooks built byte by byte for tests: a real openpyxl workbook whose first sheet (or any other part)
is replaced by XML streamed into the zip, so that a test can send the file a hostile client would — a
sheet of millions of rows that compresses to a few hundred kilobytes — in well under a second."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def _base_workbook() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Date", "Nom"])  # text cells: the workbook has a shared-strings part
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook(parts: dict[str, Iterable[bytes]], *, compresslevel: int = 6) -> bytes:
    """A valid workbook whose named parts are replaced by the given chunks, written as they come."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_base_workbook())) as base,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as out,
    ):
        for member in base.infolist():
            if member.filename not in parts:
                out.writestr(member.filename, base.read(member.filename))
        for name, chunks in parts.items():
            with out.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return buffer.getvalue()


def sheet(rows: Iterable[bytes], *, head: bytes = SHEET_START) -> Iterable[bytes]:
    """The chunks of a sheet's XML around its rows (each an already written `<row>` element or a batch)."""
    yield head
    yield from rows
    yield SHEET_END


def workbook_with_rows(rows: Iterable[bytes], **kwargs) -> bytes:
    return workbook({SHEET: sheet(rows)}, **kwargs)


def inline_row(number: int, *values: str) -> bytes:
    """A row of text cells written inline (no shared strings), numbered as the sheet numbers it."""
    cells = "".join(
        f'<c r="{_column(index)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for index, value in enumerate(values, start=1)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def one_cell_rows(count: int, *, start: int = 1, batch: int = 10_000) -> Iterable[bytes]:
    """`count` rows of one number cell each, numbered from `start`, as Excel writes them."""
    for first in range(start, start + count, batch):
        last = min(first + batch, start + count)
        yield "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(first, last)).encode()


ONE_CELL_ROW = b"<row><c><v>1</v></c></row>"


def same_rows(count: int, row: bytes = ONE_CELL_ROW, *, batch: int = 100_000) -> Iterable[bytes]:
    """`count` identical rows, without numbers (the sheet's format allows it): millions of rows in a
    few hundred kilobytes once compressed, the shape of the security review's file."""
    chunk = row * batch
    for _ in range(count // batch):
        yield chunk
    yield row * (count % batch)
