"""The social worker's pages: what they show, what they journal, what they refuse."""

from datetime import timedelta

from django.utils import timezone

from csc.casework import services
from csc.casework.models import Exchange, Period, Task
from csc.core.models import AuditEvent
from csc.testing.pages import visible_text


def test_opening_a_period_for_a_household_from_the_person_file(client, worker, family, scopes):
    household, mother, son = family
    referent = worker()
    client.force_login(referent)
    page = client.get(f"/accompagnement/personnes/{mother.pk}/")
    assert "Dossier de Awa Diallo" in visible_text(page)
    assert "Moussa Diallo (Enfant)" in visible_text(page)
    form = client.get(f"/accompagnement/personnes/{mother.pk}/nouveau-parcours/")
    assert "Moussa Diallo" in visible_text(form)  # the household's members may join the period
    issue = household.centre.casework_issues.get(name="Logement")
    response = client.post(
        f"/accompagnement/personnes/{mother.pk}/nouveau-parcours/",
        {
            "persons": [mother.pk, son.pk],
            "scope": scopes["Famille"].pk,
            "issues": [issue.pk],
            "origin": "partner",
            "requester": "Assistante sociale du département",
            "opened_on": timezone.localdate().isoformat(),
            "referent": referent.pk,
            "place": "centre",
        },
    )
    period = Period.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/accompagnement/parcours/{period.pk}/"
    assert set(period.persons.all()) == {mother, son} and period.household == household
    assert period.status == Period.Status.OPEN


def test_a_bad_period_form_says_what_is_wrong_and_keeps_the_rest(client, worker, family, scopes):
    _, mother, _ = family
    client.force_login(worker())
    response = client.post(
        f"/accompagnement/personnes/{mother.pk}/nouveau-parcours/",
        {"requester": "Mme Martin (CCAS)", "opened_on": "31/02/2026", "scope": scopes["Famille"].pk},
    )
    text = visible_text(response)
    assert response.status_code == 400
    assert "Cochez au moins une problématique." in text and "Saisissez une date valide" in text
    assert 'value="Mme Martin (CCAS)"' in response.content.decode()
    assert not Period.objects.exists()


def test_logging_an_exchange_shows_its_notes_as_text_and_journals_the_read(
    client, worker, family, open_period
):
    referent = worker()
    period = open_period(referent, [family[1]])
    client.force_login(referent)
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/echanges/",
        {
            "kind": "interview",
            "happened_on": timezone.localdate().isoformat(),
            "duration_minutes": "45",
            "notes": "<script>alert('x')</script> Loyer en retard",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/accompagnement/parcours/{period.pk}/")
    body = page.content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body
    assert "Entretien du" in visible_text(page) and "(45 min)" in visible_text(page)
    read = AuditEvent.objects.filter(action="casework.read", object_id=str(period.pk)).get()
    assert read.actor == referent and read.centre_id == period.centre_id


def test_bad_exchange_input_is_refused_in_french_and_nothing_is_stored(client, worker, family, open_period):
    referent = worker()
    period = open_period(referent, [family[1]])
    client.force_login(referent)
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/echanges/",
        {"kind": "telepathy", "happened_on": "demain", "duration_minutes": "-3", "notes": "gardé"},
    )
    assert response.status_code == 400
    text = visible_text(response)
    assert "Saisissez une date valide" in text and "au moins une minute" in text
    assert "gardé" in response.content.decode()
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/echanges/", {"kind": "call", "happened_on": future}
    )
    assert response.status_code == 400 and "futur" in visible_text(response)
    assert not Exchange.objects.exists()


