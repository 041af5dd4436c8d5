"""Every message the platform sends to somebody goes through here: one record per message and recipient
(`OutboundMessage`: what, to whom, when, through which channel, and whether it left), delivery by the
task worker after the caller's transaction commits, retries that never send the same message twice.

    message = notify.email(purpose="<app>.<what>", to=..., subject=..., body=...,
                           centre=centre, about=obj, attachments=[("<app>.<builder>", {...})])

- `email()` records the message and queues its sending for after the caller's commit: a page never waits
  for a mail server, and a change rolled back sends nothing.
- `deliver()` sends one recorded message now, in the calling process. The task calls it; so may a running
  task that wants its message out in its own run (a daily digest).
- A failure is tried again after 1, 5 and 30 minutes; after `MAX_ATTEMPTS` the message is failed, with
  the error, and staff may `resend()` it.
- A worker claims a message by a conditional update (pending → sending) before sending: of two copies
  of the same task, or of a retry and a resend, only one sends; a sent message is never sent again.
- A worker that dies while sending: the message goes back to the queue if it had not reached the
  carrier yet, and is marked « peut-être parti » if it had (`recover_stalled`, run by the worker).
- Channels are senders registered by name (`register_channel`); « email » goes through Django's mail
  backends (so a provider's backend, django-anymail for instance, is a setting). The SMS channel of the
  Alertes issue registers itself the same way, and its messages are recorded with `record(channel=…)`.
- Attachments are registered builders (`register_attachment`), called at sending time with the arguments
  stored in the message; a module registers its builders from its `AppConfig.ready()`, next to its
  `Module` (they are wiring of the sending, not what the platform shows of a module, so they stay here).

Modules find their messages with `messages_about(obj)`; the people module reaches the messages sent to a
person's address with `messages_to()` and blanks them with `forget_recipient()`, and those older than
a centre's retention with `forget_older_than()`.

This module is the only one that imports Django's mail senders (a test checks it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from . import heartbeat
from .models import Centre, OutboundMessage

logger = logging.getLogger(__name__)

Status = OutboundMessage.Status
EMAIL = "email"

# Tries before a message shows as failed; the waits between them grow (1, 5, 30 minutes): a mail server
# down for a restart is waited for, one down for the day is reported within the hour.
MAX_ATTEMPTS = 4
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
# What the record keeps of a secret message's text once its attempts are over.
SECRET_PLACEHOLDER = "[Texte non conservé : il contenait un lien de connexion.]"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


Sender = Callable[[OutboundMessage, list[Attachment]], None]
AttachmentBuilder = Callable[..., Attachment]

_channels: dict[str, Sender] = {}
_attachment_builders: dict[str, AttachmentBuilder] = {}


class NotifyError(Exception):
    """A message that cannot be recorded as asked (unknown channel or attachment builder)."""


# --- registration ------------------------------------------------------------------------------------


def register_channel(name: str, sender: Sender) -> None:
    """Make a channel available: `sender(message, attachments)` hands the message to its carrier and
    raises on any failure (the message is then retried). Called once, from an `AppConfig.ready()`."""
    _channels[name] = sender


def register_attachment(name: str, builder: AttachmentBuilder) -> None:
    """Name a function that builds an attachment from JSON-able keyword arguments, so that a message can
    be recorded with the name and the arguments, and the file built only when the message is sent.
    Called from the owning module's `AppConfig.ready()`; the name is « app.what »."""
    _attachment_builders[name] = builder


def _send_email(message: OutboundMessage, attachments: list[Attachment]) -> None:
    """The e-mail channel: Django's configured mail backend (SMTP, console, or a provider's)."""
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        reply_to=[message.reply_to] if message.reply_to else None,
    )
    if message.html_body:
        mail.attach_alternative(message.html_body, "text/html")
    for attachment in attachments:
        mail.attach(attachment.filename, attachment.content, attachment.mimetype)
    mail.send()


register_channel(EMAIL, _send_email)


# --- recording ---------------------------------------------------------------------------------------


def about_key(obj: models.Model) -> tuple[str, int]:
    """The (type, id) pair a message records for the object it is about: « app_label.model », pk."""
    return obj._meta.label_lower, obj.pk


