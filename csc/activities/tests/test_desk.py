"""Registrations at the desk (csc.activities.desk): reception registers a child of the household it has
in front of it, with the rules, places and fee of the online path, and cancels with a reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from csc.activities.demo import build_leisure_centre
from csc.activities.desk import services as desk
from csc.activities.models import GroupDay, Registration
from csc.core.models import AuditEvent
from csc.core.money import euros
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory
from csc.testing.pages import page_text


@pytest.fixture
def leisure(centre_a, clock):
    clock("2026-11-21 10:00")
    return build_leisure_centre(
        centre_a, today=date(2026, 11, 21), holiday_start=date(2026, 12, 21), places=2
    )


@pytest.fixture
def family(centre_a):
    household = HouseholdFactory(centre=centre_a, name="Famille Martin", family_quotient=Decimal("480"))
    HouseholdMemberFactory(household=household, person__first_name="Nadia", relation="responsable")
    ines = PersonFactory(centre=centre_a, first_name="Inès", last_name="Martin", birth_date=date(2018, 3, 1))
    HouseholdMemberFactory(household=household, person=ines, relation="enfant")
    return household, ines


def _days(leisure, count):
    return list(leisure.period.days.order_by("date"))[:count]


def _bookings(leisure, count, unit="day"):
    return [(day.pk, leisure.units[unit].pk) for day in _days(leisure, count)]


def _group(leisure, child):
    return desk.grid_for(leisure.period, child).proposed_group


def _register(leisure, child, household, days=1, *, by=None, bookings=None):
    """A desk registration of `child` in the group of their age, on the period's first `days` days."""
    return desk.register(
        period=leisure.period,
        child=child,
        household=household,
        group_id=_group(leisure, child).pk,
        bookings=bookings or _bookings(leisure, days),
        by=by,
    )


@pytest.mark.django_db
def test_the_desk_proposes_the_group_of_the_childs_age_and_registers_with_the_places_held(
    leisure, family, reception_a
):
    household, ines = family
    group = _group(leisure, ines)
    assert group.name == "Moyens (6-8 ans)"  # 8 on 21/12/2026, the period's first day
    estimate = desk.preview(
        period=leisure.period,
        child=ines,
        household=household,
        group_id=group.pk,
        bookings=_bookings(leisure, 2),
    )
    assert estimate.total > 0 and estimate.lines
    registration = _register(leisure, ines, household, 2, by=reception_a)
    assert registration.amount == estimate.total
    held = GroupDay.objects.filter(group=group, day__in=_days(leisure, 2)).values_list("held", flat=True)
    assert list(held) == [1, 1]
    assert AuditEvent.objects.filter(
        action="activities.registered_at_desk", object_id=str(registration.pk)
    ).exists()


@pytest.mark.django_db
def test_a_full_day_is_named_in_french_and_nothing_is_written(leisure, family, reception_a):
    household, ines = family
    group = _group(leisure, ines)
    first, second = _days(leisure, 2)
    GroupDay.objects.filter(group=group, day=second).update(held=2)  # the 2 places are taken
    with pytest.raises(desk.DeskRefused, match=f"Plus de place dans ce groupe le {second.date:%d/%m/%Y}"):
        _register(leisure, ines, household, 2, by=reception_a)
    assert not Registration.objects.exists()
    assert GroupDay.objects.get(group=group, day=first).held == 0  # the first day's place was given back


@pytest.mark.django_db
def test_a_child_registered_twice_on_a_period_is_refused(leisure, family, reception_a):
    household, ines = family
    choice = {
        "period": leisure.period,
        "child": ines,
        "household": household,
        "group_id": _group(leisure, ines).pk,
        "by": reception_a,
    }
    desk.register(**choice, bookings=_bookings(leisure, 1))
    with pytest.raises(desk.DeskRefused, match="Inès est déjà inscrit"):
        desk.register(**choice, bookings=_bookings(leisure, 2))
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_the_desk_refuses_a_child_of_another_household_and_a_group_of_another_activity(
    leisure, family, centre_a, reception_a
):
    household, ines = family
    other = HouseholdFactory(centre=centre_a)
    with pytest.raises(desk.DeskRefused, match="n'est pas un enfant de ce foyer"):
        _register(leisure, ines, other, 1, by=reception_a)
    with pytest.raises(desk.DeskRefused, match="Ce groupe n.appartient pas à cette activité"):
        desk.register(
            period=leisure.period,
            child=ines,
            household=household,
            group_id=999999,
            bookings=_bookings(leisure, 1),
            by=reception_a,
        )
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_cancelling_releases_the_places_and_needs_a_reason(leisure, family, reception_a):
    household, ines = family
    group = _group(leisure, ines)
    registration = _register(leisure, ines, household, 2, by=reception_a)
    with pytest.raises(desk.DeskRefused, match="motif"):
        desk.cancel(registration=registration, by=reception_a, reason="  ")
    desk.cancel(registration=registration, by=reception_a, reason="Déménagement")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert set(GroupDay.objects.filter(group=group).values_list("held", flat=True)) == {0}
    # Registered again once cancelled: the rule is one registration in force.
    _register(leisure, ines, household, 1, by=reception_a)


