"""Creating a planning, and the days and rows it programmes. The row lock and the revision bump that
every change goes through, and the two refusals every operation raises, live here: the lowest
module that needs them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from csc.activities.models import Activity, Group, Period, PeriodDay
from csc.activities.services import weekdays_between
from csc.activities.sessions import closed_days
from csc.core.holidays import public_holidays

from ..models import Planning
from .labels import monday_of

# A planning is read and printed on one screen per week; beyond two months it is a typing error or a
# whole term, which is better split (the grid, the PDF and the sessions stay small).
MAX_DAYS = 62
HOUR_FIELDS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")


class PlanningRefused(Exception):
    """A change the rules refuse; the message is French and says what to do instead."""


class PlanningConflict(PlanningRefused):
    """A colleague changed the planning first (removed the activity, changed what is to be published)."""


def _lock(planning: Planning) -> Planning:
    # A row lock on PostgreSQL: two colleagues' changes are applied one after the other, each on the
    # revision the other left.
    return Planning.objects.select_for_update().get(pk=planning.pk)


def _bump(planning: Planning, locked: Planning) -> None:
    Planning.objects.filter(pk=locked.pk).update(revision=F("revision") + 1, updated_at=timezone.now())
    planning.revision = locked.revision + 1


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
