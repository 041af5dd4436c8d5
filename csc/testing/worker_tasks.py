"""Tasks the worker's tests enqueue for a worker started as a command: they live in the code base, so
that the other process imports them by name as it would a real task."""

import time

from django_tasks import task

from csc.core import notify


@task(takes_context=True)
def pause_then_deliver(context, message_id: int, seconds: float) -> str:
    """Wait on the first run only (long enough for the test to kill the worker), then send a message:
    the second run, after the kill, sends it at once."""
    if context.attempt == 1:
        time.sleep(seconds)
    return notify.deliver(message_id)
