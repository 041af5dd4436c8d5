"""`manage.py db_worker`: django_tasks_db's command, with the worker CSC needs in production (same
name and options, so that a deployment's service file does not change): it survives a database restart,
writes a heartbeat, and takes back what dead workers left (csc.core.worker). csc.core comes before
django_tasks_db in INSTALLED_APPS, so this command is the one Django finds."""

import logging
import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from csc.core.worker import ResilientWorker


class Command(db_worker.Command):
    help = (
        "Lance le travailleur de tâches (e-mails, exports) : il attend la base de données si elle redémarre, "
        "signale qu'il est en vie et reprend les tâches laissées par un travailleur arrêté."
    )

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        # The worker's own news (database lost and back, tasks taken back) beside the library's.
        csc_logger = logging.getLogger("csc.worker")
        csc_logger.setLevel(logging.CRITICAL if verbosity == 0 else logging.INFO)
        if not csc_logger.hasHandlers():
            csc_logger.addHandler(logging.StreamHandler(self.stderr))

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child that runs the worker
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
