"""Downloads of the registrations, memberships and amounts due, for reception and the director.

Each view checks the capability in the centre of the object asked for (another centre's period or
season is a 404, as everywhere), journals the export, and hands the rows to a writer of `exports.py`.

CSV streams from the first row, in constant memory, whatever the size: it stays in the request. An XLSX
is written whole before its first byte can leave (10,000 rows take seconds): above
`XLSX_IN_REQUEST_ROWS` rows it is prepared by the task worker (csc.core.jobs, `jobs.py`) and the link
leads to the job's page, with its progress and then the file; below, it is answered at once.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from csc.activities.models import Group, Period, Registration
from csc.core import jobs
from csc.core.audit import record
from csc.core.replica import from_replica
from csc.core.tenancy import require_capability
from csc.people.models import Season

from . import exports
from .capabilities import ENROLMENT_PROCESS

FORMATS = ("csv", "xlsx")
CAPABILITY = ENROLMENT_PROCESS
EXPORT_JOB = "enrolment.export"


def _xlsx_in_request_rows() -> int:
    # A setting so that a test (or a deployment on a slow machine) can move the threshold.
    return getattr(settings, "CSC_XLSX_IN_REQUEST_ROWS", 2000)


def _answer(request, export, fmt: str, count, *, centre, what: str, object_id: int, label: str, group=None):
    """The file at once (a CSV, or an XLSX of at most `XLSX_IN_REQUEST_ROWS` rows: `count()` is one
    COUNT query), or the page of the job that prepares a larger XLSX (the person's own one not finished
    yet, if they click twice)."""
    if fmt == "xlsx" and count() > _xlsx_in_request_rows():
        parameters = {"export": what, "id": object_id, "group": group.pk if group else None}
        if export.layout:
            parameters["layout"] = export.layout
        job = jobs.unfinished(EXPORT_JOB, user=request.user, **parameters) or jobs.start(
            EXPORT_JOB, user=request.user, centre=centre, parameters=parameters, label=label
        )
        return redirect(job)
    return exports.response(export, fmt)


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


def _period(request, period_id: int) -> Period:
    period = get_object_or_404(
        Period.objects.visible_to(request.user, CAPABILITY).select_related("activity__centre"), pk=period_id
    )
    require_capability(request, CAPABILITY, period.activity.centre)
    return period


def _group(request, period: Period) -> Group | None:
    """The `?groupe=` of the request: absent or empty means every group; anything else must be one
    of the period's groups, or the answer is a 404 (never a list silently widened to all groups)."""
    value = request.GET.get("groupe", "").strip()
    if not value:
        return None
    try:
        group_id = int(value)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(Group, pk=group_id, activity_id=period.activity_id)


def _layout(request) -> str | None:
    """The `?presentation=` of the request: absent or empty means the period's default layout; an
    unknown one is a 404, as a bad group is."""
    value = request.GET.get("presentation", "").strip()
    if not value:
        return None
    if value not in exports.LAYOUTS:
        raise Http404
    return value


@login_required
@require_GET
@from_replica
def export_period(request, period_id: int, fmt: str):
    fmt = _format(fmt)
    period = _period(request, period_id)
    group = _group(request, period)
    layout = _layout(request)
    try:
        export = exports.period_registrations(period, group=group, layout=layout)
    except exports.LayoutRefused as refusal:
        # Back to the export form, with the message naming the layouts that suit the period.
        messages.error(request, str(refusal))
        return redirect(f"{reverse('enrolment:inbox')}?periode={period.pk}#exports-title")
    detail = f"inscrits de la période {period.pk}"
    if group is not None:
        detail += f", groupe {group.pk}"
    if layout:
        detail += f", présentation {layout}"
    record("enrolment.export", centre=period.activity.centre, obj=period, detail=f"{detail} ({fmt})")
    rows = Registration.objects.filter(period=period, status=Registration.Status.ACTIVE)
    rows = rows.filter(group=group) if group else rows
    return _answer(
        request,
        export,
        fmt,
        lambda: exports.registration_row_count(rows, export.layout),
        centre=period.activity.centre,
        what="period",
        object_id=period.pk,
        group=group,
        label=f"Inscrits — {period.name}"
        + (f", groupe {group.name}" if group else "")
        + f" — {exports.LAYOUTS[export.layout].lower()} (Excel)",
    )


@login_required
@require_GET
@from_replica
def export_amounts_due(request, period_id: int, fmt: str):
    fmt = _format(fmt)
    period = _period(request, period_id)
    export = exports.period_amounts_due(period)
    record(
        "enrolment.export",
        centre=period.activity.centre,
        obj=period,
        detail=f"montants dus par foyer de la période {period.pk} ({fmt})",
    )
    return _answer(
        request,
        export,
        fmt,
        Registration.objects.filter(period=period, status=Registration.Status.ACTIVE).count,
        centre=period.activity.centre,
        what="amounts",
        object_id=period.pk,
        label=f"Montants dus par foyer — {period.name} (Excel)",
    )


@login_required
@require_GET
@from_replica
def export_memberships(request, season_id: int, fmt: str):
    fmt = _format(fmt)
    season = get_object_or_404(
        Season.objects.visible_to(request.user, CAPABILITY).select_related("centre"), pk=season_id
    )
    require_capability(request, CAPABILITY, season.centre)
    export = exports.season_memberships(season)
    record(
        "enrolment.export",
        centre=season.centre,
        obj=season,
        detail=f"adhésions de la saison {season.pk} ({fmt})",
    )
    return _answer(
        request,
        export,
        fmt,
        season.memberships.in_force().count,
        centre=season.centre,
        what="memberships",
        object_id=season.pk,
        label=f"Adhésions — {season.name} (Excel)",
    )
