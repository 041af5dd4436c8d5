"""Plannings: their days, placing and moving activities, conflicts, copying a week, the coverage of the
pedagogical project, the warnings, publishing (parents' page, PDF, sessions for attendance), the pages
and who may reach them.

Each test says what the data becomes or what the animator (or the parent) is told.
"""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from csc.activities import sessions
from csc.activities.models import Activity, Attendance, Closure, Group, Period, PeriodDay, Session
from csc.animation import plannings
from csc.animation.models import (
    ActivitySheet,
    Objective,
    PedagogicalProject,
    Planning,
    PlanningEntry,
    SheetFavourite,
)
from csc.animation.plannings import PlanningConflict, PlanningRefused, Slot
from csc.animation.search import refresh_search_columns
from csc.testing.factories import PersonFactory
from csc.testing.pages import page_text, visible_text

MONDAY = date(2026, 12, 21)
WEDNESDAY = date(2026, 12, 23)
NEXT_MONDAY = date(2026, 12, 28)
HOLIDAY_DAYS = [MONDAY + timedelta(days=n) for n in range(4)] + [
    NEXT_MONDAY + timedelta(days=n) for n in range(3)
]


def make_leisure_centre(centre, name="Accueil de loisirs Les Lutins", days=HOLIDAY_DAYS, groups=True):
    activity = Activity.objects.create(centre=centre, name=name, kind=Activity.Kind.LEISURE_CENTRE)
    if groups:
        Group.objects.create(activity=activity, name="Petits", min_age=3, max_age=5, capacity=12)
        Group.objects.create(activity=activity, name="Grands", min_age=6, max_age=11, capacity=16)
    period = Period.objects.create(
        activity=activity,
        name="Vacances de Noël 2026",
        registration_opens_on=date(2026, 11, 1),
        registration_closes_on=date(2026, 12, 15),
    )
    PeriodDay.objects.bulk_create(PeriodDay(period=period, date=day) for day in days)
    return activity, period


def make_sheet(centre, title, *, min_age=None, max_age=None, published=True, shared=False, objectives=()):
    sheet = ActivitySheet.objects.create(
        centre=centre,
        title=title,
        summary=f"Résumé de {title}",
        min_age=min_age,
        max_age=max_age,
        status=ActivitySheet.Status.PUBLISHED if published else ActivitySheet.Status.DRAFT,
        visibility=ActivitySheet.Visibility.NETWORK if shared else ActivitySheet.Visibility.CENTRE,
    )
    sheet.objectives.set(objectives)
    refresh_search_columns([sheet.pk])
    return sheet


@pytest.fixture
def animator(staff, otp_verified):
    return staff("animator", "a", user__first_name="Samia", user__last_name="Haddad")


@pytest.fixture
def leisure(centre_a):
    return make_leisure_centre(centre_a)


@pytest.fixture
def planning(centre_a, leisure, animator):
    _activity, period = leisure
    return plannings.create_planning(centre=centre_a, user=animator, period=period)


def groups_of(planning):
    small, big = Group.objects.filter(activity=planning.activity).order_by("min_age")
    return small, big


def place(planning, title="Grand jeu", *, group=None, day=WEDNESDAY, slot=Slot.MORNING, **kwargs):
    if group is None:
        group = groups_of(planning)[0]
    return plannings.place_entry(planning, group=group, day=day, slot=slot, title=title, **kwargs)


# --- Creating a planning: its days ---------------------------------------------------------------------


def test_a_period_planning_takes_the_period_days_and_a_title(planning, leisure):
    activity, period = leisure
    assert plannings.planning_days(planning) == HOLIDAY_DAYS
    assert planning.title == "Vacances de Noël 2026 — Accueil de loisirs Les Lutins"
    assert (planning.starts_on, planning.ends_on) == (MONDAY, date(2026, 12, 30))
    assert planning.kind == Planning.Kind.PERIOD and planning.period == period
    assert [g and g.name for g in plannings.planning_groups(planning)] == ["Petits", "Grands"]


def test_a_period_planning_may_keep_only_some_days(centre_a, leisure, animator):
    _activity, period = leisure
    planning = plannings.create_planning(
        centre=centre_a, user=animator, period=period, starts_on=NEXT_MONDAY, title="Deuxième semaine"
    )
    assert plannings.planning_days(planning) == HOLIDAY_DAYS[4:]
    assert planning.title == "Deuxième semaine"


def test_a_week_planning_skips_closures_and_public_holidays(centre_a, animator):
    workshop = Activity.objects.create(centre=centre_a, name="Atelier cirque", kind=Activity.Kind.WORKSHOP)
    Closure.objects.create(centre=centre_a, starts_on=date(2026, 11, 13), ends_on=date(2026, 11, 13))
    planning = plannings.create_planning(
        centre=centre_a, user=animator, activity=workshop, week_of=date(2026, 11, 12), weekdays=[0, 1, 2, 4]
    )
    # Wednesday 11/11 is Armistice, Friday 13/11 a closure; Thursday was not chosen.
    assert plannings.planning_days(planning) == [date(2026, 11, 9), date(2026, 11, 10)]
    assert planning.starts_on == date(2026, 11, 9) and planning.ends_on == date(2026, 11, 15)
    assert planning.title == "Atelier cirque — semaine du 09/11/2026"
    # No groups: one row for everyone.
    assert plannings.planning_groups(planning) == [None]


def test_a_week_with_no_day_left_is_refused(centre_a, animator):
    workshop = Activity.objects.create(centre=centre_a, name="Atelier", kind=Activity.Kind.WORKSHOP)
    with pytest.raises(PlanningRefused, match="fermetures du centre ou des jours fériés"):
        plannings.create_planning(
            centre=centre_a, user=animator, activity=workshop, week_of=date(2026, 11, 11), weekdays=[2]
        )


