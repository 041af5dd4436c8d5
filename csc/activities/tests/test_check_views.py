"""The Check screens as animators, reception and directors use them: the day's sessions, the sheet a
tap at a time, walk-ins, head counts, the paper sheet and its grid, and programming sessions."""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from csc.activities import sessions
from csc.activities.attendance import services as attendance
from csc.activities.models import Activity, Attendance, Closure, HeadCount, Participant, Schedule, Session
from csc.people.models import Person
from csc.testing.factories import PersonFactory
from csc.testing.pages import page_text, visible_text


@pytest.fixture(autouse=True)
def _no_second_factor(otp_verified):
    """Directors must set up TOTP in production; that path is tested in core."""


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def animator(staff):
    return staff("animator", "a")


@pytest.fixture
def workshop(centre_a):
    return Activity.objects.create(centre=centre_a, name="Atelier couture", kind=Activity.Kind.WORKSHOP)


@pytest.fixture
def session(workshop, today):
    return sessions.add_session(activity=workshop, day=today, start_time=time(14), end_time=time(16))


def enrolled(workshop, count, today):
    people = []
    for index in range(count):
        person = PersonFactory(centre=workshop.centre, last_name=f"Participant{index:03d}")
        # Three weeks back: every session of the current and previous week is theirs, whatever the day.
        sessions.enrol(activity=workshop, person=person, joined_on=today - timedelta(days=21))
        people.append(person)
    return people


def test_the_day_page_lists_the_sessions_with_who_came(client, animator, session, workshop, today):
    people = enrolled(workshop, 2, today)
    attendance.mark(session=session, person=people[0], status="present", actor=animator)
    client.force_login(animator)
    response = client.get(reverse("activities:attendance_today"))
    text = visible_text(response)
    assert "Les séances d'aujourd'hui" in text
    assert "Atelier couture" in text and "14:00 – 16:00" in text
    assert "1 présent noté" in text


def test_the_day_page_survives_a_bad_date(client, animator):
    client.force_login(animator)
    response = client.get(reverse("activities:attendance_today") + "?jour=31/02/2026")
    assert response.status_code == 200
    assert "Date impossible" in page_text(response)


@pytest.mark.parametrize("day", ["31/12/9999", "9999-12-31", "01/01/0001"])
def test_a_day_at_the_edge_of_the_calendar_is_refused_like_an_impossible_one(client, animator, workshop, day):
    """The day before 1 January of year 1 and the day after 31 December 9999 do not exist: the pages that
    show a day's neighbours (or a week from it) answered with a server error."""
    client.force_login(animator)
    response = client.get(reverse("activities:attendance_today") + f"?jour={day}")
    assert response.status_code == 200
    assert "Date impossible" in page_text(response)
    grid = client.get(reverse("activities:attendance_grid", args=[workshop.pk]) + f"?du={day}")
    assert grid.status_code == 200


def test_a_volunteer_cannot_open_the_attendance(client, staff, session):
    client.force_login(staff("volunteer", "a"))
    assert client.get(reverse("activities:attendance_today")).status_code == 404
    assert client.get(reverse("activities:session_sheet", args=[session.pk])).status_code == 404


def test_the_sheet_makes_the_same_queries_for_3_or_40_participants(
    client, animator, session, workshop, today, django_assert_max_num_queries
):
    client.force_login(animator)
    enrolled(workshop, 3, today)
    client.get(reverse("activities:session_sheet", args=[session.pk]))  # warm the session and roles
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("activities:session_sheet", args=[session.pk]))
    assert visible_text(response).count("Présent(e) :") == 3
    people = enrolled(workshop, 37, today)
    for person in people[:10]:
        attendance.mark(session=session, person=person, status="present", actor=animator)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("activities:session_sheet", args=[session.pk]))
    assert visible_text(response).count("Présent(e) :") == 40
    assert "10 présents sur 40 personnes, 30 sans réponse" in visible_text(response)


