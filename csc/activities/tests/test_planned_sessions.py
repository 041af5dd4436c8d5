"""Sessions another module asks for (a published planning): one per group and day, never doubled, and
never removed once attendance was noted on them."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from csc.activities import sessions
from csc.activities.attendance import services as attendance
from csc.activities.demo import build_leisure_centre
from csc.activities.models import Attendance, Session
from csc.activities.sessions import PlannedSession, SessionRefused, sync_planned_sessions
from csc.testing.factories import CentreFactory, PersonFactory

TODAY = date(2026, 11, 20)
ORIGIN = "planning:1"


@pytest.fixture
def leisure(centre_a):
    return build_leisure_centre(centre_a, today=TODAY, holiday_start=date(2026, 12, 21), holiday_days=5)


def planned(group, day, start=time(9), end=time(17), title="Grand jeu"):
    return PlannedSession(group_id=group.pk, date=day, start_time=start, end_time=end, title=title)


def test_a_programme_makes_one_session_per_group_and_day_with_its_hours(leisure):
    petits, moyens, _ = leisure.groups
    wanted = [
        planned(petits, date(2026, 12, 21)),
        planned(moyens, date(2026, 12, 21), end=time(12), title="Matin : Fresque"),
    ]
    result = sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=wanted)
    assert (result.created, result.updated, result.removed) == (2, 0, 0)
    made = {s.group_id: s for s in Session.objects.filter(activity=leisure.activity)}
    assert made[petits.pk].counted_hours == Decimal("8.00")
    assert made[moyens.pk].counted_hours == Decimal("3.00")
    assert made[moyens.pk].title == "Matin : Fresque"
    assert made[moyens.pk].origin == ORIGIN


def test_publishing_again_changes_nothing_then_follows_the_changes(leisure):
    petits = leisure.groups[0]
    wanted = [planned(petits, date(2026, 12, 21)), planned(petits, date(2026, 12, 22))]
    sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=wanted)
    again = sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=wanted)
    assert (again.created, again.updated, again.removed) == (0, 0, 0)

    changed = [planned(petits, date(2026, 12, 21), end=time(12), title="Matin : Cuisine")]
    result = sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=changed)
    assert (result.created, result.updated, result.removed) == (0, 1, 1)
    only = Session.objects.get(activity=leisure.activity)
    assert (only.date, only.end_time, only.counted_hours, only.title) == (
        date(2026, 12, 21),
        time(12),
        Decimal("3.00"),
        "Matin : Cuisine",
    )


def test_the_sessions_of_the_period_are_reused_not_doubled(leisure):
    sessions.create_period_sessions(leisure.period, start_time=time(8, 30), end_time=time(17, 30))
    before = Session.objects.filter(activity=leisure.activity).count()
    petits = leisure.groups[0]
    day = leisure.period.days.first().date
    result = sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=[planned(petits, day)])
    assert (result.created, result.updated) == (0, 1)
    assert Session.objects.filter(activity=leisure.activity).count() == before
    reused = Session.objects.get(activity=leisure.activity, group=petits, date=day)
    # Made for the period: its hours stay, only the programme's title is added; it is not the
    # planning's to remove.
    assert (reused.start_time, reused.title, reused.origin) == (time(8, 30), "Grand jeu", "")
    result = sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=[])
    assert result.removed == 0
    assert Session.objects.filter(pk=reused.pk).exists()


def test_a_session_with_attendance_stays_when_the_programme_drops_it(leisure, staff):
    petits = leisure.groups[0]
    day = date(2026, 11, 18)
    sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=[planned(petits, day)])
    session = Session.objects.get(activity=leisure.activity)
    child = PersonFactory(centre=leisure.activity.centre)
    attendance.mark(
        session=session,
        person=child,
        status=Attendance.Status.PRESENT,
        actor=staff("animator"),
        now=datetime(2026, 11, 18, 17, tzinfo=ZoneInfo("Europe/Paris")),
    )

    moved = sync_planned_sessions(
        leisure.activity, origin=ORIGIN, wanted=[planned(petits, day, start=time(10))]
    )
    assert moved.updated == 0  # noted: its hours are those the children came for
    result = sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=[])
    assert result.removed == 0
    assert [s.pk for s in result.kept] == [session.pk]
    assert Attendance.objects.filter(session=session).count() == 1


def test_a_session_cancelled_by_hand_stays_cancelled(leisure):
    petits = leisure.groups[0]
    wanted = [planned(petits, date(2026, 12, 21))]
    sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=wanted)
    session = Session.objects.get(activity=leisure.activity)
    sessions.cancel_session(session, reason="Sortie annulée")
    sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=wanted)
    assert Session.objects.filter(activity=leisure.activity).count() == 1
    session.refresh_from_db()
    assert session.is_cancelled


def test_another_programme_and_bad_hours_are_refused_or_left_alone(leisure):
    petits = leisure.groups[0]
    other = "planning:2"
    sync_planned_sessions(leisure.activity, origin=other, wanted=[planned(petits, date(2026, 12, 23))])
    sync_planned_sessions(leisure.activity, origin=ORIGIN, wanted=[])
    assert Session.objects.filter(activity=leisure.activity, origin=other).count() == 1
    with pytest.raises(SessionRefused, match="L'heure de fin doit être après"):
        sync_planned_sessions(
            leisure.activity, origin=ORIGIN, wanted=[planned(petits, date(2026, 12, 21), time(12), time(9))]
        )
    with pytest.raises(ValueError):
        sync_planned_sessions(leisure.activity, origin="", wanted=[])


class TestSyncProperty(TestCase):
    """Whatever programmes follow one another, the activity ends with exactly one session per group
    and day of the last one."""

    @classmethod
    def setUpTestData(cls):
        cls.leisure = build_leisure_centre(
            CentreFactory(), today=TODAY, holiday_start=date(2026, 12, 21), holiday_days=5
        )

    @settings(max_examples=30, deadline=None)
    @given(
        programmes=st.lists(
            st.sets(st.tuples(st.integers(0, 2), st.integers(21, 25)), max_size=15), min_size=1, max_size=4
        )
    )
    def test_one_session_per_group_and_day(self, programmes):
        groups = self.leisure.groups
        for programme in programmes:
            wanted = [planned(groups[g], date(2026, 12, d)) for g, d in programme]
            sync_planned_sessions(self.leisure.activity, origin=ORIGIN, wanted=wanted)
        made = list(Session.objects.filter(activity=self.leisure.activity).values_list("group_id", "date"))
        assert len(made) == len(set(made))
        assert set(made) == {(groups[g].pk, date(2026, 12, d)) for g, d in programmes[-1]}
