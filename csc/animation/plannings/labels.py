"""How days, slots, groups and hours are said: the grid, the messages, the sessions' titles and paper
name them the same way because they all take their words from here.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from csc.activities.models import Group

from ..models import Planning, PlanningEntry

Slot = PlanningEntry.Slot

# The rows of the grid for each group, in reading order. A « Journée » entry has a row of its own, so
# that every cell of the table is one drop target with one meaning.
GRID_SLOTS = (Slot.MORNING, Slot.AFTERNOON, Slot.DAY)
# In a session's title and on paper, the day comes first, then the half-days.
TITLE_ORDER = (Slot.DAY, Slot.MORNING, Slot.AFTERNOON)
ALL_GROUPS_LABEL = "Tout le groupe"
WEEKDAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTH_NAMES = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def day_label(day: date) -> str:
    """« mercredi 23/12 »: how a day is named in the grid, the menus and the messages."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day:%d/%m}"


def long_day_label(day: date) -> str:
    """« mercredi 23 décembre »: for parents, who do not read dates like a spreadsheet."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def slot_label(slot: str) -> str:
    return str(Slot(slot).label)


def slots_overlap(first: str, second: str) -> bool:
    """Whether one person can be in both at once: a « Journée » covers the morning and the afternoon."""
    return first == second or Slot.DAY in (first, second)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_of(days: list[date]) -> list[date]:
    return sorted({monday_of(d) for d in days})


def group_label(group: Group | None) -> str:
    return group.name if group is not None else ALL_GROUPS_LABEL


def cell_label(group: Group | None, day: date, slot: str) -> str:
    """« Petits, mercredi 23/12, matin »: said after every placement and move."""
    return f"{group_label(group)}, {day_label(day)}, {slot_label(slot).lower()}"


def hours_label(start: time, end: time) -> str:
    def one(moment: time) -> str:
        return f"{moment.hour} h" if not moment.minute else f"{moment.hour} h {moment.minute:02d}"

    return f"{one(start)} – {one(end)}"


def slot_hours(planning: Planning, slot: str) -> tuple[time, time]:
    if slot == Slot.MORNING:
        return planning.morning_start, planning.morning_end
    if slot == Slot.AFTERNOON:
        return planning.afternoon_start, planning.afternoon_end
    return planning.morning_start, planning.afternoon_end
