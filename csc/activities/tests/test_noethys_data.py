"""`manage.py generate_noethys_data` at a tiny scale: the dataset of the `tarifs` benchmark is whole,
priced by the grid, idempotent, and rebuilt on demand (COPY on PostgreSQL, bulk_create on SQLite)."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from csc.activities import tariffs
from csc.activities.management.commands.generate_noethys_data import CENTRE_SLUG, RECEPTION_EMAIL
from csc.activities.models import Activity, Attendance, BookedUnit, GroupDay, Registration, Session
from csc.core.models import StaffRole
from csc.people.models import Household, Person, age_on

TINY = {"households": 30, "persons": 120, "registrations": 15, "bookings": 300, "staff_password": "x"}


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_noethys_data", stdout=out, **{**TINY, **options})
    return out.getvalue()


@pytest.mark.django_db
def test_the_tiny_dataset_is_whole_priced_by_the_grid_and_idempotent():
    generate()
    activity = Activity.objects.get(centre__slug=CENTRE_SLUG)
    period = activity.periods.get()
    assert Household.objects.filter(centre=activity.centre).count() == 30
    assert Person.objects.filter(centre=activity.centre).count() == 120
    registrations = list(
        Registration.objects.filter(period=period).select_related("household", "child", "group")
    )
    assert len(registrations) == 15
    assert BookedUnit.objects.filter(registration__period=period).count() == 300
    assert [g.name for g in activity.groups.all()] == ["3-5 ans", "6-8 ans", "9-12 ans"]
    assert activity.units.count() == 4
    days = period.days.count()
    assert 100 <= days <= 160  # Wednesdays and school holidays of a school year
    assert Session.objects.filter(period_day__period=period).count() == 3 * days

    # Each child is in the group of its age, and pays what the grid says (sibling reductions included).
    table = tariffs.load_tariff_table(activity)
    reference = tariffs.age_reference_date(period)
    per_household = Counter(r.household_id for r in registrations)
    singles = 0
    for registration in registrations:
        assert registration.group.accepts_age(age_on(registration.child.birth_date, reference))
        booked = list(registration.booked_units.all())
        assert registration.amount <= sum(b.price for b in booked)
        assert registration.bracket_label
        if per_household[registration.household_id] == 1:  # no sibling reduction: the grid's price
            singles += 1
            child = tariffs.ChildChoice(
                key="1",
                name="",
                birth_date=registration.child.birth_date,
                group_id=registration.group_id,
                bookings=tuple((b.day_id, b.unit_id) for b in booked),
            )
            household = registration.household
            estimate = tariffs.estimate_fee(table, [child], tariffs.family_of(household))
            assert registration.amount == estimate.total == sum(b.price for b in booked)
    assert singles
    # The places held match the bookings, within capacity.
    for group_day in GroupDay.objects.filter(day__period=period):
        expected = (
            BookedUnit.objects.filter(
                registration__group=group_day.group_id, day=group_day.day_id, registration__status="active"
            )
            .values("registration_id")
            .distinct()
            .count()
        )
        assert group_day.held == expected <= group_day.capacity
    # Past days were called, on each child's group session.
    for attendance in Attendance.objects.filter(activity=activity).select_related("session")[:50]:
        assert attendance.date < timezone.localdate()
        assert Registration.objects.filter(
            child_id=attendance.person_id, group_id=attendance.session.group_id
        ).exists()
    assert StaffRole.objects.get(user__email=RECEPTION_EMAIL).centre_id == activity.centre_id

    # A second run does nothing; --rebuild starts again with the same counts.
    assert "déjà présent" in generate()
    assert Registration.objects.filter(period=period).count() == 15
    assert "prêt en" in generate(rebuild=True)
    assert not Activity.objects.filter(pk=activity.pk).exists()
    rebuilt = Activity.objects.get(centre__slug=CENTRE_SLUG)
    assert Registration.objects.filter(period__activity=rebuilt).count() == 15
    assert BookedUnit.objects.filter(registration__period__activity=rebuilt).count() == 300