def email(
    *,
    purpose: str,
    to: str,
    subject: str,
    body: str,
    html_body: str = "",
    reply_to: str = "",
    centre: Centre | int | None = None,
    about: models.Model | None = None,
    attachments: Sequence[tuple[str, dict]] = (),
    secret: bool = False,
    queue: bool = True,
) -> OutboundMessage:
    """Record an e-mail to one address and queue it for sending once the caller's transaction commits.

    `purpose` names what the message is for (« staff.invitation », « auth.password_reset »…); `about` is
    the object it concerns, found again with `messages_about`; `attachments` are (builder name, keyword
    arguments) pairs, built at sending time; `secret` marks a message carrying a login link, whose text
    is dropped from the record once sent. `queue=False` leaves the sending to the caller, who then calls
    `deliver(message)` itself (after its own transaction).
    """
    return record(
        channel=EMAIL,
        purpose=purpose,
        to=to.strip(),
        subject=" ".join(subject.split())[:255],
        body=body,
        html_body=html_body,
        reply_to=reply_to,
        centre=centre,
        about=about,
        attachments=attachments,
        secret=secret,
        queue=queue,
    )


def record(
    *,
    channel: str,
    purpose: str,
    to: str,
    body: str,
    subject: str = "",
    html_body: str = "",
    reply_to: str = "",
    centre: Centre | int | None = None,
    about: models.Model | None = None,
    attachments: Sequence[tuple[str, dict]] = (),
    secret: bool = False,
    queue: bool = True,
) -> OutboundMessage:
    """Record a message for any registered channel and queue it after the caller's commit, as `email()`
    does for e-mails: the entry point of a channel added later (an SMS: `to` is the number, `body` the
    text). The channel's sender reads from the record what it needs."""
    if channel not in _channels:
        raise NotifyError(f"Unknown channel {channel!r}")
    for name, _arguments in attachments:
        if name not in _attachment_builders:
            raise NotifyError(f"Unknown attachment builder {name!r}")
    about_type, about_id = about_key(about) if about is not None else ("", None)
    message = OutboundMessage.objects.create(
        channel=channel,
        purpose=purpose,
        centre_id=centre.pk if isinstance(centre, Centre) else centre,
        recipient=to,
        subject=subject,
        body=body,
        html_body=html_body,
        reply_to=reply_to,
        about_type=about_type,
        about_id=about_id,
        attachments=[{"builder": name, "arguments": dict(arguments)} for name, arguments in attachments],
        secret=secret,
    )
    if queue:
        _enqueue_after_commit(message.pk)
    return message


def _enqueue_after_commit(message_id: int) -> None:
    # After the commit, not before: the worker of another process (or of Redis) must find the row, and
    # a change rolled back must send nothing.
    transaction.on_commit(lambda: send_message.enqueue(message_id))


# --- sending -----------------------------------------------------------------------------------------


@task()
def send_message(message_id: int) -> str:
    """The worker's side of `email()`: deliver one recorded message (see `deliver`)."""
    return deliver(message_id)


def deliver(message: OutboundMessage | int) -> str:
    """Send one recorded message now, in this process, unless it is sent, failed, being sent by another
    worker, or waiting for its next try. Returns what happened: « sent », « retry », « failed » or
    « nothing to do ». A failure of the carrier never raises: it is recorded and tried again later.

    The message is claimed first by a conditional update (pending → sending), in the name of the worker
    running this task: two copies of the same task, or a retry and a resend racing, cannot both send it.
    The moment the sending reaches the carrier is written down (`handed_at`) before the carrier is
    called. If this process dies before that moment, nothing left: `recover_stalled()` puts the message
    back in the queue once the worker's lease has run out. If it dies after, the message may have left:
    it is marked « peut-être parti » for staff to check, never sent twice by itself. Once the carrier
    has it, its fate is written even across a database outage (`_write_down`).
    """
    message_id = message.pk if isinstance(message, OutboundMessage) else message
    now = timezone.now()
    claimed = (
        OutboundMessage.objects.filter(pk=message_id, status=Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        # While « sending », next_attempt_at holds when the claim was made (for recover_stalled).
        .update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now,
            claimed_by=heartbeat.worker_id(),
            handed_at=None,
        )
    )
    if not claimed:
        return "nothing to do"
    message = OutboundMessage.objects.get(pk=message_id)
    try:
        if not message.recipient:
            raise NotifyError("Pas de destinataire (données effacées ?)")
        # Built before the carrier is called: the slow part (a PDF) falls in the window where an
        # interruption is harmless.
        attachments = [
            _attachment_builders[item["builder"]](**item["arguments"]) for item in message.attachments
        ]
    except Exception as error:  # noqa: BLE001 — a builder's failure is retried like the carrier's
        return _failed(message, error)
    OutboundMessage.objects.filter(pk=message.pk).update(handed_at=timezone.now())
    try:
        _channels[message.channel](message, attachments)
    except Exception as error:  # noqa: BLE001 — any failure of the carrier is retried
        return _failed(message, error)
    _write_down(
        message.pk,
        status=Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
        **_forgotten_text(message),
    )
    return "sent"


