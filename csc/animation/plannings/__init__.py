"""Plannings of Anim'connect: the programme of an activity's groups, day by day and slot by slot.

The operations that change a planning (create it, place, move, edit and remove an activity, copy a
week, publish, unpublish) are plain functions, one transaction each. They raise `PlanningRefused` with
a French message a person can act on, and `PlanningConflict` when a colleague's change came first; the
views show the message and keep what was typed.

Every change bumps `Planning.revision` (a queryset update: the journal records publications, not every
drag of a card). Forms carry the revision they were made from: publishing a planning that changed since
the page was opened is refused, so nobody publishes what they have not seen.

The read side (`load_board`, `grid`, `coverage`, `warnings`) makes a constant number of queries whatever
the planning's size: the grid page is opened at every change.

Publishing makes the sessions attendance is taken on, only through
`csc.activities.sessions.sync_planned_sessions` (the meeting point of the two modules), and keeps a copy
of the programme as published (`Planning.published_content`): parents read that copy until the team
publishes again.

One module per concern, each importing only those before it (import-linter checks the order):
`labels` (how days, slots and groups are said), `setup` (creating a planning, its days and rows, the
lock and the revision), `eligible` (who and what may be placed), `placing`, `copying`, `board` (the
planning loaded once), `review` (coverage and warnings), `grid_page`, `publishing`, `paper` (the PDFs
and the parents' page), `sheet_tray`. Callers use the package: `from csc.animation import plannings`.
"""

from .board import ENTRY_FIELDS, Board, first_name, full_name, load_board
from .copying import CopyItem, CopyPlan, CopyResult, copy_week, plan_copy
from .eligible import ANIMATOR_ROLES, eligible_animators, project_objectives, sheet_is_readable
from .grid_page import Grid, GridCell, GridEntry, GridGroup, GridSlotRow, grid, grid_groups
from .labels import (
    ALL_GROUPS_LABEL,
    GRID_SLOTS,
    MONTH_NAMES,
    TITLE_ORDER,
    WEEKDAY_NAMES,
    Slot,
    cell_label,
    day_label,
    group_label,
    hours_label,
    long_day_label,
    monday_of,
    slot_hours,
    slot_label,
    slots_overlap,
    weeks_of,
)
from .paper import (
    PaperDay,
    PaperGroup,
    PaperItem,
    PaperRow,
    PaperWeek,
    Programme,
    current_programme,
    published_programme,
)
from .placing import move_entry, place_entry, remove_entry, update_entry
from .publishing import PublishResult, planned_sessions, public_content, publish_planning, unpublish_planning
from .review import Coverage, ObjectiveCoverage, PlanningWarning, coverage, warnings
from .setup import (
    HOUR_FIELDS,
    MAX_DAYS,
    PlanningConflict,
    PlanningRefused,
    SlotHours,
    create_planning,
    default_title,
    delete_planning,
    planning_days,
    planning_groups,
    update_planning,
)
from .sheet_tray import TRAY_FIELDS, TRAY_SIZE, Tray, TrayItem, TraySection, tray

# Every public name of the single module this package was, so that no caller has to change.
__all__ = [
    # labels
    "ALL_GROUPS_LABEL",
    "GRID_SLOTS",
    "MONTH_NAMES",
    "TITLE_ORDER",
    "WEEKDAY_NAMES",
    "Slot",
    "cell_label",
    "day_label",
    "group_label",
    "hours_label",
    "long_day_label",
    "monday_of",
    "slot_hours",
    "slot_label",
    "slots_overlap",
    "weeks_of",
    # setup
    "HOUR_FIELDS",
    "MAX_DAYS",
    "PlanningConflict",
    "PlanningRefused",
    "SlotHours",
    "create_planning",
    "default_title",
    "delete_planning",
    "planning_days",
    "planning_groups",
    "update_planning",
    # eligible
    "ANIMATOR_ROLES",
    "eligible_animators",
    "project_objectives",
    "sheet_is_readable",
    # placing
    "move_entry",
    "place_entry",
    "remove_entry",
    "update_entry",
    # copying
    "CopyItem",
    "CopyPlan",
    "CopyResult",
    "copy_week",
    "plan_copy",
    # board
    "ENTRY_FIELDS",
    "Board",
    "first_name",
    "full_name",
    "load_board",
    # review
    "Coverage",
    "ObjectiveCoverage",
    "PlanningWarning",
    "coverage",
    "warnings",
    # grid_page
    "Grid",
    "GridCell",
    "GridEntry",
    "GridGroup",
    "GridSlotRow",
    "grid",
    "grid_groups",
    # publishing
    "PublishResult",
    "planned_sessions",
    "public_content",
    "publish_planning",
    "unpublish_planning",
    # paper
    "PaperDay",
    "PaperGroup",
    "PaperItem",
    "PaperRow",
    "PaperWeek",
    "Programme",
    "current_programme",
    "published_programme",
    # sheet_tray
    "TRAY_FIELDS",
    "TRAY_SIZE",
    "Tray",
    "TrayItem",
    "TraySection",
    "tray",
]
