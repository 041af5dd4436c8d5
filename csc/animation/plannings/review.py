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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from csc.activities.models import Activity, Group, Period, PeriodDay
from csc.activities.services import weekdays_between
from csc.activities.sessions import (
    PlannedSession,
    SessionRefused,
    SyncResult,
    closed_days,
    sync_planned_sessions,
)
from csc.core.holidays import public_holidays
from csc.core.roles import Role

from ..models import ActivitySheet, Objective, Planning, PlanningEntry, ages_label

Slot = PlanningEntry.Slot

# A planning is read and printed on one screen per week; beyond two months it is a typing error or a
# whole term, which is better split (the grid, the PDF and the sessions stay small).
MAX_DAYS = 62
# The rows of the grid for each group, in reading order. A « Journée » entry has a row of its own, so
# that every cell of the table is one drop target with one meaning.
GRID_SLOTS = (Slot.MORNING, Slot.AFTERNOON, Slot.DAY)
# In a session's title and on paper, the day comes first, then the half-days.
TITLE_ORDER = (Slot.DAY, Slot.MORNING, Slot.AFTERNOON)
ALL_GROUPS_LABEL = "Tout le groupe"
# Who may be named on an entry: the roles that lead activities with children.
ANIMATOR_ROLES = (Role.ANIMATOR, Role.DIGITAL_MEDIATOR, Role.COORDINATOR, Role.DIRECTOR)
WEEKDAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTH_NAMES = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip
TRAY_SIZE = 20
HOUR_FIELDS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")


class PlanningRefused(Exception):
    """A change the rules refuse; the message is French and says what to do instead."""


class PlanningConflict(PlanningRefused):
    """A colleague changed the planning first (removed the activity, changed what is to be published)."""


# --- Small helpers: labels and slots ---------------------------------------------------------------


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


# --- Creating a planning and its days ----------------------------------------------------------------


@dataclass(frozen=True)
class SlotHours:
    """The hours of the morning and the afternoon; « Journée » runs from the first to the last."""

    morning_start: time = time(9, 0)
    morning_end: time = time(12, 0)
    afternoon_start: time = time(14, 0)
    afternoon_end: time = time(17, 0)

    def check(self) -> None:
        if self.morning_end <= self.morning_start:
            raise PlanningRefused("Le matin doit finir après avoir commencé : vérifiez ses heures.")
        if self.afternoon_end <= self.afternoon_start:
            raise PlanningRefused("L'après-midi doit finir après avoir commencé : vérifiez ses heures.")
        if self.afternoon_start < self.morning_end:
            raise PlanningRefused("L'après-midi commence avant la fin du matin : vérifiez les heures.")


def _period_days(planning: Planning) -> dict[date, int]:
    """The period's opening days within the planning's dates, with their ids (sessions cite them)."""
    rows = PeriodDay.objects.filter(
        period_id=planning.period_id, date__range=(planning.starts_on, planning.ends_on)
    ).values_list("date", "id")
    return dict(sorted(rows))


def _week_days(centre_id: int, start: date, end: date, weekdays: set[int]) -> list[date]:
    skipped = closed_days(centre_id, start, end)
    for year in range(start.year, end.year + 1):
        skipped |= set(public_holidays(year))
    return weekdays_between(start, end, weekdays, skipped)


def planning_days(planning: Planning) -> list[date]:
    """The days the planning programmes: the period's opening days (between its two dates), or the
    chosen weekdays of its week without the centre's closures and public holidays."""
    if planning.kind == Planning.Kind.PERIOD and planning.period_id:
        return list(_period_days(planning))
    return _week_days(planning.centre_id, planning.starts_on, planning.ends_on, planning.weekday_set)


def planning_groups(planning: Planning) -> list[Group | None]:
    """The rows of the planning: the activity's age groups, or one row for everyone when it has none."""
    groups = list(Group.objects.filter(activity_id=planning.activity_id))
    return groups or [None]


def _check_day_count(days: list[date]) -> None:
    if len(days) > MAX_DAYS:
        raise PlanningRefused(
            f"Ce planning compterait {len(days)} jours ; un planning couvre au plus {MAX_DAYS} jours. "
            "Choisissez des dates « du » et « au » plus proches, et faites un planning par moitié."
        )


def default_title(*, activity: Activity, period: Period | None = None, monday: date | None = None) -> str:
    if period is not None:
        return f"{period.name} — {activity.name}"[:150]
    return f"{activity.name} — semaine du {monday:%d/%m/%Y}"[:150]


