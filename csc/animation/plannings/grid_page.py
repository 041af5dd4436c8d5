"""What the grid page shows: one week of the board as a table (a row per group and slot, a cell per
day), with the review's coverage and warnings. The page opens at every change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from ..models import ActivitySheet, Objective, Planning, PlanningEntry, ages_label
from .board import Board, load_board
from .eligible import project_objectives
from .labels import (
    GRID_SLOTS,
    day_label,
    group_label,
    hours_label,
    monday_of,
    slot_hours,
    slot_label,
    weeks_of,
)
from .review import Coverage, PlanningWarning, coverage, warnings


@dataclass
class GridEntry:
    id: int
    title: str
    sheet_id: int | None
    notes: str
    animators: list[str]
    group_id: int | None
    date: date
    slot: str
    is_draft: bool
    warnings: list[str] = field(default_factory=list)
    # Links, filled in by the page (`LinkPattern`): the grid shows up to a hundred entries.
    sheet_url: str = ""
    move_url: str = ""
    edit_url: str = ""

    @property
    def day_label(self) -> str:
        return day_label(self.date)


@dataclass
class GridCell:
    """A cell of the table. `group_key` and `day_key` are what its data attributes and the forms say
    (ready-made strings: the template writes forty cells)."""

    group_id: int | None
    date: date
    slot: str
    entries: list[GridEntry]
    group_key: str = ""
    day_key: str = ""


@dataclass
class GridSlotRow:
    slot: str
    label: str
    hours: str
    cells: list[GridCell]


@dataclass
class GridGroup:
    id: int | None
    name: str
    ages: str
    slot_rows: list[GridSlotRow]


@dataclass
class Grid:
    planning: Planning
    days: list[date]
    weeks: list[date]
    week: date | None
    week_days: list[date]
    groups: list[GridGroup]
    entry_count: int
    coverage: Coverage
    warnings: list[PlanningWarning]
    off_days: list[GridEntry]
    board: Board
    entries: list[GridEntry]  # every entry of the planning, this week's and the others'
    objectives: list[Objective]  # the projects' objectives: the coverage's, and the place dialog's

    @property
    def columns(self) -> list[tuple[date, str]]:
        return [(day, day_label(day)) for day in self.week_days]

    @property
    def previous_week(self) -> date | None:
        index = self.weeks.index(self.week) if self.week in self.weeks else -1
        return self.weeks[index - 1] if index > 0 else None

    @property
    def next_week(self) -> date | None:
        index = self.weeks.index(self.week) if self.week in self.weeks else -1
        return self.weeks[index + 1] if 0 <= index < len(self.weeks) - 1 else None


def _grid_entry(entry: PlanningEntry, animators: list[str]) -> GridEntry:
    return GridEntry(
        id=entry.pk,
        title=entry.title,
        sheet_id=entry.sheet_id,
        notes=entry.notes,
        animators=animators,
        group_id=entry.group_id,
        date=entry.date,
        slot=entry.slot,
        is_draft=entry.sheet is not None and entry.sheet.status == ActivitySheet.Status.DRAFT,
    )


def grid_groups(board: Board, days: list[date], grid_entries: dict[int, GridEntry]) -> list[GridGroup]:
    """The table's rows for these days: per group, a row per slot, a cell per day."""
    by_cell: dict[tuple, list[GridEntry]] = defaultdict(list)
    for entry in board.entries:
        by_cell[(entry.group_id, entry.date, entry.slot)].append(grid_entries[entry.pk])
    planning = board.planning
    result = []
    day_keys = {day: day.isoformat() for day in days}
    for group in board.groups:
        group_id = getattr(group, "pk", None)
        group_key = "" if group_id is None else str(group_id)
        rows = []
        for slot in GRID_SLOTS:
            cells = [
                GridCell(
                    group_id=group_id,
                    date=day,
                    slot=slot,
                    entries=by_cell.get((group_id, day, slot), []),
                    group_key=group_key,
                    day_key=day_keys[day],
                )
                for day in days
            ]
            rows.append(GridSlotRow(slot, slot_label(slot), hours_label(*slot_hours(planning, slot)), cells))
        result.append(
            GridGroup(
                id=group_id,
                name=group_label(group),
                ages=ages_label(group.min_age, group.max_age) if group is not None else "",
                slot_rows=rows,
            )
        )
    return result


def grid(planning: Planning, *, week: date | None = None, today: date | None = None) -> Grid:
    """What the grid page shows: one week of the planning (the asked one, else the current one, else
    the first), its coverage of the pedagogical project and its warnings."""
    board = load_board(planning)
    objectives = list(project_objectives(planning))
    grid_entries = {e.pk: _grid_entry(e, board.animator_names.get(e.pk, [])) for e in board.entries}
    found = warnings(board)
    for warning in found:
        for entry_id in warning.entry_ids:
            if entry_id in grid_entries and warning.short:
                grid_entries[entry_id].warnings.append(warning.short)
    weeks = weeks_of(board.days)
    today = today or timezone.localdate()
    if week is not None:
        week = monday_of(week)
    if week not in weeks:
        week = monday_of(today) if monday_of(today) in weeks else (weeks[0] if weeks else None)
    week_days = [d for d in board.days if week is not None and monday_of(d) == week]
    day_set = set(board.days)
    return Grid(
        planning=planning,
        days=board.days,
        weeks=weeks,
        week=week,
        week_days=week_days,
        groups=grid_groups(board, week_days, grid_entries),
        entry_count=len(board.entries),
        coverage=coverage(board, objectives),
        warnings=found,
        off_days=[grid_entries[e.pk] for e in board.entries if e.date not in day_set],
        board=board,
        entries=list(grid_entries.values()),
        objectives=objectives,
    )
