"""Background work of the module, run by `manage.py db_worker`."""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Notification

# Tries before reception is told the e-mail failed; the waits grow (1, 5, 30 minutes).
MAX_ATTEMPTS = 4
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]


@task()
def send_notification(notification_id: int) -> str:
    """Send one family e-mail (with the PDF summary when asked). On failure, try again later; after
    the last try, the notification shows as failed in the request, where reception can resend it."""
    notification = Notification.objects.select_related("request__centre").filter(pk=notification_id).first()
    if notification is None or notification.status == Notification.Status.SENT:
        return "nothing to do"
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        to=[notification.to],
        reply_to=[notification.request.centre.email] if notification.request.centre.email else None,
    )
    try:
        if notification.attach_summary:
            from .documents import summary_pdf

            message.attach(
                f"demande-{notification.request.reference}.pdf",
                summary_pdf(notification.request),
                "application/pdf",
            )
        message.send()
    except Exception as error:  # noqa: BLE001 — any failure of the mail server or the PDF is retried
        notification.attempts += 1
        notification.last_error = f"{type(error).__name__}: {error}"[:255]
        if notification.attempts >= MAX_ATTEMPTS:
            notification.status = Notification.Status.FAILED
        notification.save(update_fields=["attempts", "last_error", "status"])
        if notification.status != Notification.Status.FAILED:
            delay = RETRY_DELAYS[min(notification.attempts, len(RETRY_DELAYS)) - 1]
            send_notification.using(run_after=timezone.now() + delay).enqueue(notification.pk)
        return "failed"
    notification.attempts += 1
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return "sent"


def resend(notification: Notification) -> Notification:
    """Reception asks for a failed e-mail to be sent again (after fixing the address, for instance)."""
    notification.status = Notification.Status.PENDING
    notification.attempts = 0
    notification.to = notification.request.email
    notification.save(update_fields=["status", "attempts", "to"])
    transaction.on_commit(lambda: send_notification.enqueue(notification.pk))
    return notification
