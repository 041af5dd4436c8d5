"""The large XLSX exports, prepared by the task worker (csc.core.jobs; see `export_views.py` for the
threshold). The runner rebuilds the export from its object's id with the rights the person holds now,
and writes the workbook to a temporary file (in memory while small) that core stores once complete.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from csc.activities.models import Group, Period, Registration
from csc.core.jobs import JobError, Result
from csc.core.spreadsheets import XLSX_CONTENT_TYPE
from csc.core.tenancy import has_capability
from csc.people.models import Season

from . import exports
from .capabilities import ENROLMENT_PROCESS

GONE = "Ce que vous vouliez exporter n'existe plus, ou vous ne pouvez plus l'exporter."
PROGRESS_ROWS = 500


def _export(parameters: dict, user) -> tuple[exports.Export, int]:
    """The export asked for and its number of rows; JobError when it is gone or no longer allowed."""
    what, object_id = parameters["export"], parameters["id"]
    if what == "memberships":
        season = Season.objects.filter(pk=object_id).first()
        if season is None or not has_capability(user, ENROLMENT_PROCESS, season.centre_id):
            raise JobError(GONE)
        return exports.season_memberships(season), season.memberships.in_force().count()
    period = Period.objects.filter(pk=object_id).select_related("activity").first()
    if period is None or not has_capability(user, ENROLMENT_PROCESS, period.activity.centre_id):
        raise JobError(GONE)
    registrations = Registration.objects.filter(period=period, status=Registration.Status.ACTIVE)
    if what == "amounts":
        export = exports.period_amounts_due(period)
        # A line per household: the count of households is what the progress counts.
        return export, registrations.values("household_id").distinct().count()
    group = None
    if parameters.get("group"):
        group = Group.objects.filter(pk=parameters["group"], activity_id=period.activity_id).first()
        if group is None:
            raise JobError(GONE)
        registrations = registrations.filter(group=group)
    try:
        export = exports.period_registrations(period, group=group, layout=parameters.get("layout"))
    except exports.LayoutRefused as refusal:
        raise JobError(str(refusal)) from None
    return export, exports.registration_row_count(registrations, export.layout)


def _counted(rows: Iterator[tuple], total: int, progress) -> Iterator[tuple]:
    for index, row in enumerate(rows):
        if not index % PROGRESS_ROWS:
            progress(index, total, "Lignes écrites")
        yield row


def export_xlsx(parameters: dict, progress, user) -> Result:
    """One of the enrolment exports as an XLSX workbook, with its progress per row."""
    export, total = _export(parameters, user)
    export.rows = _counted(export.rows, total, progress)
    handle = tempfile.SpooledTemporaryFile(max_size=exports.XLSX_SPOOL_BYTES)  # noqa: SIM115 — core closes it
    exports.write_xlsx(export, handle)
    handle.seek(0)
    return Result(f"{export.filename}.xlsx", handle, XLSX_CONTENT_TYPE)
