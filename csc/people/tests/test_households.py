import pytest
from django.urls import reverse

from csc.core.models import AuditEvent
from csc.people.models import Household, HouseholdMember, Person
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory
from csc.testing.pages import page_text


def household_post(**overrides):
    data = {
        "name": "Famille Benali",
        "address": "12 rue des Postes",
        "postcode": "59000",
        "city": "Lille",
        "in_qpv": "on",
        "family_quotient": "612,50",
        "family_quotient_date": "2026-09-01",
        "family_quotient_source": "caf",
        "benefits_number": "1234567",
        "notes": "",
        "membres-TOTAL_FORMS": "3",
        "membres-INITIAL_FORMS": "0",
        "membres-MIN_NUM_FORMS": "0",
        "membres-MAX_NUM_FORMS": "12",
        "membres-0-last_name": "Benali",
        "membres-0-first_name": "Samira",
        "membres-0-birth_date": "1984-05-02",
        "membres-0-sex": "F",
        "membres-0-email": "samira@example.org",
        "membres-0-phone": "06 12 34 56 78",
        "membres-0-relation": "responsable",
        "membres-1-last_name": "Benali",
        "membres-1-first_name": "Yanis",
        "membres-1-birth_date": "2016-11-20",
        "membres-1-sex": "M",
        "membres-1-relation": "enfant",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_reception_creates_a_household_with_its_members(client, reception_a, centre_a):
    client.force_login(reception_a)
    response = client.post(reverse("people:household_create"), household_post())
    household = Household.objects.get(name="Famille Benali")
    assert response.url == reverse("people:household_detail", args=[household.pk])
    assert household.centre == centre_a
    assert str(household.family_quotient) == "612.50"
    members = {m.person.first_name: m for m in household.members.select_related("person")}
    assert set(members) == {"Samira", "Yanis"}
    assert members["Samira"].person.phone == "+33612345678"
    assert members["Yanis"].relation == "enfant"
    assert members["Yanis"].person.city == "Lille"  # the household's address, for the figures
    page = client.get(response.url).content.decode()
    assert "Samira" in page and "612,50" in page or "612.50" in page
    assert AuditEvent.objects.filter(
        action="create", object_type="people.household", actor=reception_a
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("family_quotient", "-5", "ne peut pas être négatif"),
        ("family_quotient", "250000", "vérifiez le montant"),
        ("family_quotient", "beaucoup", "Saisissez un montant en euros"),
        ("family_quotient_date", "2026-02-31", "Saisissez une date valide"),
        ("family_quotient_date", "2099-01-01", "ne peut pas être dans le futur"),
        ("postcode", "5900", "Le code postal compte 5 chiffres"),
        ("membres-0-birth_date", "2100-01-01", "ne peut pas être dans le futur"),
        ("membres-0-birth_date", "1850-01-01", "antérieure à 1900"),
        ("membres-0-phone", "12", "pas valide"),
        ("membres-0-phone", "abc", "pas reconnu"),
        ("membres-0-email", "samira@", "adresse e-mail valide"),
        ("membres-0-last_name", "", "Indiquez le nom"),
        ("name", "", "Donnez un nom au foyer"),
    ],
)
def test_bad_input_gets_a_french_message_and_keeps_the_rest(client, reception_a, field, value, message):
    client.force_login(reception_a)
    response = client.post(reverse("people:household_create"), household_post(**{field: value}))
    page = page_text(response)
    assert response.status_code == 200
    assert message in page
    assert 'value="Samira"' in page and 'value="12 rue des Postes"' in page
    assert not Household.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_a_household_needs_at_least_one_person(client, reception_a):
    client.force_login(reception_a)
    empty_members = {k: "" for k in household_post() if k.startswith("membres-") and k[8].isdigit()}
    response = client.post(reverse("people:household_create"), household_post(**empty_members))
    assert "Ajoutez au moins une personne au foyer" in page_text(response)


@pytest.mark.django_db
def test_a_quotient_needs_its_date_and_source(client, reception_a):
    client.force_login(reception_a)
    response = client.post(
        reverse("people:household_create"), household_post(family_quotient_date="", family_quotient_source="")
    )
    page = page_text(response)
    assert "Indiquez la date de l'attestation" in page and "Indiquez d'où vient ce quotient" in page


@pytest.mark.django_db
def test_tampered_hidden_formset_fields_do_not_crash(client, reception_a):
    client.force_login(reception_a)
    response = client.post(
        reverse("people:household_create"), household_post(**{"membres-TOTAL_FORMS": "abc"})
    )
    assert response.status_code == 200
    response = client.post(
        reverse("people:household_create"), household_post(**{"membres-TOTAL_FORMS": "5000"})
    )
    assert response.status_code == 200
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_reception_edits_a_household_and_a_person(client, reception_a, centre_a):
    member = HouseholdMemberFactory(household__centre=centre_a)
    client.force_login(reception_a)
    data = {
        "name": "Famille Renommée",
        "postcode": "59000",
        "city": "Lille",
        "family_quotient": "",
        "family_quotient_date": "",
        "family_quotient_source": "",
    }
    client.post(reverse("people:household_edit", args=[member.household_id]), data)
    assert Household.objects.get(pk=member.household_id).name == "Famille Renommée"
    person_data = {
        "last_name": "Nouveau",
        "first_name": "Nom",
        "sex": "M",
        "phone": "0320000000",
        "contact_by_sms": "on",
    }
    client.post(reverse("people:person_edit", args=[member.person_id]), person_data)
    person = Person.objects.get(pk=member.person_id)
    assert (person.last_name, person.phone, person.contact_by_sms) == ("Nouveau", "+33320000000", True)


