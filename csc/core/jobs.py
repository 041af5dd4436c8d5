"""Long work in the background (« travaux »): an export of 10,000 rows, a network's PDF, an attendance
import — later an invoicing run or a campaign. The page that asks starts a job and sends the person to
the job's page, which shows a progress bar and then the file to download; the person may leave and come
back, and is told by e-mail (through csc.core.notify) when it is done.

    jobs.register("activities.network_report", runner, "Bilan de vos centres", unit="étapes")  # ready()
    job = jobs.start("activities.network_report", user=request.user, centre=centre,
                     centre_ids=[...], parameters={...}, label="Bilan de vos centres — mars 2026 (PDF)")
    return redirect(job)

A runner is `runner(parameters, progress, user) -> Result`: it reads the JSON parameters the view gave,
calls `progress(done, total, step="")` as it goes (cheap: the row is written at most every half second,
or when the step or the total changes), and returns a `Result` — a file (name, bytes or a binary file
object, mimetype) or, for work without a file (an import), a `summary` dict. It raises `JobError` with a
French sentence for a failure the person can act on; any other exception fails the job with a generic
French message (and is logged).

Safe to run again: the task worker may run a job twice (a duplicate task) or again from the start (the
worker died and its lease ran out). Each run claims the job with a conditional update and a new token,
resets the progress, and recomputes everything; a run whose token was replaced stops writing. The file
is written to the default storage (never a path: the storage becomes S3) only once complete, under
jobs/<id>/, after removing what a killed run may have left there, and the job names it only then: a
killed job leaves nothing half-written to download. A runner that writes to the database does it in
one transaction (the import does), so that a run started again finds nothing of the first one.

Only the person who asked sees the job and its file (a 404 for anybody else, a colleague of the same
centre included), and only while they can still see every centre whose data it holds. Files are
deleted after `KEPT_DAYS` by `expire()` (`manage.py expire_jobs`, cron).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.text import get_valid_filename
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from . import notify
from .links import absolute_url
from .models import Centre, Job
from .tenancy import visible_centre_ids

logger = logging.getLogger(__name__)

Status = Job.Status
# How long a result stays downloadable; the e-mail says it.
KEPT_DAYS = 7
ABANDONED_DAYS = 30
# The progress row is written at most this often (and whenever the step or the total changes).
PROGRESS_INTERVAL_S = 0.5
UNEXPECTED = (
    "Une erreur inattendue a interrompu ce travail. Relancez-le ; si l'erreur revient, prévenez "
    "l'administrateur de la plateforme."
)
GIVEN_UP = (
    "Ce travail a été interrompu plusieurs fois (le serveur s'est arrêté pendant qu'il tournait) : il "
    "n'a pas abouti. Relancez-le ; si cela se reproduit, prévenez l'administrateur de la plateforme."
)
UNKNOWN_KIND = "Ce type de travail n'existe plus sur la plateforme : il ne peut pas être mené à bien."


class JobError(Exception):
    """A failure the person can understand: the message is French and says what to do."""


class Superseded(Exception):
    """This run was replaced by another (its worker was presumed dead): it stops without writing."""


@dataclass(frozen=True)
class Result:
    """What a runner hands back: a file (`filename`, `content` as bytes or a binary file object,
    `mimetype`), or only a `summary` (JSON-able) shown on the job's page, or both."""

    filename: str = ""
    content: bytes | IO[bytes] | None = None
    mimetype: str = "application/octet-stream"
    summary: dict = field(default_factory=dict)


Runner = Callable[..., Result]


@dataclass(frozen=True)
class Kind:
    name: str
    runner: Runner
    label: str
    unit: str


_kinds: dict[str, Kind] = {}


def register(name: str, runner: Runner, label: str, *, unit: str = "lignes") -> None:
    """Make a kind of job available: `runner(parameters, progress, user) -> Result`; `label` is its
    French name (« Export des inscrits »), `unit` what the progress counts (« 3 200 lignes sur 10 000 »).
    Called from the owning app's `AppConfig.ready()`; the name is « app.what »."""
    _kinds[name] = Kind(name, runner, label, unit)


def kind_of(job: Job) -> Kind | None:
    return _kinds.get(job.kind)


# --- Starting --------------------------------------------------------------------------------------


def start(
    kind: str,
    *,
    user,
    parameters: dict,
    label: str = "",
    centre: Centre | int | None = None,
    centre_ids: list[int] | None = None,
) -> Job:
    """Record a job for `user` and queue it after the caller's commit. `centre` is the centre they work
    in; `centre_ids` every centre whose data the result will hold (the person must keep seeing all of
    them to see the job). Returns the job, whose page is `job.get_absolute_url()`."""
    if kind not in _kinds:
        raise ValueError(f"Unknown job kind {kind!r}")
    centre_id = centre.pk if isinstance(centre, Centre) else centre
    ids = sorted(set(centre_ids or ([centre_id] if centre_id else [])))
    job = Job.objects.create(
        kind=kind,
        label=(label or _kinds[kind].label)[:200],
        parameters=parameters,
        user=user,
        centre_id=centre_id,
        centre_ids=ids,
    )
    _enqueue_after_commit(job.pk)
    return job


