"""Taking attendance: one tap per person, head counts for open-door sessions, walk-ins, the grid that
copies a paper sheet, and who is expected on a session's sheet.

A tap is saved on its own and is idempotent: the same tap sent twice (a retry on weak Wi-Fi) changes
nothing the second time. Changing an answer after the session's day is a late correction and goes to
the journal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from csc.core import audit
from csc.people.models import Person

from ..models import Activity, Attendance, BookedUnit, HeadCount, Participant, Registration, Session

MAX_HEAD_COUNT = 2000


class AttendanceRefused(Exception):
    """Attendance the rules refuse; the message is French and tells the animator why."""


def check_open_for_attendance(session: Session, *, today: date) -> None:
    """Attendance is noted for a session that took place: not a cancelled one, not a future one."""
    if session.is_cancelled:
        raise AttendanceRefused(
            f"La séance du {session.date:%d/%m/%Y} a été annulée : on n'y note pas de présences. "
            "Rétablissez-la d'abord si elle a finalement eu lieu."
        )
    if session.date > today:
        raise AttendanceRefused(
            f"La séance du {session.date:%d/%m/%Y} n'a pas encore eu lieu : les présences se notent "
            "le jour même ou après."
        )


@dataclass
class Mark:
    attendance: Attendance
    changed: bool
    late_correction: bool


def mark(
    *,
    session: Session,
    person: Person,
    status: str,
    actor,
    source: str = Attendance.Source.TAP,
    now=None,
) -> Mark:
    """Note whether one person came to one session. The same answer twice changes nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    check_open_for_attendance(session, today=today)
    if status not in Attendance.Status.values:
        raise AttendanceRefused("Choisissez présent, absent ou excusé.")
    if session.activity.counts_only:
        raise AttendanceRefused(
            "Cette activité est en accueil libre : on y compte les personnes sans les nommer."
        )
    if person.centre_id != session.centre_id:
        raise AttendanceRefused("Cette personne n'est pas enregistrée dans ce centre.")
    if person.is_anonymised:
        raise AttendanceRefused("Cette fiche a été anonymisée : on ne peut plus y noter de présence.")
    recorded_by = actor if getattr(actor, "pk", None) else None
    if session.date == today and _upsert_supported():
        _touch(person, now)
        return _mark_in_one_statement(session, person, status, source, recorded_by, now)

    with transaction.atomic():
        existing = Attendance.objects.select_for_update().filter(session=session, person=person).first()
        if existing is None:
            try:
                with transaction.atomic():
                    attendance = Attendance.of_session(
                        session,
                        person,
                        status,
                        source=source,
                        recorded_by=actor if getattr(actor, "pk", None) else None,
                        recorded_at=now,
                    )
                    attendance.save(force_insert=True)
            except IntegrityError:
                # Two taps for the same person crossed on the network: the other one created the row.
                existing = Attendance.objects.select_for_update().get(session=session, person=person)
            else:
                _touch(person, now)
                return Mark(attendance, changed=True, late_correction=False)
        if existing.status == status:
            return Mark(existing, changed=False, late_correction=False)
        previous = existing.status
        existing.status = status
        existing.source = source
        existing.recorded_by = actor if getattr(actor, "pk", None) else None
        existing.recorded_at = now
        existing.save(update_fields=["status", "source", "recorded_by", "recorded_at"])
        late = today > session.date
        if late:
            audit.record(
                "attendance_correction",
                centre=session.centre_id,
                obj=existing,
                person_id=person.pk,
                actor=actor,
                detail=f"séance du {session.date:%d/%m/%Y} : {previous} → {status}",
            )
        return Mark(existing, changed=True, late_correction=late)


def _upsert_supported() -> bool:
    # INSERT … ON CONFLICT … RETURNING: PostgreSQL, and SQLite from 3.35.
    return connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 35)
    )


