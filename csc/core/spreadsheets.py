"""What every export of the platform shares: the XLSX content type, text that a spreadsheet must not run
as a formula, an in-memory workbook, and the download response."""

from __future__ import annotations

import io

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