def restart(job: Job) -> Job:
    """« Relancer »: the same work asked again, as a new job (the failed one stays in the list)."""
    return start(
        job.kind,
        user=job.user,
        parameters=job.parameters,
        label=job.label,
        centre=job.centre_id,
        centre_ids=job.centre_ids,
    )


def _enqueue_after_commit(job_id) -> None:
    # After the commit: the worker must find the row, and a request rolled back starts nothing.
    def enqueue():
        result = run_job.enqueue(str(job_id))
        Job.objects.filter(pk=job_id).update(task_id=str(result.id))

    transaction.on_commit(enqueue)


# --- Running ---------------------------------------------------------------------------------------


@task()
def run_job(job_id: str) -> str:
    """The worker's side of `start()`: run one job (see `run`)."""
    return run(job_id)


class Progress:
    """The `progress(done, total, step="")` callable a runner receives.

    Writes the job's row at most every PROGRESS_INTERVAL_S, or at once when the step or the total
    changes. Inside a transaction the runner opened (an import), what it writes would stay invisible
    until the commit: on PostgreSQL it then writes through a connection of its own; elsewhere (SQLite,
    which would wait for the runner's lock) it skips the writing.
    """

    def __init__(self, job: Job, token: uuid.UUID):
        self.job = job
        self.token = token
        self._last = 0.0
        self._shown: tuple[int, str] = (-1, "")
        self._side = None
        # The transactions open when the run began (none in the worker; a test's own): only those the
        # runner opens hide what is written.
        self._depth = len(connections[DEFAULT_DB_ALIAS].atomic_blocks)

    def __call__(self, done: int, total: int, step: str = "") -> None:
        now = time.monotonic()
        if (total, step) == self._shown and now - self._last < PROGRESS_INTERVAL_S:
            return
        self._last, self._shown = now, (total, step)
        done, total, step = max(0, int(done)), max(0, int(total)), step[:120]
        connection = connections[DEFAULT_DB_ALIAS]
        if len(connection.atomic_blocks) <= self._depth:
            updated = Job.objects.filter(pk=self.job.pk, run_token=self.token).update(
                progress_done=done, progress_total=total, step=step
            )
            if not updated:
                raise Superseded
        elif connection.vendor == "postgresql":
            self._write_aside(done, total, step)

    def _write_aside(self, done: int, total: int, step: str) -> None:
        if self._side is None:
            main = connections[DEFAULT_DB_ALIAS]
            self._side = type(main)(main.settings_dict, alias=DEFAULT_DB_ALIAS)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET progress_done = %s, progress_total = %s, step = %s "  # noqa: S608 — the table's name, not input
                "WHERE id = %s AND run_token = %s",
                [done, total, step, self.job.pk, self.token],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def run(job_id) -> str:
    """Run one job now, in this process, from the start: « done », « failed », « superseded » or
    « nothing to do » (finished already, or unknown). Never raises for the runner's failures: they are
    recorded on the job, in French, for the person to read."""
    token = uuid.uuid4()
    claimed = Job.objects.filter(pk=job_id, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.RUNNING,
        run_token=token,
        attempts=F("attempts") + 1,
        progress_done=0,
        progress_total=0,
        step="",
        error="",
        started_at=timezone.now(),
    )
    if not claimed:
        return "nothing to do"
    job = Job.objects.select_related("user").get(pk=job_id)
    # What a killed run may have left in the storage goes now, before anything is written: no file is
    # named by the job until it is done, and the file of a run that finishes later than this one is
    # deleted by that run when it finds itself replaced.
    _clear(job)
    progress = Progress(job, token)
    try:
        kind = kind_of(job)
        if kind is None:
            raise JobError(UNKNOWN_KIND)
        result = kind.runner(job.parameters, progress, job.user)
        return _finish(job, token, result)
    except Superseded:
        return "superseded"
    except JobError as error:
        return _fail(job, token, str(error))
    except Exception:  # noqa: BLE001 — any failure of a runner ends the job, told in French
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        return _fail(job, token, UNEXPECTED)
    finally:
        progress.close()


def _directory(job: Job) -> str:
    return f"jobs/{job.pk}/"


def _clear(job: Job) -> None:
    """Remove whatever a killed run of this job left in the storage."""
    directory = _directory(job)
    try:
        _, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(directory + name)


