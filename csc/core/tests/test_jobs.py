"""Background jobs (csc.core.jobs): a job runs in the task worker, records its progress, keeps its file
for its owner only, fails in French, and starts over cleanly when a run was killed."""

import io
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from csc.core import jobs
from csc.core.models import Job, OutboundMessage
from csc.testing.jobs import content, run_jobs
from csc.testing.pages import visible_text

# --- Kinds of jobs these tests run (a module registers its own from its AppConfig.ready()) ----------------

seen_progress: list[tuple[int, int, str]] = []


def counting_runner(parameters, progress, user):
    """Writes `rows` lines, telling its progress, and reads back what the page would show."""
    rows = parameters["rows"]
    lines = []
    for index in range(rows):
        if not index % 100:
            progress(index, rows, "Lignes écrites")
            job = Job.objects.get(pk=parameters["job_id"]) if "job_id" in parameters else None
            if job is not None:
                seen_progress.append((job.progress_done, job.progress_total, job.step))
        lines.append(f"ligne {index}")
    return jobs.Result("lignes.txt", ("\n".join(lines) + "\n").encode(), "text/plain")


def failing_runner(parameters, progress, user):
    progress(1, 10, "Lignes écrites")
    if parameters.get("told"):
        raise jobs.JobError("La période demandée n'existe plus : refaites la demande.")
    raise ZeroDivisionError("a bug")


taken_over: list[str] = []


def taken_over_runner(parameters, progress, user):
    """The first run is taken over by a second one (its worker was presumed dead, the task given to
    another) while it still works: both finish, one file remains."""
    progress(0, 2, "Première moitié")
    if not taken_over:
        taken_over.append("first run working")
        taken_over.append(jobs.run(parameters["job_id"]))
    return jobs.Result("bilan.txt", f"run {len(taken_over)}".encode(), "text/plain")


jobs.register("tests.counting", counting_runner, "Comptage", unit="lignes")
jobs.register("tests.failing", failing_runner, "Échec")
jobs.register("tests.taken_over", taken_over_runner, "Repris")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reception(staff):
    return staff("reception", "a", user__email="accueil@alpha.example")


def start(kind, user, centre, **parameters) -> Job:
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = jobs.start(kind, user=user, centre=centre, parameters=parameters, label=f"Export {kind}")
    if "job_id" in parameters:
        job.parameters["job_id"] = str(job.pk)
        Job.objects.filter(pk=job.pk).update(parameters=job.parameters)
    return job


def files_of(job) -> list[str]:
    try:
        return default_storage.listdir(f"jobs/{job.pk}/")[1]
    except FileNotFoundError:
        return []


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Running -----------------------------------------------------------------------------------------------


