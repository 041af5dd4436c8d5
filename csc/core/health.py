"""What `/healthz` reports: the database answers (the load balancer takes a node out when it does not),
a task worker is alive, and how long the oldest task due has waited (the e-mails and exports are late
when it grows). Three small queries, no lock: the load balancer asks every few seconds. With the tasks
on Redis (CSC_TASKS_BACKEND=django_tasks_rq.RQBackend), the worker and the queue are RQ's."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.models import Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import heartbeat, redis_queue

# A queue whose oldest task due waited this long means no worker keeps up (a message is due at once).
QUEUE_LATE = timedelta(minutes=5)


def report() -> tuple[dict, int]:
    """The body and the HTTP status of /healthz: 503 only when the database does not answer, since a
    node without its database serves nothing; a worker down or a late queue is « dégradé » (200): the
    pages still work, and the node must stay in the load balancer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        now = timezone.now()
        if not redis_queue.in_use():
            last_beat = heartbeat.last_beat()
            oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
    except Exception:  # noqa: BLE001 — any database failure means "not healthy", whatever the driver raises
        return {"status": "erreur", "database": "injoignable"}, 503
    if redis_queue.in_use():
        # The tasks on Redis (csc.core.redis_queue): RQ's workers and queue. A Redis that does not
        # answer leaves the pages working: « dégradé », and the node stays in the load balancer.
        try:
            last_beat, oldest = redis_queue.last_beat(), redis_queue.oldest_due()
        except Exception:  # noqa: BLE001 — whatever redis-py raises, the queue is out of reach
            return {
                "status": "degrade",
                "database": "ok",
                "worker": {"status": "inconnu", "last_beat_s": None},
                "queue": {"status": "injoignable", "oldest_s": None},
            }, 200
    # RQ lists only the workers that beat within their ttl; an idle one beats every few minutes.
    worker_alive = last_beat is not None and (redis_queue.in_use() or now - last_beat <= heartbeat.lease())
    queue_age = (now - oldest) if oldest else timedelta(0)
    body = {
        "status": "ok" if worker_alive and queue_age < QUEUE_LATE else "degrade",
        "database": "ok",
        "worker": {
            "status": "ok" if worker_alive else "absent",
            "last_beat_s": round((now - last_beat).total_seconds(), 1) if last_beat else None,
        },
        "queue": {"oldest_s": round(queue_age.total_seconds(), 1)},
    }
    return body, 200
