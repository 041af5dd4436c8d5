import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from csc.core.text import normalize
from csc.people.models import Person
from csc.people.queries import search_people
from csc.testing.factories import HouseholdMemberFactory, PersonFactory


@given(st.text(max_size=60))
def test_normalising_twice_changes_nothing(text):
    assert normalize(normalize(text)) == normalize(text)


@given(st.text(alphabet="aàâäeéèêëiîïoôöuùûüçAÀÉÈÇ -'", max_size=40))
def test_normalised_text_has_no_accent_nor_capital(text):
    result = normalize(text)
    assert result == result.lower()
    assert not set(result) & set("àâäéèêëîïôöùûüç")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["élodie", "ELODIE", "Lefèvre", "lefevre elodie", "LEFÈVRE-DUBOIS", "dubois"]
)
def test_search_ignores_accents_case_and_word_order(centre_a, reception_a, query):
    PersonFactory(centre=centre_a, first_name="Élodie", last_name="Lefèvre-Dubois")
    PersonFactory(centre=centre_a, first_name="Marc", last_name="Martin")
    found = search_people(Person.objects.visible_to(reception_a), query)
    assert [p.first_name for p in found] == ["Élodie"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm on PostgreSQL only")
def test_search_tolerates_a_typo_on_postgresql(centre_a, reception_a):
    PersonFactory(centre=centre_a, first_name="Marie", last_name="Dupont")
    PersonFactory(centre=centre_a, first_name="Kevin", last_name="Lambert")
    found = search_people(Person.objects.visible_to(reception_a), "Dupond")
    assert [p.last_name for p in found] == ["Dupont"]


@pytest.mark.django_db
def test_search_never_shows_another_centres_people(centre_a, centre_b, reception_a):
    PersonFactory(centre=centre_b, first_name="Awa", last_name="Diallo")
    assert list(search_people(Person.objects.visible_to(reception_a), "Diallo")) == []


@pytest.mark.django_db
def test_the_search_page_shows_people_with_their_household(client, centre_a, reception_a):
    member = HouseholdMemberFactory(
        household__centre=centre_a, household__name="Famille Nguyen", person__last_name="Nguyen"
    )
    client.force_login(reception_a)
    response = client.get(reverse("people:search"), {"q": "nguyen"})
    page = response.content.decode()
    assert reverse("people:person_detail", args=[member.person_id]) in page
    assert "Famille Nguyen" in page


@pytest.mark.django_db
def test_the_search_answers_htmx_with_the_results_only(client, centre_a, reception_a):
    PersonFactory(centre=centre_a, last_name="Nguyen")
    client.force_login(reception_a)
    response = client.get(reverse("people:search"), {"q": "nguyen"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "Nguyen" in response.content.decode()


@pytest.mark.django_db
def test_a_search_with_nothing_found_says_so(client, reception_a):
    client.force_login(reception_a)
    response = client.get(reverse("people:search"), {"q": "Personne-Inexistante"})
    assert "Personne ne correspond" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["%", "' OR 1=1 --", "\x00", "a" * 500, "🙂", "<script>alert(1)</script>"])
def test_hostile_searches_never_fail(client, reception_a, query):
    client.force_login(reception_a)
    response = client.get(reverse("people:search"), {"q": query, "page": "-3"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
def test_the_search_costs_the_same_queries_whatever_the_number_of_results(
    client, centre_a, reception_a, django_assert_max_num_queries
):
    client.force_login(reception_a)
    for _ in range(3):
        HouseholdMemberFactory(household__centre=centre_a, person__last_name="Bernard")
    client.get(reverse("people:search"), {"q": "bernard"})
    for _ in range(20):
        HouseholdMemberFactory(household__centre=centre_a, person__last_name="Bernard")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:search"), {"q": "bernard"})
    assert response.context["page"].paginator.count == 23