@pytest.mark.django_db
def test_sms_consent_needs_a_phone(client, reception_a, centre_a):
    member = HouseholdMemberFactory(household__centre=centre_a)
    client.force_login(reception_a)
    response = client.post(
        reverse("people:person_edit", args=[member.person_id]),
        {"last_name": "X", "first_name": "Y", "sex": "F", "contact_by_sms": "on"},
    )
    assert "Un numéro est nécessaire pour recevoir des SMS" in page_text(response)


@pytest.mark.django_db
def test_adding_a_member_and_recording_a_consent(client, reception_a, centre_a):
    household = HouseholdFactory(centre=centre_a)
    client.force_login(reception_a)
    client.post(
        reverse("people:household_add_member", args=[household.pk]),
        {
            "last_name": "Petit",
            "first_name": "Lina",
            "sex": "F",
            "birth_date": "2019-02-01",
            "relation": "enfant",
        },
    )
    lina = Person.objects.get(first_name="Lina")
    assert HouseholdMember.objects.filter(household=household, person=lina, relation="enfant").exists()
    client.post(
        reverse("people:consent_add", args=[lina.pk]),
        {"kind": "photos", "granted": "non", "decided_on": "2026-10-01"},
    )
    page = page_text(client.get(reverse("people:person_detail", args=[lina.pk])))
    assert "Refusé" in page and "01/10/2026" in page


@pytest.mark.django_db
def test_an_animator_reads_but_does_not_edit(client, staff, centre_a):
    animator = staff("animator")
    member = HouseholdMemberFactory(household__centre=centre_a)
    client.force_login(animator)
    assert client.get(reverse("people:household_detail", args=[member.household_id])).status_code == 200
    assert client.get(reverse("people:household_edit", args=[member.household_id])).status_code == 404
    assert client.get(reverse("people:household_create")).status_code == 404


@pytest.mark.django_db
def test_the_household_list_costs_the_same_queries_whatever_its_length(
    client, reception_a, centre_a, django_assert_max_num_queries
):
    client.force_login(reception_a)
    HouseholdMemberFactory.create_batch(3, household__centre=centre_a)
    client.get(reverse("people:household_list"))
    HouseholdMemberFactory.create_batch(22, household__centre=centre_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:household_list"))
    assert len(response.context["page"].object_list) == 25


@pytest.mark.django_db
def test_the_household_page_costs_few_queries(client, reception_a, centre_a, django_assert_max_num_queries):
    household = HouseholdFactory(centre=centre_a)
    HouseholdMemberFactory.create_batch(6, household=household)
    client.force_login(reception_a)
    # 7 for the page itself, then one per module section (memberships, registrations): each section
    # costs the same whatever the household holds (csc/activities/tests/test_desk.py checks it full).
    with django_assert_max_num_queries(9):
        assert client.get(reverse("people:household_detail", args=[household.pk])).status_code == 200


@pytest.mark.django_db
def test_a_new_member_lives_at_the_household_address_and_the_responsible_comes_first(
    client, reception_a, centre_a
):
    household = HouseholdFactory(centre=centre_a, city="Roubaix", postcode="59100", in_qpv=True)
    HouseholdMemberFactory(household=household, relation="enfant", person__first_name="Enfant")
    client.force_login(reception_a)
    client.post(
        reverse("people:household_add_member", args=[household.pk]),
        {"last_name": "Parent", "first_name": "Adulte", "sex": "F", "relation": "responsable"},
    )
    adult = Person.objects.get(first_name="Adulte")
    assert (adult.city, adult.postcode, adult.in_qpv) == ("Roubaix", "59100", True)
    members = client.get(reverse("people:household_detail", args=[household.pk])).context["members"]
    assert [m.person.first_name for m in members] == ["Adulte", "Enfant"]


@pytest.mark.django_db
def test_reception_records_what_the_tariffs_read_about_a_household(client, reception_a, centre_a):
    """The regime, the CCAS's social rate, where a parent works and the dependent children: each
    one a tariff rule reads (a column, an aid, « habiter ou travailler », large families)."""
    from datetime import date

    member = HouseholdMemberFactory(household__centre=centre_a)
    client.force_login(reception_a)
    url = reverse("people:household_edit", args=[member.household_id])
    form = client.get(url).content.decode()
    assert "Tarif social CCAS jusqu&#x27;au" in form or "Tarif social CCAS jusqu'au" in form
    data = {
        "name": "Famille Martin",
        "city": "Lille",
        "benefits_regime": "msa",
        "social_rate_until": "31/08/2027",
        "works_in_city": "Roubaix",
        "dependent_children": "3",
    }
    assert client.post(url, data).status_code == 302
    household = Household.objects.get(pk=member.household_id)
    assert (household.benefits_regime, household.works_in_city, household.dependent_children) == (
        "msa",
        "Roubaix",
        3,
    )
    assert household.social_rate_until == date(2027, 8, 31)
    response = client.post(url, {**data, "social_rate_until": "31/02/2027", "dependent_children": "-1"})
    body = response.content.decode()
    assert "Saisissez une date valide, par exemple 31/08/2027." in body
    assert (
        "Le nombre d&#x27;enfants ne peut pas être négatif." in body
        or "Le nombre d'enfants ne peut pas être négatif." in body
    )
    assert Household.objects.get(pk=member.household_id).social_rate_until == date(2027, 8, 31)
