"""The daily e-mail digest of tasks: late, or due within the next few days.

`manage.py send_task_reminders` (cron, once a day) queues one digest per assignee; the task worker
(`manage.py db_worker`) sends it. A digest holds task titles, due dates and a link to « Mes tâches »:
never the task details, the period or the person, which stay behind the login and its second factor.

Each task goes out at most once a day (`Task.reminded_on`): a second run of the command, or two copies
of the same digest in the queue, send nothing more. The digest goes through core's outbound message
service (csc.core.notify), which keeps the record of it and retries it; see `send_task_digest` for how
the tasks and their digest stay together. There is no per-person opt-out: these are work
items given by colleagues with a deadline, the e-mail only comes on days when one is close, and it says
nothing « Mes tâches » does not say. A deployment that wants none does not schedule the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from csc.core import notify
from csc.core.links import absolute_url
from csc.core.models import OutboundMessage

from .models import Task
from .queries import tasks_of

# How far ahead a task counts as « bientôt » in the digest.
DUE_WITHIN_DAYS = 3
PURPOSE = "casework.task_digest"


def _due(tasks: QuerySet[Task], today: date, within_days: int) -> QuerySet[Task]:
    """Open tasks, late or due by `today + within_days`, not yet in a digest today."""
    return tasks.filter(
        Q(reminded_on__isnull=True) | Q(reminded_on__lt=today),
        done_at__isnull=True,
        due_on__lte=today + timedelta(days=within_days),
    )


def tasks_to_remind(user, *, today: date | None = None, within_days: int = DUE_WITHIN_DAYS) -> QuerySet[Task]:
    """The tasks of one digest: the user's own, in periods they may still read (a task left in a period
    they no longer read is not mailed to them), late or due soon, not yet reminded today."""
    today = today or timezone.localdate()
    return _due(tasks_of(user), today, within_days)


def assignees_to_remind(*, today: date | None = None, within_days: int = DUE_WITHIN_DAYS):
    """The active accounts with an e-mail that have at least one task for today's digest."""
    today = today or timezone.localdate()
    candidates = _due(Task.objects.all(), today, within_days).values("assignee_id")
    users = get_user_model().objects.filter(pk__in=candidates, is_active=True).exclude(email="")
    return [
        user
        for user in users.order_by("pk")
        if tasks_to_remind(user, today=today, within_days=within_days).exists()
    ]


def queue_digests(*, today: date | None = None, within_days: int = DUE_WITHIN_DAYS) -> int:
    """Queue one digest per assignee with something to be reminded of; returns how many."""
    today = today or timezone.localdate()
    users = assignees_to_remind(today=today, within_days=within_days)
    for user in users:
        send_task_digest.enqueue(user.pk, within_days)
    return len(users)


@dataclass(frozen=True)
class DigestLine:
    title: str
    due_on: date
    is_late: bool


def _record(user, lines: list[DigestLine], today: date) -> OutboundMessage:
    """Write the digest and record it with core's outbound messages, about the user it goes to."""
    late = [line for line in lines if line.is_late]
    context = {
        "user": user,
        "late": late,
        "soon": [line for line in lines if not line.is_late],
        "today": today,
        "link": absolute_url(reverse("casework:my_tasks")),
    }
    count = len(lines)
    subject = f"CSC — {count} tâche{'s' if count > 1 else ''} à faire"
    if late:
        subject += f", dont {len(late)} en retard"
    return notify.email(
        purpose=PURPOSE,
        to=user.email,
        subject=subject,
        body=render_to_string("casework/emails/task_digest.txt", context),
        html_body=render_to_string("casework/emails/task_digest.html", context),
        about=user,
    )


@task()
def send_task_digest(user_id: int, within_days: int = DUE_WITHIN_DAYS) -> str:
    """Record one person's digest and mark its tasks reminded today in one transaction, then send it.

    The guarantees: no task is in two digests the same day, and a task is marked reminded only together
    with the digest that holds it. The tasks are locked, the digest recorded (csc.core.notify) and the
    tasks marked in the same transaction: a second copy of this task waits for the lock, then finds
    nothing; if writing the digest fails, nothing is marked.

    The e-mail itself leaves after the commit, sent at once by this task (`notify.deliver`), and no
    longer while the rows are locked: a slow mail server used to hold the social workers' tasks locked
    (completing one waited for it), and a failing one lost the day's reminder, since the cron runs once a
    day. Now a failure is retried by notify (1, 5, 30 minutes) with the same digest, never a second one,
    and shows in the record of messages; if every try fails, the tasks stay marked for today and come
    back in tomorrow's digest, as any task still due does. The copy notify also queues on commit is the
    safety net if this process dies before sending; its claim makes sure only one of the two sends."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return "no recipient"
    today = timezone.localdate()
    with transaction.atomic():
        ids = list(tasks_to_remind(user, today=today, within_days=within_days).values_list("pk", flat=True))
        due = list(
            Task.objects.select_for_update()
            .filter(pk__in=ids)
            .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
            .order_by("due_on", "id")
        )
        if not due:
            return "nothing to send"
        lines = [DigestLine(title=t.title, due_on=t.due_on, is_late=t.due_on < today) for t in due]
        message = _record(user, lines, today)
        # A queryset update, not save(): the reminder date is bookkeeping, not a change of the task that
        # the journal should show every morning.
        Task.objects.filter(pk__in=[t.pk for t in due]).update(reminded_on=today)
    return f"{notify.deliver(message)} {len(due)}"