def test_a_tap_with_htmx_answers_the_row_saved(client, animator, session, workshop, today):
    person = enrolled(workshop, 1, today)[0]
    client.force_login(animator)
    url = reverse("activities:attendance_mark", args=[session.pk, person.pk])
    response = client.post(url, {"statut": "present", "attendu": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Enregistré : présent(e)" in visible_text(response)
    assert 'aria-pressed="true"' in response.content.decode()
    # The same tap again (a retry on weak Wi-Fi) leaves one row.
    client.post(url, {"statut": "present", "attendu": "1"}, HTTP_HX_REQUEST="true")
    assert list(Attendance.objects.values_list("person_id", "status")) == [(person.pk, "present")]


def test_a_tap_without_javascript_comes_back_to_the_row(client, animator, session, workshop, today):
    person = enrolled(workshop, 1, today)[0]
    client.force_login(animator)
    response = client.post(
        reverse("activities:attendance_mark", args=[session.pk, person.pk]), {"statut": "absent"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#personne-{person.pk}")
    assert Attendance.objects.get().status == "absent"


def test_a_refused_tap_says_why(client, animator, workshop, today):
    future = sessions.add_session(
        activity=workshop, day=today + timedelta(days=2), start_time=time(14), end_time=time(16)
    )
    person = enrolled(workshop, 1, today)[0]
    client.force_login(animator)
    url = reverse("activities:attendance_mark", args=[future.pk, person.pk])
    response = client.post(url, {"statut": "present"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "n'a pas encore eu lieu" in response.content.decode()
    response = client.post(url, {"statut": "present"}, follow=True)
    assert "n'a pas encore eu lieu" in page_text(response)
    response = client.post(
        reverse("activities:attendance_mark", args=[future.pk, person.pk]),
        {"statut": "<script>"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert not Attendance.objects.exists()


def test_a_person_of_another_centre_cannot_be_marked(client, animator, session, centre_b):
    stranger = PersonFactory(centre=centre_b)
    client.force_login(animator)
    response = client.post(
        reverse("activities:attendance_mark", args=[session.pk, stranger.pk]), {"statut": "present"}
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_walk_in_is_found_by_name_and_marked_present(client, animator, session, centre_a):
    known = PersonFactory(centre=centre_a, last_name="Benali", first_name="Yasmina")
    PersonFactory(centre=session.activity.centre, last_name="Autre")
    client.force_login(animator)
    response = client.get(reverse("activities:walk_in", args=[session.pk]) + "?q=benali")
    assert "BENALI Yasmina" in visible_text(response)
    assert "Autre" not in visible_text(response)
    response = client.post(
        reverse("activities:attendance_mark", args=[session.pk, known.pk]),
        {"statut": "present", "attendu": "0", "retour": "ajout"},
        follow=True,
    )
    assert "Yasmina Benali : noté(e) présent(e)" in page_text(response)
    assert "Venu(e) sans inscription" in visible_text(response)


def test_a_new_walk_in_needs_a_name_and_keeps_what_was_typed(client, animator, session):
    client.force_login(animator)
    url = reverse("activities:walk_in", args=[session.pk])
    future_birth = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        url, {"last_name": "", "first_name": "Léa", "birth_date": future_birth, "city": "Wattrelos"}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Indiquez le nom." in text
    assert "La date de naissance ne peut pas être dans le futur." in text
    assert 'value="Léa"' in text and 'value="Wattrelos"' in text
    assert not Person.objects.filter(first_name="Léa").exists()
    response = client.post(url, {"last_name": "Dumont", "first_name": "Léa", "sex": "F", "city": "Wattrelos"})
    assert response.status_code == 302
    person = Person.objects.get(first_name="Léa")
    assert person.centre_id == session.centre_id and person.city == "Wattrelos"
    assert Attendance.objects.get(person=person).status == "present"


def test_head_counts_for_an_open_door_session(client, animator, centre_a, today):
    library = Activity.objects.create(
        centre=centre_a, name="Ludothèque", kind=Activity.Kind.TOY_LIBRARY, counts_only=True
    )
    session = sessions.add_session(activity=library, day=today, start_time=time(9), end_time=time(12))
    client.force_login(animator)
    page = client.get(reverse("activities:session_sheet", args=[session.pk]))
    assert "comptez les personnes venues" in visible_text(page)
    url = reverse("activities:head_count", args=[session.pk])
    response = client.post(url, {"adultes": "-2", "enfants": "douze"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Le nombre ne peut pas être négatif." in text and "Saisissez un nombre entier" in text
    assert not HeadCount.objects.exists()
    response = client.post(url, {"adultes": "6", "enfants": "11"}, follow=True)
    assert "Comptage enregistré : 6 adulte(s), 11 enfant(s)." in page_text(response)
    assert dict(HeadCount.objects.values_list("category", "count")) == {"adultes": 6, "enfants": 11}


def test_the_paper_sheet_is_a_pdf_with_the_names(client, animator, session, workshop, today):
    enrolled(workshop, 2, today)
    client.force_login(animator)
    response = client.get(reverse("activities:paper_sheet", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"feuille-atelier-couture-{today:%Y-%m-%d}.pdf" in response["Content-Disposition"]


def test_the_grid_copies_a_paper_sheet_and_names_a_bad_cell(client, animator, workshop, today):
    people = enrolled(workshop, 2, today)
    monday = today - timedelta(days=today.weekday())
    first = sessions.add_session(
        activity=workshop, day=monday - timedelta(days=7), start_time=time(14), end_time=time(16)
    )
    second = sessions.add_session(
        activity=workshop, day=monday - timedelta(days=5), start_time=time(14), end_time=time(16)
    )
    client.force_login(animator)
    url = (
        reverse("activities:attendance_grid", args=[workshop.pk])
        + f"?du={first.date:%Y-%m-%d}&au={second.date:%Y-%m-%d}"
    )
    page = client.get(url)
    assert visible_text(page).count("PARTICIPANT") == 2
    response = client.post(
        url,
        {
            f"c-{first.pk}-{people[0].pk}": "present",
            f"c-{first.pk}-{people[1].pk}": "absent",
            f"c-{second.pk}-{people[0].pk}": "peut-etre",
            f"c-{second.pk}-{people[1].pk}": "",
        },
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "2 présence(s) enregistrée(s) ; 1 case(s) refusée(s)" in text
    assert "Choisissez présent, absent ou excusé." in text
    assert set(Attendance.objects.values_list("session_id", "person_id", "status")) == {
        (first.pk, people[0].pk, "present"),
        (first.pk, people[1].pk, "absent"),
    }


def test_programming_a_weekly_schedule_from_the_screen(client, animator, workshop, today):
    client.force_login(animator)
    url = reverse("activities:schedule_create", args=[workshop.pk])
    bad = client.post(
        url,
        {
            "weekdays": ["1"],
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=5)).isoformat(),
            "start_time": "16:00",
            "end_time": "14:00",
        },
    )
    assert bad.status_code == 400
    text = page_text(bad)
    assert "La dernière date est avant la première." in text
    assert "L'heure de fin doit être après l'heure de début." in text
    assert not Session.objects.exists()
    response = client.post(
        url,
        {
            "weekdays": ["1", "3"],
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=27)).isoformat(),
            "start_time": "14:00",
            "end_time": "16:00",
            "skip_public_holidays": "on",
        },
        follow=True,
    )
    assert "séance(s) programmée(s)" in page_text(response)
    created = Session.objects.filter(activity=workshop)
    assert 6 <= created.count() <= 8
    assert {s.date.weekday() for s in created} <= {1, 3}
    assert Schedule.objects.get().weekdays == "1,3"


def test_move_cancel_and_reinstate_from_the_screens(client, animator, session, today):
    client.force_login(animator)
    response = client.post(
        reverse("activities:session_edit", args=[session.pk]),
        {
            "date": (today + timedelta(days=1)).isoformat(),
            "start_time": "10:00",
            "end_time": "12:00",
            "title": "Sortie",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.date == today + timedelta(days=1) and session.title == "Sortie"
    bad = client.post(reverse("activities:session_cancel", args=[session.pk]), {"reason": ""})
    assert bad.status_code == 400 and "Indiquez pourquoi la séance est annulée." in page_text(bad)
    client.post(reverse("activities:session_cancel", args=[session.pk]), {"reason": "Pluie"})
    session.refresh_from_db()
    assert session.is_cancelled and session.cancel_reason == "Pluie"
    listing = client.get(
        reverse("activities:session_list", args=[session.activity_id]) + f"?mois={session.date:%Y-%m}"
    )
    assert "Annulée : Pluie" in visible_text(listing)
    client.post(reverse("activities:session_reinstate", args=[session.pk]))
    session.refresh_from_db()
    assert not session.is_cancelled


def test_enrolling_and_removing_a_participant(client, animator, workshop, centre_a, centre_b, today):
    person = PersonFactory(centre=centre_a, last_name="Lefebvre", first_name="Inès")
    stranger = PersonFactory(centre=centre_b, last_name="Lefebvre", first_name="Autre")
    client.force_login(animator)
    url = reverse("activities:participants", args=[workshop.pk])
    found = client.get(url + "?q=lefeb")
    assert "LEFEBVRE Inès" in visible_text(found) and "Autre" not in visible_text(found)
    assert client.post(url, {"personne": stranger.pk, "joined_on": today.isoformat()}).status_code == 404
    response = client.post(url, {"personne": person.pk, "joined_on": today.isoformat()}, follow=True)
    assert "Inès Lefebvre inscrit(e)" in page_text(response)
    participant = Participant.objects.get()
    client.post(reverse("activities:participant_remove", args=[participant.pk]))
    participant.refresh_from_db()
    assert participant.left_on == today


def test_closures_are_listed_and_bad_dates_refused(client, animator, today):
    client.force_login(animator)
    url = reverse("activities:closures")
    bad = client.post(
        url, {"starts_on": today.isoformat(), "ends_on": (today - timedelta(days=1)).isoformat()}
    )
    assert bad.status_code == 400 and "Le dernier jour est avant le premier." in page_text(bad)
    client.post(url, {"starts_on": today.isoformat(), "ends_on": today.isoformat(), "reason": "Pont"})
    assert Closure.objects.get().reason == "Pont"
    assert "Pont" in visible_text(client.get(url))


def test_reception_takes_attendance_but_does_not_programme(client, reception_a, session):
    client.force_login(reception_a)
    assert client.get(reverse("activities:session_sheet", args=[session.pk])).status_code == 200
    assert client.get(reverse("activities:programme")).status_code == 404
    assert client.get(reverse("activities:session_edit", args=[session.pk])).status_code == 404


def test_the_grid_offers_the_models_statuses_with_their_letters(client, animator, workshop, today):
    enrolled(workshop, 1, today)
    monday = today - timedelta(days=today.weekday())
    sessions.add_session(
        activity=workshop, day=monday - timedelta(days=7), start_time=time(14), end_time=time(16)
    )
    client.force_login(animator)
    page = client.get(
        reverse("activities:attendance_grid", args=[workshop.pk])
        + f"?du={monday - timedelta(days=7):%Y-%m-%d}"
    )
    html = page.content.decode()
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)
    assert options == [("", "—")] + [(s.value, Attendance.LETTERS[s]) for s in Attendance.Status]
    # The legend names each status as the model does.
    assert "Choisissez P (présent(e)), A (absent(e)) ou E (excusé(e)) dans chaque case" in visible_text(page)


def test_the_sheet_row_says_the_status_as_the_model_names_it(client, animator, session, today):
    person = enrolled(session.activity, 1, today)[0]
    client.force_login(animator)
    response = client.post(
        reverse("activities:attendance_mark", args=[session.pk, person.pk]),
        {"statut": Attendance.Status.EXCUSED, "attendu": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert "Enregistré : excusé(e)" in visible_text(response)


# --- The grid of one day of a leisure centre: three groups, each child on its group's session only -----


def register_on(leisure, day, count, start=0):
    """`count` children registered in turn to the three groups, booked on `day` (and only that day)."""
    from decimal import Decimal

    from csc.activities.models import BookedUnit, Registration
    from csc.people.models import Household

    centre = leisure.activity.centre
    household = Household.objects.create(centre=centre, name=f"Famille Grille{start}")
    children = []
    for index in range(start, start + count):
        group = leisure.groups[index % 3]
        child = PersonFactory(centre=centre, last_name=f"Enfant{index:03d}", first_name="Léa")
        registration = Registration.objects.create(
            centre=centre,
            period=leisure.period,
            group=group,
            child=child,
            household=household,
            amount=Decimal("5.00"),
        )
        BookedUnit.objects.create(
            registration=registration, day=day, unit=leisure.units["day"], price=Decimal("5")
        )
        children.append((child, group))
    return children


def test_a_days_grid_of_three_groups_offers_each_child_its_groups_session_only(
    client, animator, centre_a, today, django_assert_max_num_queries
):
    from csc.activities.demo import build_leisure_centre

    leisure = build_leisure_centre(
        centre_a, today=today - timedelta(days=40), holiday_start=today - timedelta(days=14)
    )
    sessions.create_period_sessions(leisure.period, start_time=time(8, 30), end_time=time(17, 30))
    day = leisure.period.days.order_by("date").first()
    by_group = {s.group_id: s for s in Session.objects.filter(period_day=day)}
    assert len(by_group) == 3
    client.force_login(animator)
    url = reverse("activities:attendance_grid", args=[leisure.activity.pk]) + f"?du={day.date}&au={day.date}"

    counts = []
    for start, count in ((0, 3), (3, 27)):
        children = register_on(leisure, day, count, start=start)
        with django_assert_max_num_queries(14) as captured:
            page = client.get(url)
        counts.append(len(captured.captured_queries))
        assert page.status_code == 200
    assert counts[0] == counts[1], counts

    html = page.content.decode()
    assert html.count("<select ") == 30  # one cell per child, not three
    for child, group in children[:3]:
        own = by_group[group.pk]
        field = f"c-{own.pk}-{child.pk}"
        assert (
            f'<label class="visually-hidden" for="{field}">Léa {child.last_name}, {day.date:%d/%m/%Y}</label>'
            in html
        )
        for other in by_group.values():
            if other.pk != own.pk:
                assert f"c-{other.pk}-{child.pk}" not in html
    assert "Une case vide : la personne n'est pas attendue à cette séance" in visible_text(page)

    # Saving a child's cell, and one refused, still work.
    child, group = children[0]
    own = by_group[group.pk]
    response = client.post(url, {f"c-{own.pk}-{child.pk}": "present"})
    assert response.status_code == 302
    assert Attendance.objects.get(person=child).session_id == own.pk
    other = next(s for s in by_group.values() if s.pk != own.pk)
    client.post(url, {f"c-{other.pk}-{child.pk}": "present"})  # not a cell of the grid: ignored
    assert Attendance.objects.filter(person=child).count() == 1
