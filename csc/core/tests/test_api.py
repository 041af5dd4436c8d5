import pytest
from django.urls import reverse

from csc.core import services
from csc.core.models import ApiToken, AuditEvent
from csc.people.models import Household
from csc.testing.factories import CentreFactory, HouseholdMemberFactory, PersonFactory
from csc.testing.pages import page_text


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def token_a(reception_a):
    return services.create_api_token(user=reception_a, name="Tableur")[1]


@pytest.mark.django_db
def test_staff_create_a_token_in_their_profile_see_it_once_and_revoke_it(client, reception_a):
    client.force_login(reception_a)
    response = client.post(reverse("core:profile"), {"name": "Tableur de l'accueil"})
    secret = response.context["new_secret"]
    assert secret.startswith("csc_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=reception_a)
    assert token.key_hash != secret and secret not in client.get(reverse("core:profile")).content.decode()
    client.logout()
    assert client.get("/api/v1/persons", **bearer(secret)).status_code == 200
    client.force_login(reception_a)
    client.post(reverse("core:revoke_token", args=[token.pk]))
    client.logout()
    assert client.get("/api/v1/persons", **bearer(secret)).status_code == 401
    assert AuditEvent.objects.filter(action="token_revoked", actor=reception_a).exists()


@pytest.mark.django_db
def test_an_empty_token_name_is_refused_in_french(client, reception_a):
    client.force_login(reception_a)
    response = client.post(reverse("core:profile"), {"name": ""})
    assert "Ce champ est obligatoire" in page_text(response)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_deactivated_users_token_stops_working(client, reception_a, token_a):
    reception_a.is_active = False
    reception_a.save()
    assert client.get("/api/v1/persons", **bearer(token_a)).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer ", "Bearer csc_faux", "Basic abc", "Bearer " + "x" * 5000])
def test_bad_tokens_are_refused(client, db, header):
    assert client.get("/api/v1/persons", HTTP_AUTHORIZATION=header).status_code == 401


@pytest.mark.django_db
def test_centres_are_public(client, centre_a):
    response = client.get("/api/v1/centres")
    assert response.status_code == 200
    assert centre_a.name in [c["name"] for c in response.json()]
    assert client.get(f"/api/v1/centres/{centre_a.pk}").json()["slug"] == centre_a.slug
    assert client.get("/api/v1/centres/999999").status_code == 404


@pytest.mark.django_db
def test_persons_are_scoped_like_the_pages(client, centre_a, centre_b, token_a):
    mine = PersonFactory(centre=centre_a, last_name="Mien")
    theirs = PersonFactory(centre=centre_b, last_name="Autre")
    listed = client.get("/api/v1/persons", **bearer(token_a)).json()
    assert [p["id"] for p in listed["items"]] == [mine.pk]
    assert client.get(f"/api/v1/persons/{theirs.pk}", **bearer(token_a)).status_code == 404
    assert client.get("/api/v1/persons?q=MIEN", **bearer(token_a)).json()["count"] == 1


@pytest.mark.django_db
def test_a_household_is_created_through_the_api(client, centre_a, token_a):
    payload = {
        "name": "Famille Api",
        "postcode": "59000",
        "family_quotient": "480.00",
        "family_quotient_date": "2026-03-01",
        "family_quotient_source": "caf",
        "members": [
            {"last_name": "Api", "first_name": "Léa", "relation": "responsable", "phone": "0612345678"}
        ],
    }
    response = client.post("/api/v1/households", payload, content_type="application/json", **bearer(token_a))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["members"][0]["first_name"] == "Léa"
    household = Household.objects.get(pk=body["id"])
    assert household.centre == centre_a and household.members.get().person.phone == "+33612345678"


@pytest.mark.django_db
def test_api_errors_are_in_french_per_field(client, centre_a, token_a):
    payload = {
        "name": "",
        "postcode": "12",
        "family_quotient": "300",
        "members": [{"last_name": "X", "first_name": "Y", "relation": "enfant", "phone": "123"}],
    }
    response = client.post("/api/v1/households", payload, content_type="application/json", **bearer(token_a))
    assert response.status_code == 422
    errors = response.json()["erreurs"]
    assert "Donnez un nom au foyer" in errors["name"][0]
    assert "5 chiffres" in errors["postcode"][0]
    assert "Indiquez la date" in errors["family_quotient_date"][0]
    assert "pas valide" in errors["members.0.phone"][0]
    garbage = client.post(
        "/api/v1/households", "{not json", content_type="application/json", **bearer(token_a)
    )
    assert garbage.status_code == 400 and "JSON valide" in garbage.json()["detail"]
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_patch_changes_only_what_it_names_and_checks_it(client, centre_a, token_a):
    member = HouseholdMemberFactory(
        household__centre=centre_a, person__first_name="Inès", person__phone="+33612345678"
    )
    url = f"/api/v1/persons/{member.person_id}"
    ok = client.patch(url, {"city": "Roubaix"}, content_type="application/json", **bearer(token_a))
    assert ok.status_code == 200 and ok.json()["city"] == "Roubaix" and ok.json()["first_name"] == "Inès"
    bad = client.patch(url, {"birth_date": "2999-01-01"}, content_type="application/json", **bearer(token_a))
    assert bad.status_code == 422 and "futur" in bad.json()["erreurs"]["birth_date"][0]


@pytest.mark.django_db
def test_a_user_of_several_centres_must_say_which(client, staff, centre_a, centre_b):
    user = staff("reception", "a")
    from csc.core.models import StaffRole

    StaffRole.objects.create(user=user, centre=centre_b, role="reception")
    secret = services.create_api_token(user=user, name="t")[1]
    payload = {"name": "F", "members": [{"last_name": "A", "first_name": "B", "relation": "responsable"}]}
    response = client.post("/api/v1/households", payload, content_type="application/json", **bearer(secret))
    assert response.status_code == 400 and "centre_id" in response.json()["detail"]
    other = CentreFactory()
    response = client.post(
        f"/api/v1/households?centre_id={other.pk}", payload, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_openapi_schema_is_published(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/persons", "/api/v1/households", "/api/v1/centres"} <= set(schema["paths"])


@pytest.mark.django_db
def test_api_refusals_are_in_french_and_name_nothing(client, centre_b, token_a):
    assert "Authentification requise" in client.get("/api/v1/persons").json()["detail"]
    theirs = PersonFactory(centre=centre_b)
    assert client.get(f"/api/v1/persons/{theirs.pk}", **bearer(token_a)).json() == {"detail": "Introuvable."}
    bad = client.get("/api/v1/persons?limit=abc", **bearer(token_a)).json()
    assert bad["erreurs"] == {"limit": ["Un nombre entier est attendu."]}
    capped = client.get("/api/v1/persons?limit=100000", **bearer(token_a))
    assert capped.status_code in (200, 422)


@pytest.mark.django_db
def test_a_role_without_editing_rights_cannot_create_a_household(client, staff):
    secret = services.create_api_token(user=staff("animator"), name="t")[1]
    payload = {"name": "F", "members": [{"last_name": "A", "first_name": "B", "relation": "responsable"}]}
    response = client.post("/api/v1/households", payload, content_type="application/json", **bearer(secret))
    assert response.status_code == 403 and "Votre rôle" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("offset", ["20000000", str(10**19), "-1"])
def test_absurd_offsets_are_refused_not_crashed(client, token_a, offset):
    response = client.get(f"/api/v1/persons?offset={offset}", **bearer(token_a))
    assert response.status_code == 422 and "offset" in response.json()["erreurs"]
