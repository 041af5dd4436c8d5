"""The programme laid out for reading: the team's PDF, the parents' page and their PDF. One shape,
whether it comes from the board as it is now or from the copy kept at publication.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ..models import ages_label
from .board import Board
from .labels import (
    GRID_SLOTS,
    TITLE_ORDER,
    Slot,
    group_label,
    hours_label,
    long_day_label,
    monday_of,
    slot_hours,
    slot_label,
    weeks_of,
)


@dataclass
class PaperItem:
    title: str
    summary: str = ""
    notes: str = ""
    animators: str = ""


@dataclass
class PaperRow:
    label: str
    hours: str
    cells: list[list[PaperItem]]


@dataclass
class PaperDay:
    date: date
    label: str
    lines: list[tuple[str, PaperItem]]


@dataclass
class PaperGroup:
    name: str
    ages: str
    rows: list[PaperRow] = field(default_factory=list)
    days: list[PaperDay] = field(default_factory=list)


@dataclass
class PaperWeek:
    monday: date
    days: list[date]
    groups: list[PaperGroup]


@dataclass
class Programme:
    """A planning laid out for reading: by week (paper) and by group then day (parents' page)."""

    weeks: list[PaperWeek]
    groups: list[PaperGroup]
    hours: dict[str, str]


def _programme(
    days: list[date], groups: list[tuple], items: dict[tuple, list[PaperItem]], hours
) -> Programme:
    """groups: (key, name, ages); items by (group key, date, slot)."""
    weeks = []
    for monday in weeks_of(days):
        week_days = [d for d in days if monday_of(d) == monday]
        paper_groups = []
        for key, name, ages in groups:
            rows = []
            for slot in GRID_SLOTS:
                cells = [items.get((key, d, slot), []) for d in week_days]
                # On paper, a « Journée » row nobody uses that week is only noise.
                if slot == Slot.DAY and not any(cells):
                    continue
                rows.append(PaperRow(slot_label(slot), hours.get(slot, ""), cells))
            paper_groups.append(PaperGroup(name=name, ages=ages, rows=rows))
        weeks.append(PaperWeek(monday, week_days, paper_groups))
    by_group = [
        PaperGroup(
            name=name,
            ages=ages,
            days=[
                PaperDay(
                    d,
                    long_day_label(d),
                    [
                        (slot_label(slot), item)
                        for slot in TITLE_ORDER
                        for item in items.get((key, d, slot), [])
                    ],
                )
                for d in days
            ],
        )
        for key, name, ages in groups
    ]
    return Programme(weeks=weeks, groups=by_group, hours=hours)


def current_programme(board: Board, *, with_animators: bool) -> Programme:
    """The planning as it is now, for the team's PDF."""
    items: dict[tuple, list[PaperItem]] = defaultdict(list)
    for entry in board.entries:
        items[(entry.group_id, entry.date, entry.slot)].append(
            PaperItem(
                title=entry.title,
                notes=entry.notes,
                animators=", ".join(board.animator_names.get(entry.pk, ())) if with_animators else "",
            )
        )
    groups = [
        (getattr(g, "pk", None), group_label(g), ages_label(g.min_age, g.max_age) if g else "")
        for g in board.groups
    ]
    hours = {slot: hours_label(*slot_hours(board.planning, slot)) for slot in GRID_SLOTS}
    return _programme(board.days, groups, items, hours)


def published_programme(content: dict) -> Programme:
    """The programme as it was published, from the copy kept with the planning."""
    items: dict[tuple, list[PaperItem]] = defaultdict(list)
    for item in content.get("items", []):
        key = (item.get("group"), date.fromisoformat(item["date"]), item["slot"])
        items[key].append(
            PaperItem(title=item["title"], summary=item.get("summary", ""), notes=item.get("notes", ""))
        )
    groups = [(g.get("id"), g["name"], g.get("ages", "")) for g in content.get("groups", [])]
    days = [date.fromisoformat(d) for d in content.get("days", [])]
    hours = content.get("hours") or dict.fromkeys(GRID_SLOTS, "")
    return _programme(days, groups, items, hours)
