"""A planning loaded once, in a constant number of queries: the grid page, the review, publishing and
paper all read the same `Board`, so the read side's queries are counted in one place.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from csc.activities.models import Group

from ..models import Planning, PlanningEntry
from .setup import _period_days, planning_days, planning_groups

ENTRY_FIELDS = (
    "id",
    "planning_id",
    "centre_id",
    "group_id",
    "date",
    "slot",
    "sheet_id",
    "title",
    "notes",
    "position",
    "sheet__id",
    "sheet__title",
    "sheet__summary",
    "sheet__status",
    "sheet__visibility",
    "sheet__centre_id",
    "sheet__min_age",
    "sheet__max_age",
)


@dataclass
class Board:
    """A planning loaded once: its days, rows and entries (with sheets and animators)."""

    planning: Planning
    days: list[date]
    groups: list[Group | None]
    entries: list[PlanningEntry]
    period_day_ids: dict[date, int]
    animator_names: dict[int, list[str]]  # entry id -> its animators' first names, in order

    @property
    def group_by_id(self) -> dict[int | None, Group | None]:
        return {getattr(g, "pk", None): g for g in self.groups}


def load_board(planning: Planning) -> Board:
    """Days, groups and entries of a planning, with their animators' first names: five queries
    whatever its size."""
    if planning.kind == Planning.Kind.PERIOD and planning.period_id:
        period_day_ids = _period_days(planning)
        days = list(period_day_ids)
    else:
        period_day_ids = {}
        days = planning_days(planning)
    entries = list(
        PlanningEntry.objects.filter(planning_id=planning.pk)
        .select_related("sheet")
        .only(*ENTRY_FIELDS)
        .order_by("date", "position", "id")
    )
    # The names straight from the link table rather than a prefetch: a grid shows them for a hundred
    # entries, and only their first names.
    names: dict[int, list[str]] = defaultdict(list)
    links = (
        PlanningEntry.animators.through.objects.filter(planningentry__planning_id=planning.pk)
        .values_list("planningentry_id", "user_id", "user__first_name", "user__last_name")
        .order_by("user__first_name", "user_id")
    )
    for entry_id, user_id, first, last in links:
        names[entry_id].append(first_name(first, last, user_id))
    return Board(
        planning=planning,
        days=days,
        groups=planning_groups(planning),
        entries=entries,
        period_day_ids=period_day_ids,
        animator_names=names,
    )


def first_name(first: str, last: str, user_id: int) -> str:
    """What the grid and the team's PDF call an animator: the first name, else the first word of the
    last name."""
    return first or (last or "").split(" ")[0] or f"n°{user_id}"


def full_name(user) -> str:
    return f"{user.first_name} {user.last_name}".strip() or f"n°{user.pk}"
