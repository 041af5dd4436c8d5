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


@pytest.mark.django_db
def test_a_shared_household_does_not_reveal_the_persons_other_households(client, staff, centre_a, centre_b):
    from csc.people.models import HouseholdMember
    from csc.people.services import share_household
    from csc.testing.factories import HouseholdFactory

    member = HouseholdMemberFactory(household__centre=centre_a, household__name="Foyer partagé")
    other_home = HouseholdFactory(centre=centre_a, name="Foyer du second parent")
    HouseholdMember.objects.create(household=other_home, person=member.person, relation="enfant")
    share_household(household=member.household, centre=centre_b, reason="accord de la famille", actor=None)
    client.force_login(staff("reception", "b"))
    for response in (
        client.get(reverse("people:person_detail", args=[member.person_id])),
        client.get(reverse("people:search"), {"q": member.person.last_name}),
    ):
        page = response.content.decode()
        assert "Foyer partagé" in page and "Foyer du second parent" not in page
    household_page = client.get(
        reverse("people:household_detail", args=[member.household_id])
    ).content.decode()
    assert "accord de la famille" not in household_page  # the reason is the owning centre's business


@pytest.mark.django_db
def test_sharing_again_updates_the_reason_without_a_second_journal_line(centre_a, centre_b):
    from csc.people.services import share_household

    member = HouseholdMemberFactory(household__centre=centre_a)
    share_household(household=member.household, centre=centre_b, reason="premier motif", actor=None)
    share = share_household(household=member.household, centre=centre_b, reason="nouveau motif", actor=None)
    assert share.reason == "nouveau motif"
    assert AuditEvent.objects.filter(action="share").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "browser_language", [{"HTTP_ACCEPT_LANGUAGE": "en"}, {"HTTP_ACCEPT_LANGUAGE": "ar,en;q=0.8"}]
)
def test_a_form_error_is_in_french_whatever_the_browsers_language(
    client, reception_a, centre_a, browser_language
):
    """English and Arabic have no translations yet: Django's own messages must not switch to them inside
    a French page."""
    member = HouseholdMemberFactory(household__centre=centre_a)
    client.force_login(reception_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("people:household_share", args=[member.household_id]),
        {"centre": "", "reason": ""},
        **browser_language,
    )
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Ce champ est obligatoire" in page
    assert "This field is required" not in page and "هذا الحقل" not in page