def _finish(job: Job, token: uuid.UUID, result: Result) -> str:
    now = timezone.now()
    changes = {
        "status": Status.DONE,
        "summary": result.summary,
        "finished_at": now,
        "expires_at": now + timedelta(days=KEPT_DAYS),
        "progress_done": F("progress_total"),
    }
    stored = ""
    if result.content is not None:
        content = result.content
        content = ContentFile(content) if isinstance(content, bytes) else File(content)
        download_name = result.filename or "resultat"
        try:
            stored = default_storage.save(_directory(job) + get_valid_filename(download_name), content)
        finally:
            content.close()  # a runner's temporary file goes once stored
        changes |= {
            "file_name": stored,
            "download_name": download_name[:255],
            "mimetype": result.mimetype[:120],
            "file_size": default_storage.size(stored),
        }
    updated = Job.objects.filter(pk=job.pk, run_token=token, status=Status.RUNNING).update(**changes)
    if not updated:
        # Another run took the job over meanwhile: its file is the one the job will name.
        if stored:
            default_storage.delete(stored)
        return "superseded"
    job.refresh_from_db()
    _tell(job)
    return "done"


def _fail(job: Job, token: uuid.UUID, message: str) -> str:
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, run_token=token, status=Status.RUNNING).update(
        status=Status.FAILED, error=message, finished_at=now, expires_at=now + timedelta(days=KEPT_DAYS)
    )
    if not updated:
        return "superseded"
    _clear(job)
    job.refresh_from_db()
    _tell(job)
    return "failed"


def _tell(job: Job) -> None:
    """The e-mail to the person who asked: a link to the job's page, never the file itself (it holds
    personal data, and the page checks who reads it)."""
    if not job.user.email:
        return
    link = absolute_url(job.get_absolute_url())
    if job.status == Status.DONE and job.file_name:
        subject = f"Votre export « {job.label} » est prêt"
        body = (
            f"Bonjour,\n\nVotre export « {job.label} » est prêt. Téléchargez-le depuis cette page, après "
            f"vous être connecté(e) :\n{link}\n\nIl y reste {KEPT_DAYS} jours, puis il est effacé.\n"
        )
    elif job.status == Status.DONE:
        subject = f"« {job.label} » est terminé"
        body = f"Bonjour,\n\n« {job.label} » est terminé. Le résultat est sur cette page :\n{link}\n"
    else:
        subject = f"« {job.label} » n'a pas abouti"
        body = (
            f"Bonjour,\n\n« {job.label} » n'a pas abouti : {job.error}\n\nVous pouvez le relancer depuis "
            f"cette page :\n{link}\n"
        )
    notify.email(purpose="jobs.finished", to=job.user.email, subject=subject, body=body, centre=job.centre_id)


# --- Reading ---------------------------------------------------------------------------------------


def for_user(user):
    """The jobs a person asked for, newest first."""
    return Job.objects.filter(user=user).order_by("-created_at")


def unfinished(kind: str, *, user, **parameters) -> Job | None:
    """A job of this kind not finished yet whose parameters hold these values: a second click on
    « Importer » leads to the job the first one started (the person's own: nobody else's is shown)."""
    lookups = {f"parameters__{key}": value for key, value in parameters.items()}
    return (
        Job.objects.filter(kind=kind, user=user, status__in=[Status.QUEUED, Status.RUNNING], **lookups)
        .order_by("-created_at")
        .first()
    )


def get_for_user(user, job_id) -> Job:
    """The job, for the person who asked and only while they see every centre whose data it holds;
    a 404 for anybody else (as everywhere: nobody learns that it exists)."""
    job = Job.objects.filter(pk=job_id, user=user).first()
    if job is None or not set(job.centre_ids) <= visible_centre_ids(user):
        raise Http404
    return job


def check_task(job: Job) -> Job:
    """A job not finished whose task the worker has failed (interrupted too many times: its runner
    never got to say anything) is failed too, so that its page offers « Relancer » instead of waiting
    for ever. One query, for an unfinished job only."""
    if job.finished or not job.task_id:
        return job
    try:
        status = run_job.get_result(job.task_id).status
    except TaskResultDoesNotExist:
        return job
    if status == TaskResultStatus.FAILED:
        now = timezone.now()
        Job.objects.filter(pk=job.pk, status__in=[Status.QUEUED, Status.RUNNING]).update(
            status=Status.FAILED, error=GIVEN_UP, finished_at=now, expires_at=now + timedelta(days=KEPT_DAYS)
        )
        job.refresh_from_db()
    return job


def open_file(job: Job):
    """The finished job's file, opened from the default storage; Http404 when there is none any more."""
    if job.status != Status.DONE or not job.file_name:
        raise Http404
    try:
        return default_storage.open(job.file_name, "rb")
    except FileNotFoundError:
        raise Http404 from None


# --- Forgetting ------------------------------------------------------------------------------------


def expire(*, now=None) -> int:
    """Delete the jobs whose time is over, with their files (a cron: `manage.py expire_jobs`), and
    those never finished after `ABANDONED_DAYS` (their task was lost). Returns how many were deleted."""
    now = now or timezone.now()
    over = Q(expires_at__lt=now) | Q(created_at__lt=now - timedelta(days=ABANDONED_DAYS))
    expired = list(Job.objects.filter(over).only("id", "file_name"))
    for job in expired:
        _clear(job)
    Job.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return len(expired)