def test_a_planning_covers_at_most_62_days(centre_a, animator):
    days = [date(2027, 7, 1) + timedelta(days=n) for n in range(63)]
    _activity, period = make_leisure_centre(centre_a, name="Été", days=days)
    with pytest.raises(PlanningRefused, match="63 jours ; un planning couvre au plus 62 jours"):
        plannings.create_planning(centre=centre_a, user=animator, period=period)
    assert not Planning.objects.exists()
    planning = plannings.create_planning(
        centre=centre_a, user=animator, period=period, ends_on=date(2027, 8, 31)
    )
    assert len(plannings.planning_days(planning)) == 62


def test_slot_hours_must_be_in_order(centre_a, leisure, animator):
    with pytest.raises(PlanningRefused, match="L'après-midi commence avant la fin du matin"):
        plannings.create_planning(
            centre=centre_a,
            user=animator,
            period=leisure[1],
            hours=plannings.SlotHours(time(9), time(12, 30), time(12), time(17)),
        )


# --- Placing, moving, editing, removing --------------------------------------------------------------


def test_place_move_and_remove_bump_the_revision(planning, animator):
    small, big = groups_of(planning)
    start = planning.revision
    entry = place(planning, "Grand jeu", group=small, animators=[animator], notes="Prévoir une casquette")
    assert planning.revision == start + 1
    assert (entry.group, entry.date, entry.slot, entry.title) == (small, WEDNESDAY, "matin", "Grand jeu")
    assert list(entry.animators.all()) == [animator]

    moved = plannings.move_entry(planning, entry.pk, group=big, day=MONDAY, slot=Slot.DAY)
    assert (moved.group, moved.date, moved.slot) == (big, MONDAY, "journee")
    assert list(moved.animators.all()) == [animator] and moved.notes == "Prévoir une casquette"
    assert Planning.objects.get(pk=planning.pk).revision == start + 2

    removed = plannings.remove_entry(planning, entry.pk)
    assert removed.title == "Grand jeu"
    assert not PlanningEntry.objects.exists()
    assert Planning.objects.get(pk=planning.pk).revision == start + 3


def test_a_sheet_entry_takes_the_sheet_title(planning, centre_a):
    sheet = make_sheet(centre_a, "Fresque géante")
    entry = place(planning, "", sheet=sheet)
    assert entry.title == "Fresque géante" and entry.sheet == sheet


def test_the_same_sheet_twice_in_a_cell_is_refused(planning, centre_a):
    sheet = make_sheet(centre_a, "Fresque géante")
    place(planning, "", sheet=sheet)
    with pytest.raises(PlanningRefused, match="« Fresque géante » est déjà prévue dans cette case"):
        place(planning, "", sheet=sheet)
    with pytest.raises(PlanningRefused, match="déjà prévue"):
        place(planning, "Jeux de cour")
        place(planning, "jeux de cour ")
    # Another slot is another cell.
    place(planning, "", sheet=sheet, slot=Slot.AFTERNOON)
    assert PlanningEntry.objects.count() == 3


def test_moving_onto_the_same_sheet_is_refused(planning, centre_a):
    sheet = make_sheet(centre_a, "Fresque géante")
    place(planning, "", sheet=sheet)
    other = place(planning, "", sheet=sheet, slot=Slot.AFTERNOON)
    with pytest.raises(PlanningRefused, match="déjà prévue"):
        plannings.move_entry(planning, other.pk, group=other.group, day=WEDNESDAY, slot=Slot.MORNING)


def test_a_change_to_an_entry_a_colleague_removed_is_a_conflict(planning, animator):
    entry = place(planning, "Grand jeu")
    kept = place(planning, "Piscine", slot=Slot.AFTERNOON)
    # A colleague's page, opened before the removal.
    stale = Planning.objects.get(pk=planning.pk)
    plannings.remove_entry(planning, entry.pk)
    with pytest.raises(PlanningConflict, match="un collègue l'a retirée entre-temps"):
        plannings.move_entry(stale, entry.pk, group=entry.group, day=MONDAY, slot=Slot.MORNING)
    with pytest.raises(PlanningConflict):
        plannings.update_entry(stale, entry.pk, title="Grand jeu", notes="", animators=[animator])
    with pytest.raises(PlanningConflict):
        plannings.remove_entry(stale, entry.pk)
    assert list(PlanningEntry.objects.all()) == [kept]


def test_a_cell_outside_the_planning_is_refused(planning, centre_b):
    small, _big = groups_of(planning)
    with pytest.raises(PlanningRefused, match="n'est pas un jour de ce planning"):
        place(planning, day=date(2026, 12, 25))
    with pytest.raises(PlanningRefused, match="Choisissez le groupe"):
        plannings.place_entry(planning, group=None, day=WEDNESDAY, slot=Slot.MORNING, title="X")
    foreign_activity, _ = make_leisure_centre(centre_b, name="Ailleurs")
    foreign_group = foreign_activity.groups.first()
    with pytest.raises(PlanningRefused, match="n'appartient pas à l'activité"):
        place(planning, group=foreign_group)
    with pytest.raises(PlanningRefused, match="matin, l'après-midi ou la journée"):
        place(planning, slot="soir")
    assert not PlanningEntry.objects.exists()


def test_foreign_sheets_animators_and_objectives_are_refused(planning, centre_b, staff):
    private = make_sheet(centre_b, "Fiche privée")
    with pytest.raises(PlanningRefused, match="n'est pas partagée"):
        place(planning, "", sheet=private)
    colleague_elsewhere = staff("animator", "b")
    with pytest.raises(PlanningRefused, match="parmi l'équipe de votre centre"):
        place(planning, animators=[colleague_elsewhere])
    receptionist = staff("reception", "a")
    with pytest.raises(PlanningRefused, match="parmi l'équipe de votre centre"):
        place(planning, animators=[receptionist])
    project_b = PedagogicalProject.objects.create(centre=centre_b)
    foreign_objective = Objective.objects.create(project=project_b, centre=centre_b, text="Ailleurs")
    with pytest.raises(PlanningRefused, match="projet pédagogique"):
        place(planning, objectives=[foreign_objective])
    assert not PlanningEntry.objects.exists()
    # A sheet another centre shares with the network may be placed.
    shared = make_sheet(centre_b, "Fiche partagée", shared=True)
    assert place(planning, "", sheet=shared).sheet == shared


