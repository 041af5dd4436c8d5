"""The pages of background jobs: « Mes exports » (the person's recent jobs) and a job's page, with its
progress while it runs (htmx asks for the status block every 2 s; without JavaScript the page is read
again by hand) and then the file to download, or the failure in French with « Relancer ».

Only the person who asked reaches a job (`jobs.get_for_user`: a 404 for anybody else).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import jobs
from .pagination import CountSparingPaginator

PAGE_SIZE = 20
POLL_SECONDS = 2


def _context(job) -> dict:
    kind = jobs.kind_of(job)
    return {"job": job, "unit": kind.unit if kind else "", "poll_seconds": POLL_SECONDS}


@login_required
@require_GET
def job_list(request):
    page = CountSparingPaginator(jobs.for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/jobs/list.html", {"page": page})


@login_required
@require_GET
def job_detail(request, job_id):
    job = jobs.check_task(jobs.get_for_user(request.user, job_id))
    context = _context(job)
    if request.htmx:
        # The live region is told only when the status changed since the page last saw it: a screen
        # reader hears « prêt » once, not every tick of the progress.
        context["status_changed"] = request.GET.get("vu") != job.status
        return render(request, "core/jobs/_status.html", context)
    return render(request, "core/jobs/detail.html", context)


@login_required
@require_GET
def job_file(request, job_id):
    job = jobs.get_for_user(request.user, job_id)
    response = FileResponse(
        jobs.open_file(job), as_attachment=True, filename=job.download_name, content_type=job.mimetype
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def job_restart(request, job_id):
    job = jobs.get_for_user(request.user, job_id)
    if job.status != job.Status.FAILED:
        return redirect(job)
    return redirect(jobs.restart(job))
