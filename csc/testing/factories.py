"""factory-boy factories for every model of the foundation. Later modules add theirs beside them."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from csc.core.models import Centre, Federation, Site, StaffRole, Territory, User
from csc.people.models import Consent, Household, HouseholdMember, Person


class FederationFactory(DjangoModelFactory):
    class Meta:
        model = Federation
        django_get_or_create = ("slug",)

    slug = "fede-test"
    name = "Fédération de test"


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory

    federation = factory.SubFactory(FederationFactory)
    slug = factory.Sequence(lambda n: f"territoire-{n}")
    name = factory.Sequence(lambda n: f"Territoire {n}")


class CentreFactory(DjangoModelFactory):
    class Meta:
        model = Centre
        skip_postgeneration_save = True

    territory = factory.SubFactory(TerritoryFactory)
    slug = factory.Sequence(lambda n: f"centre-{n}")
    name = factory.Sequence(lambda n: f"Centre social {n}")
    address = "1 rue de la Paix"
    postcode = "59000"
    city = "Lille"
    phone = "03 20 00 00 00"
    latitude = Decimal("50.63")
    longitude = Decimal("3.06")
    site = factory.RelatedFactory("csc.testing.factories.SiteFactory", factory_related_name="centre")


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    centre = factory.SubFactory(CentreFactory, site=None)
    name = factory.Sequence(lambda n: f"Site {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@centre.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-de-test")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffRoleFactory(DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    centre = factory.SubFactory(CentreFactory)
    role = "reception"


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Famille Test{n}")
    address = "3 rue des Lilas"
    postcode = "59000"
    city = "Lille"
    family_quotient = Decimal("650.00")
    family_quotient_date = date(2026, 1, 15)
    family_quotient_source = "caf"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    centre = factory.SubFactory(CentreFactory)
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    birth_date = date(1985, 3, 14)
    sex = "F"


class HouseholdMemberFactory(DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory, centre=factory.SelfAttribute("..household.centre"))
    relation = "responsable"


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    kind = "photos"
    granted = True
