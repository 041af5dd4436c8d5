"""Rules of social follow-up: who reads a period, what a period and its exchanges and tasks accept, and
what the database keeps of the notes (encrypted)."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from csc.casework import crypto, queries, services
from csc.casework.models import Exchange, Period, Task


def test_a_period_is_read_by_its_scope_and_those_it_names_only(centre_a, worker, family, scopes, open_period):
    _, mother, son = family
    referent, same_scope, other_scope, named = worker(), worker(), worker(), worker()
    scopes["Famille"].workers.add(referent, same_scope)
    scopes["Insertion"].workers.add(other_scope)
    period = open_period(referent, [mother, son], workers=[named])
    readers = lambda user: set(queries.periods_visible_to(user))  # noqa: E731
    assert readers(referent) == readers(same_scope) == readers(named) == {period}
    assert readers(other_scope) == set()


def test_a_confidential_period_or_a_draft_is_read_only_by_those_it_names(worker, family, scopes, open_period):
    _, mother, _ = family
    referent, same_scope = worker(), worker()
    scopes["Famille"].workers.add(referent, same_scope)
    confidential = open_period(referent, [mother], is_confidential=True)
    draft = open_period(referent, [mother], draft=True)
    assert set(queries.periods_visible_to(referent)) == {confidential, draft}
    assert set(queries.periods_visible_to(same_scope)) == set()
    services.confirm_period(draft)
    assert set(queries.periods_visible_to(same_scope)) == {draft}


def test_another_centres_worker_reads_nothing_even_in_a_scope_of_the_same_name(
    worker, family, scopes, open_period, centre_b
):
    _, mother, _ = family
    referent = worker()
    open_period(referent, [mother])
    services.ensure_defaults(centre_b)
    stranger = worker("b")
    centre_b.casework_scopes.get(name="Famille").workers.add(stranger)
    assert not queries.periods_visible_to(stranger).exists()


def test_a_director_does_not_read_case_files(director_a, worker, family, open_period):
    _, mother, _ = family
    open_period(worker(), [mother])
    assert not queries.periods_visible_to(director_a).exists()


def test_a_period_refuses_people_scopes_and_workers_of_another_centre(
    centre_a, centre_b, worker, family, scopes, open_period
):
    from csc.testing.factories import PersonFactory

    referent = worker()
    stranger = PersonFactory(centre=centre_b)
    with pytest.raises(services.CaseworkRefused, match="pas suivies par votre centre"):
        open_period(referent, [stranger])
    with pytest.raises(services.CaseworkRefused, match="référent"):
        open_period(referent, [family[1]], workers=[worker("b")])
    with pytest.raises(services.CaseworkRefused, match="au moins une personne"):
        open_period(referent, [])
    with pytest.raises(services.CaseworkRefused, match="futur"):
        open_period(referent, [family[1]], opened_on=timezone.localdate() + timedelta(days=1))
    assert not Period.objects.exists()


def test_closing_needs_a_reason_and_a_date_within_the_period(worker, family, open_period):
    period = open_period(worker(), [family[1]], opened_on=timezone.localdate() - timedelta(days=10))
    with pytest.raises(services.CaseworkRefused, match="motif"):
        services.close_period(period, reason="")
    with pytest.raises(services.CaseworkRefused, match="entre l'ouverture et aujourd'hui"):
        services.close_period(period, reason="goals_met", closed_on=period.opened_on - timedelta(days=1))
    services.close_period(period, reason="goals_met")
    period.refresh_from_db()
    assert (period.status, period.closed_on) == (Period.Status.CLOSED, timezone.localdate())
    with pytest.raises(services.CaseworkRefused, match="clôturé"):
        services.log_exchange(period, author=period.referent, kind="call", happened_on=timezone.localdate())
    services.reopen_period(period)
    period.refresh_from_db()
    assert (period.status, period.closed_on, period.closing_reason) == (Period.Status.OPEN, None, "")


def test_exchange_notes_are_encrypted_in_the_database_and_read_in_clear(worker, family, open_period):
    referent = worker()
    period = open_period(referent, [family[1]])
    secret = "Dette de loyer de 1 200 € ; <script>alert(1)</script>"
    exchange = services.log_exchange(
        period, author=referent, kind="interview", happened_on=timezone.localdate(), notes=secret
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM casework_exchange WHERE id = %s", [exchange.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith(crypto.PREFIX) and "loyer" not in stored and "1 200" not in stored
    assert Exchange.objects.get(pk=exchange.pk).notes == secret


def test_the_exchange_people_and_date_must_fit_the_period(worker, family, open_period):
    referent = worker()
    _, mother, son = family
    period = open_period(referent, [mother])
    today = timezone.localdate()
    with pytest.raises(services.CaseworkRefused, match="celles du parcours"):
        services.log_exchange(period, author=referent, kind="call", happened_on=today, persons=[son])
    with pytest.raises(services.CaseworkRefused, match="futur"):
        services.log_exchange(period, author=referent, kind="call", happened_on=today + timedelta(days=1))
    with pytest.raises(services.CaseworkRefused, match="précéder"):
        services.log_exchange(period, author=referent, kind="call", happened_on=today - timedelta(days=1))
    assert not Exchange.objects.exists()


def test_private_notes_are_read_by_their_author_only(worker, family, scopes, open_period):
    referent, colleague = worker(), worker()
    scopes["Famille"].workers.add(colleague)
    period = open_period(referent, [family[1]])
    exchange = services.log_exchange(
        period, author=referent, kind="call", happened_on=timezone.localdate(), notes="x", is_private=True
    )
    assert queries.note_readable(exchange, referent)
    assert not queries.note_readable(exchange, colleague)


def test_a_task_goes_only_to_someone_who_reads_the_period(worker, family, scopes, open_period):
    referent, colleague, outsider = worker(), worker(), worker()
    scopes["Famille"].workers.add(colleague)
    period = open_period(referent, [family[1]])
    due = timezone.localdate() + timedelta(days=3)
    task = services.assign_task(period, by=referent, assignee=colleague, title="Appeler la CAF", due_on=due)
    assert list(queries.tasks_of(colleague)) == [task]
    with pytest.raises(services.CaseworkRefused, match="ne peut pas lire ce parcours"):
        services.assign_task(period, by=referent, assignee=outsider, title="x", due_on=due)
    services.complete_task(task, by=colleague)
    assert Task.objects.get(pk=task.pk).is_done


def test_rotation_reencrypts_with_the_new_key(settings):
    old = crypto.encrypt_text("Note ancienne")
    new_key = crypto.new_key()
    settings.CSC_CASEWORK_KEYS = [new_key, *settings.CSC_CASEWORK_KEYS]
    rotated = crypto.rotate_text(old)
    assert rotated != old and crypto.decrypt_text(rotated) == "Note ancienne"
    settings.CSC_CASEWORK_KEYS = [new_key]  # the old key is dropped: only the rotated value is readable
    assert crypto.decrypt_text(rotated) == "Note ancienne"
    with pytest.raises(crypto.UnreadableValue):
        crypto.decrypt_text(old)


def test_start_up_says_when_the_keys_are_missing_or_wrong(settings):
    from csc.casework.checks import casework_keys

    settings.CSC_CASEWORK_KEYS = []
    assert [error.id for error in casework_keys(None)] == ["casework.E001"]
    settings.CSC_CASEWORK_KEYS = ["pas-une-cle"]
    assert [error.id for error in casework_keys(None)] == ["casework.E002"]
    settings.CSC_CASEWORK_KEYS = [crypto.new_key()]
    assert casework_keys(None) == []


def test_the_rotation_command_rewrites_every_note_with_the_new_key(settings, worker, family, open_period):
    from django.core.management import call_command

    referent = worker()
    period = open_period(referent, [family[1]])
    services.log_exchange(
        period, author=referent, kind="call", happened_on=timezone.localdate(), notes="Avant"
    )
    old_keys = list(settings.CSC_CASEWORK_KEYS)
    settings.CSC_CASEWORK_KEYS = [crypto.new_key(), *old_keys]
    out = io.StringIO()
    call_command("rotate_casework_keys", stdout=out)
    assert "échanges : 1 chiffré(s) de nouveau." in out.getvalue()
    settings.CSC_CASEWORK_KEYS = settings.CSC_CASEWORK_KEYS[:1]  # the old key is gone
    assert Exchange.objects.get().notes == "Avant"


def test_the_rotation_command_rewrites_every_document_file_with_the_new_key(
    settings, tmp_path, worker, family, open_period, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    referent = worker()
    period = open_period(referent, [family[1]])
    content = b"%PDF-1.4\nbail\n%%EOF\n"
    document = services.add_document(
        period, by=referent, upload=SimpleUploadedFile("b.pdf", content), title="Bail", category="housing"
    )
    old_file = tmp_path / document.file.name
    settings.CSC_CASEWORK_KEYS = [crypto.new_key(), *settings.CSC_CASEWORK_KEYS]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_casework_keys", stdout=out)
    assert "documents (fichiers) : 1 chiffré(s) de nouveau." in out.getvalue()
    settings.CSC_CASEWORK_KEYS = settings.CSC_CASEWORK_KEYS[:1]  # the old key is gone
    document.refresh_from_db()
    assert services.read_document(document, by=referent) == content
    assert not old_file.exists()