# How long a worker that handed a message to the carrier keeps trying to write it down while the
# database is away (a restart takes seconds, a failover a minute or two).
WRITE_DOWN_PATIENCE = timedelta(minutes=10)


def _write_down(message_id: int, **changes) -> None:
    """Record what became of a message the carrier already has. If the database is away at that moment
    (restarting), wait for it: raising would leave the message « sending », and it would end up
    « peut-être parti » although it did leave. Inside a transaction nothing can be retried: raise."""
    deadline = time.monotonic() + WRITE_DOWN_PATIENCE.total_seconds()
    pause = 0.5
    while True:
        try:
            OutboundMessage.objects.filter(pk=message_id).update(**changes)
            return
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block or time.monotonic() > deadline:
                raise
            logger.warning("Message %s sent; database away, writing it down again in %ss", message_id, pause)
            connection.close_if_unusable_or_obsolete()
            time.sleep(pause)
            pause = min(pause * 2, 15)


def _failed(message: OutboundMessage, error: Exception) -> str:
    final = message.attempts >= MAX_ATTEMPTS
    error_text = f"{type(error).__name__}: {error}"[:255]
    logger.warning("Message %s not sent (attempt %s): %s", message.pk, message.attempts, error_text)
    if final:
        _write_down(
            message.pk,
            status=Status.FAILED,
            last_error=error_text,
            next_attempt_at=None,
            handed_at=None,
            **_forgotten_text(message),
        )
        return "failed"
    run_after = timezone.now() + RETRY_DELAYS[min(message.attempts, len(RETRY_DELAYS)) - 1]
    _write_down(
        message.pk, status=Status.PENDING, last_error=error_text, next_attempt_at=run_after, handed_at=None
    )
    # Queued at once, not after a commit: this runs in a worker, in autocommit, and the retry must be
    # queued even if the caller's test or task wraps everything in one transaction.
    send_message.using(run_after=run_after).enqueue(message.pk)
    return "retry"


def _forgotten_text(message: OutboundMessage) -> dict:
    return {"body": SECRET_PLACEHOLDER, "html_body": ""} if message.secret else {}


# A message may be sent again by staff when it failed, or when nobody can tell whether it left.
RESENDABLE = (Status.FAILED, Status.UNCERTAIN)


def resend(message: OutboundMessage, *, to: str | None = None) -> bool:
    """Send a failed message again, from its first try, to `to` when the address was corrected (reception
    fixed a family's address); queued after the caller's commit. Also a message « peut-être parti »,
    once staff checked it did not arrive. Returns False, changing nothing, when the message is not
    failed (sent meanwhile, or already being resent) or its text was not kept."""
    if message.secret:
        return False
    changes = {
        "status": Status.PENDING,
        "attempts": 0,
        "next_attempt_at": None,
        "claimed_by": "",
        "handed_at": None,
    }
    if to:
        changes["recipient"] = to.strip()
    updated = OutboundMessage.objects.filter(pk=message.pk, status__in=RESENDABLE).update(**changes)
    if not updated:
        return False
    message.refresh_from_db()
    _enqueue_after_commit(message.pk)
    return True


UNCERTAIN_ERROR = (
    "Envoi interrompu pendant la remise au serveur d'envoi : le message est peut-être parti. "
    "Vérifiez auprès du destinataire avant de le renvoyer."
)


