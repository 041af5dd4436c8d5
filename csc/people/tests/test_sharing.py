import pytest
from django.urls import reverse

from csc.core.models import AuditEvent
from csc.people.models import HouseholdShare
from csc.testing.factories import HouseholdMemberFactory


@pytest.mark.django_db
def test_a_household_is_seen_by_another_centre_only_once_shared_and_read_only(
    client, staff, centre_a, centre_b
):
    owner = staff("reception", "a")
    other = staff("reception", "b")
    member = HouseholdMemberFactory(household__centre=centre_a, person__last_name="Partagé")
    detail = reverse("people:household_detail", args=[member.household_id])
    person_page = reverse("people:person_detail", args=[member.person_id])

    client.force_login(other)
    assert client.get(detail).status_code == 404
    assert client.get(person_page).status_code == 404

    client.force_login(owner)
    client.post(
        reverse("people:household_share", args=[member.household_id]),
        {"centre": centre_b.pk, "reason": "La famille fréquente les deux centres"},
    )
    share = HouseholdShare.objects.get(household_id=member.household_id, centre=centre_b)
    assert AuditEvent.objects.filter(action="share", object_id=str(member.household_id)).exists()

    client.force_login(other)
    assert "Partagé" in client.get(detail).content.decode()
    assert client.get(person_page).status_code == 200
    assert client.get(reverse("people:household_edit", args=[member.household_id])).status_code == 404
    assert client.get(reverse("people:person_edit", args=[member.person_id])).status_code == 404
    search = client.get(reverse("people:search"), {"q": "partage"}).content.decode()
    assert person_page in search

    client.force_login(owner)
    client.post(reverse("people:household_unshare", args=[member.household_id, share.pk]))
    client.force_login(other)
    assert client.get(detail).status_code == 404


@pytest.mark.django_db
def test_sharing_needs_a_centre_and_a_reason(client, reception_a, centre_a):
    member = HouseholdMemberFactory(household__centre=centre_a)
    client.force_login(reception_a)
    response = client.post(
        reverse("people:household_share", args=[member.household_id]), {"centre": "999999", "reason": ""}
    )
    page = response.content.decode()
    assert "Sélectionnez un choix valide" in page and "Ce champ est obligatoire" in page
    assert not HouseholdShare.objects.exists()
