"""The reports read from the streaming replica when one is configured (csc.core.replica), never inside a
transaction and never for a person who has just written.

The « replica » alias of the test settings is a MIRROR of the default database (Django's test setting):
another connection to the same data, as a replica is. Which connection ran each query says where a
read went. Transactional tests: the mirror's connection cannot see a test's uncommitted rows."""

from datetime import time, timedelta

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csc.activities import sessions
from csc.activities.models import Activity, Attendance
from csc.core import replica
from csc.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def router(settings, otp_verified):
    settings.DATABASE_ROUTERS = [replica.ROUTER]


@pytest.fixture
def session_today(centre_a):
    today = timezone.localdate()
    workshop = Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)
    person = PersonFactory(centre=centre_a, last_name="Martin")
    sessions.enrol(activity=workshop, person=person, joined_on=today - timedelta(days=21))
    return sessions.add_session(activity=workshop, day=today, start_time=time(9), end_time=time(10)), person


def attendance_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "activities_attendance" in query["sql"]]


def mark_present(client, user, session, person):
    client.force_login(user)
    return client.post(
        reverse("activities:attendance_mark", args=[session.pk, person.pk]),
        {"statut": "present", "attendu": "1"},
        HTTP_HX_REQUEST="true",
    )


def open_report(client):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as mirror,
    ):
        response = client.get(reverse("activities:report"))
    assert response.status_code == 200
    return attendance_queries(primary.captured_queries), attendance_queries(mirror.captured_queries)


def test_the_attendance_report_reads_the_replica(router, client, staff, session_today):
    client.force_login(staff("director", "a"))
    on_primary, on_replica = open_report(client)
    assert on_replica and not on_primary


def test_whoever_just_marked_attendance_reads_the_primary_then_the_replica_again(
    router, client, staff, session_today
):
    """The director marks Martin present, opens the report: the figures come from the primary, where the
    tap is, not from a replica that may not have it yet. Once the lag allowance has passed, the replica
    again."""
    response = mark_present(client, staff("director", "a"), *session_today)
    assert response.status_code == 200
    assert Attendance.objects.filter(person=session_today[1], status=Attendance.Status.PRESENT).exists()
    assert response.cookies[replica.WROTE_COOKIE]["max-age"] == replica.lag_allowance()

    on_primary, on_replica = open_report(client)
    assert on_primary and not on_replica

    # The browser drops the cookie at its max-age; one kept longer (a clock off) is read by its value.
    client.cookies[replica.WROTE_COOKIE] = str(timezone.now().timestamp() - replica.lag_allowance() - 1)
    on_primary, on_replica = open_report(client)
    assert on_replica and not on_primary


def test_reads_inside_a_transaction_stay_on_the_primary(router, session_today):
    with (
        reading(),
        transaction.atomic(),
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as mirror,
    ):
        assert Attendance.objects.count() == 0
    assert len(primary.captured_queries) == 1 and not mirror.captured_queries

    with reading(), CaptureQueriesContext(connections["replica"]) as mirror:
        assert Attendance.objects.count() == 0
        Activity.objects.update(name="Atelier")  # a write, even in the block, goes to the primary
    assert [query["sql"] for query in mirror.captured_queries] == [
        'SELECT COUNT(*) AS "__count" FROM "activities_attendance"'
    ]
    assert Activity.objects.get().name == "Atelier"


def test_without_a_replica_nothing_reads_there_nor_marks_the_writers(
    client, staff, session_today, otp_verified
):
    response = mark_present(client, staff("director", "a"), *session_today)
    assert replica.WROTE_COOKIE not in response.cookies
    on_primary, on_replica = open_report(client)
    assert on_primary and not on_replica


def reading():
    return replica.reading_from_replica()


def test_the_replica_takes_the_primarys_settings_behind_pgbouncer_too():
    """Only where the replica is differs: behind PgBouncer, it too prepares nothing and keeps no cursor."""
    from csc.testing.nodes import on_other_node

    printed = on_other_node(
        "from django.conf import settings\n"
        "r = settings.DATABASES['replica']\n"
        "print(r['HOST'], r['PORT'], r['NAME'], r['DISABLE_SERVER_SIDE_CURSORS'], r['OPTIONS'],"
        " settings.DATABASE_ROUTERS)",
        cache_prefix="csc-test-settings",
        DJANGO_SETTINGS_MODULE="csc.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://csc@10.0.0.4:6432/csc",
        DATABASE_PGBOUNCER="1",
        DATABASE_REPLICA_URL="postgres://csc@10.0.0.4:6432/csc_replica",
    )
    assert printed == (
        "10.0.0.4 6432 csc_replica True {'prepare_threshold': None} ['csc.core.replica.ReplicaRouter']"
    )
