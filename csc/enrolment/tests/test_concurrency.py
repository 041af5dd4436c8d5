"""Parents submitting at the same second for the last places: nobody overbooks, nobody is lost.

Real transactions in real threads, so it runs on PostgreSQL (the test SQLite database lives in memory
and is not shared between connections).
"""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from csc.activities.demo import build_leisure_centre
from csc.activities.models import GroupDay
from csc.enrolment import services
from csc.enrolment.models import Request

from .helpers import family

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database shared between connections"
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_fill_the_places_exactly(centre_a):
    leisure = build_leisure_centre(
        centre_a, today=date(2026, 11, 21), places=3, holiday_start=date(2026, 12, 21)
    )
    group = leisure.groups[1]
    days = list(leisure.period.days.all())[:2]
    booking = [(d.pk, leisure.units["day"].pk) for d in days]
    submissions = [family([(group, booking)], email=f"parent{i}@example.org") for i in range(12)]
    # Every parent clicks twice: the second click must not create a second request.
    work = submissions + submissions
    barrier = threading.Barrier(len(work))
    errors = []

    def submit(submission):
        try:
            barrier.wait()
            services.submit_registration_request(period=leisure.period, submission=submission)
        except Exception as error:  # noqa: BLE001 — collected and asserted below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(s,)) for s in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Request.objects.count() == 12  # nobody lost, nobody twice
    statuses = list(Request.objects.values_list("status", flat=True))
    assert statuses.count("recue") == 3
    assert statuses.count("liste_attente") == 9
    ranks = sorted(Request.objects.filter(status="liste_attente").values_list("waiting_rank", flat=True))
    assert ranks == list(range(1, 10))
    assert set(GroupDay.objects.filter(group=group, day__in=days).values_list("held", flat=True)) == {3}
