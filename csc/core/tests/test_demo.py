import pytest
from django.core.management import CommandError, call_command

from csc.core.demo import DEMO_CENTRES, DEMO_PASSWORD, ROLE_LOGIN_NAMES, demo_email
from csc.core.models import Centre, StaffRole, User
from csc.people.models import Household, Person


@pytest.mark.django_db
def test_the_demo_loads_the_real_network_and_is_idempotent(settings):
    call_command("load_demo", "--demo")
    counts = (Centre.objects.count(), Household.objects.count(), Person.objects.count(), User.objects.count())
    call_command("load_demo", "--demo")
    assert (
        Centre.objects.count(),
        Household.objects.count(),
        Person.objects.count(),
        User.objects.count(),
    ) == counts
    assert counts[0] == 13 and counts[1] == 300
    ages = [p.age for p in Person.objects.exclude(birth_date=None)]
    assert min(ages) <= 3 and max(ages) >= 80
    quotients = sorted(
        Household.objects.exclude(family_quotient=None).values_list("family_quotient", flat=True)
    )
    assert quotients[0] < 200 and quotients[-1] > 1800
    for centre in DEMO_CENTRES:
        for role, login in ROLE_LOGIN_NAMES.items():
            user = User.objects.get(email=demo_email(login, centre))
            assert user.check_password(DEMO_PASSWORD)
            assert StaffRole.objects.get(user=user).role == role


@pytest.mark.django_db
def test_demo_accounts_are_refused_without_debug_or_demo_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="jamais en production"):
        call_command("load_demo")
    assert not User.objects.exists()
