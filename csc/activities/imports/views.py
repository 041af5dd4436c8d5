"""Import of past attendance (« Check »): send a file, check its preview, import, fetch the refused rows.

Imports are reached through the centres where the user may import (directors and coordinators):
another centre's import, or a role without that capability, gets a 404. The work is in `imports/services.py`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from csc.core import jobs
from csc.core.forms import error_summary, posted
from csc.core.pagination import CountSparingPaginator
from csc.core.tenancy import centres_with, require_capability

from ..capabilities import ATTENDANCE_IMPORT
from ..models import Activity, AttendanceImport
from . import services as imports
from .forms import MappingForm, UploadForm
from .jobs import IMPORT_JOB

IMPORT = ATTENDANCE_IMPORT
PAGE_SIZE = 20
IMPORT_ACTION = "importer"


def _import_batch(request, import_id) -> AttendanceImport:
    batches = AttendanceImport.objects.filter(centre_id__in=centres_with(request.user, IMPORT))
    batch = get_object_or_404(batches.select_related("created_by", "centre"), pk=import_id)
    require_capability(request, IMPORT, centre=batch.centre)
    return batch


def _csv_response(text: str, filename: str) -> HttpResponse:
    # A BOM and semicolons: what a French spreadsheet opens without asking anything.
    response = HttpResponse(("\ufeff" + text).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def import_start(request):
    centre = require_capability(request, IMPORT)
    form = UploadForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.prepare_import(centre, form.cleaned_data["file"], request.user)
        except imports.ImportRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect("activities:import_preview", import_id=batch.pk)
    previous = (
        AttendanceImport.objects.filter(centre=centre)
        .select_related("created_by")
        .defer("error_report", "mapping")
    )
    page = CountSparingPaginator(previous, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/imports/start.html",
        {"centre": centre, "form": form, "summary": error_summary(form), "page": page},
    )


@login_required
def import_preview(request, import_id):
    batch = _import_batch(request, import_id)
    if batch.status == AttendanceImport.Status.DONE:
        if request.method == "POST":
            messages.info(request, "Ce fichier a déjà été importé.")
            return redirect("activities:import_preview", import_id=batch.pk)
        return render(request, "activities/imports/done.html", {"batch": batch})

    saved = imports.Mapping.from_json(batch.mapping)
    activities = Activity.objects.filter(centre_id=batch.centre_id)
    try:
        headers = imports.stored_headers(batch)
    except imports.ImportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("activities:import_start")

    if request.method == "POST":
        form = MappingForm(request.POST, headers=headers, activities=activities)
        if form.is_valid():
            return _apply(request, batch, form, saved)
    else:
        form = MappingForm(initial=MappingForm.initial_from(saved), headers=headers, activities=activities)
    result = imports.preview(batch, saved)
    form.announce_new_people(result.new_people)
    return render(
        request,
        "activities/imports/preview.html",
        {
            "batch": batch,
            "form": form,
            "summary": error_summary(form),
            "preview": result,
            "shown": result.shown(),
            "limit": imports.PREVIEW_ROWS,
            "columns": imports.COLUMNS,
            "import_action": IMPORT_ACTION,
        },
    )


def _apply(request, batch, form, saved):
    """Import with the mapping previewed, or keep a changed mapping and show its preview first: the
    person confirms what they saw, never a mapping they have not previewed."""
    mapping = form.mapping()
    importing = request.POST.get("action") == IMPORT_ACTION
    if importing and mapping == saved:
        # Imported by the task worker, in one transaction, with its progress on the job's page.
        job = jobs.unfinished(IMPORT_JOB, user=request.user, import_id=batch.pk) or jobs.start(
            IMPORT_JOB,
            user=request.user,
            centre=batch.centre_id,
            parameters={
                "import_id": batch.pk,
                "mapping": mapping.to_json(),
                "create_people": form.cleaned_data["create_people"],
            },
            label=f"Import de présences — {batch.file_name}",
        )
        return redirect(job)
    imports.save_mapping(batch, mapping)
    if importing:
        messages.warning(
            request,
            "Les colonnes choisies ont changé : rien n'est importé. Vérifiez l'aperçu ci-dessous, "
            "puis importez.",
        )
    else:
        messages.success(request, "Aperçu mis à jour avec les colonnes choisies.")
    return redirect("activities:import_preview", import_id=batch.pk)


@require_GET
@login_required
def import_errors(request, import_id):
    batch = _import_batch(request, import_id)
    try:
        text = imports.error_report_csv(batch)
    except imports.ImportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("activities:import_start")
    if not text:
        text = ";".join([*imports.TEMPLATE_HEADERS, "Ligne d'origine", "Motif du refus"]) + "\r\n"
    stem = slugify(batch.file_name.rsplit(".", 1)[0])[:60] or "presences"
    return _csv_response(text, f"erreurs-{stem}.csv")


@require_GET
@login_required
def import_template(request):
    require_capability(request, IMPORT)
    return _csv_response(imports.template_csv(), "modele-presences.csv")
