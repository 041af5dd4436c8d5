"""The last place taken at the desk and online at the same instant: one wins, nobody overbooks.

Real transactions in real threads, so it runs on PostgreSQL (the test SQLite database lives in memory
and is not shared between connections)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from csc.activities.demo import build_leisure_centre
from csc.activities.desk import services as desk
from csc.activities.models import GroupDay, Registration
from csc.enrolment import services
from csc.enrolment.models import Request
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory

from .helpers import family

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database shared between connections"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_the_last_place_goes_to_the_desk_or_online_never_both(centre_a, staff, round_):
    leisure = build_leisure_centre(
        centre_a, today=date(2026, 11, 21), places=1, holiday_start=date(2026, 12, 21)
    )
    reception = staff("reception")
    group = leisure.groups[1]
    day = leisure.period.days.order_by("date").first()
    booking = [(day.pk, leisure.units["day"].pk)]
    household = HouseholdFactory(centre=centre_a, family_quotient=Decimal("480"))
    child = PersonFactory(centre=centre_a, birth_date=date(2018, 4, 2))
    HouseholdMemberFactory(household=household, person=child, relation="enfant")
    barrier = threading.Barrier(2)
    outcomes, errors = {}, []

    def at_desk():
        try:
            barrier.wait()
            desk.register(
                period=leisure.period,
                child=child,
                household=household,
                group_id=group.pk,
                bookings=booking,
                by=reception,
            )
            outcomes["desk"] = "inscrit"
        except desk.DeskRefused as refused:
            outcomes["desk"] = str(refused)
        except Exception as error:  # noqa: BLE001 — collected and asserted below
            errors.append(repr(error))
        finally:
            connections.close_all()

    def online():
        try:
            barrier.wait()
            request = services.submit_registration_request(
                period=leisure.period, submission=family([(group, booking)])
            )
            outcomes["online"] = request.status
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=at_desk), threading.Thread(target=online)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert GroupDay.objects.get(group=group, day=day).held == 1  # one place, one child
    desk_won = outcomes["desk"] == "inscrit"
    if desk_won:
        assert outcomes["online"] == Request.Status.WAITING_LIST
        assert Registration.objects.count() == 1
    else:
        assert outcomes["online"] == Request.Status.RECEIVED
        assert outcomes["desk"].startswith("Plus de place dans ce groupe le")
        assert not Registration.objects.exists()
