"""The kiosk's statistics for the referent (a month, and today live), and the CAF report of the help
log: per centre, and rolled up for coordinators over exactly the centres where they hold the
capability. Anonymous counts only. A month that cannot be read comes back as a French message with a
400, never a 500."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from csc.activities.reports.queries import centre_infos

# The CAF report is sent for the month that ended: the previous month unless one is asked.
from csc.core.forms import month_bounds, parse_month, posted, previous_month
from csc.core.pdf import render_pdf
from csc.core.replica import from_replica
from csc.core.spreadsheets import XLSX_CONTENT_TYPE, download
from csc.core.tenancy import centres_with, has_capability, require_capability

from . import caf, exports, queries, services, stats
from .capabilities import KIOSK_CONFIGURE, KIOSK_FIGURES
from .forms import SynonymForm
from .models import Tile

FIGURES = KIOSK_FIGURES
MONTH_ERROR = "Ce mois n'est pas reconnu : choisissez-le dans la liste, ou écrivez-le 2026-03 ou 03/2026."


def _month(text: str, today: date, default: str) -> tuple[date, date, str] | None:
    """The month asked for (or the default, « 2026-03 »), cut at today; None when it cannot be read or
    is in the future."""
    parsed = parse_month(text.strip()[:20] or default)
    if parsed is None:
        return None
    start, end = month_bounds(*parsed)
    if start > today:
        return None
    return start, min(end, today), date_format(start, "F Y")


def _month_error(request, template: str, context: dict) -> HttpResponse:
    return render(request, template, context | {"month_error": MONTH_ERROR}, status=400)


# --- Statistics ---------------------------------------------------------------------------------------


# A month of events: from the replica when there is one, but not when a synonym was just added (POST).
@from_replica
def _statistics(request, fmt: str, *, synonym_form=None, status=200):
    centre = require_capability(request, FIGURES)
    today = timezone.localdate()
    # The referent reads this month's figures as they go.
    month_value = (request.GET.get("mois") or request.POST.get("mois") or "")[:20]
    context = {"centre": centre, "month_value": month_value, "today": today}
    month = _month(month_value, today, f"{today:%Y-%m}")
    if month is None:
        return _month_error(request, "kiosk/statistics.html", context)
    start, end, label = month
    figures = stats.statistics(centre.pk, start, end)
    filename = f"borne-{slugify(centre.name)}-{start:%Y-%m}"
    if fmt == "csv":
        return download(exports.statistics_csv(figures), f"{filename}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        content = exports.statistics_xlsx(figures, centre_name=centre.name, period_label=label)
        return download(content, f"{filename}.xlsx", XLSX_CONTENT_TYPE)
    context.update(stats=figures, label=label, month=f"{start:%Y-%m}", months=stats.months(centre.pk, today))
    context.update(_empty_searches(request, centre, figures.empty_searches), synonym_form=synonym_form)
    return render(request, "kiosk/statistics.html", context, status=status)


def _empty_searches(request, centre, empty_searches) -> dict:
    """The searches without result, each with what it finds now (a word added since, a new tile) or,
    for whom may set the kiosk, the tiles it may be attached to."""
    tiles = queries.visible_tiles(centre.pk)
    rows = []
    for query, number in empty_searches:
        found = services.find_tiles(tiles, query)
        rows.append((query, number, found[0] if found else None))
    return {
        "empty_rows": rows,
        "synonym_tiles": tiles if has_capability(request.user, KIOSK_CONFIGURE, centre) else [],
    }


@login_required
@require_GET
def statistics(request):
    return _statistics(request, "html")


@login_required
@require_POST
def add_synonym(request):
    """« Ajouter » beside a search without result: the word finds the chosen tile of the kiosk from now
    on. A tile of another centre is a 404; a word or a choice that cannot be taken comes back on the
    statistics page with the reason, in French, and a 400."""
    centre = require_capability(request, KIOSK_CONFIGURE)
    tile_id = (request.POST.get("tile") or "").strip()
    if tile_id.isdecimal():
        get_object_or_404(Tile, pk=int(tile_id), centre=centre)
    form = SynonymForm(posted(request), centre=centre)
    if form.is_valid():
        tile = form.cleaned_data["tile"]
        try:
            word = services.add_synonym(tile, form.cleaned_data["word"], user=request.user)
        except services.KioskRefused as refused:
            form.add_error("word", str(refused))
        else:
            messages.success(request, f"« {word} » trouve maintenant « {tile.label} » sur la borne.")
            month = (request.POST.get("mois") or "")[:7]
            query = f"?mois={month}" if _month(month, timezone.localdate(), "") else ""
            return redirect(reverse("kiosk:statistics") + query)
    return _statistics(request, "html", synonym_form=form, status=400)


@login_required
@require_GET
def statistics_csv(request):
    return _statistics(request, "csv")


@login_required
@require_GET
def statistics_xlsx(request):
    return _statistics(request, "xlsx")


@login_required
@require_GET
def today(request):
    """Today as it happens: the page reloads itself every minute (an htmx poll of the same page)."""
    centre = require_capability(request, FIGURES)
    day = timezone.localdate()
    context = {
        "centre": centre,
        "today": day,
        "stats": stats.statistics(centre.pk, day, day),
        "recent": stats.recent(centre.pk, day),
        "now": timezone.localtime(),
    }
    template = "kiosk/includes/today_figures.html" if request.htmx else "kiosk/today.html"
    return render(request, template, context)


# --- The CAF report -----------------------------------------------------------------------------------


def _caf(request, fmt: str):
    centre = require_capability(request, FIGURES)
    today = timezone.localdate()
    month_value = (request.GET.get("mois") or "")[:20]
    context = {"centre": centre, "month_value": month_value, "today": today}
    month = _month(month_value, today, previous_month(today))
    if month is None:
        return _month_error(request, "kiosk/caf_report.html", context)
    start, end, label = month
    report = caf.caf_report([centre.pk], start, end)
    context.update(
        report=report,
        label=label,
        month=f"{start:%Y-%m}",
        sees_network=len(centres_with(request.user, FIGURES)) > 1,
    )
    filename = f"point-relais-caf-{slugify(centre.name)}-{start:%Y-%m}"
    if fmt == "pdf":
        return download(
            render_pdf("kiosk/pdf/caf_report.html", context), f"{filename}.pdf", "application/pdf"
        )
    if fmt == "xlsx":
        content = exports.caf_xlsx(report, centre_name=centre.name, period_label=label)
        return download(content, f"{filename}.xlsx", XLSX_CONTENT_TYPE)
    return render(request, "kiosk/caf_report.html", context)


@login_required
@require_GET
def caf_report(request):
    return _caf(request, "html")


@login_required
@require_GET
def caf_report_pdf(request):
    return _caf(request, "pdf")


@login_required
@require_GET
def caf_report_xlsx(request):
    return _caf(request, "xlsx")


def _caf_network(request, fmt: str):
    centre_ids = centres_with(request.user, FIGURES)
    if not centre_ids:
        raise Http404
    today = timezone.localdate()
    centres = centre_infos(centre_ids)
    territories = {c.territory_id: c.territory_name for c in centres}
    territory = request.GET.get("territoire", "")
    month_value = (request.GET.get("mois") or "")[:20]
    context = {
        "month_value": month_value,
        "today": today,
        "territories": sorted(territories.items(), key=lambda t: t[1]),
        "territory": territory,
    }
    month = _month(month_value, today, previous_month(today))
    if month is None:
        return _month_error(request, "kiosk/caf_network.html", context)
    if territory:
        if not territory.isdecimal() or int(territory) not in territories:
            context["territory_error"] = "Choisissez un des territoires de la liste."
            return render(request, "kiosk/caf_network.html", context, status=400)
        centres = [c for c in centres if c.territory_id == int(territory)]
        scope = territories[int(territory)]
    else:
        scope = next(iter(territories.values())) if len(territories) == 1 else "Vos centres"
    start, end, label = month
    report = caf.network_caf_report(centres, start, end)
    context.update(report=report, label=label, month=f"{start:%Y-%m}", scope=scope)
    filename = f"point-relais-caf-{slugify(scope)}-{start:%Y-%m}"
    if fmt == "pdf":
        return download(
            render_pdf("kiosk/pdf/caf_network.html", context), f"{filename}.pdf", "application/pdf"
        )
    if fmt == "xlsx":
        content = exports.caf_network_xlsx(report, scope=scope, period_label=label)
        return download(content, f"{filename}.xlsx", XLSX_CONTENT_TYPE)
    return render(request, "kiosk/caf_network.html", context)


@login_required
@require_GET
def caf_network(request):
    return _caf_network(request, "html")


@login_required
@require_GET
def caf_network_pdf(request):
    return _caf_network(request, "pdf")


@login_required
@require_GET
def caf_network_xlsx(request):
    return _caf_network(request, "xlsx")
