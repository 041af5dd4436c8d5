"""What every export of the platform shares: the XLSX content type, text that a spreadsheet must not run
as a formula, an in-memory workbook, the download response, and a streaming XLSX writer for big sheets."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from html import escape

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What makes a spreadsheet read a cell as a formula: « =HYPERLINK(…) » typed as a name or a search.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: str) -> str:
    """A text typed by someone (a name, a search) written as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def new_workbook():
    """An openpyxl workbook without its default empty sheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file to save, kept out of shared caches (reports hold a centre's figures)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


# --- A streaming XLSX writer --------------------------------------------------------------------------
#
# openpyxl's write-only mode builds an element per cell and serialises it through et_xmlfile: 80 % of a
# 1,500 × 127 export's time went there (2.4 s). A sheet is only rows of cells, so this writer emits the
# worksheet XML itself, straight into the zip, one row at a time, in constant memory: texts inline (never
# a formula, whatever they start with), numbers as numbers, dates as dates, amounts in euros, the header
# bold and frozen, a filter on it, printed landscape with the header on every page.

TEXT, INTEGER, MONEY, DATE = "text", "integer", "money", "date"
MONEY_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"


@dataclass(frozen=True)
class SheetColumn:
    header: str
    kind: str = TEXT
    width: int = 16  # in characters


_STYLE_BOLD, _STYLE_MONEY, _STYLE_DATE = 1, 2, 3
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{escape(MONEY_FORMAT)}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATE_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
# What XML 1.0 cannot hold (a control character pasted into a name): dropped, as openpyxl does.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = date(1899, 12, 30)


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Feuille"


def _text_cell(reference: str, value: str) -> str:
    value = escape(_ILLEGAL_XML.sub("", value), quote=False)
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{reference}" t="inlineStr"><is><t{space}>{value}</t></is></c>'


def write_xlsx_rows(handle, sheet: str, columns: list[SheetColumn], rows: Iterable[Iterable]) -> int:
    """Write one sheet of `columns` and `rows` (tuples, None for an empty cell) as an XLSX workbook to
    a seekable binary file. Returns the number of data rows."""
    name = _sheet_name(sheet)
    quoted = "'" + name.replace("'", "''") + "'"
    letters = [column_letter(index) for index in range(1, len(columns) + 1)]
    last = letters[-1] if letters else "A"
    styles = [_STYLE_MONEY if c.kind == MONEY else _STYLE_DATE if c.kind == DATE else 0 for c in columns]
    count = 0
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>'
                for i, c in enumerate(columns, start=1)
            )
            header = "".join(
                _text_cell(f"{letter}1", c.header).replace("<c ", f'<c s="{_STYLE_BOLD}" ', 1)
                for letter, c in zip(letters, columns, strict=True)
            )
            part.write(
                (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}">'
                    '<sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft"/></sheetView></sheetViews>'
                    f"<cols>{cols}</cols><sheetData>"
                    f'<row r="1">{header}</row>'
                ).encode()
            )
            buffer: list[str] = []
            for number, row in enumerate(rows, start=2):
                cells = []
                for letter, style, value in zip(letters, styles, row, strict=True):
                    if value is None or value == "":
                        continue
                    if isinstance(value, str):
                        cells.append(_text_cell(f"{letter}{number}", value))
                    elif isinstance(value, bool):
                        cells.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
                    elif isinstance(value, (int, float, Decimal)):
                        styled = f' s="{style}"' if style == _STYLE_MONEY else ""
                        cells.append(f'<c r="{letter}{number}"{styled}><v>{value}</v></c>')
                    elif isinstance(value, date):
                        day = value.date() if isinstance(value, datetime) else value
                        serial = (day - _EXCEL_EPOCH).days
                        cells.append(f'<c r="{letter}{number}" s="{_STYLE_DATE}"><v>{serial}</v></c>')
                    else:
                        cells.append(_text_cell(f"{letter}{number}", str(value)))
                buffer.append(f'<row r="{number}">{"".join(cells)}</row>')
                count += 1
                if len(buffer) >= 200:
                    part.write("".join(buffer).encode())
                    buffer = []
            part.write("".join(buffer).encode())
            part.write(
                (
                    f'</sheetData><autoFilter ref="A1:{last}{count + 1}"/>'
                    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                    '<pageSetup orientation="landscape"/></worksheet>'
                ).encode()
            )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
            f'<sheet name="{escape(name)}" sheetId="1" r:id="rId1"/></sheets><definedNames>'
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{escape(quoted)}!$A$1:${last}${count + 1}</definedName>"
            f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{escape(quoted)}!$1:$1</definedName>'
            "</definedNames></workbook>",
        )
    return count