# --- Copying a week -----------------------------------------------------------------------------------


def test_copy_a_week_onto_the_next_one(planning, animator):
    small, big = groups_of(planning)
    place(planning, "Lundi matin", group=small, day=MONDAY, animators=[animator])
    place(planning, "Mercredi", group=big, day=WEDNESDAY, slot=Slot.DAY, notes="Pique-nique")
    place(planning, "Jeudi", group=small, day=date(2026, 12, 24))
    result = plannings.copy_week(planning, from_monday=MONDAY, target=planning, to_monday=NEXT_MONDAY)
    # The second week has no Thursday (31/12 is not an opening day).
    assert (result.copied, result.already, result.skipped) == (2, 0, 1)
    assert result.skipped_days == [date(2026, 12, 31)]
    copied = PlanningEntry.objects.filter(date__gte=NEXT_MONDAY).order_by("date")
    assert [(e.title, e.group, e.date, e.slot) for e in copied] == [
        ("Lundi matin", small, NEXT_MONDAY, "matin"),
        ("Mercredi", big, date(2026, 12, 30), "journee"),
    ]
    assert list(copied[0].animators.all()) == [animator] and copied[1].notes == "Pique-nique"

    again = plannings.copy_week(planning, from_monday=MONDAY, target=planning, to_monday=date(2026, 12, 30))
    assert (again.copied, again.already, again.skipped) == (0, 2, 1)
    assert PlanningEntry.objects.count() == 5


def test_copy_a_week_to_another_planning_of_the_same_activity_only(planning, centre_a, leisure, animator):
    place(planning, "Grand jeu", day=MONDAY)
    other = plannings.create_planning(
        centre=centre_a, user=animator, period=leisure[1], starts_on=NEXT_MONDAY
    )
    result = plannings.copy_week(planning, from_monday=MONDAY, target=other, to_monday=NEXT_MONDAY)
    assert result.copied == 1 and other.entries.get().date == NEXT_MONDAY
    workshop = Activity.objects.create(centre=centre_a, name="Atelier", kind=Activity.Kind.WORKSHOP)
    elsewhere = plannings.create_planning(
        centre=centre_a, user=animator, activity=workshop, week_of=NEXT_MONDAY
    )
    with pytest.raises(PlanningRefused, match="même activité"):
        plannings.copy_week(planning, from_monday=MONDAY, target=elsewhere, to_monday=NEXT_MONDAY)
    with pytest.raises(PlanningRefused, match="autre semaine"):
        plannings.copy_week(planning, from_monday=WEDNESDAY, target=planning, to_monday=MONDAY)


cells = st.tuples(
    st.sampled_from([None, 1, 2]),
    st.integers(min_value=0, max_value=13),
    st.sampled_from(list(Slot.values)),
    st.sampled_from([None, 7, 8]),
    st.sampled_from(["Grand jeu", "grand jeu ", "Piscine"]),
)


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(cells, max_size=25),
    existing=st.lists(cells, max_size=10),
    offset=st.integers(min_value=-14, max_value=14),
    open_days=st.sets(st.integers(min_value=-14, max_value=28), max_size=20),
)
def test_copying_a_week_never_doubles_an_entry(items, existing, offset, open_days):
    base = date(2027, 1, 4)
    copy_items = [
        plannings.CopyItem(n, group, base + timedelta(days=day), slot, sheet, title)
        for n, (group, day, slot, sheet, title) in enumerate(items)
    ]
    existing_keys = {
        plannings.CopyItem(0, g, base + timedelta(days=d), s, sh, t).key(base + timedelta(days=d))
        for g, d, s, sh, t in existing
    }
    target_days = {base + timedelta(days=d) for d in open_days}
    plan = plannings.plan_copy(
        copy_items, offset_days=offset, target_days=target_days, existing=existing_keys
    )
    new_keys = [item.key(day) for item, day in plan.to_create]
    # Nothing lands twice, nothing lands on what is there, nothing lands on a closed day.
    assert len(new_keys) == len(set(new_keys))
    assert not set(new_keys) & existing_keys
    assert all(day in target_days for _, day in plan.to_create)
    assert all(day == item.date + timedelta(days=offset) for item, day in plan.to_create)
    # Every entry is accounted for.
    assert len(plan.to_create) + plan.already + plan.skipped == len(copy_items)
    # Copying the result again adds nothing.
    second = plannings.plan_copy(
        copy_items, offset_days=offset, target_days=target_days, existing=existing_keys | set(new_keys)
    )
    assert second.to_create == []


# --- Coverage of the pedagogical project ---------------------------------------------------------------


@pytest.fixture
def objectives(centre_a, leisure):
    activity, _period = leisure
    centre_project = PedagogicalProject.objects.create(centre=centre_a)
    activity_project = PedagogicalProject.objects.create(centre=centre_a, activity=activity)
    autonomy = Objective.objects.create(project=centre_project, centre=centre_a, text="Favoriser l'autonomie")
    choose = Objective.objects.create(
        project=centre_project,
        centre=centre_a,
        text="Laisser les enfants choisir leur activité",
        level=Objective.Level.OPERATIONAL,
        parent=autonomy,
    )
    together = Objective.objects.create(project=activity_project, centre=centre_a, text="Vivre ensemble")
    nature = Objective.objects.create(project=activity_project, centre=centre_a, text="Découvrir la nature")
    other_activity = Activity.objects.create(centre=centre_a, name="Autre accueil")
    other_project = PedagogicalProject.objects.create(centre=centre_a, activity=other_activity)
    Objective.objects.create(project=other_project, centre=centre_a, text="Pas pour ce planning")
    return {"autonomy": autonomy, "choose": choose, "together": together, "nature": nature}


