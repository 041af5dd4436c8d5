"""The task worker's leases, in one process: what a dead worker claimed is taken back, what a live one
holds is left alone (the kills and outages themselves: test_worker_process.py)."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from csc.core import heartbeat, notify, worker
from csc.core.models import OutboundMessage, WorkerHeartbeat
from csc.testing.tasks import run_task_worker


def write(centre):
    return notify.email(
        purpose="tests.hello",
        to="nadia@example.org",
        subject="Bonjour",
        body="Le texte",
        centre=centre,
        queue=False,
    )


def claimed_by(message, worker_id, *, ago, handed=False):
    claim = timezone.now() - ago
    OutboundMessage.objects.filter(pk=message.pk).update(
        status="envoi", claimed_by=worker_id, next_attempt_at=claim, handed_at=claim if handed else None
    )


def test_a_message_held_by_a_live_worker_is_left_alone_and_taken_back_once_it_stops_beating(centre_a, clock):
    start = timezone.now()
    clock(start)
    heartbeat.beat("w-alive")
    message = write(centre_a)
    claimed_by(message, "w-alive", ago=timedelta(minutes=2))
    assert notify.recover_stalled() == 0
    # The worker was killed: no beat for longer than the lease.
    clock(start + heartbeat.lease() + timedelta(seconds=1))
    assert notify.recover_stalled() == 1
    message.refresh_from_db()
    assert (message.status, message.claimed_by) == ("en_attente", "")
    run_task_worker()
    message.refresh_from_db()
    assert (message.status, len(mail.outbox)) == ("envoye", 1)


def test_a_message_at_the_carrier_when_its_worker_died_is_perhaps_sent_and_never_sent_again(centre_a):
    message = write(centre_a)
    claimed_by(message, "w-dead", ago=timedelta(minutes=1), handed=True)
    assert notify.recover_stalled() == 1
    run_task_worker()
    message.refresh_from_db()
    assert (message.status, len(mail.outbox)) == ("incertain", 0)
    assert "Vérifiez auprès du destinataire" in message.last_error


def test_a_message_sent_by_the_worker_names_it_and_when_the_carrier_had_it(centre_a):
    message = notify.email(
        purpose="tests.hello", to="nadia@example.org", subject="S", body="B", centre=centre_a
    )
    notify.send_message.enqueue(message.pk)
    run_task_worker()
    message.refresh_from_db()
    assert message.status == "envoye" and message.claimed_by and message.handed_at <= message.sent_at
    # A worker leaving cleanly takes its heartbeat with it.
    assert not WorkerHeartbeat.objects.exists()


def _running(message, worker_ids, *, ago):
    result = notify.send_message.enqueue(message.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", worker_ids=worker_ids, started_at=timezone.now() - ago
    )
    return result.id


def test_a_task_whose_worker_died_runs_again_and_is_failed_after_three_interrupted_runs(centre_a):
    heartbeat.beat("w-alive")
    again = write(centre_a)
    given_up = write(centre_a)
    held = write(centre_a)
    again_id = _running(again, ["w-dead"], ago=timedelta(minutes=1))
    given_up_id = _running(given_up, ["w1", "w2", "w3"], ago=timedelta(minutes=1))
    held_id = _running(held, ["w-alive"], ago=timedelta(minutes=10))
    just_claimed_id = _running(held, ["w-unknown-yet"], ago=timedelta(seconds=1))

    assert worker.recover_interrupted_tasks() == 2
    statuses = {str(pk): status for pk, status in DBTaskResult.objects.values_list("id", "status")}
    assert statuses[again_id] == "READY"
    assert statuses[given_up_id] == "FAILED"
    assert (statuses[held_id], statuses[just_claimed_id]) == ("RUNNING", "RUNNING")
    assert DBTaskResult.objects.get(pk=given_up_id).exception_class_path == "csc.core.worker.TaskInterrupted"

    run_task_worker()
    again.refresh_from_db(), given_up.refresh_from_db()
    assert (again.status, given_up.status, len(mail.outbox)) == ("envoye", "en_attente", 1)
    assert DBTaskResult.objects.get(pk=again_id).worker_ids[:1] == ["w-dead"]
