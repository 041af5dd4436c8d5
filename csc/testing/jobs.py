"""Background jobs in tests: start one as the person does, run the worker, read the job's page or file.

A test runs inside a transaction that never commits, so what `transaction.on_commit` queues (the job's
task, then its e-mail) is run here explicitly, as a commit would.
"""

from django.test import TestCase
from django.urls import resolve

from .tasks import run_task_worker


def job_url_of(response) -> str:
    """The job page a view sent the person to after starting a job."""
    assert response.status_code == 302, response.status_code
    url = response["Location"]
    assert resolve(url).url_name == "job_detail", url
    return url


def start(client, url: str, data=None) -> str:
    """POST to a page's button that starts a job; returns the job page's URL (the job is queued)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data or {})
    return job_url_of(response)


def run_jobs() -> None:
    """Run the worker until the queue is empty: the jobs, then the e-mails they queue when done."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_task_worker()
    run_task_worker()


def finished_file(client, url: str, data=None):
    """Start a job from `url`, run it, and download its file as the same person."""
    job_url = start(client, url, data)
    run_jobs()
    return client.get(job_url + "fichier/")


def content(response) -> bytes:
    """The bytes of a file answered (a FileResponse streams)."""
    return b"".join(response.streaming_content) if response.streaming else response.content
