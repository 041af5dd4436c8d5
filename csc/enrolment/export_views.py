"""Downloads of the registrations, memberships and amounts due, for reception and the director.

Each view checks the capability in the centre of the object asked for (another centre's period or
season is a 404, as everywhere), journals the export, and hands the rows to a writer of `exports.py`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from csc.activities.models import Group, Period
from csc.core.audit import record
from csc.core.replica import from_replica
from csc.core.tenancy import require_capability
from csc.people.models import Season

from . import exports
from .capabilities import ENROLMENT_PROCESS

FORMATS = ("csv", "xlsx")
CAPABILITY = ENROLMENT_PROCESS


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


@login_required
@require_GET
@from_replica
def export_period(request, period_id: int, fmt: str):
    fmt = _format(fmt)
    period = _period(request, period_id)
    group = _group(request, period)
    export = exports.period_registrations(period, group=group)
    detail = f"inscrits de la période {period.pk}"
    if group is not None:
        detail += f", groupe {group.pk}"
    record("enrolment.export", centre=period.activity.centre, obj=period, detail=f"{detail} ({fmt})")
    return exports.response(export, fmt)


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
    return exports.response(export, fmt)


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
    return exports.response(export, fmt)
