"""Publishing and unpublishing. The sessions attendance is taken on are made only through
`sync_planned_sessions`, the meeting point with activities; the copy parents read is kept here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from csc.activities.sessions import PlannedSession, SessionRefused, SyncResult, sync_planned_sessions

from ..models import Planning, PlanningEntry, ages_label
from .board import Board, load_board
from .labels import GRID_SLOTS, TITLE_ORDER, group_label, hours_label, slot_hours, slot_label
from .setup import PlanningConflict, PlanningRefused, _lock


def _group_slot_entries(board: Board) -> dict[tuple[int | None, date], dict[str, list[PlanningEntry]]]:
    day_set = set(board.days)
    known = set(board.group_by_id)
    cells: dict[tuple, dict[str, list[PlanningEntry]]] = defaultdict(lambda: defaultdict(list))
    for entry in board.entries:
        # An entry on a day no longer programmed, or of a group since deleted, makes no session.
        if entry.date in day_set and entry.group_id in known:
            cells[(entry.group_id, entry.date)][entry.slot].append(entry)
    return cells


def planned_sessions(board: Board) -> list[PlannedSession]:
    """One session per group and day with at least one entry: from the start of the earliest slot used
    to the end of the latest, titled with the day's activities (« Matin : X · Après-midi : Y »)."""
    planning = board.planning
    wanted = []
    for (group_id, day), by_slot in sorted(
        _group_slot_entries(board).items(), key=lambda item: (item[0][1], item[0][0] or 0)
    ):
        used = [slot for slot in TITLE_ORDER if by_slot.get(slot)]
        times = [slot_hours(planning, slot) for slot in used]
        title = " · ".join(
            f"{slot_label(slot)} : {', '.join(e.title for e in by_slot[slot])}" for slot in used
        )
        wanted.append(
            PlannedSession(
                group_id=group_id,
                date=day,
                start_time=min(start for start, _ in times),
                end_time=max(end for _, end in times),
                title=title,
                period_day_id=board.period_day_ids.get(day),
            )
        )
    return wanted


def public_content(board: Board, *, published_at) -> dict:
    """The programme as parents read it, kept with the planning at publication: no animator, no staff
    note beyond the « précisions » meant for families."""
    planning = board.planning
    items = [
        {
            "group": entry.group_id,
            "date": entry.date.isoformat(),
            "slot": entry.slot,
            "title": entry.title,
            "summary": entry.sheet.summary[:400] if entry.sheet is not None else "",
            "notes": entry.notes,
        }
        for cells in _group_slot_entries(board).values()
        for entries in cells.values()
        for entry in entries
    ]
    return {
        "version": 1,
        "title": planning.title,
        "activity": planning.activity.name,
        "centre": planning.centre.name,
        "published_at": published_at.isoformat(),
        "days": [d.isoformat() for d in board.days],
        "groups": [
            {
                "id": getattr(g, "pk", None),
                "name": group_label(g),
                "ages": ages_label(g.min_age, g.max_age) if g is not None else "",
            }
            for g in board.groups
        ],
        "hours": {slot: hours_label(*slot_hours(planning, slot)) for slot in GRID_SLOTS},
        "items": items,
    }


@dataclass
class PublishResult:
    planning: Planning
    sessions: SyncResult
    session_count: int


@transaction.atomic
def publish_planning(planning: Planning, *, user, expected_revision: int | None = None) -> PublishResult:
    """Publish the planning as it is now: the parents' page and PDF show this state, and the sessions
    for attendance are made or updated (one per group and day with an activity). Publishing again
    updates both. A planning changed since `expected_revision` (the page the person saw) is refused."""
    locked = _lock(planning)
    if expected_revision is not None and expected_revision != locked.revision:
        raise PlanningConflict(
            "Le planning a été modifié par un collègue depuis que vous l'avez ouvert : relisez-le, puis "
            "publiez à nouveau."
        )
    board = load_board(locked)
    wanted = planned_sessions(board)
    if not wanted:
        raise PlanningRefused("Le planning est vide : placez au moins une activité avant de le publier.")
    try:
        result = sync_planned_sessions(locked.activity, origin=locked.session_origin, wanted=wanted)
    except SessionRefused as refused:
        raise PlanningRefused(str(refused)) from refused
    now = timezone.now()
    locked.status = Planning.Status.PUBLISHED
    locked.published_at = now
    locked.published_revision = locked.revision
    locked.published_content = public_content(board, published_at=now)
    locked.save(
        update_fields=["status", "published_at", "published_revision", "published_content", "updated_at"]
    )
    for name in ("status", "published_at", "published_revision", "published_content", "revision"):
        setattr(planning, name, getattr(locked, name))
    return PublishResult(planning=locked, sessions=result, session_count=len(wanted))


@transaction.atomic
def unpublish_planning(planning: Planning, *, user) -> SyncResult:
    """Take the programme off the parents' page. The sessions it made go too, except those where
    attendance was already noted: they happened and stay counted (returned in `kept`)."""
    locked = _lock(planning)
    if not locked.is_published:
        raise PlanningRefused("Ce planning n'est pas publié.")
    result = sync_planned_sessions(locked.activity, origin=locked.session_origin, wanted=[])
    locked.status = Planning.Status.DRAFT
    locked.published_content = {}
    locked.save(update_fields=["status", "published_content", "updated_at"])
    planning.status, planning.published_content = locked.status, locked.published_content
    return result
