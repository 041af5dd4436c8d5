"""Check's demo data: in every centre, a toy library counted without names, a weekly sewing workshop and
homework help with their regulars, four months of attendance, and a session today so that an animator
logging in has a sheet to fill whatever the day."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from csc.core.models import Centre
from csc.people.models import Person

from . import sessions
from .models import Activity, Attendance, HeadCount, Participant, Period, Schedule, Session

PARIS = ZoneInfo("Europe/Paris")
HISTORY_DAYS = 120
AHEAD_DAYS = 60


def _schedule(activity, weekdays, start, end, first, last):
    return sessions.create_schedule(
        Schedule(
            activity=activity,
            weekdays=weekdays,
            starts_on=first,
            ends_on=last,
            start_time=start,
            end_time=end,
        )
    )


def _enrol(activity, people, joined_on):
    Participant.objects.bulk_create(
        Participant(activity=activity, person=p, joined_on=joined_on) for p in people
    )


def _attendance(rng, created, people, today):
    rows = []
    for session in created:
        if session.date >= today:
            continue
        for person in people:
            roll = rng.random()
            status = "present" if roll < 0.78 else ("absent" if roll < 0.92 else "excuse")
            ended = datetime.combine(session.date, session.end_time, tzinfo=PARIS)
            rows.append(Attendance.of_session(session, person, status, recorded_at=ended))
    Attendance.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def build_check(centre: Centre, *, today: date, rng: random.Random) -> int:
    """The centre's Check activities; returns the number of attendance rows created."""
    first, last = today - timedelta(days=HISTORY_DAYS), today + timedelta(days=AHEAD_DAYS)
    library = Activity.objects.create(
        centre=centre,
        name="Ludothèque",
        kind=Activity.Kind.TOY_LIBRARY,
        counts_only=True,
        description="Jeux sur place et prêt de jeux, pour les familles.",
    )
    # One insert for all the toy library's past head counts.
    HeadCount.objects.bulk_create(
        HeadCount(
            session=session,
            centre_id=centre.pk,
            activity_id=library.pk,
            date=session.date,
            category=category,
            count=rng.randint(low, high),
            recorded_at=datetime.combine(session.date, time(17, 30), tzinfo=PARIS),
        )
        for session in _schedule(library, "2,5", time(14), time(17, 30), first, last)
        if session.date < today
        for category, low, high in (("adultes", 3, 14), ("enfants", 5, 25))
    )
    people = list(Person.objects.filter(centre=centre, anonymised_at__isnull=True).order_by("id"))
    adults = [p for p in people if p.age is None or p.age >= 18]
    children = [p for p in people if p.age is not None and 6 <= p.age <= 15]
    created_rows = 0
    sewing = Activity.objects.create(centre=centre, name="Atelier couture", kind=Activity.Kind.WORKSHOP)
    regulars = rng.sample(adults, min(10, len(adults)))
    _enrol(sewing, regulars, first)
    created = _schedule(sewing, "1", time(14), time(16), first, last)
    created_rows += _attendance(rng, created, regulars, today)
    homework = Activity.objects.create(
        centre=centre, name="Accompagnement à la scolarité", kind=Activity.Kind.WORKSHOP
    )
    pupils = rng.sample(children, min(12, len(children)))
    _enrol(homework, pupils, first)
    created = _schedule(homework, "0,3", time(16, 30), time(18), first, last)
    created_rows += _attendance(rng, created, pupils, today)
    # The leisure centre's periods get their sessions: the children booked are expected on each day.
    for period in Period.objects.filter(activity__centre=centre, activity__kind=Activity.Kind.LEISURE_CENTRE):
        sessions.create_period_sessions(period, start_time=time(9), end_time=time(17))
    if not Session.objects.filter(activity=sewing, date=today).exists():
        sessions.add_session(
            activity=sewing, day=today, start_time=time(9, 30), end_time=time(11, 30), title="Séance du jour"
        )
    return created_rows


def load(faker, stdout):
    today = timezone.localdate()
    rng = random.Random(2017)
    centres = [
        c
        for c in Centre.objects.order_by("slug")
        if not Activity.objects.filter(centre=c, name="Ludothèque").exists()
    ]
    rows = sum(build_check(centre, today=today, rng=rng) for centre in centres)
    stdout.write(f"Check : {len(centres)} centres avec ludothèque, ateliers et {rows} présences passées.")