# --- the screens --------------------------------------------------------------------------------------


def _screen(household):
    return reverse("activities:desk_register", args=[household.pk])


@pytest.mark.django_db
def test_reception_registers_a_child_through_the_screen_calculating_first(
    client, leisure, family, reception_a
):
    household, ines = family
    client.force_login(reception_a)
    url = _screen(household)
    assert client.get(url).status_code == 200
    step2 = client.get(url, {"enfant": ines.pk, "periode": leisure.period.pk})
    text = page_text(step2)
    assert "Moyens (6-8 ans)" in text and "Places libres" in text
    group = _group(leisure, ines)
    choice = {
        "enfant": ines.pk,
        "periode": leisure.period.pk,
        "groupe": group.pk,
        "reservations": [f"{d}-{u}" for d, u in _bookings(leisure, 2)],
    }
    calculated = client.post(url, {**choice, "action": "calculer"})
    assert calculated.status_code == 200
    estimate = calculated.context["estimate"]
    assert euros(estimate.total) in page_text(calculated) and not Registration.objects.exists()
    done = client.post(url, {**choice, "action": "inscrire"})
    assert done.status_code == 302 and done["Location"] == reverse(
        "people:household_detail", args=[household.pk]
    )
    registration = Registration.objects.get()
    assert registration.amount == estimate.total
    page = page_text(client.get(done["Location"]))
    assert "Inscriptions aux accueils de loisirs" in page and leisure.period.name in page
    assert "2 jours, du" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"enfant": "abc", "periode": "x"},
        {"enfant": "999999", "periode": "999999"},
        {"groupe": "999999", "reservations": ["1-2"], "action": "inscrire"},
        {"groupe": "", "reservations": ["not-a-pair"], "action": "calculer"},
        {"reservations": ["99999999999999999999-1"], "action": "inscrire"},
        {"reservations": [], "action": "inscrire"},
    ],
)
def test_bad_input_on_the_desk_screen_is_answered_in_french_never_a_500(
    client, leisure, family, reception_a, data
):
    household, ines = family
    client.force_login(reception_a)
    base = {"enfant": ines.pk, "periode": leisure.period.pk, "groupe": _group(leisure, ines).pk}
    response = client.post(_screen(household), {**base, **data})
    assert response.status_code == 400
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_a_foreign_centres_household_and_registration_are_404(client, centre_b, staff, clock):
    clock("2026-11-21 10:00")
    leisure_b = build_leisure_centre(centre_b, today=date(2026, 11, 21), holiday_start=date(2026, 12, 21))
    household = HouseholdFactory(centre=centre_b)
    child = PersonFactory(centre=centre_b, birth_date=date(2018, 3, 1))
    HouseholdMemberFactory(household=household, person=child, relation="enfant")
    registration = desk.register(
        period=leisure_b.period,
        child=child,
        household=household,
        group_id=desk.grid_for(leisure_b.period, child).proposed_group.pk,
        bookings=[(leisure_b.period.days.first().pk, leisure_b.units["day"].pk)],
        by=None,
    )
    client.force_login(staff("reception", "a"))
    assert client.get(_screen(household)).status_code == 404
    assert (
        client.post(_screen(household), {"enfant": child.pk, "periode": leisure_b.period.pk}).status_code
        == 404
    )
    cancel = reverse("activities:desk_cancel", args=[registration.pk])
    assert client.get(cancel).status_code == 404
    assert client.post(cancel, {"reason": "intrus"}).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACTIVE


