"""Attendance reports (« Bilans de fréquentation »): the current centre's report and the roll-up of the
centres a coordinator oversees, on screen, in PDF and in XLSX.

Anonymous figures only: no page or file here names a person. The capability is REPORTS_VIEW: in the
current centre for the centre's report (a 404 otherwise, as everywhere), in at least one centre for the
roll-up, which covers exactly the centres where the user holds it. Bad parameters come back as French
messages next to the filter's fields, with a 400, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from csc.core import jobs
from csc.core.forms import (
    FIRST_YEAR,
    LAST_YEAR,
    AccessibleFormMixin,
    error_summary,
    month_bounds,
    parse_date,
    parse_month,
    previous_month,
)
from csc.core.replica import from_replica
from csc.core.spreadsheets import XLSX_CONTENT_TYPE, download
from csc.core.tenancy import centres_with, current_centre, require_capability

from ..capabilities import REPORTS_VIEW
from . import exports as report_exports
from . import queries as reports
from .jobs import NETWORK_REPORT_JOB

REPORTS = REPORTS_VIEW
MAX_YEARS = 3
MONTH = "mois"
DATES = "dates"


# --- The period asked for --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date
    is_month: bool

    @property
    def label(self) -> str:
        if self.is_month:
            return date_format(self.start, "F Y")
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d}-au-{self.end:%Y-%m-%d}"

    def params(self) -> dict[str, str]:
        if self.is_month:
            return {"mois": f"{self.start:%Y-%m}"}
        return {"du": f"{self.start:%d/%m/%Y}", "au": f"{self.end:%d/%m/%Y}"}


# --- Filter forms ----------------------------------------------------------------------------------

DATE_HELP = "jj/mm/aaaa, par exemple 01/09/2026."
DATE_IMPOSSIBLE = "Cette date n'existe pas : écrivez-la jj/mm/aaaa, par exemple 14/07/2026."
DATE_OUT_OF_RANGE = f"Choisissez une date entre {FIRST_YEAR} et {LAST_YEAR}."


class PeriodFilterForm(AccessibleFormMixin, forms.Form):
    """A month, or any period of at most three years. Bound to the query string, completed with the
    previous month when nothing is asked (see `filter_data`)."""

    periode = forms.ChoiceField(
        label="Bilan",
        choices=[(MONTH, "D'un mois"), (DATES, "D'une date à une autre")],
        widget=forms.RadioSelect,
        required=False,
    )
    mois = forms.CharField(
        label="Mois",
        required=False,
        max_length=20,
        help_text="Par exemple 2026-03 ou 03/2026 pour mars 2026.",
        widget=forms.TextInput(attrs={"type": "month", "min": f"{FIRST_YEAR}-01", "max": f"{LAST_YEAR}-12"}),
    )
    du = forms.CharField(label="Du", required=False, max_length=20, help_text=DATE_HELP)
    au = forms.CharField(label="Au (inclus)", required=False, max_length=20, help_text=DATE_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.period: ReportPeriod | None = None

    def clean_mois(self):
        text = self.cleaned_data["mois"].strip()
        if not text:
            return None
        parsed = parse_month(text)
        if parsed is None:
            raise forms.ValidationError(
                f"Choisissez un mois valide entre {FIRST_YEAR} et {LAST_YEAR}, par exemple 2026-03 pour "
                "mars 2026."
            )
        return parsed

    def _clean_date(self, name: str) -> date | None:
        text = self.cleaned_data[name].strip()
        if not text:
            return None
        day = parse_date(text, years=None)  # a real date out of range is told the range below
        if day is None:
            raise forms.ValidationError(DATE_IMPOSSIBLE)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(DATE_OUT_OF_RANGE)
        return day

    def clean_du(self):
        return self._clean_date("du")

    def clean_au(self):
        return self._clean_date("au")

    def clean(self):
        data = super().clean()
        mode = data.get("periode") or MONTH
        if mode == MONTH:
            if "mois" in self.errors:
                return data
            if data.get("mois") is None:
                self.add_error("mois", "Choisissez le mois du bilan.")
                return data
            start, end = month_bounds(*data["mois"])
            self.period = ReportPeriod(start, end, is_month=True)
            return data
        start, end = data.get("du"), data.get("au")
        if start is None and "du" not in self.errors:
            self.add_error("du", "Indiquez la date de début de la période.")
        if end is None and "au" not in self.errors:
            self.add_error("au", "Indiquez la date de fin de la période.")
        if start is None or end is None:
            return data
        if end < start:
            self.add_error("au", "La date de fin est avant la date de début : vérifiez les deux dates.")
        elif end >= reports.years_after(start, MAX_YEARS):
            self.add_error(
                "au", f"Un bilan couvre au plus {MAX_YEARS} ans : choisissez une période plus courte."
            )
        else:
            self.period = ReportPeriod(start, end, is_month=False)
        return data


class CentreFilterForm(PeriodFilterForm):
    activite = forms.ChoiceField(
        label="Activité",
        required=False,
        error_messages={
            "invalid_choice": "Cette activité n'existe pas dans ce centre : choisissez-en une dans la liste."
        },
    )

    def __init__(self, *args, activities: dict[int, reports.ActivityInfo], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activite"].choices = [("", "Toutes les activités")] + [
            (str(pk), info.name) for pk, info in activities.items()
        ]

    def clean_activite(self) -> int | None:
        value = self.cleaned_data["activite"]
        return int(value) if value else None


class NetworkFilterForm(PeriodFilterForm):
    territoire = forms.ChoiceField(
        label="Territoire",
        required=False,
        error_messages={
            "invalid_choice": "Ce territoire n'est pas parmi les vôtres : choisissez-en un dans la liste."
        },
    )

    def __init__(self, *args, territories: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = [("", "Tous vos territoires")] + [
            (str(pk), name) for pk, name in territories.items()
        ]

    def clean_territoire(self) -> int | None:
        value = self.cleaned_data["territoire"]
        return int(value) if value else None


def filter_data(params, names: list[str], today: date) -> dict[str, str]:
    """The form's data from the query string: dates given mean a period, nothing given means the
    previous month."""
    data = {name: params.get(name, "") for name in names}
    if data["periode"] not in (MONTH, DATES):
        data["periode"] = DATES if (data["du"].strip() or data["au"].strip()) else MONTH
    if data["periode"] == MONTH and not data["mois"].strip():
        data["mois"] = previous_month(today)
    return data


def _query(period: ReportPeriod, **extra) -> str:
    return urlencode(period.params() | {k: v for k, v in extra.items() if v})


def _month_links(period: ReportPeriod, today: date, **extra) -> dict[str, str | None]:
    """The query strings of the months before and after a monthly report (none after the current one)."""
    if not period.is_month:
        return {}
    before = period.start - timedelta(days=1)
    after = period.end + timedelta(days=1)
    links = {"previous": None, "previous_label": None, "next": None, "next_label": None}
    if before.year >= FIRST_YEAR:
        first = before.replace(day=1)
        links["previous"] = _query(ReportPeriod(first, before, True), **extra)
        links["previous_label"] = date_format(first, "F Y")
    if after <= today:
        last = month_bounds(after.year, after.month)[1]
        links["next"] = _query(ReportPeriod(after, last, True), **extra)
        links["next_label"] = date_format(after, "F Y")
    return links


# --- The centre's report ---------------------------------------------------------------------------

CENTRE_FIELDS = ["periode", "mois", "du", "au", "activite"]
NETWORK_FIELDS = ["periode", "mois", "du", "au", "territoire"]


# The roll-ups read a period's every attendance: from the replica when there is one (csc.core.replica).
@from_replica
def _centre_report(request, fmt: str):
    centre = require_capability(request, REPORTS)
    today = timezone.localdate()
    activities = reports.activity_infos([centre.pk])
    form = CentreFilterForm(filter_data(request.GET, CENTRE_FIELDS, today), activities=activities)
    context = {
        "centre": centre,
        "form": form,
        "summary": [],
        "report": None,
        "sees_network": len(centres_with(request.user, REPORTS)) > 1,
    }
    if not form.is_valid() or form.period is None:
        context["summary"] = error_summary(form)
        return render(request, "activities/reports/report.html", context, status=400)
    period = form.period
    activity_id = form.cleaned_data["activite"]
    report = reports.centre_report(
        [centre.pk], period.start, period.end, activity_id=activity_id, activities=activities, today=today
    )
    activity_name = activities[activity_id].name if activity_id else None
    query = _query(period, activite=activity_id)
    context.update(
        report=report,
        period=period,
        activity_name=activity_name,
        today=today,
        query=query,
        query_network=_query(period),
        months=_month_links(period, today, activite=activity_id),
        **report_exports.centre_tables(report),
    )
    filename = f"bilan-{slugify(centre.name) or 'centre'}-{period.slug}"
    if activity_id:
        filename += f"-{slugify(activity_name) or 'activite'}"
    if fmt == "pdf":
        pdf = report_exports.centre_pdf(context)
        return download(pdf, f"{filename}.pdf", "application/pdf")
    if fmt == "xlsx":
        content = report_exports.centre_xlsx(
            report, centre_name=centre.name, period_label=period.label, activity_name=activity_name
        )
        return download(content, f"{filename}.xlsx", XLSX_CONTENT_TYPE)
    return render(request, "activities/reports/report.html", context)


@login_required
@require_GET
def report(request):
    return _centre_report(request, "html")


@login_required
@require_GET
def report_pdf(request):
    return _centre_report(request, "pdf")


@login_required
@require_GET
def report_xlsx(request):
    return _centre_report(request, "xlsx")


# --- The roll-up of several centres ----------------------------------------------------------------


@dataclass
class NetworkReportPage:
    """The roll-up asked for by a query string: its form, and when the form is valid, the context of the
    page and of its files, and the files' name (without extension)."""

    form: NetworkFilterForm
    context: dict
    filename: str = ""
    centre_ids: tuple[int, ...] = ()

    @property
    def valid(self) -> bool:
        return self.context["report"] is not None


