"""A job's page in Chromium: the bar while it runs, the status told once when it is ready, the failure
in French and « Relancer ». axe-core on each state."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from csc.core import jobs
from csc.core.models import Job
from csc.testing.browser import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def never_run(parameters, progress, user):
    raise AssertionError("the test drives the job's row itself")


jobs.register("tests.browser", never_run, "Export d'essai", unit="lignes")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def open_job(page, live_server, staff):
    """open_job(label, **fields): a job of a receptionist, in the state the worker would have left it,
    and its page opened by them."""

    def do(label: str, **fields) -> Job:
        user = staff("reception", "a")
        centre = user.staff_roles.get().centre
        job = Job.objects.create(
            kind="tests.browser", label=label, user=user, centre=centre, centre_ids=[centre.pk], **fields
        )
        log_in(page, live_server, user)
        page.goto(f"{live_server.url}{job.get_absolute_url()}")
        return job

    return do


def test_a_running_job_shows_its_progress_then_its_file(page, open_job):
    job = open_job(
        "Inscrits — Vacances d'hiver (Excel)",
        status=Job.Status.RUNNING,
        progress_done=3200,
        progress_total=10_000,
        step="Lignes écrites",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrits — Vacances d'hiver (Excel)")
    expect(page.get_by_role("status")).to_have_text("En cours de préparation.")
    bar = page.get_by_role("progressbar", name="Lignes écrites")
    expect(bar).to_have_attribute("value", "3200")
    expect(page.get_by_text(re.compile(r"3\s200 lignes sur 10\s000"))).to_be_visible()
    assert_accessible(page)

    # The worker goes on, then finishes: the polling shows it, without reloading the page.
    Job.objects.filter(pk=job.pk).update(progress_done=7000)
    expect(bar).to_have_attribute("value", "7000", timeout=6_000)
    expect(page.get_by_role("status")).to_have_text("En cours de préparation.")
    name = default_storage.save(f"jobs/{job.pk}/inscrits.csv", ContentFile(b"Nom;Prenom\r\n"))
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        progress_done=10_000,
        file_name=name,
        download_name="inscrits.csv",
        mimetype="text/csv",
        file_size=12,
        expires_at=job.created_at + timedelta(days=7),
    )
    expect(page.get_by_role("status")).to_have_text("Prêt : le fichier peut être téléchargé.", timeout=6_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger inscrits.csv").click()
    assert download.value.suggested_filename == "inscrits.csv"


def test_a_failed_job_says_why_and_can_be_started_again(page, live_server, open_job):
    job = open_job(
        "Adhésions — 2026-2027 (Excel)",
        status=Job.Status.FAILED,
        error="Ce que vous vouliez exporter n'existe plus, ou vous ne pouvez plus l'exporter.",
    )
    expect(page.get_by_role("status")).to_have_text("Échec : le travail n'a pas abouti.")
    expect(page.get_by_text("Ce que vous vouliez exporter n'existe plus")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Relancer").click()
    expect(page.get_by_role("status")).to_have_text("En attente : le travail va commencer.")
    assert page.url != f"{live_server.url}{job.get_absolute_url()}"
    assert Job.objects.filter(status=Job.Status.QUEUED, label="Adhésions — 2026-2027 (Excel)").count() == 1
    assert_accessible(page)

    page.get_by_role("banner").get_by_role("link", name="Mes exports").click()
    expect(page.get_by_role("row", name=re.compile("Adhésions — 2026-2027"))).to_have_count(2)
    assert_accessible(page)