@pytest.mark.django_db
def test_an_animator_sees_registrations_but_cannot_register(client, leisure, family, staff):
    household, ines = family
    _register(leisure, ines, household, 1, by=None)
    client.force_login(staff("animator", "a"))
    page = page_text(client.get(reverse("people:household_detail", args=[household.pk])))
    assert leisure.period.name in page and "Inscrire un enfant" not in page
    assert client.get(_screen(household)).status_code == 404


@pytest.mark.django_db
def test_reception_cancels_a_registration_with_a_reason_from_the_household_page(
    client, leisure, family, reception_a
):
    household, ines = family
    registration = _register(leisure, ines, household, 1, by=reception_a)
    client.force_login(reception_a)
    url = reverse("activities:desk_cancel", args=[registration.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "La famille déménage"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert client.get(url).status_code == 404  # no longer active: nothing to cancel


@pytest.mark.django_db
def test_the_household_page_costs_the_same_queries_whatever_it_holds(
    client, leisure, family, centre_a, reception_a, django_assert_max_num_queries
):
    from csc.people.memberships import record_membership

    household, ines = family
    client.force_login(reception_a)
    url = reverse("people:household_detail", args=[household.pk])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(4):
        kid = PersonFactory(centre=centre_a, first_name=f"Enfant{n}", birth_date=date(2018, 3, 1))
        HouseholdMemberFactory(household=household, person=kid, relation="enfant")
        desk.register(
            period=leisure.period,
            child=kid,
            household=household,
            group_id=_group(leisure, kid).pk,
            bookings=[(_days(leisure, 4)[n].pk, leisure.units["day"].pk)],  # 2 places a day
            by=None,
        )
    record_membership(centre=centre_a, season=leisure.season, household=household, people_count=6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    sections = {section.title: section.context for section in response.context["sections"]}
    assert len(sections["Inscriptions aux accueils de loisirs"]["registrations"]) == 4
    assert len(sections["Adhésions"]["memberships"]) == 1


@pytest.mark.django_db
def test_a_unit_kept_for_another_group_is_refused_and_not_offered_on_the_screen(
    client, leisure, family, reception_a
):
    household, ines = family
    morning = leisure.units["morning"]
    morning.groups.set([leisure.groups[2]])  # the mornings are for the eldest only
    with pytest.raises(desk.DeskRefused, match="« Matinée » n'est pas proposée au groupe"):
        _register(leisure, ines, household, bookings=_bookings(leisure, 1, unit="morning"), by=reception_a)
    assert not Registration.objects.exists()
    client.force_login(reception_a)
    page = page_text(client.get(_screen(household), {"enfant": ines.pk, "periode": leisure.period.pk}))
    day = _days(leisure, 1)[0]
    assert f'value="{day.pk}-{morning.pk}"' not in page and "Matinée : pas proposée à ce groupe" in page


@pytest.mark.django_db
def test_a_younger_sibling_gets_the_second_child_price_and_is_repriced_when_the_elder_is_cancelled(
    leisure, family, centre_a, reception_a
):
    household, ines = family  # born in 2018
    younger = PersonFactory(centre=centre_a, first_name="Léo", birth_date=date(2020, 6, 1))
    HouseholdMemberFactory(household=household, person=younger, relation="enfant")
    alone = desk.preview(  # the younger's fee while the only one registered
        period=leisure.period,
        child=younger,
        household=household,
        group_id=_group(leisure, younger).pk,
        bookings=_bookings(leisure, 2),
    )
    elder_registration = _register(leisure, ines, household, 2, by=reception_a)
    younger_registration = _register(leisure, younger, household, 2, by=reception_a)
    assert younger_registration.rank == 2 and younger_registration.amount < alone.total
    desk.cancel(registration=elder_registration, by=reception_a, reason="Déménagement")
    younger_registration.refresh_from_db()
    assert younger_registration.rank == 1 and younger_registration.amount == alone.total


@pytest.mark.django_db
def test_the_household_page_shows_the_source_and_the_cancellation_reason(
    client, leisure, family, reception_a
):
    household, ines = family
    registration = _register(leisure, ines, household, 1, by=reception_a)
    desk.cancel(registration=registration, by=reception_a, reason="La famille déménage")
    client.force_login(reception_a)
    page = page_text(client.get(reverse("people:household_detail", args=[household.pk])))
    assert "Annulée : La famille déménage" in page and "À l'accueil" in page
