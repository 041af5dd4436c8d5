"""The rules of Check: schedules, moves, cancellations, taps, head counts and walk-ins.

Each test says what the data becomes or what the animator is told.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csc.activities import sessions
from csc.activities.attendance import services as attendance
from csc.activities.models import Activity, Attendance, Closure, HeadCount, Schedule, Session
from csc.core.holidays import easter_sunday, public_holidays
from csc.core.models import AuditEvent
from csc.testing.factories import PersonFactory

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2026, 11, 20)  # a Friday
NOW = datetime(2026, 11, 20, 17, 0, tzinfo=PARIS)


def at(day: date, hour: int = 17) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


@pytest.fixture
def workshop(centre_a):
    return Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)


@pytest.fixture
def toy_library(centre_a):
    return Activity.objects.create(
        centre=centre_a, name="Ludothèque", kind=Activity.Kind.TOY_LIBRARY, counts_only=True
    )


def session_on(activity, day, start=time(14), end=time(16)):
    return sessions.add_session(activity=activity, day=day, start_time=start, end_time=end)


# --- public holidays and hours --------------------------------------------------------------------


def test_public_holidays_of_2026_and_2027():
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    days = public_holidays(2026)
    assert len(days) == 11
    assert date(2026, 4, 6) in days  # Lundi de Pâques
    assert date(2026, 5, 14) in days  # Ascension
    assert date(2026, 5, 25) in days  # Lundi de Pentecôte
    assert days[date(2026, 11, 11)] == "Armistice 1918"


@given(st.integers(min_value=1900, max_value=2200))
def test_easter_is_a_sunday_in_march_or_april(year):
    easter = easter_sunday(year)
    assert easter.weekday() == 6
    assert date(year, 3, 22) <= easter <= date(year, 4, 25)


@given(
    start=st.integers(min_value=0, max_value=22 * 60),
    length=st.integers(min_value=1, max_value=120 * 10),
    cap=st.one_of(st.none(), st.decimals(min_value=0, max_value=24, places=2)),
)
def test_counted_hours_are_the_slot_within_the_cap(start, length, cap):
    end = min(start + length, 23 * 60 + 59)
    if end <= start:
        return
    hours = sessions.counted_hours(time(start // 60, start % 60), time(end // 60, end % 60), cap)
    slot = Decimal(end - start) / 60
    assert hours >= 0
    assert abs(hours - min(slot, cap if cap is not None else slot)) < Decimal("0.01")
    if cap is not None:
        assert hours <= cap


def test_counted_hours_examples():
    assert sessions.counted_hours(time(9), time(17)) == Decimal("8.00")
    assert sessions.counted_hours(time(13, 30), time(17)) == Decimal("3.50")
    assert sessions.counted_hours(time(9), time(17), Decimal("5")) == Decimal("5")
    assert sessions.counted_hours(time(14), time(14, 20)) == Decimal("0.33")


# --- schedules ------------------------------------------------------------------------------------


def test_a_schedule_skips_public_holidays_and_closures(workshop, centre_a):
    Closure.objects.create(centre=centre_a, starts_on=date(2026, 12, 21), ends_on=date(2027, 1, 3))
    schedule = Schedule(
        activity=workshop,
        weekdays="2",  # Wednesdays
        starts_on=date(2026, 11, 1),
        ends_on=date(2027, 1, 31),
        start_time=time(14),
        end_time=time(16, 30),
    )
    created = sessions.create_schedule(schedule)
    dates = [s.date for s in created]
    assert date(2026, 11, 11) not in dates  # Armistice, a Wednesday
    assert date(2026, 12, 23) not in dates and date(2026, 12, 30) not in dates  # closure
    assert dates[0] == date(2026, 11, 4)
    assert date(2027, 1, 6) in dates
    assert all(d.weekday() == 2 for d in dates)
    assert len(dates) == 10
    assert {s.counted_hours for s in created} == {Decimal("2.50")}
    assert {s.centre_id for s in created} == {workshop.centre_id}


def test_a_schedule_keeps_public_holidays_when_asked(workshop):
    schedule = Schedule(
        activity=workshop,
        weekdays="2",
        starts_on=date(2026, 11, 11),
        ends_on=date(2026, 11, 11),
        start_time=time(14),
        end_time=time(16),
        skip_public_holidays=False,
    )
    assert [s.date for s in sessions.create_schedule(schedule)] == [date(2026, 11, 11)]


@pytest.mark.parametrize(
    "weekdays, starts, ends, message",
    [
        ("", date(2026, 11, 1), date(2026, 11, 30), "au moins un jour"),
        ("2", date(2026, 11, 30), date(2026, 11, 1), "avant la date de début"),
        ("2", date(2026, 11, 1), date(2062, 11, 1), "vérifiez l'année"),
        ("2", date(2026, 11, 11), date(2026, 11, 11), "Aucune séance"),
    ],
)
def test_impossible_schedules_are_refused_and_nothing_is_saved(workshop, weekdays, starts, ends, message):
    schedule = Schedule(
        activity=workshop,
        weekdays=weekdays,
        starts_on=starts,
        ends_on=ends,
        start_time=time(14),
        end_time=time(16),
    )
    with pytest.raises(sessions.SessionRefused, match=message):
        sessions.create_schedule(schedule)
    assert not Schedule.objects.exists() and not Session.objects.exists()


def test_deleting_a_schedule_keeps_past_sessions(workshop):
    schedule = Schedule(
        activity=workshop,
        weekdays="0,1,2,3,4",
        starts_on=TODAY - timedelta(days=7),
        ends_on=TODAY + timedelta(days=7),
        start_time=time(10),
        end_time=time(11),
        skip_public_holidays=False,
    )
    created = sessions.create_schedule(schedule)
    past = [s for s in created if s.date < TODAY]
    removed = sessions.delete_schedule(schedule, today=TODAY)
    assert removed == len([s for s in created if s.date >= TODAY])
    assert set(Session.objects.values_list("pk", flat=True)) == {s.pk for s in past}


# --- moving and cancelling ------------------------------------------------------------------------


def test_moving_a_session_moves_its_attendance_and_hours(workshop, centre_a):
    person = PersonFactory(centre=centre_a)
    session = session_on(workshop, TODAY - timedelta(days=2))
    attendance.mark(session=session, person=person, status="present", actor=None, now=NOW)
    sessions.move_session(
        session, day=TODAY - timedelta(days=1), start_time=time(9), end_time=time(12), today=TODAY
    )
    row = Attendance.objects.get()
    assert row.date == TODAY - timedelta(days=1)
    assert row.hours == Decimal("3.00")


def test_a_session_with_presences_cannot_move_to_the_future(workshop, centre_a):
    session = session_on(workshop, TODAY - timedelta(days=2))
    attendance.mark(
        session=session, person=PersonFactory(centre=centre_a), status="present", actor=None, now=NOW
    )
    with pytest.raises(sessions.SessionRefused, match="date future"):
        sessions.move_session(
            session, day=TODAY + timedelta(days=3), start_time=time(9), end_time=time(12), today=TODAY
        )
    session.refresh_from_db()
    assert session.date == TODAY - timedelta(days=2)


def test_cancelling_is_refused_once_someone_came(workshop, toy_library, centre_a):
    session = session_on(workshop, TODAY)
    attendance.mark(
        session=session, person=PersonFactory(centre=centre_a), status="present", actor=None, now=NOW
    )
    with pytest.raises(sessions.SessionRefused, match="a eu lieu"):
        sessions.cancel_session(session, reason="pluie")
    open_door = session_on(toy_library, TODAY)
    attendance.record_head_counts(session=open_door, counts={"adultes": 2, "enfants": 0}, actor=None, now=NOW)
    with pytest.raises(sessions.SessionRefused):
        sessions.cancel_session(open_door, reason="pluie")


def test_cancel_then_reinstate(workshop, centre_a):
    session = session_on(workshop, TODAY)
    attendance.mark(
        session=session, person=PersonFactory(centre=centre_a), status="absent", actor=None, now=NOW
    )
    sessions.cancel_session(session, reason="  Animatrice malade ")
    session.refresh_from_db()
    assert session.is_cancelled and session.cancel_reason == "Animatrice malade"
    assert not Attendance.objects.exists()  # nobody is counted absent from a session that did not happen
    sessions.reinstate_session(session)
    session.refresh_from_db()
    assert not session.is_cancelled


# --- taps -----------------------------------------------------------------------------------------


def test_a_tap_is_saved_and_the_same_tap_twice_changes_nothing(workshop, centre_a, reception_a):
    person = PersonFactory(centre=centre_a)
    session = session_on(workshop, TODAY)
    first = attendance.mark(session=session, person=person, status="present", actor=reception_a, now=NOW)
    again = attendance.mark(session=session, person=person, status="present", actor=reception_a, now=NOW)
    assert first.changed and not again.changed
    row = Attendance.objects.get()
    assert (row.status, row.centre_id, row.activity_id, row.date, row.hours) == (
        "present",
        centre_a.pk,
        workshop.pk,
        TODAY,
        Decimal("2.00"),
    )
    assert row.recorded_by == reception_a
    changed = attendance.mark(session=session, person=person, status="excuse", actor=reception_a, now=NOW)
    assert changed.changed and not changed.late_correction
    assert Attendance.objects.get().status == "excuse"
    assert not AuditEvent.objects.filter(action="attendance_correction").exists()


def test_a_correction_after_the_day_is_journaled(workshop, centre_a, reception_a):
    person = PersonFactory(centre=centre_a)
    session = session_on(workshop, TODAY - timedelta(days=3))
    attendance.mark(
        session=session, person=person, status="absent", actor=reception_a, now=at(TODAY - timedelta(days=3))
    )
    result = attendance.mark(session=session, person=person, status="present", actor=reception_a, now=NOW)
    assert result.late_correction
    event = AuditEvent.objects.get(action="attendance_correction")
    assert event.person_id == person.pk and event.actor == reception_a and event.centre_id == centre_a.pk
    assert "absent → present" in event.detail


@pytest.mark.parametrize(
    "day_offset, cancelled, message",
    [(1, False, "pas encore eu lieu"), (0, True, "annulée")],
)
def test_no_attendance_for_a_future_or_cancelled_session(workshop, centre_a, day_offset, cancelled, message):
    session = session_on(workshop, TODAY + timedelta(days=day_offset))
    if cancelled:
        sessions.cancel_session(session, reason="neige")
        session.refresh_from_db()
    with pytest.raises(attendance.AttendanceRefused, match=message):
        attendance.mark(
            session=session, person=PersonFactory(centre=centre_a), status="present", actor=None, now=NOW
        )
    assert not Attendance.objects.exists()


def test_no_attendance_for_a_person_of_another_centre(workshop, centre_b):
    session = session_on(workshop, TODAY)
    with pytest.raises(attendance.AttendanceRefused, match="pas enregistrée dans ce centre"):
        attendance.mark(
            session=session, person=PersonFactory(centre=centre_b), status="present", actor=None, now=NOW
        )
    assert not Attendance.objects.exists()


def test_an_unknown_answer_is_refused(workshop, centre_a):
    session = session_on(workshop, TODAY)
    with pytest.raises(attendance.AttendanceRefused, match="présent, absent ou excusé"):
        attendance.mark(
            session=session, person=PersonFactory(centre=centre_a), status="peut-être", actor=None, now=NOW
        )


def test_open_door_sessions_take_counts_not_names(toy_library, centre_a):
    session = session_on(toy_library, TODAY)
    with pytest.raises(attendance.AttendanceRefused, match="accueil libre"):
        attendance.mark(
            session=session, person=PersonFactory(centre=centre_a), status="present", actor=None, now=NOW
        )
    attendance.record_head_counts(session=session, counts={"adultes": 4, "enfants": 7}, actor=None, now=NOW)
    attendance.record_head_counts(session=session, counts={"adultes": 5, "enfants": 7}, actor=None, now=NOW)
    assert dict(HeadCount.objects.values_list("category", "count")) == {"adultes": 5, "enfants": 7}
    with pytest.raises(attendance.AttendanceRefused, match="entre 0 et"):
        attendance.record_head_counts(session=session, counts={"adultes": -1}, actor=None, now=NOW)
    assert dict(HeadCount.objects.values_list("category", "count")) == {"adultes": 5, "enfants": 7}


def test_a_walk_in_becomes_a_person_of_the_centre_marked_present(workshop, centre_a):
    from csc.people.models import Person

    session = session_on(workshop, TODAY)
    result = attendance.create_walk_in(
        session=session,
        person=Person(last_name="Nouveau", first_name="Nour", city="Roubaix"),
        actor=None,
        now=NOW,
    )
    person = Person.objects.get(last_name="Nouveau")
    assert person.centre_id == centre_a.pk
    assert result.attendance.person == person and result.attendance.status == "present"
    sheet = attendance.sheet(session)
    assert [(row.person.last_name, row.status, row.expected) for row in sheet.rows] == [
        ("Nouveau", "present", False)
    ]


def test_the_sheet_lists_participants_enrolled_on_that_day(workshop, centre_a):
    staying = PersonFactory(centre=centre_a, last_name="Martin")
    gone = PersonFactory(centre=centre_a, last_name="Bernard")
    future = PersonFactory(centre=centre_a, last_name="Durand")
    sessions.enrol(activity=workshop, person=staying, joined_on=TODAY - timedelta(days=30))
    left = sessions.enrol(activity=workshop, person=gone, joined_on=TODAY - timedelta(days=30))
    sessions.unenrol(left, left_on=TODAY - timedelta(days=1))
    sessions.enrol(activity=workshop, person=future, joined_on=TODAY + timedelta(days=1))
    session = session_on(workshop, TODAY)
    assert [row.person.last_name for row in attendance.sheet(session).rows] == ["Martin"]
    older = session_on(workshop, TODAY - timedelta(days=7))
    assert [row.person.last_name for row in attendance.sheet(older).rows] == ["Bernard", "Martin"]


def test_leisure_centre_sessions_expect_the_children_booked_that_day(centre_a):
    from csc.activities.demo import build_leisure_centre
    from csc.activities.models import BookedUnit, Registration
    from csc.testing.factories import HouseholdFactory

    leisure = build_leisure_centre(
        centre_a, today=TODAY - timedelta(days=30), holiday_start=TODAY - timedelta(days=3)
    )
    created = sessions.create_period_sessions(
        leisure.period, start_time=time(9), end_time=time(17), hours_cap=Decimal("7")
    )
    assert len(created) == leisure.period.days.count() * len(leisure.groups)
    assert {s.counted_hours for s in created} == {Decimal("7")}
    day = leisure.period.days.order_by("date").first()
    household = HouseholdFactory(centre=centre_a)
    child = PersonFactory(centre=centre_a, last_name="Inscrit")
    registration = Registration.objects.create(
        centre=centre_a,
        period=leisure.period,
        group=leisure.groups[0],
        child=child,
        household=household,
        amount=0,
    )
    BookedUnit.objects.create(registration=registration, day=day, unit=leisure.units["day"], price=0)
    BookedUnit.objects.create(registration=registration, day=day, unit=leisure.units["meal"], price=0)
    their_session = next(
        s for s in created if s.period_day_id == day.pk and s.group_id == leisure.groups[0].pk
    )
    other_group = next(s for s in created if s.period_day_id == day.pk and s.group_id == leisure.groups[1].pk)
    assert [row.person.last_name for row in attendance.sheet(their_session).rows] == ["Inscrit"]
    assert attendance.sheet(other_group).rows == []
    # Creating the sessions again adds none.
    assert sessions.create_period_sessions(leisure.period, start_time=time(9), end_time=time(17)) == []


def test_save_grid_keeps_every_valid_cell_and_names_the_refused_ones(workshop, centre_a):
    people = [PersonFactory(centre=centre_a) for _ in range(2)]
    held = session_on(workshop, TODAY - timedelta(days=1))
    future = session_on(workshop, TODAY + timedelta(days=1))
    result = attendance.save_grid(
        sessions=[held, future],
        entries={
            (held.pk, people[0].pk): "present",
            (held.pk, people[1].pk): "absent",
            (future.pk, people[0].pk): "present",
        },
        people={p.pk: p for p in people},
        actor=None,
        now=NOW,
    )
    assert result.saved == 2
    assert list(result.errors) == [(future.pk, people[0].pk)]
    assert "pas encore eu lieu" in result.errors[(future.pk, people[0].pk)]
    assert set(Attendance.objects.values_list("person_id", "status", "source")) == {
        (people[0].pk, "present", "feuille"),
        (people[1].pk, "absent", "feuille"),
    }
