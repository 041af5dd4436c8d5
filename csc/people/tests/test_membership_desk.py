"""Memberships taken and cancelled at the desk, from the household's page (csc.people.memberships)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from csc.core.models import AuditEvent
from csc.people.memberships import MembershipRefused, cancel_membership, take_membership
from csc.people.models import Membership, MembershipFee, Season
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory
from csc.testing.pages import page_text


@pytest.fixture
def season(centre_a, clock):
    clock("2026-11-21 10:00")
    season = Season.objects.create(
        centre=centre_a, name="2026-2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 8, 31)
    )
    for lower, upper, amount in [(0, 650, "5.00"), (651, 1050, "10.00"), (1051, None, "15.00")]:
        MembershipFee.objects.create(season=season, lower=lower, upper=upper, amount=Decimal(amount))
    return season


@pytest.fixture
def household(centre_a):
    household = HouseholdFactory(centre=centre_a, family_quotient=Decimal("800"))
    HouseholdMemberFactory.create_batch(3, household=household)
    return household


@pytest.mark.django_db
def test_take_cancel_and_take_again_a_membership(season, household, reception_a):
    first = take_membership(season=season, household=household, by=reception_a)
    assert first.fee == Decimal("10.00") and first.bracket_label == "651 à 1050 €"
    with pytest.raises(MembershipRefused, match="déjà adhérent pour la saison 2026-2027"):
        take_membership(season=season, household=household, by=reception_a)
    with pytest.raises(MembershipRefused, match="motif"):
        cancel_membership(membership=first, by=reception_a, reason=" ")
    cancel_membership(membership=first, by=reception_a, reason="Erreur de saisie")
    first.refresh_from_db()
    assert (
        first.is_cancelled and first.cancel_reason == "Erreur de saisie" and first.cancelled_by == reception_a
    )
    with pytest.raises(MembershipRefused, match="déjà annulée"):
        cancel_membership(membership=first, by=reception_a, reason="encore")
    # Once per season counts only the memberships in force: the household takes it again.
    again = take_membership(season=season, household=household, by=reception_a)
    assert again.pk != first.pk
    assert list(Membership.objects.in_force().filter(household=household)) == [again]
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert [a for a in actions if a.startswith("people.membership")] == [
        "people.membership_taken",
        "people.membership_cancelled",
        "people.membership_taken",
    ]


@pytest.mark.django_db
def test_a_season_priced_per_person_counts_the_households_members(season, household, reception_a):
    season.membership_basis = Season.MembershipBasis.PERSON
    season.save()
    assert take_membership(season=season, household=household, by=reception_a).fee == Decimal("30.00")


@pytest.mark.django_db
def test_reception_takes_and_cancels_the_membership_from_the_household_page(
    client, season, household, reception_a
):
    client.force_login(reception_a)
    page = page_text(client.get(reverse("people:household_detail", args=[household.pk])))
    assert "Le foyer n'a pas encore adhéré" in page and "Prendre l'adhésion" in page
    take = reverse("people:membership_take", args=[household.pk])
    assert "2026-2027 — 10,00\u00a0€" in page_text(client.get(take))
    assert client.post(take, {"season": "abc"}).status_code == 200  # French error, nothing saved
    assert not Membership.objects.exists()
    response = client.post(take, {"season": season.pk})
    assert response.status_code == 302
    membership = Membership.objects.get()
    page = page_text(client.get(reverse("people:household_detail", args=[household.pk])))
    assert "10,00\u00a0€" in page and "En cours" in page
    cancel = reverse("people:membership_cancel", args=[household.pk, membership.pk])
    refused = client.post(cancel, {"reason": ""})
    assert "Indiquez le motif de l'annulation." in page_text(refused)
    assert client.post(cancel, {"reason": "Remboursée"}).status_code == 302
    page = page_text(client.get(reverse("people:household_detail", args=[household.pk])))
    assert "Remboursée" in page
    assert client.get(cancel).status_code == 404  # cancelled: nothing left to cancel


@pytest.mark.django_db
def test_another_centres_household_and_membership_are_404(client, centre_b, staff, clock):
    clock("2026-11-21 10:00")
    season_b = Season.objects.create(
        centre=centre_b, name="2026-2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 8, 31)
    )
    household_b = HouseholdFactory(centre=centre_b)
    membership = take_membership(season=season_b, household=household_b, by=None)
    client.force_login(staff("reception", "a"))
    assert client.get(reverse("people:membership_take", args=[household_b.pk])).status_code == 404
    url = reverse("people:membership_cancel", args=[household_b.pk, membership.pk])
    assert client.post(url, {"reason": "intrus"}).status_code == 404
    membership.refresh_from_db()
    assert not membership.is_cancelled


@pytest.mark.django_db
def test_the_person_page_shows_the_households_membership(client, season, household, reception_a):
    take_membership(season=season, household=household, by=reception_a)
    person = household.members.first().person
    client.force_login(reception_a)
    page = page_text(client.get(reverse("people:person_detail", args=[person.pk])))
    assert "Adhésions" in page and "2026-2027" in page
    assert reverse("people:membership_take", args=[household.pk]) in page
