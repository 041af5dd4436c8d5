"""The kiosk's figures and the CAF report as files: CSV (the statistics per day), XLSX (openpyxl, numbers
as numbers) and PDF (WeasyPrint, from the page's own context). Small reports, built in memory."""

from __future__ import annotations

import csv
import io

from csc.core.spreadsheets import as_text, new_workbook, workbook_bytes

from .caf import CafReport, Figures, NetworkCafReport
from .stats import Statistics

DAY_HEADERS = [
    "Jour",
    "Visites",
    "Clics sur une démarche",
    "Recherches",
    "Recherches sans résultat",
    "Fins de session",
]


def _day_rows(stats: Statistics) -> list[list]:
    rows = []
    for line in stats.days:
        c = line.counts
        rows.append([line.label, c.visits, c.clicks, c.searches, c.empty_searches, c.ends])
    return rows


def statistics_csv(stats: Statistics) -> bytes:
    """One line per day; semicolons and a BOM, as French spreadsheets open them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(DAY_HEADERS)
    for line, row in zip(stats.days, _day_rows(stats), strict=True):
        writer.writerow([f"{line.day:%d/%m/%Y}", *row[1:]])
    t = stats.totals
    writer.writerow(["Total", t.visits, t.clicks, t.searches, t.empty_searches, t.ends])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet(workbook, title: str, headers: list[str], rows: list[list], title_lines: list[str] = ()):
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    for line in title_lines:
        sheet.append([line])
    if title_lines:
        sheet.append([])
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([as_text(v) if isinstance(v, str) else v for v in row])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(50, len(header) + 4))
    sheet.column_dimensions["A"].width = 40
    return sheet


def statistics_xlsx(stats: Statistics, *, centre_name: str, period_label: str) -> bytes:
    workbook = new_workbook()
    title = [f"Statistiques de la borne — {centre_name}", period_label]
    t = stats.totals
    _sheet(
        workbook,
        "Par jour",
        DAY_HEADERS,
        [*_day_rows(stats), ["Total", t.visits, t.clicks, t.searches, t.empty_searches, t.ends]],
        title,
    )
    _sheet(
        workbook,
        "Par heure",
        ["Heure", "Visites", "Clics sur une démarche", "Recherches"],
        [[line.label, line.counts.visits, line.counts.clicks, line.counts.searches] for line in stats.hours],
    )
    _sheet(workbook, "Par démarche", ["Démarche", "Clics"], [[label, n] for label, n, _ in stats.procedures])
    _sheet(
        workbook,
        "Sans résultat",
        ["Recherche sans résultat", "Fois"],
        [list(r) for r in stats.empty_searches],
    )
    survey = stats.survey
    _sheet(
        workbook,
        "Questionnaire",
        ["Réponse", "Nombre"],
        [["Réponses au questionnaire", survey.answers]]
        + [[f"Démarche faite : {label}", n] for label, n in survey.outcomes]
        + [[f"Organisme : {label}", n] for label, n in survey.organisations]
        + [[f"Âge : {label}", n] for label, n in survey.ages],
    )
    return workbook_bytes(workbook)


FIGURE_HEADERS = [
    "Personnes aidées",
    "Aides à l'utilisation de l'ordinateur",
    "Orientées vers l'organisme",
    "Visites de la borne en libre-service",
]


def _figures(figures: Figures) -> list[int]:
    return [figures.helped, figures.computer_help, figures.referred, figures.kiosk_visits]


def _caf_sheets(workbook, report: CafReport, title: list[str]) -> None:
    _sheet(
        workbook,
        "Chiffres",
        ["", "Nombre"],
        [[h, n] for h, n in zip(FIGURE_HEADERS, _figures(report.totals), strict=True)],
        title,
    )
    _sheet(
        workbook,
        "Par organisme",
        ["Organisme", "Personnes aidées", "Orientées vers l'organisme"],
        [[line.label, line.helped, line.referred] for line in report.organisations],
    )
    _sheet(workbook, "Par démarche", ["Démarche", "Personnes aidées"], [list(r) for r in report.kinds])
    _sheet(workbook, "Autonomie", ["Comment", "Personnes aidées"], [list(r) for r in report.autonomy])
    _sheet(workbook, "Durée", ["Durée", "Personnes aidées"], [list(r) for r in report.durations])
    rows = [[line.label, label, n] for line in report.organisations for label, n in line.reasons]
    _sheet(workbook, "Orientations", ["Organisme", "Raison de l'orientation", "Personnes"], rows)


def caf_xlsx(report: CafReport, *, centre_name: str, period_label: str) -> bytes:
    workbook = new_workbook()
    _caf_sheets(workbook, report, [f"Point relais / Point numérique CAF — {centre_name}", period_label])
    return workbook_bytes(workbook)


def caf_network_xlsx(report: NetworkCafReport, *, scope: str, period_label: str) -> bytes:
    workbook = new_workbook()
    rows = []
    for block in report.territories:
        for line in block.centres:
            rows.append([line.name, block.name, *_figures(line.figures)])
        rows.append([f"Sous-total {block.name}", block.name, *_figures(block.subtotal)])
    rows.append(["Total", "", *_figures(report.totals)])
    title = [f"Point relais / Point numérique CAF — {scope}", period_label]
    _sheet(workbook, "Par centre", ["Centre", "Territoire", *FIGURE_HEADERS], rows, title)
    _caf_sheets(workbook, report.overall, title)
    return workbook_bytes(workbook)
