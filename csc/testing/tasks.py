"""Run the real task worker inside a test."""

from unittest import mock

from django.core.management import call_command


def run_task_worker():
    """Run `db_worker --batch` (csc.core.worker): every task due now, then return.

    The worker closes "old" connections between tasks, as a long-running process should; inside a test's
    transaction that would close the test's own connection, so that one call is neutralised here.
    """
    with mock.patch("csc.core.worker.close_old_connections"):
        call_command("db_worker", "--batch", "--interval", "0", "--no-reload", verbosity=0)