def test_a_job_runs_records_its_progress_and_keeps_its_file_for_its_owner(
    reception, network, staff, settings, otp_verified
):
    settings.CSC_PUBLIC_URL = "https://csc.test.example"
    seen_progress.clear()
    job = start("tests.counting", reception, network["a"], rows=1000, job_id="")
    assert job.status == Job.Status.QUEUED and files_of(job) == []

    run_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 1
    assert (job.progress_done, job.progress_total) == (1000, 1000)
    # Written as it went, not at every call: the first call and the step's changes at least.
    assert seen_progress[0] == (0, 1000, "Lignes écrites")
    assert len(files_of(job)) == 1 and job.file_name.startswith(f"jobs/{job.pk}/")
    assert job.expires_at > timezone.now()

    owner = logged_in(reception)
    page = visible_text(owner.get(job.get_absolute_url()))
    assert "Prêt : le fichier peut être téléchargé." in page
    assert "Télécharger lignes.txt" in page
    response = owner.get(reverse("core:job_file", args=[job.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="lignes.txt"'
    assert response["Cache-Control"] == "private, no-store"
    assert content(response).splitlines()[-1] == b"ligne 999"
    assert "Export tests.counting" in visible_text(owner.get(reverse("core:job_list")))

    # Nobody else: neither another centre's director nor a colleague of the same centre.
    for other in (staff("director", "b"), staff("reception", "a")):
        client = logged_in(other)
        for url in (job.get_absolute_url(), reverse("core:job_file", args=[job.pk])):
            assert client.get(url).status_code == 404
        assert "Export tests.counting" not in visible_text(client.get(reverse("core:job_list")))
    assert Client().get(job.get_absolute_url()).status_code == 302  # to the login page

    # The owner is told by e-mail, with a link to the page, never the file.
    message = OutboundMessage.objects.get(purpose="jobs.finished")
    assert message.subject == "Votre export « Export tests.counting » est prêt"
    assert f"https://csc.test.example/travaux/{job.pk}/" in message.body
    assert message.attachments == []
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments == []


def test_the_owner_who_lost_the_centre_loses_the_job(reception, network):
    job = start("tests.counting", reception, network["a"], rows=10)
    run_jobs()
    reception.staff_roles.update(centre=network["b"])
    assert logged_in(reception).get(job.get_absolute_url()).status_code == 404


def test_the_page_while_it_runs_shows_a_progress_bar_and_polls(reception, network):
    job = start("tests.counting", reception, network["a"], rows=10)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, progress_done=3200, progress_total=10_000, step="Lignes écrites"
    )
    client = logged_in(reception)
    response = client.get(job.get_absolute_url())
    html = response.content.decode()
    assert "3 200 lignes sur 10 000" in visible_text(response).replace("\u202f", " ").replace("\xa0", " ")
    assert re.search(r'<progress[^>]*max="10000" value="3200"', html)
    assert 'role="status"' in html and "En cours de préparation." in html
    assert f'hx-get="{job.get_absolute_url()}?vu=en_cours"' in html and 'hx-trigger="every 2s"' in html

    # The poll tells the live region only when the status changed since the page last saw it.
    poll = client.get(job.get_absolute_url(), {"vu": "en_cours"}, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-swap-oob" not in poll and "<html" not in poll
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
    poll = client.get(job.get_absolute_url(), {"vu": "en_cours"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-swap-oob="innerHTML"' in poll and "Prêt." in poll
    assert "hx-trigger" not in poll  # finished: the polling stops


def test_the_poll_makes_few_queries_whatever_the_progress(reception, network, django_assert_max_num_queries):
    job = start("tests.counting", reception, network["a"], rows=10)
    client = logged_in(reception)
    client.get(job.get_absolute_url())  # the session and roles, as on any page
    for done in (0, 5000, 10_000):
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.RUNNING, progress_done=done, progress_total=10_000
        )
        with django_assert_max_num_queries(4):
            response = client.get(job.get_absolute_url(), {"vu": "en_cours"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("told", "message"),
    [
        (True, "La période demandée n'existe plus : refaites la demande."),
        (False, "Une erreur inattendue a interrompu ce travail."),
    ],
)
def test_a_runner_that_raises_fails_the_job_in_french_without_a_file(
    reception, network, staff, told, message
):
    job = start("tests.failing", reception, network["a"], told=told)
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error.startswith(message)
    assert job.file_name == "" and files_of(job) == []
    client = logged_in(reception)
    page = visible_text(client.get(job.get_absolute_url()))
    assert "Échec : le travail n'a pas abouti." in page and message in page
    assert client.get(reverse("core:job_file", args=[job.pk])).status_code == 404
    assert (
        OutboundMessage.objects.get(purpose="jobs.finished").subject
        == "« Export tests.failing » n'a pas abouti"
    )

    # « Relancer »: the same work, as a new job.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("core:job_restart", args=[job.pk]))
    again = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == again.get_absolute_url()
    assert (again.kind, again.parameters, again.status) == (job.kind, job.parameters, Job.Status.QUEUED)
    # Another person cannot restart it.
    assert (
        logged_in(staff("reception", "a")).post(reverse("core:job_restart", args=[job.pk])).status_code == 404
    )


def test_a_job_whose_run_was_killed_starts_over_and_leaves_one_file(reception, network):
    job = start("tests.counting", reception, network["a"], rows=500)
    # The worker died halfway: the job says « running » at 40 %, a half-written file lies in its folder.
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, run_token="8f0e2c9a-0000-4000-8000-000000000000", attempts=1
    )
    Job.objects.filter(pk=job.pk).update(progress_done=200, progress_total=500, step="Lignes écrites")
    default_storage.save(f"jobs/{job.pk}/lignes.txt", ContentFile(b"ligne 0\nligne 1\nli"))

    # The lease ran out: the task runs again, from the start.
    run_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    assert files_of(job) == [job.file_name.rsplit("/", 1)[1]]
    with default_storage.open(job.file_name) as stored:
        assert stored.read().count(b"\n") == 500
    # A duplicate of the task finds it done and does nothing.
    assert jobs.run(job.pk) == "nothing to do"
    assert len(files_of(job)) == 1


def test_a_run_taken_over_while_it_works_writes_nothing_more(reception, network):
    taken_over.clear()
    job = start("tests.taken_over", reception, network["a"], job_id="")
    run_jobs()
    assert taken_over == ["first run working", "done"]  # the second run finished first
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    assert len(files_of(job)) == 1
    with default_storage.open(job.file_name) as stored:
        assert stored.read() == b"run 1"  # the second run's, written while the first was superseded


def test_expired_jobs_go_with_their_files(reception, network):
    job = start("tests.counting", reception, network["a"], rows=10)
    kept = start("tests.counting", reception, network["a"], rows=10)
    run_jobs()
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    lost = Job.objects.create(kind="tests.counting", label="Perdu", user=reception, parameters={"rows": 1})
    Job.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timezone.timedelta(days=31))
    call_command("expire_jobs", stdout=io.StringIO())
    assert not Job.objects.filter(pk__in=[job.pk, lost.pk]).exists() and files_of(job) == []
    assert Job.objects.filter(pk=kept.pk).exists() and len(files_of(kept)) == 1


def in_transaction_runner(parameters, progress, user):
    """Progress told from inside the runner's own transaction (an import), read by another session."""
    from django.db import connections, transaction

    with transaction.atomic():
        progress(40, 100, "Enregistrement")
        main = connections["default"]
        reader = type(main)(main.settings_dict, alias="default")
        try:
            with reader.cursor() as cursor:
                cursor.execute(
                    "SELECT progress_done, progress_total, step FROM core_job WHERE id = %s",
                    [parameters["job_id"]],
                )
                parameters["seen"] = cursor.fetchone()
        finally:
            reader.close()
    return jobs.Result(summary={"lines": [repr(parameters["seen"])]})


jobs.register("tests.in_transaction", in_transaction_runner, "Transaction")


@pytest.mark.django_db(transaction=True)
def test_progress_inside_the_runners_transaction_is_seen_by_the_page_on_postgresql(reception, network):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite would wait for the runner's lock: the progress is not written there")
    job = jobs.start("tests.in_transaction", user=reception, centre=network["a"], parameters={})
    Job.objects.filter(pk=job.pk).update(parameters={"job_id": str(job.pk)})
    assert jobs.run(job.pk) == "done"
    job.refresh_from_db()
    assert job.summary["lines"] == ["(40, 100, 'Enregistrement')"]


def test_a_job_whose_task_the_worker_gave_up_on_is_failed_on_its_page(reception, network):
    from django_tasks_db.models import DBTaskResult

    job = start("tests.counting", reception, network["a"], rows=10)
    job.refresh_from_db()
    # The worker was killed three times running it: it failed the task without the job ever ending.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=3)
    DBTaskResult.objects.filter(pk=job.task_id).update(status="FAILED")

    page = visible_text(logged_in(reception).get(job.get_absolute_url()))
    assert "Échec : le travail n'a pas abouti." in page
    assert "Ce travail a été interrompu plusieurs fois" in page and "Relancer" in page
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
