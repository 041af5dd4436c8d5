"""Programming an activity's sessions: weekly schedules, one-off sessions, moves and cancellations,
the sessions of a leisure-centre period, and the people enrolled in an activity.

Every function is one transaction and the only place these rules live; views parse and call them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q

from csc.core.holidays import public_holidays
from csc.people.models import Person

from .models import Activity, Attendance, Closure, Group, HeadCount, Participant, Period, Schedule, Session
from .services import weekdays_between

# A schedule longer than this is a typing error (2062 instead of 2026), not a programme.
MAX_SCHEDULE_DAYS = 400
MAX_SESSIONS_PER_SCHEDULE = 400


class SessionRefused(Exception):
    """A change the rules refuse; the message is French and says what to do instead."""


def counted_hours(start: time, end: time, cap: Decimal | None = None) -> Decimal:
    """What one presence counts for the funders: the slot's whole duration, within the cap if any."""
    minutes = (datetime.combine(date.min, end) - datetime.combine(date.min, start)).total_seconds() / 60
    hours = (Decimal(int(minutes)) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if cap is not None and cap >= 0:
        hours = min(hours, cap)
    return max(hours, Decimal("0"))


def closed_days(centre_id: int, start: date, end: date) -> set[date]:
    """The centre's closure days between start and end."""
    days: set[date] = set()
    closures = Closure.objects.filter(centre_id=centre_id, starts_on__lte=end, ends_on__gte=start)
    for closure in closures:
        current = max(closure.starts_on, start)
        while current <= min(closure.ends_on, end):
            days.add(current)
            current += timedelta(days=1)
    return days


def schedule_dates(schedule: Schedule, centre_id: int) -> list[date]:
    """The dates a schedule gives: its weekdays between its two dates, without closures and (unless
    told otherwise) public holidays."""
    skipped = closed_days(centre_id, schedule.starts_on, schedule.ends_on)
    if schedule.skip_public_holidays:
        for year in range(schedule.starts_on.year, schedule.ends_on.year + 1):
            skipped |= set(public_holidays(year))
    return weekdays_between(schedule.starts_on, schedule.ends_on, schedule.weekday_set, skipped)


def _check_schedule(schedule: Schedule) -> None:
    if not schedule.weekday_set:
        raise SessionRefused("Choisissez au moins un jour de la semaine.")
    if schedule.ends_on < schedule.starts_on:
        raise SessionRefused("La date de fin est avant la date de début.")
    if (schedule.ends_on - schedule.starts_on).days > MAX_SCHEDULE_DAYS:
        raise SessionRefused("Un rythme couvre au plus un an et un mois : vérifiez l'année des dates.")
    if schedule.end_time <= schedule.start_time:
        raise SessionRefused("L'heure de fin doit être après l'heure de début.")


@transaction.atomic
def create_schedule(schedule: Schedule) -> list[Session]:
    """Save a weekly schedule and create its sessions. Returns the sessions created."""
    _check_schedule(schedule)
    activity = schedule.activity
    dates = schedule_dates(schedule, activity.centre_id)
    if not dates:
        raise SessionRefused(
            "Aucune séance entre ces deux dates : les jours choisis tombent tous sur des fermetures "
            "ou des jours fériés."
        )
    if len(dates) > MAX_SESSIONS_PER_SCHEDULE:
        raise SessionRefused(f"Ce rythme donnerait {len(dates)} séances : c'est trop pour un seul rythme.")
    schedule.save()
    hours = counted_hours(schedule.start_time, schedule.end_time, schedule.hours_cap)
    return Session.objects.bulk_create(
        Session(
            centre_id=activity.centre_id,
            activity=activity,
            schedule=schedule,
            group=schedule.group,
            date=day,
            start_time=schedule.start_time,
            end_time=schedule.end_time,
            counted_hours=hours,
        )
        for day in dates
    )


@transaction.atomic
def delete_schedule(schedule: Schedule, *, today: date) -> int:
    """Remove a schedule and its sessions still to come that have no attendance; past sessions stay,
    as they carry the figures already reported. Returns the number of sessions removed."""
    upcoming = Session.objects.filter(schedule=schedule, date__gte=today).filter(
        ~Q(id__in=Attendance.objects.values("session_id")), ~Q(id__in=HeadCount.objects.values("session_id"))
    )
    removed, _ = upcoming.delete()
    schedule.delete()
    return removed


@transaction.atomic
def add_session(
    *,
    activity: Activity,
    day: date,
    start_time: time,
    end_time: time,
    title: str = "",
    group: Group | None = None,
    hours_cap: Decimal | None = None,
) -> Session:
    """A one-off session (an outing, an extra workshop)."""
    if end_time <= start_time:
        raise SessionRefused("L'heure de fin doit être après l'heure de début.")
    if group is not None and group.activity_id != activity.pk:
        raise SessionRefused("Ce groupe n'appartient pas à cette activité.")
    return Session.objects.create(
        centre_id=activity.centre_id,
        activity=activity,
        group=group,
        date=day,
        start_time=start_time,
        end_time=end_time,
        counted_hours=counted_hours(start_time, end_time, hours_cap),
        title=title,
    )


@transaction.atomic
def move_session(
    session: Session, *, day: date, start_time: time, end_time: time, today: date, title: str | None = None
) -> Session:
    """Move a session to another day or time. Attendance already noted follows it, with the hours of
    the new slot; a session with presences cannot move into the future, where nobody can have come."""
    if end_time <= start_time:
        raise SessionRefused("L'heure de fin doit être après l'heure de début.")
    session = Session.objects.select_for_update().get(pk=session.pk)
    has_presences = session.attendances.exists() or session.head_counts.exists()
    if has_presences and day > today:
        raise SessionRefused(
            "Des présences sont déjà notées pour cette séance : elle ne peut pas être déplacée à une "
            "date future. Créez plutôt une nouvelle séance."
        )
    cap = session.schedule.hours_cap if session.schedule_id else None
    old_hours = counted_hours(session.start_time, session.end_time, cap)
    # Keep a cap chosen by hand (counted hours below the slot's length) when only the day changes.
    hand_capped = session.counted_hours < old_hours
    session.date = day
    session.start_time = start_time
    session.end_time = end_time
    if not hand_capped:
        session.counted_hours = counted_hours(start_time, end_time, cap)
    if title is not None:
        session.title = title
    session.save()
    session.attendances.update(date=day, hours=session.counted_hours)
    session.head_counts.update(date=day)
    return session


@transaction.atomic
def cancel_session(session: Session, *, reason: str) -> Session:
    """Cancel a session that nobody attended. The reason shows on the session's page."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        return session
    came = session.attendances.filter(status=Attendance.Status.PRESENT).exists()
    if came or session.head_counts.filter(count__gt=0).exists():
        raise SessionRefused(
            "Des présences sont notées pour cette séance : elle a eu lieu et ne peut pas être annulée. "
            "Corrigez d'abord les présences si c'est une erreur."
        )
    session.attendances.all().delete()
    session.head_counts.all().delete()
    session.status = Session.Status.CANCELLED
    session.cancel_reason = reason.strip()[:200]
    session.save()
    return session


@transaction.atomic
def reinstate_session(session: Session) -> Session:
    """Undo a cancellation."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    session.status = Session.Status.PLANNED
    session.cancel_reason = ""
    session.save()
    return session


@transaction.atomic
def create_period_sessions(
    period: Period, *, start_time: time, end_time: time, hours_cap: Decimal | None = None
) -> list[Session]:
    """One session per group and opening day of a leisure-centre period, where there is none yet: the
    children booked on that day are its participants."""
    if end_time <= start_time:
        raise SessionRefused("L'heure de fin doit être après l'heure de début.")
    activity = period.activity
    existing = set(Session.objects.filter(period_day__period=period).values_list("period_day_id", "group_id"))
    hours = counted_hours(start_time, end_time, hours_cap)
    return Session.objects.bulk_create(
        Session(
            centre_id=activity.centre_id,
            activity=activity,
            group=group,
            period_day=day,
            date=day.date,
            start_time=start_time,
            end_time=end_time,
            counted_hours=hours,
        )
        for day in period.days.all()
        for group in activity.groups.all()
        if (day.pk, group.pk) not in existing
    )


@transaction.atomic
def enrol(*, activity: Activity, person: Person, joined_on: date, group: Group | None = None) -> Participant:
    """Enrol a person of the centre in an activity (or bring back someone who had left)."""
    if person.centre_id != activity.centre_id:
        raise SessionRefused("Cette personne n'est pas enregistrée dans ce centre.")
    if group is not None and group.activity_id != activity.pk:
        raise SessionRefused("Ce groupe n'appartient pas à cette activité.")
    participant, created = Participant.objects.get_or_create(
        activity=activity, person=person, defaults={"joined_on": joined_on, "group": group}
    )
    if not created and (
        participant.left_on is not None or participant.group_id != getattr(group, "pk", None)
    ):
        participant.left_on = None
        participant.group = group
        participant.save()
    return participant


@transaction.atomic
def unenrol(participant: Participant, *, left_on: date) -> Participant:
    """A participant leaves the activity: off the sheets from that day, their past attendance stays."""
    participant.left_on = max(left_on, participant.joined_on)
    participant.save()
    return participant


# --- Sessions made by another module (the plannings of Anim'connect) ------------------------------------


@dataclass(frozen=True)
class PlannedSession:
    """One session a programme asks for: a group (or the whole activity) on a day, at these hours."""

    group_id: int | None
    date: date
    start_time: time
    end_time: time
    title: str = ""
    period_day_id: int | None = None


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    # Sessions no longer planned that keep their attendance: they happened, they stay counted.
    kept: list[Session] = field(default_factory=list)


@transaction.atomic
def sync_planned_sessions(
    activity: Activity, *, origin: str, wanted: list[PlannedSession], hours_cap: Decimal | None = None
) -> SyncResult:
    """Make the activity's sessions match a published programme, so that attendance is taken on them.

    One session per group and day. A session already there for that group and day (made by hand, for a
    period, or by an earlier publication) is reused, never doubled: its hours would be counted twice.
    Only the sessions this origin made have their hours changed, and only while nobody has been noted;
    those no longer in the programme are removed unless attendance was noted, in which case they stay
    and are returned in `kept`. A session cancelled by hand stays cancelled.
    """
    if not origin:
        raise ValueError("origin is required: it tells which sessions the programme may change")
    for item in wanted:
        if item.end_time <= item.start_time:
            raise SessionRefused("L'heure de fin doit être après l'heure de début.")
    wanted_by_key = {(item.group_id, item.date): item for item in wanted}
    dates = {item.date for item in wanted}
    candidates = list(
        Session.objects.select_for_update()
        .filter(activity=activity)
        .filter(Q(origin=origin) | Q(date__in=dates, status=Session.Status.PLANNED))
        .order_by("id")
    )
    ids = [session.pk for session in candidates]
    noted = set(Attendance.objects.filter(session_id__in=ids).values_list("session_id", flat=True)) | set(
        HeadCount.objects.filter(session_id__in=ids).values_list("session_id", flat=True)
    )
    existing: dict[tuple[int | None, date], Session] = {}
    for session in candidates:
        key = (session.group_id, session.date)
        # Ours first, then the oldest: the session attendance is most likely taken on.
        if key not in existing or (session.origin == origin and existing[key].origin != origin):
            existing[key] = session

    result = SyncResult()
    to_create, to_update = [], []
    for key, item in wanted_by_key.items():
        session = existing.get(key)
        title = item.title[:150]
        if session is None:
            to_create.append(
                Session(
                    centre_id=activity.centre_id,
                    activity=activity,
                    group_id=item.group_id,
                    period_day_id=item.period_day_id,
                    date=item.date,
                    start_time=item.start_time,
                    end_time=item.end_time,
                    counted_hours=counted_hours(item.start_time, item.end_time, hours_cap),
                    title=title,
                    origin=origin,
                )
            )
            continue
        changed = session.title != title
        session.title = title
        times = (item.start_time, item.end_time)
        if (
            session.origin == origin
            and session.pk not in noted
            and (session.start_time, session.end_time) != times
        ):
            session.start_time, session.end_time = times
            session.counted_hours = counted_hours(*times, hours_cap)
            changed = True
        if changed:
            to_update.append(session)
    Session.objects.bulk_create(to_create)
    Session.objects.bulk_update(to_update, ["title", "start_time", "end_time", "counted_hours"])
    result.created, result.updated = len(to_create), len(to_update)

    used = {session.pk for key, session in existing.items() if key in wanted_by_key}
    stale = [s for s in candidates if s.origin == origin and s.pk not in used]
    removable = [s.pk for s in stale if s.pk not in noted]
    if removable:
        Session.objects.filter(pk__in=removable).delete()
    result.removed = len(removable)
    result.kept = [s for s in stale if s.pk in noted]
    return result