def test_coverage_counts_entries_by_sheet_and_by_their_own_objectives(planning, centre_a, objectives):
    sheet = make_sheet(
        centre_a, "Conseil d'enfants", objectives=[objectives["choose"], objectives["together"]]
    )
    place(planning, "", sheet=sheet)
    place(planning, "", sheet=sheet, day=MONDAY)
    place(planning, "Jeux libres", objectives=[objectives["together"]], slot=Slot.AFTERNOON)
    coverage = plannings.coverage(plannings.load_board(planning))
    counts = {line.text: line.count for line in coverage.lines}
    assert counts == {
        "Favoriser l'autonomie": 2,  # through its operational objective
        "Laisser les enfants choisir leur activité": 2,
        "Vivre ensemble": 3,
        "Découvrir la nature": 0,
    }
    assert [line.text for line in coverage.uncovered] == ["Découvrir la nature"]
    assert (coverage.covered, coverage.total) == (3, 4)
    # The project's order: the centre's first, each general objective followed by its operational ones.
    assert [line.project for line in coverage.lines] == ["Projet du centre"] * 2 + ["Projet de l'accueil"] * 2


# --- Warnings ---------------------------------------------------------------------------------------


def messages_of(planning, kind=None):
    return [w.message for w in plannings.warnings(plannings.load_board(planning)) if kind in (None, w.kind)]


def test_warning_for_a_sheet_outside_the_group_ages(planning, centre_a):
    sheet = make_sheet(centre_a, "Course d'orientation", min_age=8, max_age=12)
    small, big = groups_of(planning)
    place(planning, "", sheet=sheet, group=small)
    place(planning, "", sheet=sheet, group=big, day=MONDAY)  # 6 to 11: the 6 and 7 year olds too
    # In the order of the days: Monday's first.
    assert messages_of(planning, "age") == [
        "« Course d'orientation » est prévue pour 8 à 12 ans ; le groupe Grands a 6 à 11 ans "
        "(lundi 21/12 matin).",
        "« Course d'orientation » est prévue pour 8 à 12 ans ; le groupe Petits a 3 à 5 ans "
        "(mercredi 23/12 matin).",
    ]
    fitting = make_sheet(centre_a, "Comptines", max_age=6)
    place(planning, "", sheet=fitting, group=small, slot=Slot.AFTERNOON)
    assert len(messages_of(planning, "age")) == 2


def test_warning_for_an_animator_in_two_places_across_plannings(planning, centre_a, animator, staff):
    small, big = groups_of(planning)
    place(planning, "Grand jeu", group=small, animators=[animator])
    place(planning, "Piscine", group=big, slot=Slot.AFTERNOON, animators=[animator])  # no overlap
    assert messages_of(planning, "animateur") == []
    place(planning, "Sortie au parc", group=big, slot=Slot.DAY, animators=[animator])
    workshop = Activity.objects.create(centre=centre_a, name="Atelier parents", kind=Activity.Kind.WORKSHOP)
    other = plannings.create_planning(centre=centre_a, user=animator, activity=workshop, week_of=MONDAY)
    plannings.place_entry(
        other, group=None, day=WEDNESDAY, slot=Slot.MORNING, title="Café des parents", animators=[animator]
    )
    found = messages_of(planning, "animateur")
    assert (
        "Samia Haddad a deux activités en même temps le mercredi 23/12 : « Grand jeu » (Petits, matin) et "
        "« Café des parents » (Tout le groupe, matin, planning « Atelier parents — semaine du 21/12/2026 »)."
    ) in found
    assert any("« Grand jeu » (Petits, matin) et « Sortie au parc » (Grands, journée)" in m for m in found)
    assert any("« Piscine » (Grands, après-midi)" in m and "Sortie au parc" in m for m in found)
    assert len(found) == 4  # Grand jeu/Sortie, Grand jeu/Café, Piscine/Sortie, Sortie/Café
    # A colleague elsewhere at the same time is no warning.
    place(planning, "Contes", group=small, slot=Slot.AFTERNOON, animators=[staff("animator", "a")])
    assert len(messages_of(planning, "animateur")) == 4


def test_warnings_for_drafts_empty_days_and_days_no_longer_open(planning, centre_a, leisure):
    assert messages_of(planning, "vide") == ["Rien n'est encore prévu dans ce planning."]
    draft = make_sheet(centre_a, "Fusée à eau", published=False)
    small, big = groups_of(planning)
    entry = place(planning, "", sheet=draft, group=small, day=date(2026, 12, 24))
    assert messages_of(planning, "brouillon") == [
        "La fiche « Fusée à eau » est encore un brouillon : relisez-la et publiez-la avant de mener "
        "l'activité (jeudi 24/12 matin)."
    ]
    empty = messages_of(planning, "vide")
    assert empty[0].startswith(
        "Petits : rien de prévu le lundi 21/12, mardi 22/12, mercredi 23/12, lundi 28/12"
    )
    assert empty[1].startswith("Grands : rien de prévu le lundi 21/12")
    PeriodDay.objects.filter(date=date(2026, 12, 24)).delete()
    assert messages_of(planning, "hors_jours") == [
        "« Fusée à eau » est prévue le jeudi 24/12, qui n'est plus un jour de ce planning (fermeture, jour "
        "retiré de la période) : déplacez-la ou retirez-la."
    ]
    assert plannings.grid(planning, week=MONDAY).off_days[0].id == entry.pk


# --- Publishing: sessions for attendance, parents' page ----------------------------------------------------


def publish(planning, user):
    planning.refresh_from_db()
    return plannings.publish_planning(planning, user=user)


def test_publish_makes_one_session_per_group_and_day(planning, animator, leisure):
    _activity, period = leisure
    small, big = groups_of(planning)
    place(planning, "Grand jeu", group=small, slot=Slot.MORNING)
    place(planning, "Contes", group=small, slot=Slot.AFTERNOON)
    place(planning, "Comptines", group=small, slot=Slot.AFTERNOON)
    place(planning, "Piscine", group=big, day=MONDAY, slot=Slot.AFTERNOON)
    place(planning, "Sortie au zoo", group=big, day=NEXT_MONDAY, slot=Slot.DAY)
    result = publish(planning, animator)
    assert result.session_count == 3 and result.sessions.created == 3
    made = {(s.group, s.date): s for s in Session.objects.filter(origin=planning.session_origin)}
    assert len(made) == 3
    wednesday = made[(small, WEDNESDAY)]
    assert (wednesday.start_time, wednesday.end_time) == (time(9), time(17))
    assert wednesday.title == "Matin : Grand jeu · Après-midi : Contes, Comptines"
    assert wednesday.period_day == PeriodDay.objects.get(period=period, date=WEDNESDAY)
    assert wednesday.counted_hours == Decimal("8.00")
    monday = made[(big, MONDAY)]
    assert (monday.start_time, monday.end_time, monday.title) == (time(14), time(17), "Après-midi : Piscine")
    assert made[(big, NEXT_MONDAY)].title == "Journée : Sortie au zoo"
    planning.refresh_from_db()
    assert planning.is_published and planning.published_revision == planning.revision
    assert not planning.has_unpublished_changes


