"""The household search (« Foyers » beside « Personnes »): name, address, commune, members, phone."""

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from csc.people.models import Household, Person
from csc.people.queries import normalize_phone, normalized_phone, phone_in_query, search_households
from csc.people.services import share_household
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory
from csc.testing.pages import visible_text

pytestmark = pytest.mark.django_db


def found(user, query):
    user.__dict__.pop("_csc_shared_ids", None)  # the shares are cached for a request; each call is one
    return [h.name for h in search_households(Household.objects.visible_to(user), user, query)]


@pytest.mark.parametrize(
    "typed",
    [
        "06 12 34 56 78",
        "0612345678",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
    ],
)
def test_every_way_of_writing_a_phone_number_normalises_the_same(typed):
    assert normalize_phone(typed) == "0612345678"
    assert phone_in_query(typed) == "0612345678"


@given(st.text(alphabet="0123456789 .-+()", max_size=30))
def test_normalising_a_phone_twice_changes_nothing_after_the_prefix(text):
    once = normalize_phone(text)
    assert " " not in once and "." not in once


def test_a_postcode_or_a_name_is_not_taken_for_a_phone_number():
    assert phone_in_query("59000") == ""
    assert phone_in_query("Martin") == ""
    assert phone_in_query("12 rue") == ""


@pytest.mark.parametrize("stored", ["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0612345678"])
@pytest.mark.parametrize("typed", ["06 12 34 56 78", "0612345678", "+33 6 12 34", "06.12.34"])
def test_a_household_is_found_by_any_members_phone_however_written(centre_a, reception_a, stored, typed):
    HouseholdMemberFactory(
        household__centre=centre_a,
        household__name="Famille Nguyen",
        person__phone=stored,
        relation="conjoint",
    )
    HouseholdMemberFactory(
        household__centre=centre_a, household__name="Famille Autre", person__phone="07 00 00 00 00"
    )
    assert found(reception_a, typed) == ["Famille Nguyen"]


def test_found_by_name_address_postcode_commune_or_member_without_accents(centre_a, reception_a):
    HouseholdMemberFactory(
        household__centre=centre_a,
        household__name="Famille Lefèvre",
        household__address="12 rue Émile Zola",
        household__postcode="59100",
        household__city="Roubaix",
        person__last_name="Benali",
        person__first_name="Inès",
    )
    HouseholdFactory(
        centre=centre_a, name="Famille Martin", address="1 place du Marché", postcode="59000", city="Lille"
    )
    for query in ["lefevre", "LEFÈVRE", "emile zola", "59100", "roubaix", "benali ines", "Famille lefe"]:
        assert found(reception_a, query) == ["Famille Lefèvre"], query
    assert found(reception_a, "famille") == ["Famille Lefèvre", "Famille Martin"]
    assert found(reception_a, "") == []


def test_another_centres_households_are_never_found_unless_shared(centre_a, centre_b, reception_a):
    member = HouseholdMemberFactory(
        household__centre=centre_b, household__name="Famille Secrète", person__phone="06 99 88 77 66"
    )
    assert found(reception_a, "secrete") == []
    assert found(reception_a, "06 99 88 77 66") == []
    share_household(household=member.household, centre=centre_a, reason="accord de la famille", actor=None)
    assert found(reception_a, "secrete") == ["Famille Secrète"]
    assert found(reception_a, "0699887766") == ["Famille Secrète"]


def test_a_shared_persons_other_household_is_not_found_through_them(centre_a, centre_b, reception_a):
    """A person of centre B in a shared household and in an unshared one: their name or phone finds the
    shared household only."""
    shared = HouseholdMemberFactory(
        household__centre=centre_b,
        household__name="Famille Partagée",
        person__last_name="Kaya",
        person__phone="06 11 22 33 44",
    )
    HouseholdMemberFactory(household__centre=centre_b, household__name="Famille Privée", person=shared.person)
    share_household(household=shared.household, centre=centre_a, reason="accord", actor=None)
    assert found(reception_a, "kaya") == ["Famille Partagée"]
    assert found(reception_a, "06 11 22 33 44") == ["Famille Partagée"]


def test_the_search_text_follows_the_household_when_it_changes(centre_a, reception_a):
    household = HouseholdFactory(centre=centre_a, name="Famille Roux", city="Lille")
    household.city = "Tourcoing"
    household.save(update_fields=["city"])
    household.refresh_from_db()
    assert "tourcoing" in household.search_text
    assert found(reception_a, "tourcoing") == ["Famille Roux"]


def test_the_page_shows_members_phone_and_link_with_constant_queries(
    client, centre_a, reception_a, django_assert_max_num_queries
):
    for index in range(30):
        member = HouseholdMemberFactory(
            household__centre=centre_a,
            household__name=f"Famille Garcia {index:02}",
            person__phone="06 12 34 56 78",
        )
        HouseholdMemberFactory(household=member.household, relation="enfant")
    client.force_login(reception_a)
    path = reverse("people:household_search")
    client.get(path, {"q": "garcia"})
    with django_assert_max_num_queries(8):
        response = client.get(path, {"q": "garcia"})
    assert len(response.context["page"].object_list) == 25
    first = response.context["page"].object_list[0]
    page = response.content.decode()
    assert reverse("people:household_detail", args=[first.pk]) in page
    text = visible_text(response)
    assert "06 12 34 56 78" in text
    assert "Famille Garcia 00" in text
    with django_assert_max_num_queries(8):
        second = client.get(path, {"q": "garcia", "page": "2"})
    assert len(second.context["page"].object_list) == 5
    assert client.get(path, {"q": "garcia", "page": "abc"}).status_code == 200


def test_the_people_search_and_the_household_search_link_to_each_other(client, reception_a):
    client.force_login(reception_a)
    people = client.get(reverse("people:search")).content.decode()
    households = client.get(reverse("people:household_search")).content.decode()
    assert reverse("people:household_search") in people
    assert reverse("people:search") in households


@pytest.mark.parametrize("query", ["\x00", "a" * 100_000, "‮abc", "+++", "(((", "%", "_"])
def test_hostile_queries_answer_a_page(client, centre_a, reception_a, query):
    HouseholdFactory(centre=centre_a, name="Famille Test")
    client.force_login(reception_a)
    assert client.get(reverse("people:household_search"), {"q": query}).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only")
def test_the_phone_search_uses_its_index_on_postgresql(centre_a, reception_a):
    HouseholdMemberFactory(household__centre=centre_a, person__phone="06 12 34 56 78")
    phones = (
        Person.objects.annotate(phone_key=normalized_phone("phone"))
        .filter(phone_key__contains="061234")
        .values("id")
    )
    sql, params = phones.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "people_person_phone_trgm" in plan, plan


def test_a_search_too_broad_says_so(client, centre_a, reception_a, monkeypatch):
    from csc.people import queries

    monkeypatch.setattr(queries, "HOUSEHOLD_SEARCH_CAP", 3)
    for index in range(5):
        HouseholdFactory(centre=centre_a, name=f"Famille Roux {index}")
    client.force_login(reception_a)
    response = client.get(reverse("people:household_search"), {"q": "roux"})
    assert len(response.context["page"].object_list) == 3
    assert "Plus de 3 foyers correspondent" in visible_text(response)
