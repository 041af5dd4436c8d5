"""The one way a child is registered to a period (csc.activities.registrations): the online requests,
the desk and invoicing all go through it."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from csc.activities import registrations, tariffs
from csc.activities.demo import build_leisure_centre
from csc.activities.models import BookedUnit, Registration
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory


@pytest.fixture
def leisure(centre_a):
    return build_leisure_centre(centre_a, today=date(2026, 11, 21), holiday_start=date(2026, 12, 21))


@pytest.fixture
def child(centre_a):
    household = HouseholdFactory(centre=centre_a)
    person = PersonFactory(centre=centre_a, first_name="Inès", birth_date=date(2018, 3, 1))
    HouseholdMemberFactory(household=household, person=person)
    return person, household


def register(leisure, person, household, days=2):
    reference = tariffs.age_reference_date(leisure.period)
    group = tariffs.group_for(leisure.groups, person.birth_date, reference)
    unit = leisure.units["day"]
    household.family_quotient = Decimal("480")
    household.save()
    return registrations.register(
        period=leisure.period,
        child=person,
        household=household,
        group_id=group.pk,
        bookings=[(d.pk, unit.pk) for d in leisure.period.days.all()[:days]],
    )


@pytest.mark.django_db
def test_a_child_is_registered_in_the_group_of_their_age_with_the_units_booked(leisure, child):
    person, household = child
    registration = register(leisure, person, household)
    assert registration.group.name == "Moyens (6-8 ans)"  # 8 on 21/12/2026, the period's first day
    # QF 480: the demo grid's 0–650 bracket, 4,15 € the day.
    assert registration.amount == Decimal("8.30") and registration.bracket_label == "0 à 650 €"
    assert registration.fee_lines == [
        {"label": "Inès — Journée avec repas : 2 × 4,15\u00a0€", "amount": "8.30"}
    ]
    assert list(BookedUnit.objects.filter(registration=registration).values_list("price", flat=True)) == [
        Decimal("4.15"),
        Decimal("4.15"),
    ]


@pytest.mark.django_db
def test_a_second_registration_of_the_same_child_is_refused_in_french(leisure, child):
    person, household = child
    register(leisure, person, household)
    with pytest.raises(
        registrations.AlreadyRegistered, match="Inès est déjà inscrit\\(e\\) sur cette période"
    ):
        register(leisure, person, household, days=1)
    assert Registration.objects.count() == 1 and BookedUnit.objects.count() == 2


@pytest.mark.django_db
def test_age_bands_count_ages_at_the_activitys_reference_date(leisure):
    petits, moyens, _ = leisure.groups
    assert tariffs.age_reference_date(leisure.period) == date(2026, 12, 21)  # the period's first day
    assert tariffs.age_range_text(leisure.groups) == "de 3 à 11 ans"
    # Six on the reference date: the middle group; six the day after: still the youngest.
    assert tariffs.group_for(leisure.groups, date(2020, 12, 21), date(2026, 12, 21)) == moyens
    assert tariffs.group_for(leisure.groups, date(2020, 12, 22), date(2026, 12, 21)) == petits
    assert tariffs.group_for(leisure.groups, date(1990, 1, 1), date(2026, 12, 21)) is None  # no group
    leisure.activity.age_reference_date = date(2026, 12, 31)
    assert tariffs.age_reference_date(leisure.period) == date(2026, 12, 31)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database shared between connections")
@pytest.mark.django_db(transaction=True)
def test_two_desks_registering_the_same_child_at_once_make_one_registration(leisure, child):
    person, household = child
    barrier = threading.Barrier(4)
    outcomes = []

    def desk():
        try:
            barrier.wait()
            register(leisure, person, household)
            outcomes.append("registered")
        except registrations.AlreadyRegistered:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 — collected and asserted below
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "registered"]
    assert Registration.objects.filter(child=person).count() == 1
    assert BookedUnit.objects.count() == 2
