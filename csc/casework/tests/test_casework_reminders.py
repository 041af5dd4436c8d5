"""The daily digest of tasks: one e-mail per assignee, late or due within three days, in periods they
still read, titles and dates only, never twice the same day."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from csc.casework import reminders, services
from csc.casework.models import Task
from csc.core import notify
from csc.core.models import AuditEvent
from csc.testing.tasks import run_task_worker

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def team(worker, scopes):
    """Two workers of the « Famille » scope."""
    referent = worker(user__first_name="Claire", user__email="claire@example.org")
    colleague = worker(user__first_name="Yanis", user__email="yanis@example.org")
    scopes["Famille"].workers.add(referent, colleague)
    return referent, colleague


def give(period, to, title, due_in, **fields):
    return services.assign_task(
        period,
        by=period.referent,
        assignee=to,
        title=title,
        due_on=days(due_in),
        details=fields.get("details", ""),
    )


def send_reminders(**options):
    call_command("send_task_reminders", stdout=io.StringIO(), **options)
    run_task_worker()


def test_one_digest_per_person_with_late_and_soon_tasks_titles_and_dates_only(
    team, family, open_period, settings
):
    referent, colleague = team
    _, mother, son = family
    period = open_period(referent, [mother, son])
    late = give(period, colleague, "Relancer la CAF", -2, details="Dossier de Mme Diallo, allocataire 123")
    soon = give(period, colleague, "Préparer le rendez-vous bailleur", 3)
    give(period, colleague, "Bilan de fin d'année", 4)  # not yet
    done = give(period, colleague, "Appeler l'école", -1)
    services.complete_task(done, by=colleague)
    give(period, referent, "Signer la convention", 0)

    send_reminders()

    assert len(mail.outbox) == 2
    to_colleague = next(m for m in mail.outbox if m.to == ["yanis@example.org"])
    assert to_colleague.subject == "CSC — 2 tâches à faire, dont 1 en retard"
    body = to_colleague.body
    assert "Bonjour Yanis," in body
    assert f"En retard :\n- Relancer la CAF (pour le {days(-2):%d/%m/%Y})" in body
    assert f"À faire bientôt :\n- Préparer le rendez-vous bailleur (pour le {days(3):%d/%m/%Y})" in body
    assert f"{settings.CSC_PUBLIC_URL}/accompagnement/mes-taches/" in body
    html, mime = to_colleague.alternatives[0]
    assert mime == "text/html" and 'lang="fr"' in html
    assert "Relancer la CAF" in html and "Préparer le rendez-vous bailleur" in html
    assert f'href="{settings.CSC_PUBLIC_URL}/accompagnement/mes-taches/"' in html
    for text in (body, html):
        # Neither the details, nor the people of the period, nor the tasks not due or done.
        assert "allocataire" not in text and "Diallo" not in text
        assert "Bilan de fin d'année" not in text and "Appeler l'école" not in text
    assert set(Task.objects.filter(reminded_on=timezone.localdate()).values_list("pk", flat=True)) == {
        late.pk,
        soon.pk,
        Task.objects.get(title="Signer la convention").pk,
    }
    to_referent = next(m for m in mail.outbox if m.to == ["claire@example.org"])
    assert to_referent.subject == "CSC — 1 tâche à faire"
    assert "Signer la convention" in to_referent.body and "Relancer" not in to_referent.body


def test_the_digest_goes_out_once_a_day_however_often_it_runs(team, family, open_period):
    referent, colleague = team
    period = open_period(referent, [family[1]])
    give(period, colleague, "Relancer la CAF", -1)
    # Two runs of the cron before the worker: two copies queued, one e-mail.
    call_command("send_task_reminders", stdout=io.StringIO())
    call_command("send_task_reminders", stdout=io.StringIO())
    run_task_worker()
    send_reminders()
    assert len(mail.outbox) == 1
    assert reminders.assignees_to_remind() == []


def test_a_task_added_later_in_the_day_comes_alone_and_yesterdays_come_back(team, family, open_period):
    referent, colleague = team
    period = open_period(referent, [family[1]])
    first = give(period, colleague, "Relancer la CAF", -1)
    send_reminders()
    give(period, colleague, "Appeler le bailleur", 1)
    send_reminders()
    assert len(mail.outbox) == 2
    assert "Appeler le bailleur" in mail.outbox[1].body and "Relancer la CAF" not in mail.outbox[1].body
    # Tomorrow, a task still open is in the digest again.
    Task.objects.filter(pk=first.pk).update(reminded_on=days(-1))
    send_reminders()
    assert len(mail.outbox) == 3 and "Relancer la CAF" in mail.outbox[2].body


def test_the_window_is_a_command_option(team, family, open_period):
    referent, colleague = team
    period = open_period(referent, [family[1]])
    give(period, colleague, "Bilan", 6)
    out = io.StringIO()
    call_command("send_task_reminders", stdout=out)
    assert out.getvalue() == "0 rappel(s) de tâches mis en file d'attente.\n"
    with pytest.raises(CommandError, match="--jours doit être entre 0 et 60"):
        call_command("send_task_reminders", jours=-1)
    send_reminders(jours=7)
    assert len(mail.outbox) == 1 and "Bilan" in mail.outbox[0].body


def test_no_digest_for_a_period_the_assignee_no_longer_reads_nor_for_a_disabled_account(
    team, worker, family, scopes, open_period
):
    referent, colleague = team
    period = open_period(referent, [family[1]])
    give(period, colleague, "Relancer la CAF", -1)
    scopes["Famille"].workers.remove(colleague)  # moved to another scope: the period is no longer theirs
    gone = worker(user__email="parti@example.org")
    scopes["Famille"].workers.add(gone)
    give(period, gone, "Appeler le bailleur", 0)
    gone.is_active = False
    gone.save()
    send_reminders()
    assert mail.outbox == []
    assert not Task.objects.filter(reminded_on__isnull=False).exists()


def test_each_centre_s_workers_get_their_own_tasks_only(team, family, open_period, centre_b, worker):
    from csc.testing.factories import PersonFactory

    referent, colleague = team
    give(open_period(referent, [family[1]]), colleague, "Tâche du centre A", 0)
    services.ensure_defaults(centre_b)
    stranger = worker("b", user__email="b@example.org")
    scope_b = centre_b.casework_scopes.get(name="Famille")
    scope_b.workers.add(stranger)
    period_b = services.open_period(
        centre_b,
        by=stranger,
        persons=[PersonFactory(centre=centre_b)],
        scope=scope_b,
        referent=stranger,
        origin="spontaneous",
        issues=[],
    )
    give(period_b, stranger, "Tâche du centre B", 1)
    send_reminders()
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert (
        "Tâche du centre A" in bodies["yanis@example.org"] and "centre B" not in bodies["yanis@example.org"]
    )
    assert "Tâche du centre B" in bodies["b@example.org"] and "centre A" not in bodies["b@example.org"]


def test_a_failing_mail_server_retries_the_same_digest_and_never_makes_a_second_one(
    team, family, open_period, settings, clock
):
    referent, colleague = team
    task = give(open_period(referent, [family[1]]), colleague, "Relancer la CAF", -1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    assert reminders.send_task_digest.call(colleague.pk) == "retry 1"
    # The task is marked with its digest, which is recorded and waits for its next try.
    task.refresh_from_db()
    assert task.reminded_on == timezone.localdate()
    digest = notify.messages_about(colleague).get()
    assert (digest.purpose, digest.status, digest.attempts) == ("casework.task_digest", "en_attente", 1)
    assert "OSError" in digest.last_error or "Refused" in digest.last_error
    # A second copy of the digest task finds nothing: no second digest.
    assert reminders.send_task_digest.call(colleague.pk) == "nothing to send"
    assert notify.messages_about(colleague).count() == 1
    # The server is back for the next try: the same digest leaves, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock(digest.next_attempt_at)
    run_task_worker()
    assert len(mail.outbox) == 1 and "Relancer la CAF" in mail.outbox[0].body
    digest.refresh_from_db()
    assert digest.status == "envoye"


def test_a_digest_that_cannot_be_written_marks_nothing(team, family, open_period, monkeypatch):
    referent, colleague = team
    task = give(open_period(referent, [family[1]]), colleague, "Relancer la CAF", -1)

    def broken(*args, **kwargs):
        raise RuntimeError("gabarit cassé")

    monkeypatch.setattr(reminders.notify, "email", broken)
    with pytest.raises(RuntimeError):
        reminders.send_task_digest.call(colleague.pk)
    task.refresh_from_db()
    assert task.reminded_on is None


def test_each_digest_is_recorded_about_its_recipient(team, family, open_period):
    referent, colleague = team
    give(open_period(referent, [family[1]]), colleague, "Relancer la CAF", -1)
    send_reminders()
    digest = notify.messages_about(colleague).get()
    assert (digest.recipient, digest.status, digest.subject) == (
        "yanis@example.org",
        "envoye",
        "CSC — 1 tâche à faire, dont 1 en retard",
    )
    assert "Relancer la CAF" in digest.body and "Relancer la CAF" in digest.html_body


def test_marking_a_task_reminded_does_not_fill_the_journal(team, family, open_period):
    referent, colleague = team
    give(open_period(referent, [family[1]]), colleague, "Relancer la CAF", -1)
    before = AuditEvent.objects.count()
    send_reminders()
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.count() == before