def test_republishing_updates_removes_and_keeps_sessions_with_attendance(planning, animator, centre_a):
    small, big = groups_of(planning)
    game = place(planning, "Grand jeu", group=small)
    swim = place(planning, "Piscine", group=big, day=MONDAY)
    tales = place(planning, "Contes", group=big, day=date(2026, 12, 22))
    publish(planning, animator)
    noted = Session.objects.get(origin=planning.session_origin, group=big, date=MONDAY)
    Attendance.objects.create(
        session=noted,
        person=PersonFactory(centre=centre_a),
        centre=centre_a,
        activity=planning.activity,
        date=MONDAY,
        hours=noted.counted_hours,
        status=Attendance.Status.PRESENT,
        recorded_at=timezone.now(),
    )
    plannings.move_entry(planning, game.pk, group=small, day=WEDNESDAY, slot=Slot.AFTERNOON)
    plannings.remove_entry(planning, swim.pk)
    plannings.remove_entry(planning, tales.pk)
    planning.refresh_from_db()
    assert planning.has_unpublished_changes
    result = publish(planning, animator).sessions
    assert (result.created, result.updated, result.removed) == (0, 1, 1)
    assert [s.pk for s in result.kept] == [noted.pk]
    wednesday = Session.objects.get(group=small, date=WEDNESDAY)
    assert (wednesday.start_time, wednesday.end_time, wednesday.title) == (
        time(14),
        time(17),
        "Après-midi : Grand jeu",
    )
    assert Session.objects.filter(pk=noted.pk).exists()
    assert not Session.objects.filter(date=date(2026, 12, 22)).exists()


def test_publishing_reuses_the_sessions_of_the_period(planning, animator, leisure):
    _activity, period = leisure
    existing = sessions.create_period_sessions(period, start_time=time(8, 30), end_time=time(17, 30))
    assert len(existing) == 14
    place(planning, "Grand jeu")
    result = publish(planning, animator).sessions
    assert (result.created, result.updated) == (0, 1)
    assert Session.objects.count() == 14
    small, _big = groups_of(planning)
    session = Session.objects.get(group=small, date=WEDNESDAY)
    # Made by hand for the period: its hours stay, it gets the day's programme as title.
    assert (session.start_time, session.title) == (time(8, 30), "Matin : Grand jeu")


def test_publishing_what_a_colleague_changed_meanwhile_is_refused(planning, animator):
    place(planning, "Grand jeu")
    seen = Planning.objects.get(pk=planning.pk).revision
    place(planning, "Piscine", slot=Slot.AFTERNOON)
    with pytest.raises(PlanningConflict, match="modifié par un collègue"):
        plannings.publish_planning(planning, user=animator, expected_revision=seen)
    assert not Session.objects.exists()
    planning.refresh_from_db()
    plannings.publish_planning(planning, user=animator, expected_revision=planning.revision)
    assert Session.objects.count() == 1


def test_an_empty_planning_is_not_published(planning, animator):
    with pytest.raises(PlanningRefused, match="Le planning est vide"):
        publish(planning, animator)


def test_unpublish_removes_the_sessions_without_attendance(planning, animator):
    place(planning, "Grand jeu")
    publish(planning, animator)
    result = plannings.unpublish_planning(planning, user=animator)
    assert result.removed == 1 and not Session.objects.exists()
    planning.refresh_from_db()
    assert planning.status == Planning.Status.DRAFT and planning.published_content == {}


# --- Pages -----------------------------------------------------------------------------------------------


@pytest.fixture
def as_animator(client, animator):
    client.force_login(animator)
    return client


