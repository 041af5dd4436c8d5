"""Memberships: the fee a season's grid gives a household, recorded once per season
(csc.people.memberships)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc.people.memberships import membership_fee, record_membership
from csc.people.models import Membership, MembershipFee, Season
from csc.testing.factories import HouseholdFactory

GRID = [(0, 650, Decimal("5.00")), (651, 1050, Decimal("10.00")), (1051, None, Decimal("15.00"))]


@pytest.fixture
def season(centre_a):
    season = Season.objects.create(
        centre=centre_a, name="2026-2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 8, 31)
    )
    for lower, upper, amount in GRID:
        MembershipFee.objects.create(season=season, lower=lower, upper=upper, amount=amount)
    return season


def by_hand(quotient: int | None) -> tuple[Decimal, str]:
    """The bracket a person reading the grid picks: the one holding the quotient, the highest without."""
    if quotient is None:
        return Decimal("15.00"), "1051 € et plus"
    if quotient <= 650:
        return Decimal("5.00"), "0 à 650 €"
    if quotient <= 1050:
        return Decimal("10.00"), "651 à 1050 €"
    return Decimal("15.00"), "1051 € et plus"


@pytest.mark.django_db
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quotient=st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)),
    people=st.integers(min_value=0, max_value=12),
    per_person=st.booleans(),
)
def test_the_fee_is_the_brackets_amount_once_per_household_or_per_person(
    season, quotient, people, per_person
):
    season.membership_basis = (
        Season.MembershipBasis.PERSON if per_person else Season.MembershipBasis.HOUSEHOLD
    )
    amount, label = membership_fee(season, people, None if quotient is None else Decimal(quotient))
    bracket_amount, bracket_label = by_hand(quotient)
    assert label == bracket_label
    assert amount == bracket_amount * (max(people, 1) if per_person else 1)


@pytest.mark.django_db
def test_a_household_recorded_twice_in_a_season_keeps_one_membership_at_todays_fee(season, centre_a):
    household = HouseholdFactory(centre=centre_a, family_quotient=Decimal("480"))
    first = record_membership(centre=centre_a, season=season, household=household, people_count=3)
    assert (first.fee, first.family_quotient, first.bracket_label) == (
        Decimal("5.00"),
        Decimal("480"),
        "0 à 650 €",
    )
    household.family_quotient = Decimal("900")
    again = record_membership(centre=centre_a, season=season, household=household, people_count=3)
    assert again.pk == first.pk and Membership.objects.count() == 1
    assert (again.fee, again.bracket_label) == (Decimal("10.00"), "651 à 1050 €")


@pytest.mark.django_db
def test_a_season_without_a_grid_costs_nothing(centre_a):
    season = Season.objects.create(
        centre=centre_a, name="Sans grille", starts_on=date(2026, 9, 1), ends_on=date(2027, 8, 31)
    )
    assert membership_fee(season, 4, Decimal("300")) == (Decimal("0.00"), "")
