"""What the team looks at before publishing: how the planning covers the pedagogical project, and the
warnings (never blocking). Both read the loaded board; the animators' clashes cost one query more.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..models import ActivitySheet, Objective, PlanningEntry, ages_label
from .board import Board
from .eligible import project_objectives, sheet_is_readable
from .labels import ALL_GROUPS_LABEL, day_label, group_label, slot_label, slots_overlap

# --- Coverage of the pedagogical project --------------------------------------------------------------


@dataclass
class ObjectiveCoverage:
    id: int
    text: str
    level: str
    parent_id: int | None
    project: str
    count: int

    @property
    def is_general(self) -> bool:
        return self.level == Objective.Level.GENERAL


@dataclass
class Coverage:
    lines: list[ObjectiveCoverage]

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def covered(self) -> int:
        return sum(1 for line in self.lines if line.count)

    @property
    def uncovered(self) -> list[ObjectiveCoverage]:
        return [line for line in self.lines if not line.count]


def coverage(board: Board, objectives: list[Objective] | None = None) -> Coverage:
    """For each objective of the centre's and the activity's projects (`project_objectives`, loaded
    here unless given), how many entries of the planning serve it, through their sheet's objectives or
    their own. A general objective is also served by the entries serving one of its operational
    objectives. Three queries."""
    planning = board.planning
    if objectives is None:
        objectives = list(project_objectives(planning))
    if not objectives:
        return Coverage(lines=[])
    served: dict[int, set[int]] = defaultdict(set)
    entries_by_sheet: dict[int, list[int]] = defaultdict(list)
    for entry in board.entries:
        if entry.sheet_id:
            entries_by_sheet[entry.sheet_id].append(entry.pk)
    entry_links = PlanningEntry.objectives.through.objects.filter(planningentry__planning_id=planning.pk)
    for entry_id, objective_id in entry_links.values_list("planningentry_id", "objective_id"):
        served[objective_id].add(entry_id)
    if entries_by_sheet:
        sheet_links = ActivitySheet.objectives.through.objects.filter(
            activitysheet_id__in=list(entries_by_sheet)
        )
        for sheet_id, objective_id in sheet_links.values_list("activitysheet_id", "objective_id"):
            served[objective_id].update(entries_by_sheet[sheet_id])
    for objective in objectives:
        if objective.parent_id:
            served[objective.parent_id] |= served[objective.pk]
    # General objectives, each followed by its operational ones: the order of the project's page.
    children: dict[int, list[Objective]] = defaultdict(list)
    for objective in objectives:
        if objective.parent_id:
            children[objective.parent_id].append(objective)
    ids = {o.pk for o in objectives}
    ordered: list[Objective] = []
    for objective in objectives:
        if not objective.parent_id or objective.parent_id not in ids:
            ordered.append(objective)
            ordered.extend(children.get(objective.pk, []))
    return Coverage(
        lines=[
            ObjectiveCoverage(
                id=o.pk,
                text=o.text,
                level=o.level,
                parent_id=o.parent_id,
                project="Projet de l'accueil" if o.project.activity_id else "Projet du centre",
                count=len(served[o.pk]),
            )
            for o in ordered
        ]
    )


# --- Warnings --------------------------------------------------------------------------------------


@dataclass
class PlanningWarning:
    """Something to look at before the day; never blocking."""

    kind: str  # age, animateur, brouillon, non_partagee, hors_jours, vide
    message: str
    entry_ids: tuple[int, ...] = ()
    short: str = ""  # what the entry's card says, in a word or two


def _when(entries: list[PlanningEntry]) -> str:
    return ", ".join(f"{day_label(e.date)} {slot_label(e.slot).lower()}" for e in entries)


def warnings(board: Board) -> list[PlanningWarning]:
    """Age ranges outside the group's, animators in two places at once (across all the centre's
    plannings), draft or no longer shared sheets, entries on a day that is no longer programmed, days
    with nothing planned. One query (the animators'), the rest from the loaded board."""
    planning = board.planning
    groups = board.group_by_id
    day_set = set(board.days)
    found: list[PlanningWarning] = []

    ages: dict[tuple, list[PlanningEntry]] = defaultdict(list)
    drafts: dict[int, list[PlanningEntry]] = defaultdict(list)
    unshared: dict[int, list[PlanningEntry]] = defaultdict(list)
    for entry in board.entries:
        sheet, group = entry.sheet, groups.get(entry.group_id)
        if sheet is None:
            continue
        if group is not None and (
            (sheet.min_age is not None and group.min_age < sheet.min_age)
            or (sheet.max_age is not None and group.max_age > sheet.max_age)
        ):
            ages[(sheet.pk, group.pk)].append(entry)
        if sheet.status == ActivitySheet.Status.DRAFT and sheet.centre_id == planning.centre_id:
            drafts[sheet.pk].append(entry)
        elif not sheet_is_readable(sheet, planning.centre_id):
            unshared[sheet.pk].append(entry)

    for (_sheet_id, group_id), entries in ages.items():
        sheet, group = entries[0].sheet, groups[group_id]
        label = ages_label(sheet.min_age, sheet.max_age)
        prefix = "pour " if sheet.min_age is not None and sheet.max_age is not None else ""
        found.append(
            PlanningWarning(
                "age",
                f"« {entries[0].title} » est prévue {prefix}{label} ; le groupe {group.name} a "
                f"{ages_label(group.min_age, group.max_age)} ({_when(entries)}).",
                tuple(e.pk for e in entries),
                f"âge : {label}",
            )
        )
    found += _animator_warnings(board)
    for entries in drafts.values():
        found.append(
            PlanningWarning(
                "brouillon",
                f"La fiche « {entries[0].sheet.title} » est encore un brouillon : relisez-la et "
                f"publiez-la avant de mener l'activité ({_when(entries)}).",
                tuple(e.pk for e in entries),
                "fiche en brouillon",
            )
        )
    for entries in unshared.values():
        found.append(
            PlanningWarning(
                "non_partagee",
                f"La fiche « {entries[0].sheet.title} » n'est plus partagée par son centre : gardez-en "
                f"une copie ou choisissez-en une autre ({_when(entries)}).",
                tuple(e.pk for e in entries),
                "fiche plus partagée",
            )
        )
    for entry in board.entries:
        if entry.date not in day_set:
            found.append(
                PlanningWarning(
                    "hors_jours",
                    f"« {entry.title} » est prévue le {day_label(entry.date)}, qui n'est plus un jour de ce "
                    "planning (fermeture, jour retiré de la période) : déplacez-la ou retirez-la.",
                    (entry.pk,),
                    "jour non programmé",
                )
            )
    found += _empty_day_warnings(board)
    return found


def _animator_warnings(board: Board) -> list[PlanningWarning]:
    """An animator with two overlapping entries on the same day, in this planning or in any other
    planning of the centre. One query."""
    planning = board.planning
    through = PlanningEntry.animators.through
    ours = through.objects.filter(planningentry__planning_id=planning.pk).values("user_id")
    rows = (
        through.objects.filter(
            planningentry__centre_id=planning.centre_id,
            planningentry__date__range=(planning.starts_on, planning.ends_on),
            user_id__in=ours,
        )
        .values_list(
            "user_id",
            "user__first_name",
            "user__last_name",
            "planningentry_id",
            "planningentry__planning_id",
            "planningentry__planning__title",
            "planningentry__date",
            "planningentry__slot",
            "planningentry__title",
            "planningentry__group__name",
        )
        .order_by("planningentry__date", "planningentry_id")
    )

    def where(item) -> str:
        group = item[6] or ALL_GROUPS_LABEL
        other = f", planning « {item[2]} »" if item[1] != planning.pk else ""
        return f"« {item[5]} » ({group}, {slot_label(item[4]).lower()}{other})"

    by_person_day: dict[tuple, list[tuple]] = defaultdict(list)
    names: dict[int, str] = {}
    for row in rows:
        user_id, first, last = row[0], row[1], row[2]
        names[user_id] = f"{first} {last}".strip() or f"n°{user_id}"
        by_person_day[(user_id, row[6])].append(row[3:])
    found = []
    for (user_id, day), items in by_person_day.items():
        for index, first in enumerate(items):
            for second in items[index + 1 :]:
                if not slots_overlap(first[4], second[4]):
                    continue
                if planning.pk not in (first[1], second[1]):
                    continue
                if first[1] != planning.pk:
                    first, second = second, first
                found.append(
                    PlanningWarning(
                        "animateur",
                        f"{names[user_id]} a deux activités en même temps le {day_label(day)} : "
                        f"{where(first)} et {where(second)}.",
                        tuple(item[0] for item in (first, second) if item[1] == planning.pk),
                        f"{names[user_id].split(' ')[0]} à deux endroits",
                    )
                )
    return found


def _empty_day_warnings(board: Board) -> list[PlanningWarning]:
    if not board.days:
        return []
    if not board.entries:
        return [PlanningWarning("vide", "Rien n'est encore prévu dans ce planning.")]
    filled = {(e.group_id, e.date) for e in board.entries}
    found = []
    for group in board.groups:
        group_id = getattr(group, "pk", None)
        empty = [d for d in board.days if (group_id, d) not in filled]
        if empty:
            days = ", ".join(day_label(d) for d in empty)
            found.append(PlanningWarning("vide", f"{group_label(group)} : rien de prévu le {days}."))
    return found