def network_report_page(user, params, today: date, *, compute: bool = True) -> NetworkReportPage | None:
    """The roll-up of the centres where `user` holds REPORTS_VIEW, for the filters of `params`; None
    when they hold it nowhere. With `compute=False`, only checks the filters (the files are computed by
    the task worker, `reports/jobs.py`)."""
    centre_ids = centres_with(user, REPORTS)
    if not centre_ids:
        return None
    centres = reports.centre_infos(centre_ids)
    territories = {c.territory_id: c.territory_name for c in centres}
    form = NetworkFilterForm(filter_data(params, NETWORK_FIELDS, today), territories=territories)
    context = {"form": form, "summary": [], "report": None, "scope": "Vos centres"}
    page = NetworkReportPage(form, context)
    if not form.is_valid() or form.period is None:
        context["summary"] = error_summary(form)
        return page
    period = form.period
    territory_id = form.cleaned_data["territoire"]
    if territory_id is not None:
        centres = [c for c in centres if c.territory_id == territory_id]
        scope = territories[territory_id]
    elif len(territories) == 1:
        scope = next(iter(territories.values()))
    else:
        scope = f"{len(territories)} territoires"
    page.filename = f"bilan-{slugify(scope) if territory_id else 'reseau'}-{period.slug}"
    page.centre_ids = tuple(c.centre_id for c in centres)
    context.update(
        period=period,
        scope=scope,
        today=today,
        query=_query(period, territoire=territory_id),
        months=_month_links(period, today, territoire=territory_id),
    )
    if compute:
        report = reports.network_report(centres, period.start, period.end, today=today)
        context.update(report=report, **report_exports.network_tables(report))
    return page