def test_another_scope_or_centre_gets_a_404_and_the_attempt_is_journaled(
    client, worker, family, scopes, open_period
):
    referent, other_scope, other_centre = worker(), worker(), worker("b")
    scopes["Insertion"].workers.add(other_scope)
    period = open_period(referent, [family[1]])
    for intruder in (other_scope, other_centre):
        client.force_login(intruder)
        assert client.get(f"/accompagnement/parcours/{period.pk}/").status_code == 404
        assert (
            client.post(f"/accompagnement/parcours/{period.pk}/cloturer/", {"reason": "moved"}).status_code
            == 404
        )
    refusals = AuditEvent.objects.filter(action="casework.refused", object_id=str(period.pk))
    assert {event.actor for event in refusals} == {other_scope, other_centre}
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN
    client.force_login(other_centre)
    assert client.get(f"/accompagnement/personnes/{family[1].pk}/").status_code == 404


def test_a_colleague_sees_the_task_given_to_them_and_marks_it_done(
    client, worker, family, scopes, open_period
):
    referent, colleague = worker(), worker(user__first_name="Inès", user__last_name="Benali")
    scopes["Famille"].workers.add(referent, colleague)
    period = open_period(referent, [family[1]])
    client.force_login(referent)
    late = (timezone.localdate() - timedelta(days=1)).isoformat()
    # A date in the past is allowed: the task is simply late at once.
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/taches/",
        {"title": "Appeler le bailleur", "assignee": colleague.pk, "due_on": late},
    )
    assert response.status_code == 302
    client.force_login(colleague)
    page = visible_text(client.get("/accompagnement/mes-taches/"))
    assert "En retard (1)" in page and "Appeler le bailleur" in page
    task = Task.objects.get()
    assert client.post(f"/accompagnement/taches/{task.pk}/faite/").status_code == 302
    assert "En retard (0)" in visible_text(client.get("/accompagnement/mes-taches/"))


def test_the_period_page_makes_the_same_queries_with_many_exchanges(
    client, worker, family, open_period, django_assert_max_num_queries
):
    referent = worker()
    period = open_period(referent, [family[1]])
    client.force_login(referent)
    for day in range(30):
        services.log_exchange(
            period, author=referent, kind="call", happened_on=period.opened_on, notes=f"n{day}"
        )
    with django_assert_max_num_queries(30) as first:
        response = client.get(f"/accompagnement/parcours/{period.pk}/")
    # The latest 20, then the 10 older ones on the next page, with the same queries.
    text = visible_text(response)
    assert response.status_code == 200 and text.count("Appel téléphonique du") == 20
    assert "Page 1 sur 2 (30 résultats)" in text and "n29" in text and "n9" not in text
    with django_assert_max_num_queries(len(first.captured_queries)):
        older = visible_text(client.get(f"/accompagnement/parcours/{period.pk}/", {"page": "2"}))
    assert older.count("Appel téléphonique du") == 10 and "n0" in older
    assert "Appel téléphonique du" in visible_text(
        client.get(f"/accompagnement/parcours/{period.pk}/?page=x")
    )


def test_a_director_has_no_case_file_page(client, director_a, family):
    client.force_login(director_a)
    assert client.get("/accompagnement/").status_code == 404
    assert client.get(f"/accompagnement/personnes/{family[1].pk}/").status_code == 404


def test_bad_task_and_closing_input_is_refused_in_french_and_nothing_changes(
    client, worker, family, scopes, open_period
):
    referent, outsider = worker(), worker()
    period = open_period(referent, [family[1]])
    client.force_login(referent)
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/taches/",
        {"title": "Relancer la CAF", "assignee": outsider.pk, "due_on": "bientôt"},
    )
    text = visible_text(response)
    assert response.status_code == 400
    assert "Saisissez une date valide" in text and "Sélectionnez un choix valide" in text
    assert 'value="Relancer la CAF"' in response.content.decode()
    response = client.post(f"/accompagnement/parcours/{period.pk}/cloturer/", {"reason": "", "closed_on": ""})
    assert response.status_code == 400 and "Choisissez le motif de clôture." in visible_text(response)
    too_early = (period.opened_on - timedelta(days=1)).isoformat()
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/cloturer/", {"reason": "moved", "closed_on": too_early}
    )
    assert response.status_code == 400 and "entre l'ouverture et aujourd'hui" in visible_text(response)
    assert not Task.objects.exists()
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN
