"""`manage.py generate_animation_data` at tiny scale: the dataset of the `animation` benchmark
(benchmarks/README.md)."""

from io import StringIO

import pytest
from django.core.management import call_command

from csc.activities.models import Activity, Group, GroupDay, Period, PeriodDay
from csc.animation.models import (
    ActivitySheet,
    Objective,
    PedagogicalProject,
    Planning,
    PlanningEntry,
    SheetFavourite,
)
from csc.animation.search import SheetFilters, filter_sheets
from csc.core.models import StaffRole, User
from csc.testing.factories import CentreFactory, FederationFactory, TerritoryFactory

ARGS = ["--sheets", "300", "--centres", "3", "--plannings", "2", "--staff-password", "mot-de-passe-bench"]


@pytest.fixture
def bench_network(db):
    """A `bench` federation of three centres, as generate_scale_data makes it (what the command reads)."""
    federation = FederationFactory(slug="bench", name="Réseau de benchmark")
    territory = TerritoryFactory(federation=federation)
    return [CentreFactory(territory=territory, slug=f"bench-{i:03d}") for i in range(1, 4)]


def generate(*extra) -> str:
    out = StringIO()
    call_command("generate_animation_data", *ARGS, *extra, stdout=out)
    return out.getvalue()


def test_generates_searchable_sheets_plannings_and_accounts(bench_network):
    output = generate()
    assert "prêt en" in output
    centres = {c.pk for c in bench_network}

    sheets = ActivitySheet.objects.filter(centre_id__in=centres)
    assert sheets.count() == 300
    assert not sheets.filter(search_text="").exists()
    assert not sheets.filter(materials_search="").exists()
    published = sheets.filter(status=ActivitySheet.Status.PUBLISHED).count()
    shared = sheets.filter(status=ActivitySheet.Status.PUBLISHED, visibility=ActivitySheet.Visibility.NETWORK)
    assert 0.75 < published / 300 < 0.95
    assert 0.55 < shared.count() / published < 0.85
    assert sheets.values("centre").distinct().count() == 3
    assert len(set(sheets.values_list("updated_at", flat=True))) > 250  # spread in time, not all « now »
    # The search works on what was generated (full text on PostgreSQL, substrings on SQLite), and finds a
    # few sheets, not all of them.
    readable = ActivitySheet.objects.readable_in(bench_network[0].pk)
    found = filter_sheets(readable, SheetFilters(text="peinture")).count()
    assert 0 < found < readable.count() / 4
    assert filter_sheets(readable, SheetFilters(age=4, kind="cuisine")).exists()

    assert PedagogicalProject.objects.filter(centre_id__in=centres).count() == 3
    assert Objective.objects.filter(centre_id__in=centres, level="general").count() == 9
    assert Objective.objects.filter(centre_id__in=centres, level="operationnel").count() == 18
    assert ActivitySheet.objectives.through.objects.filter(activitysheet__centre_id__in=centres).exists()
    assert SheetFavourite.objects.exists()

    plannings = list(Planning.objects.filter(centre_id__in=centres))
    assert len(plannings) == 2
    for planning in plannings:
        assert planning.activity.kind == Activity.Kind.LEISURE_CENTRE
        assert planning.period.days.count() == 10
        groups = Group.objects.filter(activity=planning.activity)
        assert sorted(groups.values_list("min_age", flat=True)) == [3, 6, 9, 12]
        entries = PlanningEntry.objects.filter(planning=planning)
        assert entries.count() == 4 * 10 * 2
        assert entries.values("group", "date", "slot").distinct().count() == 80
        assert entries.filter(sheet__isnull=False).count() > 60
        for entry in entries.prefetch_related("animators"):
            animators = list(entry.animators.all())
            assert 1 <= len(animators) <= 3
            assert all(StaffRole.objects.filter(user=a, centre=planning.centre).exists() for a in animators)

    # The accounts the benchmark logs in with: an animator of each planning centre, with the password.
    for index, planning in enumerate(sorted(plannings, key=lambda p: p.centre.slug), start=1):
        user = User.objects.get(email=f"bench-anim-{index:04d}@bench.localhost")
        assert user.check_password("mot-de-passe-bench")
        assert StaffRole.objects.get(user=user).centre_id == planning.centre_id
        assert StaffRole.objects.get(user=user).role == "animator"


def test_second_run_changes_nothing_and_delete_removes_everything(bench_network):
    generate()
    centres = [c.pk for c in bench_network]
    before = {
        "sheets": set(ActivitySheet.objects.values_list("pk", flat=True)),
        "entries": PlanningEntry.objects.count(),
        "users": User.objects.count(),
        "roles": StaffRole.objects.count(),
    }
    output = generate("--staff-password", "autre-mot-de-passe")
    assert "rien à générer" in output
    assert set(ActivitySheet.objects.values_list("pk", flat=True)) == before["sheets"]
    assert PlanningEntry.objects.count() == before["entries"]
    assert User.objects.count() == before["users"]
    assert StaffRole.objects.count() == before["roles"]
    assert User.objects.get(email="bench-anim-0001@bench.localhost").check_password("autre-mot-de-passe")

    call_command("generate_animation_data", "--delete", stdout=StringIO())
    assert not ActivitySheet.objects.exists()
    assert not Planning.objects.exists()
    assert not Objective.objects.filter(centre_id__in=centres).exists()
    assert not Group.objects.exists() and not Period.objects.exists()
    assert not PeriodDay.objects.exists() and not GroupDay.objects.exists()
    assert not Activity.objects.exists()  # made here (no leisure centre of generate_attendance_data)
    assert not User.objects.filter(email__endswith="@bench.localhost").exists()


def test_reuses_the_leisure_centre_of_the_attendance_data(bench_network):
    leisure = Activity.objects.create(
        centre=bench_network[0], name="Accueil de loisirs", kind=Activity.Kind.LEISURE_CENTRE
    )
    generate()
    assert Planning.objects.get(centre=bench_network[0]).activity == leisure
    call_command("generate_animation_data", "--delete", stdout=StringIO())
    assert Activity.objects.filter(pk=leisure.pk).exists()  # not ours: kept
    assert not Group.objects.filter(activity=leisure).exists()  # ours: removed
