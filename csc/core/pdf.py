"""Paper from a template: the one place that turns an HTML template into a PDF (WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict) -> bytes:
    # WeasyPrint loads slowly and only these pages need it: imported when a PDF is asked for.
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).write_pdf()
