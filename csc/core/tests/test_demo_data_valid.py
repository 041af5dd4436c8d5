"""The demo passes the platform's own validation: what it invents, staff and the API must be able to save
again unchanged. 116 demo persons once had addresses with accents (« hélène.lefèvre12@example.org »)
that the API then refused on any PATCH, and people asked for e-mails or SMS without an address."""

import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import models

from csc.core.demo import ascii_name, person_email
from csc.core.identifiers import normalise_email
from csc.core.models import User
from csc.core.services import create_api_token
from csc.people.api import _form_data
from csc.people.forms import HouseholdForm, PersonForm
from csc.people.models import Household, Person


def test_invented_names_become_plain_address_parts():
    assert ascii_name("Lefèvre") == "lefevre"
    assert ascii_name("Le Bœuf") == "le-boeuf"
    assert ascii_name("D'Aubigné") == "d-aubigne"
    assert ascii_name("ÆLIS Çağlar") == "aelis-caglar"
    assert person_email("Hélène", "Lefèvre", number=12) == "helene.lefevre12@example.org"
    assert (
        person_email("Jean-Noël", "Ó Súilleabháin", domain="exemple.fr")
        == "jean-noel.o-suilleabhain@exemple.fr"
    )
    validate_email(person_email("Ñ", "Ø"))


def email_fields():
    for model in apps.get_models():
        if model.__module__.startswith("csc."):
            for field in model._meta.concrete_fields:
                if isinstance(field, models.EmailField):
                    yield model, field


def refused_addresses() -> tuple[int, list[str]]:
    """Every address the demo stored, in any model: how many, and those the platform would refuse."""
    refused, checked = [], 0
    for model, field in email_fields():
        for pk, value in model.objects.exclude(**{field.name: ""}).values_list("pk", field.name):
            checked += 1
            try:
                validate_email(value)
                value.encode("ascii")
            except (ValidationError, UnicodeEncodeError):
                refused.append(f"{model._meta.label} {pk}.{field.name} = {value}")
    return checked, refused


def refused_by_the_api() -> dict:
    """The API's PATCH fills the form with the record's current values (people.api._form_data), then the
    change: with no change at all, every demo record must be accepted as it is."""
    refused = {}
    for person in Person.objects.all():
        form = PersonForm(_form_data(PersonForm, person, {}), instance=person)
        if not form.is_valid():
            refused[f"personne {person.pk}"] = form.errors.get_json_data()
    for household in Household.objects.all():
        form = HouseholdForm(_form_data(HouseholdForm, household, {}), instance=household)
        if not form.is_valid():
            refused[f"foyer {household.pk}"] = form.errors.get_json_data()
    return refused


def refused_fields() -> list[str]:
    """Every field of every demo record through the model's own checks (Model.clean_fields: lengths,
    choices, e-mail and other validators), relations aside (they exist: the database says so)."""
    refused = []
    for model in apps.get_models():
        if not model.__module__.startswith("csc."):
            continue
        relations = [field.name for field in model._meta.concrete_fields if field.is_relation]
        for record in model._base_manager.all().iterator():
            try:
                record.clean_fields(exclude=relations)
            except ValidationError as error:
                refused.append(f"{model._meta.label} {record.pk}: {error.message_dict}")
    return refused


@pytest.mark.django_db
def test_the_demo_passes_the_platforms_own_validation(client):
    call_command("load_demo", "--demo", stdout=io.StringIO())

    checked, refused = refused_addresses()
    assert checked > 300
    assert refused == []
    assert [u.email for u in User.objects.all() if u.email != normalise_email(u.email)] == []
    assert Person.objects.count() > 500
    assert refused_by_the_api() == {}
    assert refused_fields() == []

    # And through the API itself, for a person of a demo centre with an invented address.
    person = Person.objects.exclude(email="").filter(centre__slug="arbrisseau").order_by("pk").first()
    _, secret = create_api_token(
        user=User.objects.get(email="accueil.arbrisseau@demo.csc.localhost"), name="t"
    )
    response = client.patch(
        f"/api/v1/persons/{person.pk}",
        {"city": "Roubaix"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["email"] == person.email