def _mark_in_one_statement(session, person, status, source, recorded_by, now) -> Mark:
    """The tap of the day, the one animators make a hundred times a session: one statement, no lock.

    Inserts the answer, or replaces a different one; the same answer again matches the WHERE and
    changes nothing (no row returned). Corrections after the day take the locked path of `mark`,
    which reads the previous answer for the journal.
    """
    table = connection.ops.quote_name(Attendance._meta.db_table)
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(  # the only interpolation is the model's own table name; values are parameters
            f"""
            INSERT INTO {table} (session_id, person_id, centre_id, activity_id, date, hours, status,
                                 source, recorded_by_id, recorded_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (session_id, person_id) DO UPDATE
               SET status = excluded.status, source = excluded.source,
                   recorded_by_id = excluded.recorded_by_id, recorded_at = excluded.recorded_at
             WHERE {table}.status <> excluded.status
            RETURNING id
            """,  # noqa: S608
            [
                session.pk,
                person.pk,
                session.centre_id,
                session.activity_id,
                ops.adapt_datefield_value(session.date),
                ops.adapt_decimalfield_value(session.counted_hours, 4, 2),
                status,
                source,
                recorded_by.pk if recorded_by else None,
                ops.adapt_datetimefield_value(now),
            ],
        )
        row = cursor.fetchone()
    if row is None:  # the same answer again: what is stored stays, source and author included
        return Mark(
            Attendance.objects.get(session=session, person=person), changed=False, late_correction=False
        )
    attendance = Attendance.of_session(
        session, person, status, source=source, recorded_by=recorded_by, recorded_at=now
    )
    attendance.pk = row[0]
    return Mark(attendance, changed=True, late_correction=False)


def _touch(person: Person, now) -> None:
    # The retention period runs from the last time the centre dealt with the person; one write a day
    # at most, so that a tap stays one cheap statement.
    if person.last_activity_at is None or person.last_activity_at < now - timedelta(days=1):
        Person.objects.filter(pk=person.pk).update(last_activity_at=now)
        person.last_activity_at = now


@transaction.atomic
def record_head_counts(*, session: Session, counts: dict[str, int], actor, now=None) -> list[HeadCount]:
    """Note how many adults and children came to an open-door session (the new figures replace the old)."""
    now = now or timezone.now()
    check_open_for_attendance(session, today=timezone.localdate(now))
    saved = []
    for category, count in counts.items():
        if category not in HeadCount.Category.values:
            raise AttendanceRefused("Catégorie inconnue.")
        if count < 0 or count > MAX_HEAD_COUNT:
            raise AttendanceRefused(f"Indiquez un nombre entre 0 et {MAX_HEAD_COUNT}.")
        head_count, _ = HeadCount.objects.update_or_create(
            session=session,
            category=category,
            defaults={
                "centre_id": session.centre_id,
                "activity_id": session.activity_id,
                "date": session.date,
                "count": count,
                "recorded_by": actor if getattr(actor, "pk", None) else None,
                "recorded_at": now,
            },
        )
        saved.append(head_count)
    return saved


@transaction.atomic
def create_walk_in(*, session: Session, person: Person, actor, now=None) -> Mark:
    """Someone who came without being expected: a new person of the centre, marked present.

    `person` is unsaved and holds what the animator could ask at the door (names, and if given, birth
    date, sex, commune): the figures funders ask for need them, nothing more is collected here.
    """
    now = now or timezone.now()
    check_open_for_attendance(session, today=timezone.localdate(now))
    person.centre_id = session.centre_id
    person.last_activity_at = now
    person.save()
    return mark(session=session, person=person, status=Attendance.Status.PRESENT, actor=actor, now=now)


@dataclass
class SheetRow:
    person: Person
    status: str | None
    expected: bool
    attendance: Attendance | None = None

    @property
    def status_label(self) -> str:
        return Attendance.Status(self.status).label if self.status else ""


@dataclass
class Sheet:
    session: Session
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def present(self) -> int:
        return sum(1 for row in self.rows if row.status == Attendance.Status.PRESENT)

    @property
    def unanswered(self) -> int:
        return sum(1 for row in self.rows if row.status is None)


def expected_people(session: Session):
    """The people expected at a session: children booked on that day in that group for a leisure-centre
    period, otherwise the activity's participants enrolled on that date (in the session's group if it
    has one)."""
    if session.period_day_id:
        booked = Q(
            registrations__status=Registration.Status.ACTIVE,
            registrations__booked_units__day_id=session.period_day_id,
        )
        if session.group_id:
            booked &= Q(registrations__group_id=session.group_id)
        return Person.objects.filter(booked).distinct()
    enrolled = Q(
        participations__activity_id=session.activity_id, participations__joined_on__lte=session.date
    ) & (Q(participations__left_on__isnull=True) | Q(participations__left_on__gt=session.date))
    if session.group_id:
        enrolled &= Q(participations__group_id=session.group_id) | Q(participations__group__isnull=True)
    return Person.objects.filter(enrolled).distinct()


