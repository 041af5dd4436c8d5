"""The task queue on Redis (CSC_TASKS_BACKEND=django_tasks_rq.RQBackend, `manage.py rqworker`): what
/healthz and notify's recovery need to know of its workers and its queue, read from RQ's own records.

RQ workers keep their own heartbeats: each is registered in Redis under a key that expires when it stops
beating (`--worker-ttl`, 420 s by default; the deploy examples set 60 s), so a worker listed is a worker
alive. CSC names them « rq:<name> » where it records who claimed a message (csc.core.heartbeat), so that
`notify.recover_stalled` takes back what a dead RQ worker held, as it does for the database's workers.
The queue's age is the wait of its oldest job: queued first, or scheduled for a moment already past (a
retry that the scheduler did not move to the queue).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings

RQ_BACKEND = "django_tasks_rq.RQBackend"
PREFIX = "rq:"


def in_use() -> bool:
    return settings.TASKS["default"]["BACKEND"] == RQ_BACKEND


def _queue():
    import django_rq

    return django_rq.get_queue("default")


def live_workers() -> dict[str, datetime | None]:
    """The RQ workers registered on the queue (RQ drops those that stopped beating), by CSC's name for
    them, with their last heartbeat."""
    from rq import Worker

    return {f"{PREFIX}{worker.name}": worker.last_heartbeat for worker in Worker.all(queue=_queue())}


def last_beat() -> datetime | None:
    return max((beat for beat in live_workers().values() if beat), default=None)


def oldest_due() -> datetime | None:
    """Since when the oldest job due has waited: enqueued first, or scheduled for a moment past."""
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    queue = _queue()
    moments = []
    first = queue.get_job_ids(0, 1)
    if first:
        job = Job.fetch(first[0], connection=queue.connection)
        if job.enqueued_at:
            moments.append(job.enqueued_at)
    scheduled = ScheduledJobRegistry(queue=queue)
    now = datetime.now(UTC).timestamp()
    for _, score in queue.connection.zrangebyscore(scheduled.key, 0, now, start=0, num=1, withscores=True):
        moments.append(datetime.fromtimestamp(score, UTC))
    return min(moments, default=None)


def current_worker() -> str:
    """CSC's name for the RQ worker running the current job, or « » outside one."""
    from rq import get_current_job

    job = get_current_job()
    # RQ's default names are 32 characters; a --name longer than the claim's column is cut.
    return f"{PREFIX}{job.worker_name}"[:64] if job is not None and job.worker_name else ""