@transaction.atomic
def create_planning(
    *,
    centre,
    user,
    period: Period | None = None,
    activity: Activity | None = None,
    week_of: date | None = None,
    weekdays: Iterable[int] = (0, 1, 2, 3, 4),
    starts_on: date | None = None,
    ends_on: date | None = None,
    title: str = "",
    hours: SlotHours | None = None,
) -> Planning:
    """A new planning, in preparation.

    For a leisure-centre `period`: its opening days, optionally only those between `starts_on` and
    `ends_on`. For a regular week: the `weekdays` (0 = Monday) of the week holding `week_of`, without
    the centre's closures and public holidays. The title is made from the period or the week when left
    blank. At most `MAX_DAYS` days.
    """
    hours = hours or SlotHours()
    hours.check()
    if period is not None:
        activity = period.activity
        if activity.kind != Activity.Kind.LEISURE_CENTRE:
            raise PlanningRefused("Choisissez une période d'un accueil de loisirs.")
        if activity.centre_id != centre.pk:
            raise PlanningRefused("Cette période n'appartient pas à votre centre.")
        all_days = list(period.days.values_list("date", flat=True).order_by("date"))
        if not all_days:
            raise PlanningRefused(
                "La période n'a encore aucun jour d'ouverture : choisissez d'abord ses jours dans "
                "« Activités et tarifs »."
            )
        if starts_on and ends_on and ends_on < starts_on:
            raise PlanningRefused("La date « au » est avant la date « du ».")
        days = [d for d in all_days if (not starts_on or d >= starts_on) and (not ends_on or d <= ends_on)]
        if not days:
            raise PlanningRefused(
                f"Aucun jour d'ouverture de la période entre ces deux dates : elle va du "
                f"{all_days[0]:%d/%m/%Y} au {all_days[-1]:%d/%m/%Y}."
            )
        _check_day_count(days)
        planning = Planning(
            kind=Planning.Kind.PERIOD, period=period, starts_on=days[0], ends_on=days[-1], weekdays=""
        )
        title = title.strip() or default_title(activity=activity, period=period)
    else:
        if activity is None or week_of is None:
            raise PlanningRefused("Choisissez une activité et la semaine à programmer.")
        if activity.centre_id != centre.pk:
            raise PlanningRefused("Cette activité n'appartient pas à votre centre.")
        chosen = sorted({int(d) for d in weekdays if 0 <= int(d) <= 6})
        if not chosen:
            raise PlanningRefused("Choisissez au moins un jour de la semaine.")
        monday = monday_of(week_of)
        days = _week_days(centre.pk, monday, monday + timedelta(days=6), set(chosen))
        if not days:
            raise PlanningRefused(
                "Aucun jour à programmer cette semaine-là : les jours choisis tombent tous sur des "
                "fermetures du centre ou des jours fériés."
            )
        planning = Planning(
            kind=Planning.Kind.WEEK,
            starts_on=monday,
            ends_on=monday + timedelta(days=6),
            weekdays=",".join(str(d) for d in chosen),
        )
        title = title.strip() or default_title(activity=activity, monday=monday)
    planning.centre = centre
    planning.activity = activity
    planning.title = title[:150]
    planning.created_by = user if getattr(user, "pk", None) else None
    planning.morning_start, planning.morning_end = hours.morning_start, hours.morning_end
    planning.afternoon_start, planning.afternoon_end = hours.afternoon_start, hours.afternoon_end
    planning.save()
    return planning


@transaction.atomic
def update_planning(planning: Planning, *, title: str, hours: SlotHours) -> Planning:
    """Rename a planning or change its slot hours (sessions follow at the next publication)."""
    hours.check()
    locked = _lock(planning)
    locked.title = (title.strip() or locked.title)[:150]
    locked.morning_start, locked.morning_end = hours.morning_start, hours.morning_end
    locked.afternoon_start, locked.afternoon_end = hours.afternoon_start, hours.afternoon_end
    locked.save(update_fields=[*HOUR_FIELDS, "title", "updated_at"])
    _bump(locked, locked)
    return locked


@transaction.atomic
def delete_planning(planning: Planning) -> None:
    """Delete a planning in preparation. A published one is unpublished first, so that the sessions it
    made are dealt with (kept when attendance was noted) rather than left without a programme."""
    locked = _lock(planning)
    if locked.is_published:
        raise PlanningRefused("Ce planning est publié : dépubliez-le d'abord, puis supprimez-le.")
    locked.delete()


# --- Who and what may be placed --------------------------------------------------------------------


def eligible_animators(centre_id: int):
    """The staff of the centre who lead activities: animators, digital mediators, coordinators and
    directors with an active role there."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_roles__centre_id=centre_id,
            staff_roles__role__in=ANIMATOR_ROLES,
            staff_roles__is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def project_objectives(planning: Planning):
    """The objectives the planning is meant to serve: those of the centre's project and of the
    activity's project."""
    return (
        Objective.objects.filter(centre_id=planning.centre_id, project__centre_id=planning.centre_id)
        .filter(Q(project__activity__isnull=True) | Q(project__activity_id=planning.activity_id))
        .select_related("project")
        .order_by(F("project__activity_id").asc(nulls_first=True), "position", "id")
    )


