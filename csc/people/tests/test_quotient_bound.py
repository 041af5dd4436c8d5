"""One upper bound for a family quotient, in the people's models, and one French message wherever a
quotient is typed: the household form, the validation of an online request, the tariff grids' brackets
and the API. It was 10,000 € in some places and 100,000 € in others."""

from decimal import Decimal

import pytest

from csc.activities.forms import quotient_field
from csc.enrolment.forms import ValidateForm
from csc.people import models
from csc.people.forms import HouseholdForm

MESSAGE = "Ce quotient familial dépasse 10 000 € : vérifiez le montant."


def test_the_bound_is_one_constant_of_the_people_models():
    assert Decimal("10000") == models.MAX_FAMILY_QUOTIENT
    assert models.FAMILY_QUOTIENT_TOO_HIGH == MESSAGE


def household_errors(quotient: str) -> list[str]:
    form = HouseholdForm(
        data={
            "name": "Famille Martin",
            "family_quotient": quotient,
            "family_quotient_date": "2026-01-01",
            "family_quotient_source": "caf",
        }
    )
    form.is_valid()
    return form.errors.get("family_quotient", [])


def validation_errors(quotient: str) -> list[str]:
    form = ValidateForm(
        data={"household": "0", "family_quotient": quotient, "family_quotient_source": "caf"}, households=[]
    )
    form.is_valid()
    return form.errors.get("family_quotient", [])


def bracket_errors(quotient: str) -> list[str]:
    from django import forms

    try:
        quotient_field("De (€)").clean(quotient)
    except forms.ValidationError as error:
        return list(error.messages)
    return []


@pytest.mark.parametrize("errors_of", [household_errors, validation_errors, bracket_errors])
def test_every_form_refuses_a_quotient_beyond_the_bound_with_the_same_message(errors_of):
    assert errors_of("10000") == []
    assert errors_of("10001") == [MESSAGE]
    assert errors_of("65000") == [MESSAGE]  # 650,00 typed without its comma


@pytest.mark.django_db
def test_the_api_refuses_it_with_the_same_message(client, reception_a):
    from csc.core import services

    token = services.create_api_token(user=reception_a, name="Tableur")[1]
    payload = {
        "name": "Famille Api",
        "family_quotient": "10001",
        "family_quotient_date": "2026-03-01",
        "family_quotient_source": "caf",
        "members": [{"last_name": "Api", "first_name": "Léa", "relation": "responsable"}],
    }
    response = client.post(
        "/api/v1/households", payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 422
    assert response.json()["erreurs"]["family_quotient"] == [MESSAGE]
