"""The task worker CSC runs (`manage.py db_worker`): the database backend's worker, made to last.

- **The database may go away** (a restart, a failover, a network cut): the worker does not exit. It
  closes its connections, waits (0.5 s, then longer, at most `MAX_PAUSE`), and goes on when the database
  answers again. A task that lost the database while running is not failed: it goes back to the queue.
- **A worker may die** (killed, the machine lost): each worker writes a heartbeat every few seconds
  from its own thread (csc.core.heartbeat), so that a task it claimed is held only while it lives. Every
  worker takes back, every `RECOVERY_EVERY` seconds, what dead workers left: a running task goes back to
  the queue, and is failed (`TaskInterrupted`) after `MAX_TASK_CLAIMS` interrupted runs, so that a task
  that kills its worker does not kill them all in turn; a message being sent is handled by
  `notify.recover_stalled` (back to the queue if it had not reached the carrier, « peut-être parti » if
  it had).

A task may therefore run more than once: every task must be idempotent (the messages are: a claim
guards each sending).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError, close_old_connections, connection, connections
from django.utils import timezone
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, TaskResultStatus
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import heartbeat, notify

logger = logging.getLogger("csc.worker")

# What a lost database raises, whatever the engine (a restart, a refused connection, a cut socket).
CONNECTION_ERRORS = (OperationalError, InterfaceError)
MAX_PAUSE = 2.0
RECOVERY_EVERY = 10.0
MAX_TASK_CLAIMS = 3


class TaskInterrupted(Exception):
    """Recorded as the failure of a task whose runs were interrupted `MAX_TASK_CLAIMS` times."""


def is_connection_error(error: BaseException) -> bool:
    return isinstance(error, CONNECTION_ERRORS) and not is_locked_database_exception(error)


def recover_interrupted_tasks(backend_name: str = "default") -> int:
    """Put back in the queue the tasks whose worker died while running them (no heartbeat within the
    lease); fail those interrupted `MAX_TASK_CLAIMS` times. Returns how many tasks it touched."""
    live = heartbeat.live_worker_ids()
    started_before = timezone.now() - heartbeat.lease()
    running = DBTaskResult.objects.running().filter(backend_name=backend_name, started_at__lt=started_before)
    touched = 0
    for task_id, worker_ids, started_at in running.values_list("id", "worker_ids", "started_at"):
        if worker_ids and worker_ids[-1] in live:
            continue
        # Conditional on the claim we saw: a worker that claims it again meanwhile keeps it.
        same_claim = DBTaskResult.objects.filter(
            pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids) >= MAX_TASK_CLAIMS:
            touched += same_claim.update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path=f"{__name__}.TaskInterrupted",
                traceback=f"Tâche interrompue {len(worker_ids)} fois : son travailleur s'est arrêté.",
            )
        else:
            touched += same_claim.update(status=TaskResultStatus.READY, started_at=None)
    if touched:
        logger.warning("%s interrupted task(s) taken back", touched)
    return touched


def recover(backend_name: str = "default") -> int:
    """Everything a dead worker may have left: its tasks, its messages, its old heartbeats."""
    touched = recover_interrupted_tasks(backend_name) + notify.recover_stalled()
    heartbeat.forget_dead()
    return touched


class HeartbeatThread(threading.Thread):
    """Beats for its worker every few seconds, also while a long task runs, on its own connection."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(heartbeat.beat_interval()):
                try:
                    heartbeat.beat(self.worker_id)
                except CONNECTION_ERRORS:
                    # The main loop reports the outage; the next beat tries a new connection.
                    connection.close_if_unusable_or_obsolete()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()


class ResilientWorker(Worker):
    """django_tasks_db's worker, with the heartbeat, the recovery and the reconnection above."""

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        self._down_since: float | None = None
        self._pause = 0.5
        self._next_recovery = 0.0
        self._orphan: tuple[str, object] | None = None
        self._beater = None if self.batch else HeartbeatThread(self.worker_id)
        try:
            self._guarded(lambda: heartbeat.beat(self.worker_id))
            if self._beater:
                self._beater.start()
            while self.running:
                outcome = self._guarded(self._step)
                if outcome == "stop":
                    return
        finally:
            if self._beater:
                self._beater.stop()
            with contextlib.suppress(*CONNECTION_ERRORS):  # its lease runs out by itself
                heartbeat.stop(self.worker_id)

    def _guarded(self, step):
        """Run one step; on a lost database, wait and report instead of exiting."""
        try:
            result = step()
        except CONNECTION_ERRORS as error:
            if not is_connection_error(error):
                # SQLite busy with another writer: it unlocks soon; wait as for an empty queue.
                time.sleep(self.interval)
                return None
            self._database_away(error)
            return None
        if self._down_since is not None:
            logger.warning(
                "Database back after %.1fs: worker %s goes on",
                time.monotonic() - self._down_since,
                self.worker_id,
            )
            self._down_since = None
            self._pause = 0.5
        return result

    def _database_away(self, error: BaseException) -> None:
        if self._down_since is None:
            self._down_since = time.monotonic()
            logger.warning(
                "Database unreachable (%s): worker %s waits for it", type(error).__name__, self.worker_id
            )
        for alias in connections:
            # A broken connection may fail to close; it is dropped all the same.
            with contextlib.suppress(Exception):
                connections[alias].close()
        if self.running:
            time.sleep(self._pause)
            self._pause = min(self._pause * 2, MAX_PAUSE)

    def _step(self) -> str | None:
        """One turn of the loop: take back what is ours or the dead's, claim a task, run it."""
        close_old_connections()
        if self._orphan:
            task_id, started_at = self._orphan
            DBTaskResult.objects.filter(
                pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
            ).update(status=TaskResultStatus.READY, started_at=None)
            self._orphan = None
        if time.monotonic() >= self._next_recovery:
            recover(self.backend_name)
            self._next_recovery = time.monotonic() + RECOVERY_EVERY
        if not self._beater:
            heartbeat.beat(self.worker_id)

        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is not None:
            self.run_task(task_result)
        if self.batch and task_result is None:
            logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
            return "stop"
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            return "stop"
        close_old_connections()
        if self.running and task_result is None:
            time.sleep(self.interval)
        return None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run a claimed task and record its outcome, as the backend's worker does, except that a task
        which lost the database is not failed: it goes back to the queue once the database answers."""
        self.running_task = True
        token = heartbeat.current_worker.set(self.worker_id)
        try:
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except BaseException as error:
            # Whatever happens next, a lost database means: run it again once it is back.
            self._orphan = (db_task_result.pk, db_task_result.started_at)
            if is_connection_error(error):
                raise
            db_task_result.set_failed(error)
            self._orphan = None
            try:
                sender = type(db_task_result.task.get_backend())
            except (ImportError, SuspiciousOperation):
                logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
            else:
                task_finished.send(sender=sender, task_result=db_task_result.task_result)
        finally:
            heartbeat.current_worker.reset(token)
            self.running_task = False
            self._run_tasks += 1