def sheet_is_readable(sheet: ActivitySheet, centre_id: int) -> bool:
    """The rule of `ActivitySheetQuerySet.readable_in`, for a sheet already loaded."""
    return sheet.centre_id == centre_id or (
        sheet.visibility == ActivitySheet.Visibility.NETWORK
        and sheet.status == ActivitySheet.Status.PUBLISHED
    )


def _lock(planning: Planning) -> Planning:
    # A row lock on PostgreSQL: two colleagues' changes are applied one after the other, each on the
    # revision the other left.
    return Planning.objects.select_for_update().get(pk=planning.pk)


def _bump(planning: Planning, locked: Planning) -> None:
    Planning.objects.filter(pk=locked.pk).update(revision=F("revision") + 1, updated_at=timezone.now())
    planning.revision = locked.revision + 1


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


# --- Placing, moving, editing, removing --------------------------------------------------------------


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


# --- Copying a week ----------------------------------------------------------------------------------


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


# --- The read model: everything the grid page shows, in a constant number of queries ------------------

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


def first_name(first: str, last: str, user_id: int) -> str:
    """What the grid and the team's PDF call an animator: the first name, else the first word of the
    last name."""
    return first or (last or "").split(" ")[0] or f"n°{user_id}"


def full_name(user) -> str:
    return f"{user.first_name} {user.last_name}".strip() or f"n°{user.pk}"


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


def weeks_of(days: list[date]) -> list[date]:
    return sorted({monday_of(d) for d in days})


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


# --- Publishing -----------------------------------------------------------------------------------


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


# --- The sheet tray ------------------------------------------------------------------------------------


TRAY_FIELDS = (
    "id",
    "title",
    "kind",
    "min_age",
    "max_age",
    "status",
    "visibility",
    "centre_id",
    "duration_minutes",
    "updated_at",
    "centre__id",
    "centre__name",
)


@dataclass
class TrayItem:
    """A sheet of the tray, with what its line says ready-made (the tray lists up to sixty)."""

    id: int
    title: str
    meta: str  # ages · kind · draft · another centre's
    other_centre: str  # the centre's name when the sheet comes from another centre
    detail_url: str = ""  # filled in by the page
    place_url: str = ""

    @classmethod
    def of(cls, sheet: ActivitySheet, centre_id: int) -> TrayItem:
        other = sheet.centre.name if sheet.centre_id != centre_id else ""
        parts = [sheet.age_label or "tous âges"]
        if sheet.kind:
            parts.append(sheet.kind_label)
        if sheet.status == ActivitySheet.Status.DRAFT:
            parts.append("brouillon")
        if other:
            parts.append(f"fiche de {other}")
        return cls(id=sheet.pk, title=sheet.title, meta=" · ".join(parts), other_centre=other)


@dataclass
class Tray:
    favourites: list[TrayItem]
    centre_sheets: list[TrayItem]
    results: list[TrayItem] | None

    def items(self):
        yield from self.favourites
        yield from self.centre_sheets
        yield from self.results or ()

    @property
    def sections(self) -> list[TraySection]:
        """The tray's lists in the order shown: a search's results first, when there was one."""
        sections = [] if self.results is None else [TraySection("results", "Résultats", self.results)]
        return sections + [
            TraySection("favourites", "Mes favorites", self.favourites),
            TraySection("centre", "Fiches du centre", self.centre_sheets),
        ]


@dataclass
class TraySection:
    key: str
    title: str
    items: list[TrayItem]


def tray(planning: Planning, user, filters=None) -> Tray:
    """The sheets beside the grid: my favourites, my centre's published sheets, and the results of a
    search over every sheet my centre may read. Two or three queries."""
    from ..search import filter_sheets

    readable = ActivitySheet.objects.readable_in(planning.centre_id)

    def first_items(sheets) -> list[TrayItem]:
        sheets = sheets.select_related("centre").only(*TRAY_FIELDS)[:TRAY_SIZE]
        return [TrayItem.of(sheet, planning.centre_id) for sheet in sheets]

    favourites = first_items(readable.filter(favourites__user_id=user.pk).order_by("title", "id"))
    centre_sheets = first_items(
        ActivitySheet.objects.filter(
            centre_id=planning.centre_id, status=ActivitySheet.Status.PUBLISHED
        ).order_by("-updated_at", "-id")
    )
    results = None
    if filters is not None:
        results = first_items(filter_sheets(readable, filters))
    return Tray(favourites=favourites, centre_sheets=centre_sheets, results=results)


# --- Paper and the parents' page: one shape for the current state and the published copy ----------------


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
