"""The attendance reports as files: XLSX (openpyxl) and PDF (WeasyPrint, from HTML templates).

The workbooks hold numbers as numbers (hours with two decimals, shares as percentages) so that a
director can add them up or paste them into the CAF's forms; one sheet for the main figures, one per
breakdown. Reports are small (a line per activity or per centre), so workbooks are built in memory.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format

from csc.core.pdf import render_pdf
from csc.core.spreadsheets import as_text, new_workbook, workbook_bytes

from .queries import CentreReport, Figures, HeadCountLine, NetworkReport, Typology

HOURS_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0%"

# The main figures, in the order every page and file shows them: (label, attribute, is hours).
FIGURE_LINES = [
    ("Séances tenues", "sessions", False),
    ("Présences", "presences", False),
    ("dont présences nominatives", "named_presences", False),
    ("dont personnes comptées en accueil libre", "counted_presences", False),
    ("Participants différents", "participants", False),
    ("dont nouveaux participants", "new", False),
    ("dont participants déjà venus", "returning", False),
    ("Heures réalisées", "hours", True),
    ("dont heures des présences nominatives", "named_hours", True),
    ("dont heures de l'accueil libre", "counted_hours", True),
    ("Absences", "absent", False),
    ("Absences excusées", "excused", False),
]

# The columns of the tables per activity and per centre.
FIGURE_COLUMNS = [
    ("Séances tenues", "sessions", False),
    ("Présences", "presences", False),
    ("dont accueil libre", "counted_presences", False),
    ("Participants différents", "participants", False),
    ("Nouveaux", "new", False),
    ("Déjà venus", "returning", False),
    ("Heures réalisées", "hours", True),
    ("Absences", "absent", False),
    ("Absences excusées", "excused", False),
]


# --- What the pages and the PDF show: rows ready for the templates ------------------------------------


def figure_rows(figures: Figures) -> list[dict]:
    """The main figures as table rows: label, value, whether it is hours, whether it details the line
    above (« dont … »)."""
    return [
        {
            "label": label,
            "value": number(getattr(figures, attribute), is_hours),
            "detail": label.startswith("dont"),
        }
        for label, attribute, is_hours in FIGURE_LINES
    ]


def number(value, is_hours: bool = False) -> str:
    """As French readers write it: 1 234 and 1 234,50 h."""
    if is_hours:
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def cells(figures: Figures) -> list[str]:
    """The cells of a line per activity or per centre, formatted."""
    return [number(getattr(figures, attribute), is_hours) for _, attribute, is_hours in FIGURE_COLUMNS]


def centre_tables(report: CentreReport) -> dict:
    return {
        "figure_rows": figure_rows(report.totals),
        "columns": [label for label, _, _ in FIGURE_COLUMNS],
        "activity_rows": [
            {
                "name": line.name,
                "kind": line.kind,
                "counts_only": line.counts_only,
                "cells": cells(line.figures),
            }
            for line in report.activities
        ],
        "total_cells": cells(report.totals),
    }


def network_tables(report: NetworkReport) -> dict:
    return {
        "figure_rows": figure_rows(report.totals),
        "columns": [label for label, _, _ in FIGURE_COLUMNS],
        "blocks": [
            {
                "name": block.name,
                "centres": [{"name": line.name, "cells": cells(line.figures)} for line in block.centres],
                "subtotal_cells": cells(block.subtotal),
            }
            for block in report.territories
        ],
        "total_cells": cells(report.totals),
    }


# --- XLSX ------------------------------------------------------------------------------------------


def _bold():
    from openpyxl.styles import Font

    return Font(bold=True)


def _header(sheet, headers: list[str], widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = _bold()
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _append(sheet, values: list, formats: dict[int, str] | None = None, bold: bool = False) -> None:
    """A row; Decimals become floats (openpyxl writes them as numbers either way, floats keep the
    format simple), with a number format per column index."""
    sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
    for index, cell in enumerate(sheet[sheet.max_row]):
        if formats and index in formats:
            cell.number_format = formats[index]
        if bold:
            cell.font = _bold()


def _figures_sheet(workbook, title_lines: list[str], figures: Figures) -> None:
    sheet = workbook.create_sheet("Chiffres")
    for line in title_lines:
        sheet.append([line])
    sheet["A1"].font = _bold()
    sheet.append([])
    _header(sheet, ["Indicateur", "Valeur"], [44, 14])
    for label, attribute, is_hours in FIGURE_LINES:
        _append(
            sheet, [label, getattr(figures, attribute)], {1: HOURS_FORMAT if is_hours else INTEGER_FORMAT}
        )


def _figure_values(figures: Figures) -> list:
    return [getattr(figures, attribute) for _, attribute, _ in FIGURE_COLUMNS]


def _figure_formats(offset: int) -> dict[int, str]:
    return {
        offset + index: HOURS_FORMAT if is_hours else INTEGER_FORMAT
        for index, (_, _, is_hours) in enumerate(FIGURE_COLUMNS)
    }


def _typology_sheets(workbook, typology: Typology) -> None:
    names = ["Âges", "Sexe", "QPV", "Communes"]
    for name, (_, header, shares) in zip(names, typology.tables(), strict=True):
        sheet = workbook.create_sheet(name)
        _header(sheet, [header, "Participants", "Part"], [30, 14, 10])
        for share in shares:
            share_value = share.count / share.total if share.total else 0
            _append(
                sheet,
                [as_text(share.label), share.count, share_value],
                {1: INTEGER_FORMAT, 2: PERCENT_FORMAT},
            )
        _append(sheet, ["Total", typology.total], {1: INTEGER_FORMAT}, bold=True)


def _head_count_sheet(workbook, lines: list[HeadCountLine]) -> None:
    sheet = workbook.create_sheet("Accueil libre")
    _header(sheet, ["Catégorie", "Personnes comptées", "Heures réalisées"], [20, 20, 18])
    for line in lines:
        _append(sheet, [line.label, line.count, line.hours], {1: INTEGER_FORMAT, 2: HOURS_FORMAT})
    _append(
        sheet,
        ["Total", sum(line.count for line in lines), sum((line.hours for line in lines), Decimal("0"))],
        {1: INTEGER_FORMAT, 2: HOURS_FORMAT},
        bold=True,
    )


def centre_xlsx(
    report: CentreReport, *, centre_name: str, period_label: str, activity_name: str | None
) -> bytes:
    """The centre's report as a workbook: figures, per activity, the four typology tables, head counts."""
    workbook = new_workbook()
    _figures_sheet(
        workbook,
        [
            f"Bilan de fréquentation — {as_text(centre_name)}",
            f"Période : {period_label}",
            f"Activité : {as_text(activity_name) if activity_name else 'toutes les activités'}",
        ],
        report.totals,
    )
    sheet = workbook.create_sheet("Par activité")
    _header(
        sheet,
        ["Activité", "Type", *[label for label, _, _ in FIGURE_COLUMNS]],
        [30, 18, *[14] * len(FIGURE_COLUMNS)],
    )
    for line in report.activities:
        _append(sheet, [as_text(line.name), line.kind, *_figure_values(line.figures)], _figure_formats(2))
    _append(sheet, ["Total du centre", "", *_figure_values(report.totals)], _figure_formats(2), bold=True)
    _typology_sheets(workbook, report.typology)
    _head_count_sheet(workbook, report.head_counts)
    return workbook_bytes(workbook)


