import pytest

from csc.casework import services
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory


@pytest.fixture
def worker(staff, otp_verified):
    """worker(centre='a') -> a social worker of that centre."""

    def make(centre="a", **fields):
        return staff("social_worker", centre, **fields)

    return make


@pytest.fixture
def family(centre_a):
    """A household of centre A: a mother and her son."""
    household = HouseholdFactory(centre=centre_a, name="Famille Diallo")
    mother = HouseholdMemberFactory(household=household, person__first_name="Awa", person__last_name="Diallo")
    son = HouseholdMemberFactory(
        household=household, relation="enfant", person__first_name="Moussa", person__last_name="Diallo"
    )
    return household, mother.person, son.person


@pytest.fixture
def scopes(centre_a):
    services.ensure_defaults(centre_a)
    return {scope.name: scope for scope in centre_a.casework_scopes.all()}


@pytest.fixture
def open_period(centre_a, scopes):
    """open_period(referent, persons, scope='Famille', **options) -> a period of centre A."""

    def make(referent, persons, scope="Famille", **options):
        issues = list(centre_a.casework_issues.filter(name__in=["Logement", "Budget"]))
        return services.open_period(
            centre_a,
            by=referent,
            persons=persons,
            scope=scopes[scope],
            referent=referent,
            origin="spontaneous",
            issues=issues,
            **options,
        )

    return make
