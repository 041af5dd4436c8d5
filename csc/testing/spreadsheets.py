"""Workbooks built byte by byte for tests: a real openpyxl workbook whose first sheet (or any other part)
is replaced by XML streamed into the zip, so that a test can send the file a hostile client would — a
sheet of millions of rows that compresses to a few hundred kilobytes — in well under a second."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from csc.core.spreadsheets import column_letter

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
STRINGS_RELATION = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _base_workbook(strings: str = STRINGS) -> bytes:
    """openpyxl's workbook, given a shared-strings part as Excel writes one (openpyxl writes its texts
    inline): declared in the manifest under the name `strings`, related to the workbook, and used by
    the header row. A test replacing `strings` replaces a part the reader really reads."""
    from openpyxl import Workbook

    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    target = strings.removeprefix("xl/").encode()
    added = {
        strings: (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<si><t>Date</t></si><si><t>Nom</t></si></sst>"
        ),
        SHEET: b"".join(
            sheet([b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'])
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as base, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for member in base.infolist():
            content = added.pop(member.filename, None) or base.read(member.filename)
            if member.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/%s" ContentType="%s" /></Types>'
                    % (strings.encode(), STRINGS_TYPE),
                )
            elif member.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdStrings" Type="%s" Target="%s" /></Relationships>'
                    % (STRINGS_RELATION, target),
                )
            copy.writestr(member.filename, content)
        for name, content in added.items():
            copy.writestr(name, content)
    return out.getvalue()


def workbook(parts: dict[str, Iterable[bytes]], *, compresslevel: int = 6, strings: str = STRINGS) -> bytes:
    """A valid workbook whose named parts are replaced by the given chunks, written as they come. Its
    shared strings are the part named `strings` (any name: the manifest says which part they are)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_base_workbook(strings))) as base,
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


STRINGS_START = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def shared_strings(*chunks: bytes) -> list[bytes]:
    """The chunks of a shared-strings part around the given `<si>` elements (or anything else)."""
    return [STRINGS_START, *chunks, b"</sst>"]


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
        f'<c r="{column_letter(index)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for index, value in enumerate(values, start=1)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


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


def noisy(element: bytes, size: int, *, every: int = 20, seed: int = 18) -> bytes:
    """About `size` bytes of `element` repeated, with a random letter after about one in `every`: text
    between elements, ignored by a reader, that keeps the XML from compressing like a bomb (a sheet of
    identical elements compresses a thousand times and is refused from the zip's directory)."""
    import random

    chooser = random.Random(seed)
    count = size // len(element)
    letters = chooser.choices(b"abcdefghijklmnopqrstuvwxyz", k=count // every + 1)
    spots = sorted(chooser.sample(range(count), count // every))
    out, previous = [], 0
    for spot, letter in zip(spots, letters, strict=False):
        out.append(element * (spot - previous) + bytes([letter]))
        previous = spot
    out.append(element * (count - previous))
    return b"".join(out)