def sheet(session: Session) -> Sheet:
    """The attendance sheet: everyone expected, plus anyone noted who was not (walk-ins), by name.

    Two queries whatever the number of participants."""
    noted = {a.person_id: a for a in session.attendances.select_related("person")}
    rows = [
        SheetRow(
            person=person,
            status=noted[person.pk].status if person.pk in noted else None,
            expected=True,
            attendance=noted.get(person.pk),
        )
        for person in expected_people(session).only(
            "id", "first_name", "last_name", "birth_date", "centre_id", "anonymised_at"
        )
    ]
    seen = {row.person.pk for row in rows}
    rows += [
        SheetRow(person=a.person, status=a.status, expected=False, attendance=a)
        for person_id, a in noted.items()
        if person_id not in seen
    ]
    rows.sort(key=lambda row: (row.person.last_name.lower(), row.person.first_name.lower(), row.person.pk))
    return Sheet(session=session, rows=rows)


@dataclass
class GridResult:
    saved: int
    errors: dict[tuple[int, int], str]


def save_grid(
    *,
    sessions: list[Session],
    entries: dict[tuple[int, int], str],
    people: dict[int, Person],
    actor,
    now=None,
) -> GridResult:
    """Copy a paper sheet: for each (session id, person id) the answer noted on paper ("" leaves the
    cell as it was). Each cell is saved on its own, so one refused cell loses none of the others."""
    by_id = {session.pk: session for session in sessions}
    saved = 0
    errors: dict[tuple[int, int], str] = {}
    for (session_id, person_id), status in entries.items():
        if not status:
            continue
        session, person = by_id.get(session_id), people.get(person_id)
        if session is None or person is None:
            errors[(session_id, person_id)] = "Séance ou personne inconnue."
            continue
        try:
            result = mark(
                session=session,
                person=person,
                status=status,
                actor=actor,
                source=Attendance.Source.PAPER,
                now=now,
            )
        except AttendanceRefused as refusal:
            errors[(session_id, person_id)] = str(refusal)
        else:
            saved += int(result.changed)
    return GridResult(saved=saved, errors=errors)


def activity_sessions(activity: Activity, start: date, end: date):
    return Session.objects.filter(activity=activity, date__gte=start, date__lte=end).order_by(
        "date", "start_time"
    )


def grid_people(
    activity: Activity, sessions: list[Session]
) -> tuple[list[Person], dict[tuple[int, int], str], set[tuple[int, int]]]:
    """The rows of the paper-sheet grid and what each cell holds.

    Returns the people (everyone expected at one of the sessions, or noted at one), what is already
    noted per (session id, person id), and the cells to fill: (session id, person id) where the person
    is expected — booked that day in that session's group for a leisure-centre period, enrolled on that
    date (in its group) otherwise — or already noted. A child of the 3-5 ans has no cell on the 9-12
    ans' session of the same day: that is what a paper sheet per group shows, and two thirds of a day's
    grid of three groups. Four queries at most, whatever the size of the grid."""
    if not sessions:
        return [], {}, set()
    noted = {
        (session_id, person_id): status
        for session_id, person_id, status in Attendance.objects.filter(session__in=sessions).values_list(
            "session_id", "person_id", "status"
        )
    }
    cells = set(noted)
    by_day: dict[int, list[Session]] = {}
    plain = []
    for session in sessions:
        if session.period_day_id:
            by_day.setdefault(session.period_day_id, []).append(session)
        else:
            plain.append(session)
    if by_day:
        booked = (
            BookedUnit.objects.filter(day_id__in=by_day, registration__status=Registration.Status.ACTIVE)
            .values_list("registration__child_id", "registration__group_id", "day_id")
            .distinct()
        )
        for person_id, group_id, day_id in booked:
            for session in by_day[day_id]:
                if session.group_id is None or session.group_id == group_id:
                    cells.add((session.pk, person_id))
    if plain:
        first, last = plain[0].date, plain[-1].date
        enrolled = Participant.objects.filter(activity=activity, joined_on__lte=last).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=first)
        )
        for person_id, group_id, joined_on, left_on in enrolled.values_list(
            "person_id", "group_id", "joined_on", "left_on"
        ):
            for session in plain:
                if (
                    joined_on <= session.date
                    and (left_on is None or left_on > session.date)
                    and (session.group_id is None or group_id is None or group_id == session.group_id)
                ):
                    cells.add((session.pk, person_id))
    people = list(
        Person.objects.filter(pk__in={person_id for _, person_id in cells}, centre_id=activity.centre_id)
        .only("id", "first_name", "last_name", "birth_date", "centre_id", "anonymised_at")
        .order_by("last_name", "first_name", "id")
    )
    return people, noted, cells