NETWORK_FILES = {"pdf": "PDF", "xlsx": "tableur XLSX"}


def _network_report(request, fmt: str):
    today = timezone.localdate()
    page = network_report_page(request.user, request.GET, today, compute=fmt == "html")
    if page is None:
        raise Http404
    if page.form.errors or page.form.period is None:
        return render(request, "activities/reports/network.html", page.context, status=400)
    if fmt == "html":
        return render(request, "activities/reports/network.html", page.context)
    # Today is fixed when asked: a job run again after midnight computes the same report.
    job = jobs.start(
        NETWORK_REPORT_JOB,
        user=request.user,
        centre=current_centre(request),
        centre_ids=list(page.centre_ids),
        parameters={
            "filters": {name: request.GET.get(name, "") for name in NETWORK_FIELDS},
            "today": today.isoformat(),
            "format": fmt,
        },
        label=f"Bilan de fréquentation — {page.context['scope']}, {page.form.period.label} "
        f"({NETWORK_FILES[fmt]})",
    )
    return redirect(job)


# The roll-up reads a period's every attendance of every centre: from the replica when there is one.
@login_required
@require_GET
@from_replica
def report_network(request):
    return _network_report(request, "html")


# The files are made in the background (csc.core.jobs), on the page's buttons: a POST, since it starts
# a job; the filters stay in the query string, as on the page.
@login_required
@require_POST
def report_network_pdf(request):
    return _network_report(request, "pdf")


@login_required
@require_POST
def report_network_xlsx(request):
    return _network_report(request, "xlsx")
