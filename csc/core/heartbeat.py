"""Which task workers are alive: each writes a heartbeat every few seconds, and what a worker claimed
(a task, a message) is held on a lease that lasts as long as its heartbeat is fresh.

- `beat(worker_id)` records that a worker is alive (its own thread calls it, csc.core.worker).
- `live_worker_ids()` are the workers whose last beat is younger than the lease; what any other worker
  claimed was interrupted.
- `current_worker` names the worker running the current task, for whoever claims something in it
  (csc.core.notify records `worker_id()` on the message it sends).
- With the tasks on Redis (csc.core.redis_queue), RQ's workers beat in Redis: they count as alive
  while RQ lists them.

The lease is long next to the beat (30 s against 5 s): a worker busy on a long PDF still beats from
its own thread, and one slow write of the beat is not taken for a death.
"""

from __future__ import annotations

import os
import socket
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import redis_queue
from .models import WorkerHeartbeat

current_worker: ContextVar[str] = ContextVar("current_worker", default="")


def beat_interval() -> float:
    return float(getattr(settings, "CSC_WORKER_HEARTBEAT_SECONDS", 5))


def lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "CSC_WORKER_LEASE_SECONDS", 30)))


def beat(worker_id: str) -> None:
    """Record that this worker is alive now (one UPDATE; an INSERT the first time)."""
    now = timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now):
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "beat_at": now,
                "started_at": now,
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
            },
        )


def stop(worker_id: str) -> None:
    """A worker leaving cleanly: it holds nothing any more."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_worker_ids() -> set[str]:
    alive = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=timezone.now() - lease()).values_list(
            "worker_id", flat=True
        )
    )
    if redis_queue.in_use():  # the tasks run in RQ's workers, which beat in Redis
        alive |= set(redis_queue.live_workers())
    return alive


def worker_id() -> str:
    """The worker running the current task: CSC's database worker, or an RQ worker; « » outside one."""
    return current_worker.get() or (redis_queue.current_worker() if redis_queue.in_use() else "")


def last_beat():
    """When the freshest heartbeat was written, or None when no worker ever beat (for /healthz)."""
    return WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


def forget_dead(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Drop the heartbeats of workers gone for long: they held nothing that is not taken back already."""
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - older_than).delete()
    return deleted