def detail_url(planning, **query):
    url = reverse("animation:planning_detail", args=[planning.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_create_a_planning_for_a_period(as_animator, leisure):
    _activity, period = leisure
    response = as_animator.get(reverse("animation:planning_create"))
    assert response.status_code == 200
    assert 'data-title="Vacances de Noël 2026 — Accueil de loisirs Les Lutins"' in page_text(response)
    response = as_animator.post(
        reverse("animation:planning_create"),
        {
            "kind": "periode",
            "period": period.pk,
            "title": "",
            "morning_start": "09:30",
            "morning_end": "12:00",
            "afternoon_start": "13:30",
            "afternoon_end": "17:00",
            "weekdays": ["0", "1"],
        },
    )
    planning = Planning.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(planning)
    assert (planning.morning_start, planning.afternoon_start) == (time(9, 30), time(13, 30))


def test_creating_a_planning_too_long_says_why_and_keeps_the_input(as_animator, centre_a):
    _activity, period = make_leisure_centre(
        centre_a, name="Été", days=[date(2027, 7, 1) + timedelta(n) for n in range(70)]
    )
    response = as_animator.post(
        reverse("animation:planning_create"),
        {
            "kind": "periode",
            "period": period.pk,
            "title": "Mon été",
            "morning_start": "09:00",
            "morning_end": "12:00",
            "afternoon_start": "14:00",
            "afternoon_end": "17:00",
        },
    )
    text = visible_text(response)
    assert response.status_code == 200
    assert "Ce planning compterait 70 jours ; un planning couvre au plus 62 jours." in text
    assert 'value="Mon été"' in page_text(response)
    assert not Planning.objects.exists()


def test_a_foreign_period_cannot_be_chosen(as_animator, centre_b):
    _activity, foreign = make_leisure_centre(centre_b, name="Ailleurs")
    response = as_animator.post(
        reverse("animation:planning_create"),
        {"kind": "periode", "period": foreign.pk, "morning_start": "09:00", "morning_end": "12:00",
         "afternoon_start": "14:00", "afternoon_end": "17:00"},
    )  # fmt: skip
    assert response.status_code == 200 and not Planning.objects.exists()
    assert "Sélectionnez un choix valide" in visible_text(response)


def test_the_grid_page_shows_entries_tray_warnings_and_coverage(
    as_animator, planning, centre_a, animator, objectives
):
    sheet = make_sheet(
        centre_a, "Course d'orientation", min_age=8, max_age=12, objectives=[objectives["nature"]]
    )
    favourite = make_sheet(centre_a, "Fusée à eau")
    SheetFavourite.objects.create(user=animator, sheet=favourite)
    place(planning, "", sheet=sheet, animators=[animator], notes="Prévoir des boussoles")
    response = as_animator.get(detail_url(planning, semaine="2026-12-21"))
    assert response.status_code == 200
    text = visible_text(response)
    assert "Course d'orientation Avec Samia Prévoir des boussoles Attention : âge : 8 à 12 ans" in text
    assert '<th scope="col">mercredi 23/12</th>' in page_text(response)
    assert "Placer… « Fusée à eau »" in page_text(response)
    assert "« Course d'orientation » est prévue pour 8 à 12 ans ; le groupe Petits a 3 à 5 ans" in text
    assert "Projet pédagogique : 1 objectif servi sur 4" in text
    assert "Pas encore servis par ce planning : Favoriser l'autonomie" in text
    assert "Découvrir la nature Projet de l'accueil 1 activité" in text
    # The second week is one click away.
    assert "Semaine du 28/12" in text
    search = as_animator.get(detail_url(planning, q="orientation"))
    assert "Résultats (1)" in visible_text(search)


def test_the_grid_page_makes_a_constant_number_of_queries(
    as_animator, planning, centre_a, animator, objectives, django_assert_max_num_queries
):
    def load():
        response = as_animator.get(detail_url(planning, semaine="2026-12-21", q="jeu"))
        assert response.status_code == 200
        return response

    sheet = make_sheet(centre_a, "Grand jeu", min_age=8, max_age=12)
    place(planning, "", sheet=sheet, animators=[animator])
    load()  # the session and the roles are remembered after the first page
    with django_assert_max_num_queries(22) as small:
        load()
    small_count = len(small.captured_queries)
    small_group, big = groups_of(planning)
    sheets = [
        make_sheet(centre_a, f"Fiche {n}", min_age=6, objectives=[objectives["together"]]) for n in range(6)
    ]
    for day in HOLIDAY_DAYS:
        for group in (small_group, big):
            for slot, sheet_ in zip(Slot.values, sheets, strict=False):
                place(planning, "", sheet=sheet_, group=group, day=day, slot=slot, animators=[animator])
            place(
                planning,
                f"Libre {day}",
                group=group,
                day=day,
                slot=Slot.AFTERNOON,
                objectives=[objectives["nature"]],
            )
    assert PlanningEntry.objects.count() > 50
    with django_assert_max_num_queries(small_count):
        response = load()
    assert "Samia a deux activités" not in visible_text(response)  # the full name is said, not the first
    assert "Samia Haddad a deux activités en même temps" in visible_text(response)


def test_place_and_move_without_javascript(as_animator, planning, centre_a):
    sheet = make_sheet(centre_a, "Grand jeu")
    small, big = groups_of(planning)
    response = as_animator.get(reverse("animation:planning_place", args=[planning.pk]) + f"?fiche={sheet.pk}")
    assert "Placer « Grand jeu »" in visible_text(response)
    response = as_animator.post(
        reverse("animation:planning_place", args=[planning.pk]),
        {
            "sheet": sheet.pk,
            "group": small.pk,
            "day": "2026-12-23",
            "slot": "matin",
            "revision": planning.revision,
        },
        follow=True,
    )
    entry = PlanningEntry.objects.get()
    assert (
        response.redirect_chain[-1][0] == detail_url(planning, semaine="2026-12-21") + f"#activite-{entry.pk}"
    )
    assert "« Grand jeu » placé : Petits, mercredi 23/12, matin" in visible_text(response)
    move_url = reverse("animation:planning_entry_move", args=[planning.pk, entry.pk])
    assert "Aujourd'hui : Petits, mercredi 23/12, matin." in visible_text(as_animator.get(move_url))
    response = as_animator.post(
        move_url, {"group": big.pk, "day": "2026-12-29", "slot": "journee"}, follow=True
    )
    assert "« Grand jeu » déplacé : Grands, mardi 29/12, journée" in visible_text(response)
    entry.refresh_from_db()
    assert (entry.group, entry.date, entry.slot) == (big, date(2026, 12, 29), "journee")


def test_place_and_move_by_script_answer_json(as_animator, planning, centre_a):
    sheet = make_sheet(centre_a, "Grand jeu")
    small, big = groups_of(planning)
    url = reverse("animation:planning_place", args=[planning.pk])
    data = {"sheet": sheet.pk, "group": small.pk, "day": "2026-12-23", "slot": "matin"}
    response = as_animator.post(url, data, headers={"X-Requested-With": "fetch"})
    entry = PlanningEntry.objects.get()
    assert response.json() == {
        "ok": True,
        "message": "« Grand jeu » placé : Petits, mercredi 23/12, matin",
        "entry_id": entry.pk,
        "week": "2026-12-21",
        "revision": planning.revision + 1,
    }
    again = as_animator.post(url, data, headers={"X-Requested-With": "fetch"})
    assert again.status_code == 400 and "déjà prévue dans cette case" in again.json()["message"]
    move = reverse("animation:planning_entry_move", args=[planning.pk, entry.pk])
    response = as_animator.post(
        move,
        {"group": big.pk, "day": "2026-12-21", "slot": "apres_midi"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.json()["message"] == "« Grand jeu » déplacé : Grands, lundi 21/12, après-midi"
    plannings.remove_entry(planning, entry.pk)
    gone = as_animator.post(
        move, {"group": big.pk, "day": "2026-12-21", "slot": "matin"}, headers={"X-Requested-With": "fetch"}
    )
    assert gone.status_code == 409 and "un collègue l'a retirée entre-temps" in gone.json()["message"]


def test_posted_foreign_group_sheet_and_animator_are_refused(as_animator, planning, centre_b, staff):
    foreign_activity, _ = make_leisure_centre(centre_b, name="Ailleurs")
    foreign_group = foreign_activity.groups.first()
    private = make_sheet(centre_b, "Fiche privée de B")
    foreign_animator = staff("animator", "b")
    url = reverse("animation:planning_place", args=[planning.pk])
    small, _big = groups_of(planning)
    cases = [
        {"title": "X", "group": foreign_group.pk, "day": "2026-12-23", "slot": "matin"},
        {"sheet": private.pk, "group": small.pk, "day": "2026-12-23", "slot": "matin"},
        {
            "title": "X",
            "group": small.pk,
            "day": "2026-12-23",
            "slot": "matin",
            "animators": [foreign_animator.pk],
        },
        {"title": "X", "group": small.pk, "day": "2027-01-05", "slot": "matin"},
    ]
    for data in cases:
        response = as_animator.post(url, data)
        assert response.status_code == 200, data
        assert "Le formulaire contient 1 erreur" in visible_text(response), data
    assert not PlanningEntry.objects.exists()


def test_edit_a_sheet_entry_animators_and_notes(as_animator, planning, centre_a, animator, objectives):
    sheet = make_sheet(centre_a, "Grand jeu", objectives=[objectives["together"]])
    entry = place(planning, "", sheet=sheet)
    url = reverse("animation:planning_entry_edit", args=[planning.pk, entry.pk])
    page = visible_text(as_animator.get(url))
    # A sheet says which objectives it serves: they are not chosen again here.
    assert "Objectifs du projet servis" not in page and "Retirer « Grand jeu » du planning" in page
    response = as_animator.post(
        url, {"title": "Grand jeu", "notes": "Prévoir des dossards", "animators": [animator.pk]}, follow=True
    )
    assert "« Grand jeu » enregistrée." in visible_text(response)
    entry.refresh_from_db()
    assert entry.notes == "Prévoir des dossards" and list(entry.animators.all()) == [animator]
    response = as_animator.post(
        reverse("animation:planning_entry_remove", args=[planning.pk, entry.pk]), follow=True
    )
    assert "« Grand jeu » retirée du planning." in visible_text(response)
    assert not PlanningEntry.objects.exists()


def test_editing_an_entry_a_colleague_removed_keeps_what_was_typed(as_animator, planning, animator):
    entry = place(planning, "Grand jeu")
    url = reverse("animation:planning_entry_edit", args=[planning.pk, entry.pk])
    form = page_text(as_animator.get(url))
    assert 'name="cell_day" value="2026-12-23"' in form
    plannings.remove_entry(planning, entry.pk)
    response = as_animator.post(
        url,
        {
            "title": "Grand jeu des pirates",
            "notes": "Déguisements",
            "animators": [animator.pk],
            "cell_group": entry.group_id,
            "cell_day": "2026-12-23",
            "cell_slot": "matin",
        },
    )
    assert response.status_code == 409
    text = page_text(response)
    assert "un collègue l'a retirée entre-temps" in text
    assert 'value="Grand jeu des pirates"' in text and 'value="Déguisements"' in text
    assert '<option value="2026-12-23" selected>mercredi 23/12</option>' in text
    assert f'value="{animator.pk}" id="id_animators_0" checked' in text
    assert not PlanningEntry.objects.exists()


def test_an_entry_removed_while_saving_is_offered_again(as_animator, planning, monkeypatch):
    entry = place(planning, "Grand jeu")
    url = reverse("animation:planning_entry_edit", args=[planning.pk, entry.pk])
    original = plannings.update_entry

    def colleague_first(*args, **kwargs):
        PlanningEntry.objects.filter(pk=entry.pk).delete()
        return original(*args, **kwargs)

    monkeypatch.setattr(plannings, "update_entry", colleague_first)
    response = as_animator.post(
        url, {"title": "Grand jeu des pirates", "notes": "", "cell_day": "2026-12-23"}
    )
    assert response.status_code == 409
    assert 'value="Grand jeu des pirates"' in page_text(response)


def test_copy_week_page_reports_counts(as_animator, planning):
    place(planning, "Grand jeu", day=MONDAY)
    place(planning, "Contes", day=date(2026, 12, 24))
    response = as_animator.post(
        reverse("animation:planning_copy_week", args=[planning.pk]),
        {"source_week": "2026-12-21", "target": planning.pk, "target_week": "2026-12-30"},
        follow=True,
    )
    assert (
        "1 activité copiée ; 1 non copiée : ces jours manquent au planning visé (jeudi 31/12)."
        in visible_text(response)
    )


def test_publish_then_parents_see_the_published_programme_only(client, as_animator, planning, animator):
    place(planning, "Grand jeu", animators=[animator], notes="Prévoir une casquette")
    response = as_animator.post(
        reverse("animation:planning_publish", args=[planning.pk]),
        {"revision": planning.revision},
        follow=True,
    )
    text = visible_text(response)
    assert "Planning publié le" in text
    assert "Séances pour l'appel : 1 créée, 0 mise à jour, 0 retirée." in text
    planning.refresh_from_db()
    public = reverse("animation:planning_public", args=[planning.public_token])
    assert public in page_text(response)

    place(planning, "Activité secrète", slot=Slot.AFTERNOON)
    page = as_animator.get(detail_url(planning))
    assert "Modifications non publiées" in visible_text(page)

    client.logout()
    response = client.get(public)
    text = visible_text(response)
    assert response.status_code == 200
    assert "Programme publié le" in text and "susceptible d'évoluer" in text
    assert "Matin : Grand jeu" in text and "Prévoir une casquette" in text
    assert "Activité secrète" not in text
    assert "Samia" not in text and "Haddad" not in text and animator.email not in text
    pdf = client.get(reverse("animation:planning_public_pdf", args=[planning.public_token]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_an_unknown_or_unpublished_programme_is_a_friendly_404(client, planning):
    response = client.get(reverse("animation:planning_public", args=["nimportequoi"]))
    assert response.status_code == 404
    assert "Ce programme n'est pas en ligne" in visible_text(response)
    response = client.get(reverse("animation:planning_public", args=[planning.public_token]))
    assert response.status_code == 404


def test_the_team_pdf_is_a_pdf(as_animator, planning, animator):
    place(planning, "Grand jeu", animators=[animator])
    response = as_animator.get(reverse("animation:planning_pdf", args=[planning.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_publish_with_a_stale_page_says_so(as_animator, planning):
    place(planning, "Grand jeu")
    response = as_animator.post(
        reverse("animation:planning_publish", args=[planning.pk]), {"revision": 1}, follow=True
    )
    assert "modifié par un collègue depuis que vous l'avez ouvert" in visible_text(response)
    assert not Session.objects.exists()


# --- Tenancy --------------------------------------------------------------------------------------------


def test_another_centre_gets_404_everywhere(client, planning, staff, otp_verified):
    entry = place(planning, "Grand jeu")
    stranger = staff("animator", "b")
    client.force_login(stranger)
    pages = [
        ("get", reverse("animation:planning_detail", args=[planning.pk])),
        ("get", reverse("animation:planning_place", args=[planning.pk])),
        ("post", reverse("animation:planning_place", args=[planning.pk])),
        ("get", reverse("animation:planning_entry_move", args=[planning.pk, entry.pk])),
        ("post", reverse("animation:planning_entry_move", args=[planning.pk, entry.pk])),
        ("get", reverse("animation:planning_entry_edit", args=[planning.pk, entry.pk])),
        ("post", reverse("animation:planning_entry_remove", args=[planning.pk, entry.pk])),
        ("get", reverse("animation:planning_copy_week", args=[planning.pk])),
        ("post", reverse("animation:planning_publish", args=[planning.pk])),
        ("post", reverse("animation:planning_unpublish", args=[planning.pk])),
        ("get", reverse("animation:planning_pdf", args=[planning.pk])),
        ("get", reverse("animation:planning_settings", args=[planning.pk])),
        ("get", reverse("animation:planning_delete", args=[planning.pk])),
    ]
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 404, url
    assert PlanningEntry.objects.filter(pk=entry.pk).exists()
    # Their own list does not show it.
    assert planning.title not in visible_text(client.get(reverse("animation:planning_list")))


def test_an_entry_of_another_planning_is_not_reached_through_mine(as_animator, planning, centre_b, staff):
    _activity, period_b = make_leisure_centre(centre_b, name="Ailleurs")
    theirs = plannings.create_planning(centre=centre_b, user=staff("animator", "b"), period=period_b)
    foreign = plannings.place_entry(
        theirs, group=theirs.activity.groups.first(), day=WEDNESDAY, slot=Slot.MORNING, title="Chez B"
    )
    move = reverse("animation:planning_entry_move", args=[planning.pk, foreign.pk])
    response = as_animator.post(
        move, {"group": groups_of(planning)[0].pk, "day": "2026-12-23", "slot": "matin"}
    )
    assert response.status_code == 302
    remove = reverse("animation:planning_entry_remove", args=[planning.pk, foreign.pk])
    as_animator.post(remove)
    foreign.refresh_from_db()
    assert foreign.planning == theirs and foreign.title == "Chez B"


def test_a_role_without_plannings_gets_404(client, planning, staff):
    client.force_login(staff("reception", "a"))
    assert client.get(reverse("animation:planning_list")).status_code == 404
    assert client.get(reverse("animation:planning_detail", args=[planning.pk])).status_code == 404


def test_the_list_shows_the_centre_plannings(as_animator, planning):
    place(planning, "Grand jeu")
    text = visible_text(as_animator.get(reverse("animation:planning_list")))
    assert "Vacances de Noël 2026 — Accueil de loisirs Les Lutins" in text
    assert "du 21/12/2026 au 30/12/2026 1 En préparation" in text


def test_malformed_input_never_gives_a_500(as_animator, planning, client):
    entry = place(planning, "Grand jeu")
    junk = {
        "sheet": "abc",
        "title": "x" * 500,
        "group": "<script>",
        "day": "2026-13-45",
        "slot": "\x00",
        "animators": ["abc", "-1"],
        "objectives": ["9999999999999999999999"],
        "revision": "-5",
        "notes": "n" * 5000,
        "source_week": "nope",
        "target": "abc",
        "target_week": "31/02/2026",
        "kind": "autre",
        "period": "1e9",
        "week_of": "hier",
        "weekdays": ["9", "x"],
        "morning_start": "25:00",
        "cell_sheet": "zz",
        "cell_day": "zz",
    }
    urls = [
        reverse("animation:planning_create"),
        reverse("animation:planning_place", args=[planning.pk]),
        reverse("animation:planning_entry_move", args=[planning.pk, entry.pk]),
        reverse("animation:planning_entry_edit", args=[planning.pk, entry.pk]),
        reverse("animation:planning_copy_week", args=[planning.pk]),
        reverse("animation:planning_publish", args=[planning.pk]),
        reverse("animation:planning_settings", args=[planning.pk]),
    ]
    for url in urls:
        for headers in ({}, {"X-Requested-With": "fetch"}):
            assert as_animator.post(url, junk, headers=headers).status_code < 500, url
    for query in ("?semaine=2026-99-99&age=abc&q=" + "é" * 300, "?fiche=abc&groupe=x&jour=y&moment=z"):
        assert (
            as_animator.get(reverse("animation:planning_detail", args=[planning.pk]) + query).status_code
            == 200
        )
        assert (
            as_animator.get(reverse("animation:planning_place", args=[planning.pk]) + query).status_code
            == 200
        )
    assert client.get("/programme/" + "x" * 200 + "/").status_code == 404
    entry.refresh_from_db()
    assert (entry.title, entry.date) == ("Grand jeu", WEDNESDAY)