def recover_stalled(*, older_than: timedelta = timedelta(minutes=30)) -> int:
    """Put back on track what a lost worker left behind; returns how many messages it touched.

    - A pending message whose task never ran for `older_than` (the queue lost it, or the process died
      between the commit and the enqueue) is queued again.
    - A message left « sending » by a worker that is no longer alive (its heartbeat older than the
      lease, csc.core.heartbeat), or for `older_than` when it was claimed outside any worker: if it
      never reached the carrier it goes back to the queue; if it did, it is « peut-être parti ».

    The task worker runs this every few seconds (csc.core.worker); `manage.py recover_messages` too.
    """
    now = timezone.now()
    cutoff = now - older_than
    waiting = OutboundMessage.objects.filter(status=Status.PENDING).filter(
        Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at__isnull=True, created_at__lt=cutoff)
    )
    requeue = set(waiting.values_list("pk", flat=True))
    interrupted = OutboundMessage.objects.filter(status=Status.SENDING).filter(
        Q(claimed_by="", next_attempt_at__lt=cutoff)
        | (
            ~Q(claimed_by="")
            & ~Q(claimed_by__in=heartbeat.live_worker_ids())
            & Q(next_attempt_at__lt=now - heartbeat.lease())
        )
    )
    never_handed = list(interrupted.filter(handed_at__isnull=True).values_list("pk", "claimed_by"))
    for message_id, claimed_by in never_handed:
        # Conditional: a worker that was only slow and finishes now keeps what it wrote.
        if OutboundMessage.objects.filter(pk=message_id, status=Status.SENDING, claimed_by=claimed_by).update(
            status=Status.PENDING, next_attempt_at=None, claimed_by=""
        ):
            requeue.add(message_id)
    uncertain = interrupted.filter(handed_at__isnull=False).update(
        status=Status.UNCERTAIN, last_error=UNCERTAIN_ERROR
    )
    for message_id in sorted(requeue):
        # A duplicate of a task still in the queue does no harm: the claim lets one of them send.
        send_message.enqueue(message_id)
    return len(requeue) + uncertain


# --- reading and forgetting --------------------------------------------------------------------------


def messages_about(obj: models.Model) -> QuerySet[OutboundMessage]:
    """The messages recorded about an object, newest first."""
    about_type, about_id = about_key(obj)
    return OutboundMessage.objects.filter(about_type=about_type, about_id=about_id)


def failed_about(model: type[models.Model], outer_ref: str = "pk") -> models.Exists:
    """An expression for annotating a queryset of `model`: has at least one message failed or « peut-être
    parti » (both wait for staff)."""
    return models.Exists(
        OutboundMessage.objects.filter(
            about_type=model._meta.label_lower,
            about_id=models.OuterRef(outer_ref),
            status__in=RESENDABLE,
        )
    )


# A message still waiting this long has a problem (no worker running, a carrier down for long): it shows
# on the staff's page with the failed ones. A normal one leaves within seconds, a retried one within 36
# minutes (1 + 5 + 30).
LATE_AFTER = timedelta(hours=1)


# What the staff's page shows of a message (not its text: it may be long, and it is not needed to decide).
LISTED_FIELDS = ("pk", "recipient", "subject", "status", "last_error", "created_at", "attempts", "secret")


def needing_attention(centre: Centre | int) -> QuerySet[OutboundMessage]:
    """A centre's messages that wait for staff: failed, « peut-être parti », or late; newest first."""
    centre_id = centre.pk if isinstance(centre, Centre) else centre
    late = Q(status__in=[Status.PENDING, Status.SENDING], created_at__lt=timezone.now() - LATE_AFTER)
    return OutboundMessage.objects.filter(Q(status__in=RESENDABLE) | late, centre_id=centre_id)


def messages_to(recipients: Iterable[str], *, centre: Centre | int) -> QuerySet[OutboundMessage]:
    """The messages a centre sent to any of these addresses (a person's data export)."""
    addresses = [address.strip() for address in recipients if address and address.strip()]
    if not addresses:
        return OutboundMessage.objects.none()
    match = Q()
    for address in addresses:
        match |= Q(recipient__iexact=address)
    centre_id = centre.pk if isinstance(centre, Centre) else centre
    return OutboundMessage.objects.filter(match, centre_id=centre_id)


def forget_recipient(recipients: Iterable[str], *, centre: Centre | int) -> int:
    """Blank the address and the text of the messages a centre sent to these addresses (a person
    anonymised or erased); what was sent when, for which purpose, stays for the figures. A message not
    sent yet is dropped from the queue (failed), since it has nobody to go to any more."""
    messages = messages_to(recipients, centre=centre)
    messages.filter(status__in=[Status.PENDING, Status.SENDING]).update(
        status=Status.FAILED, last_error="Destinataire effacé."
    )
    return messages.update(recipient="", subject="", body="", html_body="", reply_to="", attachments=[])


def forget_older_than(before, *, centre: Centre | int) -> int:
    """Blank the address and the text of a centre's messages created before `before` (the centre's
    retention period, applied with its people's): the record of what was sent stays, not to whom."""
    centre_id = centre.pk if isinstance(centre, Centre) else centre
    return (
        OutboundMessage.objects.filter(centre_id=centre_id, created_at__lt=before)
        .exclude(status__in=[Status.PENDING, Status.SENDING])
        .exclude(recipient="", body="")
        .update(recipient="", subject="", body="", html_body="", reply_to="", attachments=[])
    )