def network_xlsx(report: NetworkReport, *, scope: str, period_label: str) -> bytes:
    """The roll-up as a workbook: totals, one line per centre with territory subtotals, the typology."""
    workbook = new_workbook()
    _figures_sheet(
        workbook,
        [
            f"Bilan de fréquentation — {as_text(scope)}",
            f"Période : {period_label}",
            f"Centres : {report.centre_count}",
        ],
        report.totals,
    )
    sheet = workbook.create_sheet("Par centre")
    _header(
        sheet,
        ["Territoire", "Centre", *[label for label, _, _ in FIGURE_COLUMNS]],
        [26, 30, *[14] * len(FIGURE_COLUMNS)],
    )
    for block in report.territories:
        for line in block.centres:
            _append(
                sheet,
                [as_text(block.name), as_text(line.name), *_figure_values(line.figures)],
                _figure_formats(2),
            )
        _append(
            sheet,
            [as_text(block.name), f"Sous-total {block.name}", *_figure_values(block.subtotal)],
            _figure_formats(2),
            bold=True,
        )
    _append(sheet, ["Total", "", *_figure_values(report.totals)], _figure_formats(2), bold=True)
    _typology_sheets(workbook, report.typology)
    _head_count_sheet(workbook, report.head_counts)
    return workbook_bytes(workbook)


# --- PDF -------------------------------------------------------------------------------------------


def centre_pdf(context: dict) -> bytes:
    """The centre's report on A4, from the same context as the page."""
    return render_pdf("activities/reports/pdf/report.html", context)


def network_pdf(context: dict) -> bytes:
    """The roll-up on A4 (landscape: a column per figure)."""
    return render_pdf("activities/reports/pdf/network.html", context)
