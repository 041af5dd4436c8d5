"""`manage.py generate_casework_data` at tiny scale: the dataset of the `accompagnement` benchmark
(benchmarks/README.md)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from csc.casework import queries
from csc.casework.management.commands.generate_casework_data import ACTIONS, SITUATIONS
from csc.casework.models import Exchange, Period, Scope, SocialIssue, Task
from csc.core.models import StaffRole, User
from csc.people.models import Person
from csc.testing.factories import (
    CentreFactory,
    FederationFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    TerritoryFactory,
)

PASSWORD = "mot-de-passe-bench"
ARGS = ["--periods", "40", "--exchanges", "700", "--big-periods", "2", "--staff-users", "2",
        "--workers", "2", "--open-tasks", "4", "--done-tasks", "6", "--note-pool", "12",
        "--staff-password", PASSWORD]  # fmt: skip


@pytest.fixture
def bench_network(db):
    """A `bench` federation of three centres with a few households, as generate_scale_data makes it."""
    territory = TerritoryFactory(federation=FederationFactory(slug="bench", name="Réseau de benchmark"))
    centres = [CentreFactory(territory=territory, slug=f"bench-centre-{i:04d}") for i in range(1, 4)]
    for centre in centres:
        for n in range(5):
            household = HouseholdFactory(centre=centre)
            HouseholdMemberFactory(household=household)
            if n % 2:
                HouseholdMemberFactory(household=household, relation="conjoint")
                HouseholdMemberFactory(household=household, relation="enfant")
    return centres


def generate(*extra) -> str:
    out = StringIO()
    call_command("generate_casework_data", *ARGS, *extra, stdout=out)
    return out.getvalue()


def test_generates_periods_exchanges_tasks_and_accounts(bench_network, client):
    output = generate()
    assert "prêt en" in output
    today = timezone.localdate()
    centres = {c.pk for c in bench_network}
    periods = Period.objects.filter(centre_id__in=centres)
    assert periods.count() == 40
    assert Exchange.objects.filter(period__centre_id__in=centres).count() == 700
    assert Scope.objects.filter(centre_id__in=centres).count() == 9  # the default scopes
    assert SocialIssue.objects.filter(centre_id__in=centres).count() == 27  # and thesaurus

    # Exactly two files of 200 exchanges, one in each staff centre, open, worker 1 as referent.
    sizes = dict(periods.annotate(n=Count("exchanges")).values_list("pk", "n"))
    big = list(periods.filter(pk__in=[pk for pk, n in sizes.items() if n == 200]).order_by("centre__slug"))
    assert [p.centre_id for p in big] == [bench_network[0].pk, bench_network[1].pk]
    assert all(p.status == Period.Status.OPEN for p in big)
    assert [p.referent.email for p in big] == [
        "bench-social-0001-1@bench.localhost",
        "bench-social-0002-1@bench.localhost",
    ]
    assert max(n for pk, n in sizes.items() if n != 200) < 200
    assert set(periods.values_list("status", flat=True)) >= {"open", "closed"}
    assert not periods.filter(status="closed", closed_on__isnull=True).exists()
    assert not periods.filter(status="closed", closing_reason="").exists()

    for period in periods.prefetch_related("persons", "exchanges__persons"):
        persons = {p.pk for p in period.persons.all()}
        assert persons and all(p.centre_id == period.centre_id for p in period.persons.all())
        assert (period.household_id is not None) == (len(persons) > 1)
        end = period.closed_on or today
        for exchange in period.exchanges.all():
            assert period.opened_on <= exchange.happened_on <= end
            assert {p.pk for p in exchange.persons.all()} <= persons

    # Notes are stored encrypted as the model field stores them, and read back in clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM casework_exchange WHERE notes <> ''")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) > 600 and all(value.startswith("enc1:") for value in stored)
    assert len(set(stored)) <= 12  # a pool of ciphertexts, reused
    notes = [e.notes for e in Exchange.objects.exclude(notes="")[:50]]
    assert all(any(part in note for part in SITUATIONS + ACTIONS) for note in notes)

    # Accounts: social workers with the password and a confirmed TOTP device, in the centre's scopes;
    # a director in each staff centre.
    worker = User.objects.get(email="bench-social-0001-1@bench.localhost")
    assert worker.check_password(PASSWORD)
    assert StaffRole.objects.get(user=worker).role == "social_worker"
    assert StaffRole.objects.get(user=worker).centre_id == bench_network[0].pk
    assert TOTPDevice.objects.get(user=worker).confirmed
    assert worker.casework_scopes.filter(pk=big[0].scope_id).exists()
    for number, centre in enumerate(bench_network, start=1):
        team = User.objects.filter(email__startswith=f"bench-social-{number:04d}-")
        assert team.count() >= 2
        assert all(StaffRole.objects.get(user=u).centre_id == centre.pk for u in team)
    director = User.objects.get(email="bench-chiffres-0001@bench.localhost")
    assert StaffRole.objects.get(user=director).role == "director"
    assert TOTPDevice.objects.get(user=director).confirmed
    assert not User.objects.filter(email="bench-chiffres-0003@bench.localhost").exists()  # not a staff centre

    # Tasks: open ones, late and upcoming, and done ones, all on periods their assignee reads.
    tasks = Task.objects.filter(period__centre_id__in=centres)
    assert tasks.filter(done_at__isnull=True, due_on__lt=today).exists()
    assert tasks.filter(done_at__isnull=True, due_on__gte=today).exists()
    assert tasks.filter(done_at__isnull=False).count() > tasks.filter(done_at__isnull=True).count()
    for user in User.objects.filter(casework_tasks__isnull=False).distinct():
        assert queries.tasks_of(user).count() == Task.objects.filter(assignee=user).count()

    # What the benchmark does: worker 1 logs in with its password and the code of its device, as an
    # authenticator app shows it, opens the file and sees its 200 exchanges, then its tasks.
    assert queries.periods_visible_to(worker).filter(pk=big[0].pk).exists()
    client.post("/compte/connexion/", {"username": worker.email, "password": PASSWORD})
    device = TOTPDevice.objects.get(user=worker)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    assert client.post("/compte/double-authentification/code/", {"token": f"{code:06d}"}).status_code == 302
    page = client.get(f"/accompagnement/parcours/{big[0].pk}/")
    assert page.status_code == 200
    # The latest 20 exchanges, and the pages of the others.
    assert page.content.decode().count("Noté par") == 20 and "(200 résultats)" in page.content.decode()
    mine = client.get("/accompagnement/mes-taches/")
    late = Task.objects.filter(assignee=worker, done_at__isnull=True, due_on__lt=today).count()
    assert f"En retard ({late})" in mine.content.decode()


def test_second_run_changes_nothing_then_delete_removes_everything(bench_network):
    generate()
    centres = [c.pk for c in bench_network]
    periods = set(Period.objects.values_list("pk", flat=True))
    tasks = set(Task.objects.values_list("pk", flat=True))
    users = User.objects.count()

    output = generate("--staff-password", "autre-mot-de-passe")
    assert "rien à générer" in output
    assert set(Period.objects.values_list("pk", flat=True)) == periods
    assert set(Task.objects.values_list("pk", flat=True)) == tasks  # made today already
    assert User.objects.count() == users
    assert User.objects.get(email="bench-social-0002-1@bench.localhost").check_password("autre-mot-de-passe")

    # The next day, the tasks are made again: late and upcoming are relative to today.
    Task.objects.update(created_at=timezone.now() - timedelta(days=1))
    generate()
    assert Task.objects.exists() and not Task.objects.filter(pk__in=tasks).exists()
    assert set(Period.objects.values_list("pk", flat=True)) == periods

    people = Person.objects.count()
    call_command("generate_casework_data", "--delete", stdout=StringIO())
    assert not Period.objects.filter(centre_id__in=centres).exists()
    assert not Exchange.objects.exists() and not Task.objects.exists()
    assert not Scope.objects.filter(centre_id__in=centres).exists()
    assert not User.objects.filter(email__startswith="bench-social-").exists()
    assert not User.objects.filter(email__startswith="bench-chiffres-").exists()
    assert not TOTPDevice.objects.exists()
    assert Person.objects.count() == people  # the network's people stay


def test_refuses_what_cannot_be_made(bench_network):
    with pytest.raises(CommandError, match="au moins 1000"):
        call_command(
            "generate_casework_data", "--exchanges", "999", "--big-periods", "5", "--staff-users", "1",
            stdout=StringIO(),
        )  # fmt: skip
    with pytest.raises(CommandError, match="ne tiennent pas"):
        call_command(
            "generate_casework_data", "--periods", "3", "--exchanges", "2000", "--big-periods", "1",
            "--staff-users", "1", stdout=StringIO(),
        )  # fmt: skip
    assert not Period.objects.exists()
