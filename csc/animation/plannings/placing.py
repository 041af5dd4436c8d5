"""Placing, moving, editing and removing an activity: the checks a cell and an entry go through, then
one locked change each.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from csc.activities.models import Group

from ..models import ActivitySheet, Planning, PlanningEntry
from .eligible import eligible_animators, project_objectives, sheet_is_readable
from .labels import Slot, cell_label, day_label
from .setup import PlanningConflict, PlanningRefused, _bump, _lock, planning_days


def _check_cell(planning: Planning, group: Group | None, day: date, slot: str) -> None:
    if slot not in Slot.values:
        raise PlanningRefused("Choisissez le matin, l'après-midi ou la journée.")
    if day not in planning_days(planning):
        raise PlanningRefused(
            f"Le {day_label(day)} n'est pas un jour de ce planning : choisissez un autre jour."
        )
    has_groups = Group.objects.filter(activity_id=planning.activity_id).exists()
    if group is None:
        if has_groups:
            raise PlanningRefused("Choisissez le groupe.")
    elif group.activity_id != planning.activity_id:
        raise PlanningRefused("Ce groupe n'appartient pas à l'activité de ce planning.")


def _check_people_and_objectives(planning: Planning, animators, objectives) -> None:
    animator_ids = {a.pk for a in animators}
    if animator_ids and animator_ids - set(
        eligible_animators(planning.centre_id).filter(pk__in=animator_ids).values_list("pk", flat=True)
    ):
        raise PlanningRefused("Choisissez les animateurs parmi l'équipe de votre centre.")
    objective_ids = {o.pk for o in objectives}
    if objective_ids and objective_ids - set(
        project_objectives(planning).filter(pk__in=objective_ids).values_list("pk", flat=True)
    ):
        raise PlanningRefused("Choisissez les objectifs parmi ceux du projet pédagogique.")


def _same_cell(planning: Planning, group: Group | None, day: date, slot: str):
    return PlanningEntry.objects.filter(
        planning_id=planning.pk, group_id=getattr(group, "pk", None), date=day, slot=slot
    )


def _refuse_duplicate(cell, *, sheet: ActivitySheet | None, title: str, where: str, exclude=None) -> None:
    same = cell.filter(sheet_id=sheet.pk) if sheet is not None else cell.filter(sheet__isnull=True)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if sheet is None:
        same = [e for e in same if e.title.strip().casefold() == title.strip().casefold()]
    if same:
        raise PlanningRefused(f"« {title} » est déjà prévue dans cette case ({where}).")


def _entry(locked: Planning, entry_id: int) -> PlanningEntry:
    entry = PlanningEntry.objects.filter(planning_id=locked.pk, pk=entry_id).select_related("group").first()
    if entry is None:
        raise PlanningConflict(
            "Cette activité n'est plus au planning : un collègue l'a retirée entre-temps. "
            "Le reste du planning n'a pas changé."
        )
    return entry


@transaction.atomic
def place_entry(
    planning: Planning,
    *,
    group: Group | None,
    day: date,
    slot: str,
    sheet: ActivitySheet | None = None,
    title: str = "",
    notes: str = "",
    animators: Iterable = (),
    objectives: Iterable = (),
) -> PlanningEntry:
    """Place a sheet (or a free activity, a title alone) in a cell: a group, a day, a slot. The same
    sheet (or the same free title) twice in one cell is refused. Returns the new entry."""
    locked = _lock(planning)
    animators, objectives = list(animators), list(objectives)
    _check_cell(locked, group, day, slot)
    if sheet is not None and (not sheet_is_readable(sheet, locked.centre_id)):
        raise PlanningRefused("Cette fiche n'est pas partagée avec votre centre.")
    title = (title.strip() or (sheet.title if sheet is not None else ""))[:200]
    if not title:
        raise PlanningRefused("Donnez un titre à l'activité libre, par exemple « Jeux de cour ».")
    _check_people_and_objectives(locked, animators, objectives)
    cell = _same_cell(locked, group, day, slot)
    _refuse_duplicate(cell, sheet=sheet, title=title, where=cell_label(group, day, slot))
    entry = PlanningEntry.objects.create(
        planning=locked,
        centre_id=locked.centre_id,
        group=group,
        date=day,
        slot=slot,
        sheet=sheet,
        title=title,
        notes=notes.strip()[:300],
        position=cell.count(),
    )
    if animators:
        entry.animators.set(animators)
    if objectives:
        entry.objectives.set(objectives)
    _bump(planning, locked)
    return entry


@transaction.atomic
def move_entry(
    planning: Planning, entry_id: int, *, group: Group | None, day: date, slot: str
) -> PlanningEntry:
    """Move an entry to another cell, with its animators and notes. An entry a colleague removed
    meanwhile gives a `PlanningConflict`."""
    locked = _lock(planning)
    entry = _entry(locked, entry_id)
    _check_cell(locked, group, day, slot)
    if (entry.group_id, entry.date, entry.slot) == (getattr(group, "pk", None), day, slot):
        return entry
    cell = _same_cell(locked, group, day, slot)
    _refuse_duplicate(
        cell, sheet=entry.sheet, title=entry.title, where=cell_label(group, day, slot), exclude=entry.pk
    )
    entry.group, entry.date, entry.slot = group, day, slot
    entry.position = cell.count()
    entry.save(update_fields=["group", "date", "slot", "position"])
    _bump(planning, locked)
    return entry


@transaction.atomic
def update_entry(
    planning: Planning,
    entry_id: int,
    *,
    title: str,
    notes: str,
    animators: Iterable,
    objectives: Iterable | None = None,
) -> PlanningEntry:
    """Change what an entry says: its title, notes, animators and (for a free activity) objectives."""
    locked = _lock(planning)
    entry = _entry(locked, entry_id)
    animators = list(animators)
    objectives = list(objectives) if objectives is not None else None
    _check_people_and_objectives(locked, animators, objectives or [])
    title = (title.strip() or entry.title)[:200]
    if title.casefold() != entry.title.casefold() and entry.sheet_id is None:
        cell = _same_cell(locked, entry.group, entry.date, entry.slot)
        _refuse_duplicate(
            cell,
            sheet=None,
            title=title,
            where=cell_label(entry.group, entry.date, entry.slot),
            exclude=entry.pk,
        )
    entry.title = title
    entry.notes = notes.strip()[:300]
    entry.save(update_fields=["title", "notes"])
    entry.animators.set(animators)
    if objectives is not None:
        entry.objectives.set(objectives)
    _bump(planning, locked)
    return entry


@transaction.atomic
def remove_entry(planning: Planning, entry_id: int) -> PlanningEntry:
    """Remove an entry from the planning. Returns it (unsaved) so that the page can say what went."""
    locked = _lock(planning)
    entry = _entry(locked, entry_id)
    entry.delete()
    _bump(planning, locked)
    return entry
