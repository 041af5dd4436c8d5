"""Staff pages of the corrections: propose one to an entry another centre keeps, the list of those to
examine and of those sent, a correction with its differences (avant → proposé), accept or refuse it.
A correction is read only by the centre that proposed it and by the entry's keeper: anyone else gets a
404, like any object of another centre."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from csc.core.forms import posted
from csc.core.tenancy import has_capability, require_capability

from . import corrections, services
from .capabilities import DIRECTORY_PROPOSE, DIRECTORY_VIEW
from .forms import CorrectionCommentForm, HoursForm, RefuseCorrectionForm, StructureForm
from .models import Correction
from .views import _structure, not_keeper

PAGE_SIZE = 25


def _correction_centre(request):
    """The current centre, for whom proposes or examines corrections; a 404 for the others."""
    centre = require_capability(request, DIRECTORY_VIEW)
    if not (
        has_capability(request.user, DIRECTORY_PROPOSE, centre)
        or services.keeps_entries(request.user, centre)
    ):
        raise Http404
    return centre


def _correction(request, centre, correction_id) -> Correction:
    return get_object_or_404(
        corrections.visible_to(request.user, centre).select_related(
            "structure__centre", "structure__kept_by", "proposed_by", "author", "decided_by"
        ),
        pk=correction_id,
    )


@login_required
def correction_propose(request, structure_id):
    centre = require_capability(request, DIRECTORY_VIEW)
    structure = _structure(centre, structure_id)
    if not corrections.may_propose(structure, request.user, centre):
        if services.may_keep(structure, request.user, centre):
            return redirect("directory:structure_edit", structure_id=structure.pk)
        raise Http404
    # The form works on a copy: the entry itself is never changed by a proposal.
    form = StructureForm(posted(request), instance=copy.copy(structure))
    hours = HoursForm(posted(request), structure=structure)
    comment = CorrectionCommentForm(posted(request))
    if request.method == "POST" and all([form.is_valid(), hours.is_valid(), comment.is_valid()]):
        try:
            correction = corrections.propose(
                structure,
                form.instance,
                categories=list(form.cleaned_data["categories"]),
                week=hours.week(),
                comment=comment.cleaned_data["comment"],
                centre=centre,
                user=request.user,
            )
        except services.NotKeeper as refused:
            return not_keeper(request, centre, structure, refused)
        except services.DirectoryRefused as refused:
            hours.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"Votre proposition est envoyée à {services.keeper_label(structure)}. Sa réponse "
                "s'affichera ici et dans « Propositions envoyées ».",
            )
            return redirect("directory:correction_detail", correction_id=correction.pk)
    return render(
        request,
        "directory/propose.html",
        {
            "structure": structure,
            "keeper": services.keeper_label(structure),
            "form": form,
            "hours": hours,
            "comment": comment,
        },
    )


@login_required
def correction_list(request):
    centre = _correction_centre(request)
    examines = services.keeps_entries(request.user, centre)
    sent = request.GET.get("vue") == "envoyees" or not examines
    if sent:
        rows = corrections.visible_to(request.user, centre).filter(proposed_by=centre)
    else:
        rows = corrections.to_examine(request.user, centre)
    rows = rows.select_related("structure", "proposed_by", "author")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/corrections.html",
        {
            "centre": centre,
            "page": page,
            "sent": sent,
            "examines": examines,
            "proposes": has_capability(request.user, DIRECTORY_PROPOSE, centre),
            "querystring": "vue=envoyees" if sent and examines else "",
        },
    )


def _detail(request, centre, correction: Correction, *, status=200, outdated=None, refuse_form=None):
    structure = correction.structure
    pending = correction.status == Correction.Status.PENDING
    may_decide = pending and services.may_keep(structure, request.user, centre)
    moved = corrections.moved_fields(correction, structure) if pending else []
    return render(
        request,
        "directory/correction.html",
        {
            "correction": correction,
            "structure": structure,
            "keeper": services.keeper_label(structure),
            "differences": corrections.differences(correction, structure if pending else None),
            "may_decide": may_decide,
            "moved": moved,
            "outdated": outdated,
            "seen": corrections.fingerprint(structure, correction.changes) if may_decide else "",
            "refuse_form": refuse_form or RefuseCorrectionForm(),
        },
        status=status,
    )


@login_required
def correction_detail(request, correction_id):
    centre = _correction_centre(request)
    return _detail(request, centre, _correction(request, centre, correction_id))


@login_required
@require_POST
def correction_accept(request, correction_id):
    centre = _correction_centre(request)
    correction = _correction(request, centre, correction_id)
    try:
        structure = corrections.accept(
            correction, centre=centre, user=request.user, seen=request.POST.get("vu", "")[:64]
        )
    except corrections.CorrectionOutdated as outdated:
        # Read again: the page shows the entry as it is now, and the fingerprint of what it shows.
        correction = _correction(request, centre, correction_id)
        return _detail(request, centre, correction, status=409, outdated=str(outdated))
    except services.NotKeeper as refused:
        return not_keeper(request, centre, correction.structure, refused)
    except services.DirectoryRefused as refused:
        messages.error(request, str(refused))
        return redirect("directory:correction_detail", correction_id=correction.pk)
    messages.success(request, f"Correction acceptée : la fiche de « {structure.name} » est à jour.")
    return redirect("directory:structure_detail", structure_id=structure.pk)


@login_required
@require_POST
def correction_refuse(request, correction_id):
    centre = _correction_centre(request)
    correction = _correction(request, centre, correction_id)
    form = RefuseCorrectionForm(request.POST)
    if not form.is_valid():
        return _detail(request, centre, correction, status=400, refuse_form=form)
    try:
        corrections.refuse(correction, centre=centre, user=request.user, reason=form.cleaned_data["reason"])
    except services.NotKeeper as refused:
        return not_keeper(request, centre, correction.structure, refused)
    except services.DirectoryRefused as refused:
        messages.error(request, str(refused))
        return redirect("directory:correction_detail", correction_id=correction.pk)
    messages.success(request, "Correction refusée : le centre qui l'a proposée verra votre réponse.")
    return redirect("directory:correction_list")
