"""The casework figures on screen and as files: the pivot table (page, CSV, XLSX) and the funders'
activity report (page, PDF, XLSX).

Thin: the form reads the query string, stats.py says what counts and who sees what, these views lay it
out. Anonymous counts only: no page or file here names a followed person (stats.py's docstring). A user
without `casework.figures` anywhere gets a 404; bad parameters (a year « abc », an unknown grouping, a
centre not theirs) come back as French messages next to the fields, with a 400, never a 500.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from csc.activities.reports.queries import years_after
from csc.core.forms import AccessibleFormMixin, error_summary, parse_date
from csc.core.pdf import render_pdf
from csc.core.replica import from_replica
from csc.core.spreadsheets import XLSX_CONTENT_TYPE, as_text, download, new_workbook, workbook_bytes

from . import stats

DATE_HELP = "jj/mm/aaaa, par exemple 01/09/2026."
HOURS_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"


# --- The form: window, centres, filters, and for the pivot its measure and groupings -----------------


class FiguresForm(AccessibleFormMixin, forms.Form):
    """The window and the centres. Bound to the query string (see `form_data`); `selection` is set when
    valid."""

    annee = forms.CharField(
        label="Année",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}),
    )
    du = forms.CharField(label="Du", required=False, max_length=20, help_text=DATE_HELP)
    au = forms.CharField(label="Au (inclus)", required=False, max_length=20, help_text=DATE_HELP)
    territoire = forms.ChoiceField(
        label="Territoire",
        required=False,
        error_messages={
            "invalid_choice": "Ce territoire n'est pas parmi les vôtres : choisissez-en un dans la liste."
        },
    )
    centre = forms.ChoiceField(
        label="Centre",
        required=False,
        error_messages={
            "invalid_choice": "Ce centre n'est pas parmi les vôtres : choisissez-en un dans la liste."
        },
    )
    cercle = forms.ChoiceField(
        label="Cercle",
        required=False,
        error_messages={
            "invalid_choice": "Ce cercle n'existe pas dans vos centres : choisissez-en un dans la liste."
        },
    )
    problematique = forms.ChoiceField(
        label="Problématique",
        required=False,
        error_messages={
            "invalid_choice": (
                "Cette problématique n'existe pas dans vos centres : choisissez-en une dans la liste."
            )
        },
    )

    def __init__(self, *args, audience: stats.Audience, choices: stats.Choices, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.audience, self.choices, self.today = audience, choices, today
        self.selection: stats.Selection | None = None
        self.fields[
            "annee"
        ].help_text = f"Entre {stats.FIRST_YEAR} et {today.year}, par exemple {today.year}."
        self.fields["territoire"].choices = [("", "Tous vos territoires")] + [
            (str(pk), name) for pk, name in sorted(choices.territories.items(), key=lambda t: t[1])
        ]
        self.fields["centre"].choices = [("", "Tous vos centres")] + [
            (str(c.centre_id), c.name) for c in choices.centres
        ]
        self.fields["cercle"].choices = [("", "Tous les cercles")] + [(name, name) for name in choices.scopes]
        self.fields["problematique"].choices = [("", "Toutes les problématiques")] + [
            (name, name) for name in choices.issues
        ]

    @property
    def several_centres(self) -> bool:
        return len(self.choices.centres) > 1

    @property
    def several_territories(self) -> bool:
        return len(self.choices.territories) > 1

    def clean_annee(self) -> int | None:
        text = self.cleaned_data["annee"].strip()
        if not text:
            return None
        if not text.isdecimal() or not stats.FIRST_YEAR <= int(text) <= self.today.year:
            raise forms.ValidationError(
                f"Choisissez une année entre {stats.FIRST_YEAR} et {self.today.year}, écrite en chiffres : "
                f"par exemple {self.today.year}."
            )
        return int(text)

    def _clean_date(self, name: str) -> date | None:
        text = self.cleaned_data[name].strip()
        if not text:
            return None
        day = parse_date(text)
        if day is None:
            raise forms.ValidationError(
                "Cette date n'existe pas : écrivez-la jj/mm/aaaa, par exemple 14/07/2026."
            )
        if not stats.FIRST_YEAR <= day.year <= self.today.year:
            raise forms.ValidationError(f"Choisissez une date entre {stats.FIRST_YEAR} et aujourd'hui.")
        return day

    def clean_du(self):
        return self._clean_date("du")

    def clean_au(self):
        return self._clean_date("au")

    def clean_territoire(self) -> int | None:
        value = self.cleaned_data["territoire"]
        return int(value) if value else None

    def clean_centre(self) -> int | None:
        value = self.cleaned_data["centre"]
        return int(value) if value else None

    def _window(self, data) -> stats.Window | None:
        start, end = data.get("du"), data.get("au")
        if "du" in self.errors or "au" in self.errors:
            return None
        if start is None and end is None:
            if "annee" in self.errors:
                return None
            return stats.Window.year(data.get("annee") or self.today.year)
        if start is None:
            self.add_error("du", "Indiquez aussi la date de début, ou videz les deux dates pour une année.")
        elif end is None:
            self.add_error("au", "Indiquez aussi la date de fin, ou videz les deux dates pour une année.")
        elif end < start:
            self.add_error("au", "La date de fin est avant la date de début : vérifiez les deux dates.")
        elif end >= years_after(start, stats.MAX_YEARS):
            self.add_error(
                "au",
                f"Les chiffres couvrent au plus {stats.MAX_YEARS} ans : choisissez une période plus courte.",
            )
        else:
            return stats.Window(start, end, is_year=False)
        return None

    def clean(self):
        data = super().clean()
        window = self._window(data)
        centres = self.choices.centres
        territory, centre = data.get("territoire"), data.get("centre")
        if territory is not None:
            centres = [c for c in centres if c.territory_id == territory]
        if centre is not None:
            if not any(c.centre_id == centre for c in centres):
                self.add_error(
                    "centre", "Ce centre n'est pas dans le territoire choisi : changez l'un ou l'autre."
                )
                return data
            centres = [c for c in centres if c.centre_id == centre]
        if window is not None and not self.errors:
            self.selection = stats.select(
                self.audience,
                [c.centre_id for c in centres],
                window,
                scope=data.get("cercle") or "",
                issue=data.get("problematique") or "",
            )
        return data

    def query(self, **extra) -> str:
        """The query string of the window and filters shown, for the files and the other page."""
        data = self.cleaned_data
        params = self.selection.window.params() | {
            "territoire": data.get("territoire") or "",
            "centre": data.get("centre") or "",
            "cercle": data.get("cercle") or "",
            "problematique": data.get("problematique") or "",
        }
        return urlencode({k: v for k, v in (params | extra).items() if v not in ("", None)})


def _dimension_choices(audience: stats.Audience) -> list[tuple[str, str]]:
    # The list offers workers only to those who may see them named somewhere; a reader who asks for them
    # anyway gets the reason from `grouping_error`, not « unknown ».
    return [
        (d.key, d.label) for d in stats.DIMENSIONS.values() if d.key != "intervenant" or audience.manager_ids
    ]


class PivotForm(FiguresForm):
    mesure = forms.ChoiceField(
        label="Ce que l'on compte",
        choices=[(m.key, m.label) for m in stats.MEASURES.values()],
        error_messages={
            "invalid_choice": "Cette mesure n'existe pas : choisissez-en une dans la liste.",
            "required": "Choisissez ce que l'on compte.",
        },
    )
    lignes = forms.ChoiceField(
        label="En lignes",
        error_messages={
            "invalid_choice": "Ce regroupement n'existe pas : choisissez-en un dans la liste.",
            "required": "Choisissez le regroupement des lignes.",
        },
    )
    colonnes = forms.ChoiceField(
        label="En colonnes",
        required=False,
        error_messages={"invalid_choice": "Ce regroupement n'existe pas : choisissez-en un dans la liste."},
    )

    field_order = ["mesure", "lignes", "colonnes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [(d.key, d.label) for d in stats.DIMENSIONS.values()]
        shown = _dimension_choices(self.audience)
        nothing = [("", "Rien : une seule colonne")]
        self.fields["lignes"].choices = every
        self.fields["colonnes"].choices = nothing + every
        self.fields["lignes"].widget.choices = shown
        self.fields["colonnes"].widget.choices = nothing + shown

    def clean(self):
        data = super().clean()
        measure = stats.MEASURES.get(data.get("mesure") or "")
        if measure is None or "lignes" in self.errors or "colonnes" in self.errors:
            return data
        rows = stats.DIMENSIONS.get(data.get("lignes") or "")
        columns = stats.DIMENSIONS.get(data.get("colonnes") or "")
        if rows is None:
            return data
        for name, dimension in (("lignes", rows), ("colonnes", columns)):
            if dimension is not None:
                message = stats.grouping_error(measure, dimension, self.selection)
                if message:
                    self.add_error(name, message)
        if columns is not None and columns.key == rows.key and "colonnes" not in self.errors:
            self.add_error(
                "colonnes", "Choisissez deux regroupements différents pour les lignes et les colonnes."
            )
        if self.errors:
            self.selection = None
        else:
            self.pivot_choice = (measure, rows, columns)
        return data

    def filter_query(self) -> str:
        """Without the measure and groupings: for the activity report."""
        return super().query()

    def query(self, **extra) -> str:
        data = self.cleaned_data
        return super().query(
            mesure=data["mesure"], lignes=data["lignes"], colonnes=data.get("colonnes") or "", **extra
        )


FILTER_FIELDS = ["annee", "du", "au", "territoire", "centre", "cercle", "problematique"]


def form_data(params, audience: stats.Audience, today: date, *, pivot: bool) -> dict[str, str]:
    """The form's data from the query string, with the defaults of a first visit: this year; exchanges
    by month and by kind for one centre, by centre for several."""
    data = {name: params.get(name, "")[:100] for name in FILTER_FIELDS}
    if not any(name in params for name in ("annee", "du", "au")):
        data["annee"] = str(today.year)  # shown in the field: the figures are this year's
    if not pivot:
        return data
    several = len(audience.centre_ids) > 1 and not data["centre"]
    data["mesure"] = params.get("mesure", "echanges")[:20]
    data["lignes"] = params.get("lignes", "centre" if several else "mois")[:20]
    default_columns = "type" if data["mesure"] in ("echanges", "heures") and data["lignes"] != "type" else ""
    data["colonnes"] = params.get("colonnes", default_columns)[:20]
    return data


def _audience(request) -> stats.Audience:
    audience = stats.audience_of(request.user)
    if not audience.centre_ids:
        raise Http404
    return audience


# --- The pivot table ---------------------------------------------------------------------------------


# Counted over whole years of follow-ups: from the replica when there is one (csc.core.replica).
@from_replica
def _figures(request, fmt: str):
    audience = _audience(request)
    today = timezone.localdate()
    choices = stats.choices_for(audience)
    form = PivotForm(
        form_data(request.GET, audience, today, pivot=True), audience=audience, choices=choices, today=today
    )
    context = {"form": form, "summary": [], "today": today}
    if not form.is_valid() or form.selection is None:
        context["summary"] = error_summary(form)
        return render(request, "casework/stats.html", context, status=400)
    selection = form.selection
    measure, rows, columns = form.pivot_choice
    figures = stats.summary(selection)
    table = stats.pivot(selection, measure, rows, columns, total=figures.value(measure), today=today)
    scope = stats.describe(selection, choices)
    filename = f"chiffres-accompagnement-{slugify(scope)[:60] or 'centres'}-{selection.window.slug}"
    if fmt == "csv":
        return download(pivot_csv(table), f"{filename}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        content = pivot_xlsx(table, stats.summary_lines(figures, selection), selection, scope)
        return download(content, f"{filename}.xlsx", XLSX_CONTENT_TYPE)
    context.update(
        selection=selection,
        scope=scope,
        figures=stats.summary_lines(figures, selection),
        pivot=table,
        measures=stats.MEASURES.values(),
        query=form.query(),
        report_query=form.filter_query(),
    )
    return render(request, "casework/stats.html", context)


@login_required
@require_GET
def figures(request):
    return _figures(request, "html")


@login_required
@require_GET
def figures_csv(request):
    return _figures(request, "csv")


@login_required
@require_GET
def figures_xlsx(request):
    return _figures(request, "xlsx")


def _csv_value(cell: stats.Cell) -> str:
    # Masked cells keep their « < 5 »; hours with a decimal comma, as French spreadsheets read them.
    if cell.value is None:
        return cell.text
    return str(cell.value).replace(".", ",")


def pivot_csv(table: stats.Pivot) -> bytes:
    """The pivot as shown: semicolons and a BOM, as French spreadsheets open them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    # Labels are names typed by a centre (an issue, a scope): never run as a formula.
    writer.writerow([as_text(v) for v in (table.rows.label, *table.column_labels, table.total_label)])
    for line in table.lines:
        writer.writerow([as_text(line.label), *map(_csv_value, line.cells), _csv_value(line.total)])
    writer.writerow(["Total", *map(_csv_value, table.totals), _csv_value(table.total)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _append(sheet, values: list, *, bold: bool = False) -> None:
    """A row: text as text, counts as whole numbers, hours (Decimals) with two decimals, a masked figure
    as its « < 5 »."""
    from openpyxl.styles import Font

    row, formats = [], []
    for value in values:
        if isinstance(value, stats.Cell):
            value = value.text if value.value is None else value.value
        if isinstance(value, Decimal):
            row.append(float(value))
            formats.append(HOURS_FORMAT)
        elif isinstance(value, int):
            row.append(value)
            formats.append(INTEGER_FORMAT)
        else:
            row.append(as_text(str(value)))
            formats.append(None)
    sheet.append(row)
    for cell, number_format in zip(sheet[sheet.max_row], formats, strict=True):
        if number_format:
            cell.number_format = number_format
        if bold:
            cell.font = Font(bold=True)


def _header(sheet, values: list[str], first_width: int = 34) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append([as_text(v) for v in values])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = first_width
    for index in range(2, len(values) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(30, len(values[index - 1]) + 2))


def _title(sheet, lines: list[str]) -> None:
    from openpyxl.styles import Font

    for line in lines:
        sheet.append([as_text(line)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])


def _title_lines(title: str, selection: stats.Selection, scope: str) -> list[str]:
    lines = [
        title,
        scope,
        f"Période : {selection.window.label}",
        "Chiffres anonymes : aucune personne nommée.",
    ]
    if selection.masked:
        lines.append(
            f"Les nombres de personnes ou de parcours de 1 à {stats.SMALL_COUNT - 1} sont masqués "
            f"({stats.MASKED})."
        )
    return lines


def _summary_sheet(workbook, lines: list[stats.SummaryLine], title_lines: list[str]) -> None:
    sheet = workbook.create_sheet("Chiffres clés")
    _title(sheet, title_lines)
    _header(sheet, ["Indicateur", "Valeur"], 44)
    for line in lines:
        _append(sheet, [line.label, line.cell])


def pivot_xlsx(
    table: stats.Pivot, lines: list[stats.SummaryLine], selection: stats.Selection, scope: str
) -> bytes:
    """The pivot (numbers as numbers, hours with two decimals) and the key figures."""
    workbook = new_workbook()
    sheet = workbook.create_sheet("Tableau croisé")
    title_lines = _title_lines(f"Accompagnement social — {table.title}", selection, scope)
    _title(sheet, title_lines)
    _header(sheet, [table.rows.label, *table.column_labels, table.total_label])
    for line in table.lines:
        _append(sheet, [line.label, *line.cells, line.total])
    _append(sheet, ["Total", *table.totals, table.total], bold=True)
    _summary_sheet(workbook, lines, title_lines)
    return workbook_bytes(workbook)


# --- The funders' activity report --------------------------------------------------------------------

# The report's tables, in the order of the page, the PDF and the workbook: (title, first column's header,
# the other columns, attribute of the report, name of its sheet).
REPORT_TABLES = [
    ("Personnes suivies par sexe", "Sexe", ["Personnes"], "sexes", "Sexe"),
    ("Personnes suivies par tranche d'âge", "Âge au début de la période", ["Personnes"], "ages", "Âge"),
    (
        "Par problématique",
        "Problématique",
        ["Personnes suivies", "Parcours suivis", "Parcours ouverts"],
        "issues",
        "Problématiques",
    ),
    ("Parcours ouverts par origine de la demande", "Origine", ["Parcours ouverts"], "origins", "Origines"),
    ("Parcours clôturés par motif", "Motif de clôture", ["Parcours clôturés"], "reasons", "Clôtures"),
    ("Échanges par type", "Type d'échange", ["Échanges", "Heures"], "kinds", "Types d'échange"),
    ("Échanges par mois", "Mois", ["Échanges", "Heures"], "months", "Mois"),
]
CENTRE_COLUMNS = [
    "Personnes suivies",
    "Parcours suivis",
    "Parcours ouverts",
    "Parcours clôturés",
    "Échanges",
    "Heures",
]


def report_tables(report: stats.ActivityReport) -> list[dict]:
    """The report's tables for the templates and the workbook."""
    tables = [
        {
            "id": attribute,
            "title": title,
            "corner": corner,
            "columns": columns,
            "lines": getattr(report, attribute),
            "sheet": sheet,
        }
        for title, corner, columns, attribute, sheet in REPORT_TABLES
    ]
    if report.centres:
        tables.append(
            {
                "id": "centres",
                "title": "Par centre",
                "corner": "Centre (territoire)",
                "columns": CENTRE_COLUMNS,
                "lines": report.centres,
                "sheet": "Centres",
            }
        )
    return tables


@from_replica
def _report(request, fmt: str):
    audience = _audience(request)
    today = timezone.localdate()
    choices = stats.choices_for(audience)
    form = FiguresForm(
        form_data(request.GET, audience, today, pivot=False), audience=audience, choices=choices, today=today
    )
    context = {"form": form, "summary": [], "today": today}
    if not form.is_valid() or form.selection is None:
        context["summary"] = error_summary(form)
        return render(request, "casework/stats_report.html", context, status=400)
    selection = form.selection
    report = stats.activity_report(selection, today=today)
    scope = stats.describe(selection, choices)
    context.update(
        selection=selection,
        scope=scope,
        report=report,
        tables=report_tables(report),
        query=form.query(),
    )
    filename = f"rapport-accompagnement-{slugify(scope)[:60] or 'centres'}-{selection.window.slug}"
    if fmt == "pdf":
        pdf = render_pdf("casework/stats_report_pdf.html", context)
        return download(pdf, f"{filename}.pdf", "application/pdf")
    if fmt == "xlsx":
        return download(
            report_workbook(report, context["tables"], scope), f"{filename}.xlsx", XLSX_CONTENT_TYPE
        )
    return render(request, "casework/stats_report.html", context)


def report_workbook(report: stats.ActivityReport, tables: list[dict], scope: str) -> bytes:
    """The report as a workbook: the key figures, then one sheet per table."""
    workbook = new_workbook()
    title_lines = _title_lines("Rapport d'activité de l'accompagnement social", report.selection, scope)
    _summary_sheet(workbook, report.summary_lines, title_lines)
    for table in tables:
        sheet = workbook.create_sheet(table["sheet"])
        _header(sheet, [table["corner"], *table["columns"]])
        for line in table["lines"]:
            _append(sheet, [line.label, *line.cells])
    return workbook_bytes(workbook)


@login_required
@require_GET
def report(request):
    return _report(request, "html")


@login_required
@require_GET
def report_pdf(request):
    return _report(request, "pdf")


@login_required
@require_GET
def report_xlsx(request):
    return _report(request, "xlsx")
