"""Copying a week onto another week: which entry lands where is decided by `plan_copy`, which reads no
database and is tested alone; `copy_week` loads, then writes in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from ..models import Planning, PlanningEntry
from .labels import monday_of
from .setup import PlanningRefused, _bump, _lock, planning_days


@dataclass(frozen=True)
class CopyItem:
    """What copying needs to know of an entry: where it is and what it is."""

    source_id: int
    group_id: int | None
    date: date
    slot: str
    sheet_id: int | None
    title: str

    def key(self, day: date) -> tuple:
        return (self.group_id, day, self.slot, self.sheet_id, self.title.strip().casefold())


@dataclass
class CopyPlan:
    to_create: list[tuple[CopyItem, date]] = field(default_factory=list)
    already: int = 0
    skipped: int = 0
    skipped_days: list[date] = field(default_factory=list)


def plan_copy(
    items: list[CopyItem], *, offset_days: int, target_days: set[date], existing: set[tuple]
) -> CopyPlan:
    """Which entries of a week land where in another: same weekday, slot and group. A day the target
    does not programme is skipped; an entry already there (same cell, same sheet or title) is not
    doubled, nor is one the same copy has just placed."""
    plan = CopyPlan()
    seen = set(existing)
    skipped_days: set[date] = set()
    for item in sorted(items, key=lambda i: (i.date, i.slot, i.group_id or 0, i.source_id)):
        day = item.date + timedelta(days=offset_days)
        if day not in target_days:
            plan.skipped += 1
            skipped_days.add(day)
            continue
        key = item.key(day)
        if key in seen:
            plan.already += 1
            continue
        seen.add(key)
        plan.to_create.append((item, day))
    plan.skipped_days = sorted(skipped_days)
    return plan


@dataclass
class CopyResult:
    copied: int
    already: int
    skipped: int
    skipped_days: list[date]


@transaction.atomic
def copy_week(source: Planning, *, from_monday: date, target: Planning, to_monday: date) -> CopyResult:
    """Copy the entries of one week (with their animators, notes and objectives) onto another week of
    the same planning or of another planning of the same activity."""
    from_monday, to_monday = monday_of(from_monday), monday_of(to_monday)
    if target.centre_id != source.centre_id or target.activity_id != source.activity_id:
        raise PlanningRefused("On ne copie une semaine que vers un planning de la même activité.")
    if target.pk == source.pk and from_monday == to_monday:
        raise PlanningRefused("Choisissez une autre semaine que celle que vous copiez.")
    locked = _lock(target)
    source_entries = list(
        PlanningEntry.objects.filter(
            planning_id=source.pk, date__range=(from_monday, from_monday + timedelta(days=6))
        ).prefetch_related("animators", "objectives")
    )
    if not source_entries:
        raise PlanningRefused(f"Rien à copier : la semaine du {from_monday:%d/%m/%Y} est vide.")
    target_days = {d for d in planning_days(locked) if to_monday <= d <= to_monday + timedelta(days=6)}
    existing = {
        CopyItem(e.pk, e.group_id, e.date, e.slot, e.sheet_id, e.title).key(e.date)
        for e in PlanningEntry.objects.filter(
            planning_id=locked.pk, date__range=(to_monday, to_monday + timedelta(days=6))
        )
    }
    by_id = {e.pk: e for e in source_entries}
    items = [CopyItem(e.pk, e.group_id, e.date, e.slot, e.sheet_id, e.title) for e in source_entries]
    plan = plan_copy(
        items, offset_days=(to_monday - from_monday).days, target_days=target_days, existing=existing
    )
    new_entries = [
        PlanningEntry(
            planning=locked,
            centre_id=locked.centre_id,
            group_id=item.group_id,
            date=day,
            slot=item.slot,
            sheet_id=item.sheet_id,
            title=item.title,
            notes=by_id[item.source_id].notes,
            position=by_id[item.source_id].position,
        )
        for item, day in plan.to_create
    ]
    PlanningEntry.objects.bulk_create(new_entries)
    animator_links, objective_links = [], []
    for entry, (item, _day) in zip(new_entries, plan.to_create, strict=True):
        source_entry = by_id[item.source_id]
        animator_links += [
            PlanningEntry.animators.through(planningentry_id=entry.pk, user_id=a.pk)
            for a in source_entry.animators.all()
        ]
        objective_links += [
            PlanningEntry.objectives.through(planningentry_id=entry.pk, objective_id=o.pk)
            for o in source_entry.objectives.all()
        ]
    PlanningEntry.animators.through.objects.bulk_create(animator_links)
    PlanningEntry.objectives.through.objects.bulk_create(objective_links)
    if new_entries:
        _bump(target, locked)
    return CopyResult(
        copied=len(new_entries), already=plan.already, skipped=plan.skipped, skipped_days=plan.skipped_days
    )
