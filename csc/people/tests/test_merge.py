import pytest
from django.urls import reverse

from csc.core.models import AuditEvent
from csc.people.models import Consent, Household, HouseholdMember, HouseholdShare, Person
from csc.people.services import MergeRefused, merge_households, merge_people
from csc.testing.factories import (
    CentreFactory,
    ConsentFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)


@pytest.mark.django_db
def test_merging_two_records_of_a_person_loses_nothing(centre_a, reception_a):
    keep = PersonFactory(
        centre=centre_a, first_name="Fatou", last_name="Sow", phone="", email="fatou@example.org"
    )
    duplicate = PersonFactory(
        centre=centre_a, first_name="Fatou", last_name="Sow", phone="+33612345678", email=""
    )
    first_home = HouseholdFactory(centre=centre_a)
    second_home = HouseholdFactory(centre=centre_a)
    HouseholdMember.objects.create(household=first_home, person=keep, relation="responsable")
    HouseholdMember.objects.create(household=first_home, person=duplicate, relation="responsable")
    HouseholdMember.objects.create(household=second_home, person=duplicate, relation="autre")
    ConsentFactory(person=keep, kind="photos")
    ConsentFactory(person=duplicate, kind="donnees")

    result = merge_people(keep=keep, duplicate=duplicate, actor=reception_a)

    keep.refresh_from_db()
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert (keep.email, keep.phone) == ("fatou@example.org", "+33612345678")
    assert set(keep.memberships.values_list("household_id", flat=True)) == {first_home.pk, second_home.pk}
    assert set(Consent.objects.filter(person=keep).values_list("kind", flat=True)) == {"photos", "donnees"}
    assert "phone" in result.copied_fields
    assert AuditEvent.objects.filter(action="merge", person_id=keep.pk).exists()


@pytest.mark.django_db
def test_two_centres_files_are_never_merged(centre_a, centre_b, reception_a):
    mine, theirs = PersonFactory(centre=centre_a), PersonFactory(centre=centre_b)
    with pytest.raises(MergeRefused):
        merge_people(keep=mine, duplicate=theirs, actor=reception_a)
    with pytest.raises(MergeRefused):
        merge_people(keep=mine, duplicate=mine, actor=reception_a)
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_merging_households_keeps_members_and_the_newest_quotient_but_not_shares(centre_a, reception_a):
    from datetime import date
    from decimal import Decimal

    keep = HouseholdFactory(
        centre=centre_a, family_quotient=Decimal("500"), family_quotient_date=date(2025, 1, 1)
    )
    duplicate = HouseholdFactory(
        centre=centre_a, family_quotient=Decimal("720"), family_quotient_date=date(2026, 6, 1)
    )
    HouseholdMemberFactory(household=keep)
    HouseholdMemberFactory.create_batch(2, household=duplicate)
    other_centre = CentreFactory()
    HouseholdShare.objects.create(household=duplicate, centre=other_centre, reason="suivi commun")

    merge_households(keep=keep, duplicate=duplicate, actor=reception_a)

    keep.refresh_from_db()
    assert not Household.objects.filter(pk=duplicate.pk).exists()
    assert keep.members.count() == 3
    assert keep.family_quotient == Decimal("720")
    # The share was consent for the duplicate's members only: it must not widen to the kept household.
    assert not HouseholdShare.objects.filter(centre=other_centre).exists()
    assert "partages du doublon retirés" in AuditEvent.objects.get(action="merge").detail


@pytest.mark.django_db
def test_reception_merges_from_the_page(client, reception_a, centre_a):
    keep = PersonFactory(centre=centre_a, first_name="Jean", last_name="Morel")
    duplicate = PersonFactory(centre=centre_a, first_name="Jean", last_name="Morel")
    client.force_login(reception_a)
    detail = client.get(reverse("people:person_detail", args=[keep.pk])).content.decode()
    assert "Doublon possible" in detail
    response = client.post(reverse("people:person_merge", args=[keep.pk]), {"duplicate": duplicate.pk})
    assert response.url == reverse("people:person_detail", args=[keep.pk])
    assert not Person.objects.filter(pk=duplicate.pk).exists()


@pytest.mark.django_db
def test_merging_with_a_tampered_id_is_refused_with_a_message(client, reception_a, centre_a, centre_b):
    keep = PersonFactory(centre=centre_a, first_name="Jean", last_name="Morel")
    other = PersonFactory(centre=centre_b, first_name="Jean", last_name="Morel")
    client.force_login(reception_a)
    for value in (other.pk, "abc", "-1"):
        response = client.post(reverse("people:person_merge", args=[keep.pk]), {"duplicate": value})
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in response.content.decode()
    assert Person.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_household_merge_page(client, reception_a, centre_a):
    keep = HouseholdFactory(centre=centre_a, name="Famille Roux")
    duplicate = HouseholdFactory(centre=centre_a, name="Famille Roux")
    client.force_login(reception_a)
    page = client.get(reverse("people:household_merge", args=[keep.pk])).content.decode()
    assert f'value="{duplicate.pk}"' in page
    client.post(reverse("people:household_merge", args=[keep.pk]), {"duplicate": duplicate.pk})
    assert not Household.objects.filter(pk=duplicate.pk).exists()


@pytest.mark.django_db
def test_an_anonymised_record_is_never_merged(centre_a, reception_a):
    from csc.people.services import anonymise_person

    keep = PersonFactory(centre=centre_a)
    duplicate = PersonFactory(centre=centre_a, email="retour@example.org")
    anonymise_person(person=keep, actor=reception_a)
    with pytest.raises(MergeRefused):
        merge_people(keep=keep, duplicate=duplicate, actor=reception_a)
    keep.refresh_from_db()
    assert keep.email == ""


@pytest.mark.django_db
def test_a_merge_never_overturns_a_refusal_of_sms(centre_a, reception_a):
    keep = PersonFactory(centre=centre_a, contact_by_sms=False, phone="+33612345678")
    duplicate = PersonFactory(centre=centre_a, contact_by_sms=True, phone="+33612345678")
    merge_people(keep=keep, duplicate=duplicate, actor=reception_a)
    keep.refresh_from_db()
    assert keep.contact_by_sms is False
