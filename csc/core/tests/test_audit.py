import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from csc.core import audit
from csc.core.models import AuditEvent
from csc.people.models import Person
from csc.testing.factories import PersonFactory


@pytest.mark.django_db
def test_the_journal_refuses_changes_through_the_orm(centre_a):
    event = audit.record("export", centre=centre_a)
    event.detail = "falsifié"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger on PostgreSQL only")
def test_postgresql_refuses_changes_to_the_journal_even_in_raw_sql(centre_a):
    event = audit.record("export", centre=centre_a)
    for statement in (
        "UPDATE core_auditevent SET detail = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="ajout seul"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])


@pytest.mark.django_db
def test_every_change_of_personal_data_is_journaled_without_the_values(centre_a, reception_a):
    with audit.acting_as(reception_a):
        person = PersonFactory(centre=centre_a, last_name="Durand")
        person.refresh_from_db()
        person.phone = "+33612345678"
        person.save()
        person.save()  # no change, no line
        person_id = person.pk
        person.delete()
    events = list(AuditEvent.objects.filter(person_id=person_id).order_by("id"))
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert all(e.actor == reception_a and e.centre_id == centre_a.pk for e in events)
    assert events[1].detail == "champs : phone"
    assert not any("Durand" in e.detail or "612345678" in e.detail for e in events)


@pytest.mark.django_db
def test_a_director_filters_the_journal_by_person_and_by_staff_member(
    client, director_a, reception_a, centre_a
):
    with audit.acting_as(reception_a):
        first = PersonFactory(centre=centre_a)
    with audit.acting_as(director_a):
        PersonFactory(centre=centre_a)
    client.force_login(director_a)
    by_person = client.get(reverse("core:journal"), {"person": first.pk}).context["page"].object_list
    assert {e.person_id for e in by_person} == {first.pk}
    by_actor = client.get(reverse("core:journal"), {"actor": reception_a.pk}).context["page"].object_list
    assert by_actor and {e.actor_id for e in by_actor} == {reception_a.pk}
    bad = client.get(reverse("core:journal"), {"person": "abc", "actor": "999999"})
    assert bad.status_code == 200


@pytest.mark.django_db
def test_the_journal_page_costs_the_same_queries_whatever_its_length(
    client, director_a, centre_a, django_assert_max_num_queries
):
    client.force_login(director_a)
    for _ in range(40):
        audit.record("export", centre=centre_a, actor=director_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("core:journal"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_reception_cannot_read_the_journal(client, reception_a):
    client.force_login(reception_a)
    assert client.get(reverse("core:journal")).status_code == 404


@pytest.mark.django_db
def test_a_person_deleted_keeps_their_journal_lines(centre_a):
    person = PersonFactory(centre=centre_a)
    pk = person.pk
    person.delete()
    assert not Person.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(person_id=pk).count() == 2


@pytest.mark.django_db
def test_the_centre_journal_shows_the_logins_of_its_staff_only(client, director_a, reception_a, staff):
    outsider = staff("reception", "b")
    audit.record("login", actor=reception_a)
    audit.record("login", actor=outsider)
    client.force_login(director_a)
    events = client.get(reverse("core:journal"), {"action": "login"}).context["page"].object_list
    actors = {e.actor_id for e in events}
    assert reception_a.pk in actors and outsider.pk not in actors


@pytest.mark.django_db
def test_the_journal_links_a_person_only_for_whom_the_page_opens(
    client, director_a, centre_a, otp_verified, django_assert_max_num_queries
):
    from csc.people.services import erase_person
    from csc.testing.factories import StaffRoleFactory

    kept = PersonFactory(centre=centre_a)
    erased = PersonFactory(centre=centre_a)
    erased_id = erased.pk
    erase_person(person=erased, actor=director_a)
    for _ in range(30):
        PersonFactory(centre=centre_a)
    kept_page = reverse("people:person_detail", args=[kept.pk])
    erased_page = reverse("people:person_detail", args=[erased_id])

    federation = StaffRoleFactory(
        role="federation", centre=None, federation=centre_a.territory.federation
    ).user
    client.force_login(federation)
    session = client.session
    session["csc_centre_id"] = centre_a.pk
    session.save()
    response = client.get(reverse("core:journal"), {"person": kept.pk})
    page = response.content.decode()
    assert f"n° {kept.pk}" in page  # the federation reads that something happened to this record…
    assert kept_page not in page  # …but is given no link to a page that answers it 404
    assert client.get(kept_page).status_code == 404

    client.force_login(director_a)
    with django_assert_max_num_queries(11):
        page = client.get(reverse("core:journal")).content.decode()
    assert page.count('href="/personnes/') >= 30
    page = client.get(reverse("core:journal"), {"person": kept.pk}).content.decode()
    assert f'<a href="{kept_page}">n° {kept.pk}</a>' in page
    assert client.get(kept_page).status_code == 200
    page = client.get(reverse("core:journal"), {"person": erased_id}).content.decode()
    assert f"n° {erased_id}" in page and erased_page not in page  # erased: the page is gone for everyone
    assert client.get(erased_page).status_code == 404
