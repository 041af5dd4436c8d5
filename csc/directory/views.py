"""Staff pages of the directory: find a place for a resident, nearest to the centre first; add entries,
complete and withdraw those the centre keeps. Every entry is fetched within the current centre's
federation: another network's entry is a 404. An entry of the network kept by another centre is read,
but changing it is a 403 that offers to propose a correction (csc/directory/correction_views.py)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from csc.core.forms import posted
from csc.core.tenancy import has_capability, require_capability

from . import corrections, services
from .capabilities import DIRECTORY_EDIT, DIRECTORY_PROPOSE, DIRECTORY_VIEW
from .forms import CorrectionCommentForm, HoursForm, StructureForm, read_seen, seen_token
from .models import Correction, ServiceCategory, Structure

PAGE_SIZE = 25
MAX_SEARCH = 100


def _structures(centre):
    return Structure.objects.of_federation(centre.territory.federation_id)


def _structure(centre, structure_id) -> Structure:
    return get_object_or_404(
        _structures(centre).select_related("centre", "kept_by").prefetch_related("categories"),
        pk=structure_id,
    )


def _keeper_centre(request):
    """The current centre, for whom may keep some entries (their centre's, or the network's common
    ones); a 404 for the others, like any page their role does not open."""
    centre = require_capability(request, DIRECTORY_VIEW)
    if not services.keeps_entries(request.user, centre):
        raise Http404
    return centre


def not_keeper(request, centre, structure: Structure, refused: services.NotKeeper):
    """The answer to a change of an entry the centre does not keep: a 403 that says who keeps it and
    offers to propose a correction instead. Nothing was changed."""
    return render(
        request,
        "directory/not_keeper.html",
        {
            "structure": structure,
            "message": str(refused),
            "may_propose": corrections.may_propose(structure, request.user, centre),
        },
        status=403,
    )


@login_required
def structure_list(request):
    centre = require_capability(request, DIRECTORY_VIEW)
    text = (request.GET.get("q") or "").strip()[:MAX_SEARCH]
    categories = list(ServiceCategory.objects.all())
    category = next((c for c in categories if c.slug == request.GET.get("service")), None)
    withdrawn = request.GET.get("retirees") == "1"
    rows = _structures(centre).filter(is_active=not withdrawn).prefetch_related("categories")
    if category is not None:
        rows = rows.filter(categories=category)
    if text:
        rows = services.matching(rows, text)
    # A directory holds hundreds of entries, not millions: sorted by distance in Python, then paged.
    nearby = services.nearest_first(rows, centre.latitude, centre.longitude)
    page = Paginator(nearby, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/list.html",
        {
            "centre": centre,
            "page": page,
            "text": text,
            "categories": categories,
            "category": category,
            "withdrawn": withdrawn,
            "can_edit": has_capability(request.user, DIRECTORY_EDIT, centre),
            "corrections": services.keeps_entries(request.user, centre)
            or has_capability(request.user, DIRECTORY_PROPOSE, centre),
            "querystring": services.querystring(text=text, category=category, withdrawn=withdrawn),
        },
    )


@login_required
def structure_detail(request, structure_id):
    centre = require_capability(request, DIRECTORY_VIEW)
    structure = _structure(centre, structure_id)
    may_keep = services.may_keep(structure, request.user, centre)
    now = timezone.localtime()
    distance = None
    if structure.has_position and centre.latitude is not None and centre.longitude is not None:
        distance = services.distance_label(
            services.distance_km(centre.latitude, centre.longitude, structure.latitude, structure.longitude)
        )
    return render(
        request,
        "directory/detail.html",
        {
            "centre": centre,
            "structure": structure,
            "week": services.week_hours(structure, now.date()),
            "has_hours": services.has_hours(structure),
            "today": services.today_label(structure, now),
            "distance": distance,
            "keeper": services.keeper_label(structure),
            "may_keep": may_keep,
            "may_propose": corrections.may_propose(structure, request.user, centre),
            "pending": structure.corrections.pending().count() if may_keep else 0,
        },
    )


def _edit(request, centre, structure: Structure):
    form = StructureForm(posted(request), instance=structure)
    hours = HoursForm(posted(request), structure=structure)
    if request.method == "POST" and form.is_valid() and hours.is_valid():
        created = structure.pk is None
        seen = None if created else read_seen(request.POST.get("vu", ""), structure)
        if not created and seen is None:
            # Without what the page showed, a change made meanwhile could not be told apart from the
            # person's own: they check the entry as it is, their typing kept.
            return _form(
                request,
                centre,
                structure,
                form,
                hours,
                status=409,
                changed=_(
                    "Cette page ne dit plus quelle version de la fiche vous aviez ouverte : rien n'a été "
                    "enregistré. Vérifiez la fiche ci-dessous, puis enregistrez à nouveau."
                ),
            )
        try:
            structure = services.save_structure(
                form.save(commit=False),
                centre=centre,
                user=request.user,
                categories=list(form.cleaned_data["categories"]),
                week=hours.week(),
                seen=seen,
            )
        except services.EntryChanged as changed:
            return _changed(request, centre, form, hours, seen, changed)
        except services.NotKeeper as refused:
            return _now_kept_elsewhere(request, centre, structure, refused)
        except services.DirectoryRefused as refused:
            hours.add_error(None, str(refused))
        else:
            done = f"« {structure.name} » est dans l'annuaire." if created else "Fiche enregistrée."
            messages.success(request, done)
            return redirect("directory:structure_detail", structure_id=structure.pk)
    return _form(request, centre, structure, form, hours)


def _form(request, centre, structure, form, hours, *, status=200, changed="", rows=(), withdrawn=None):
    return render(
        request,
        "directory/form.html",
        {
            "centre": centre,
            "structure": structure,
            "form": form,
            "hours": hours,
            "seen": seen_token(structure) if structure.pk else "",
            "changed": changed,
            "rows": rows,
            "withdrawn": withdrawn,
        },
        status=status,
    )


def _changed(request, centre, form, hours, seen: dict, changed: services.EntryChanged):
    """The entry changed while its form was open: nothing is saved, the page says what changed (then
    and now) and shows the form again. A field the person did not touch now shows the entry as it is,
    so that saving again does not undo the other change; what they typed themselves is kept."""
    current = changed.current
    now = services.entry_values(current)
    typed = services.entry_values(
        form.instance,
        categories=form.cleaned_data["categories"],
        hours=services.check_week(hours.week()),
    )
    moved = [name for name in changed.fields if name in services.FIELDS]
    data = request.POST.copy()
    for name in moved:
        if typed[name] == seen.get(name):
            _put(data, name, current)
    # The rows of the correction pages, « then → now »: a Correction never saved, only described.
    rows = corrections.differences(
        Correction(changes={name: {"old": seen.get(name), "new": now[name]} for name in moved})
    )
    withdrawn = (not current.is_active) if services.LISTED in changed.fields else None
    return _form(
        request,
        centre,
        current,
        StructureForm(data, instance=current),
        HoursForm(data, structure=current),
        status=409,
        changed=_(
            "La fiche a changé pendant que vous la modifiiez (un collègue, ou une correction acceptée) : "
            "rien n'a été enregistré. Les champs que vous n'aviez pas touchés montrent maintenant la fiche "
            "telle qu'elle est ; ce que vous avez tapé est conservé. Vérifiez, puis enregistrez à nouveau."
        ),
        rows=rows,
        withdrawn=withdrawn,
    )


def _put(data, name: str, structure: Structure) -> None:
    """Write one field of the entry into the posted data, as the form's inputs send it."""
    if name == "hours":
        for weekday, day in enumerate(services.WEEKDAYS):
            intervals = services.intervals_on(structure, weekday)
            for index in range(1, services.MAX_INTERVALS + 1):
                opens, closes = intervals[index - 1] if index <= len(intervals) else ("", "")
                data[f"{day}_{index}_ouvre"] = opens and opens.strftime("%H:%M")
                data[f"{day}_{index}_ferme"] = closes and closes.strftime("%H:%M")
    elif name == "categories":
        data.setlist("categories", [str(pk) for pk in structure.categories.values_list("pk", flat=True)])
    else:
        value = getattr(structure, name)
        data[name] = "" if value is None else str(value)


def _now_kept_elsewhere(request, centre, structure: Structure, refused: services.NotKeeper):
    """The entry passed to another keeper while its form was open: rather than lose the typing, the
    proposal form comes back filled with it, to send to the new keeper."""
    current = _structure(centre, structure.pk)
    # Only a form this page served (a valid `vu`: it was served to the keeper of then) is taken over;
    # anything else is the plain refusal.
    opened = request.method == "POST" and read_seen(request.POST.get("vu", ""), structure) is not None
    if not opened or not corrections.may_propose(current, request.user, centre):
        return not_keeper(request, centre, current, refused)
    return render(
        request,
        "directory/propose.html",
        {
            "structure": current,
            "keeper": services.keeper_label(current),
            "form": StructureForm(request.POST, instance=copy.copy(current)),
            "hours": HoursForm(request.POST, structure=current),
            "comment": CorrectionCommentForm(),
            "now_kept_elsewhere": _(
                "%(refused)s Rien n'a été enregistré : votre saisie est conservée ci-dessous, "
                "envoyez-la comme proposition de correction."
            )
            % {"refused": refused},
        },
        status=409,
    )


@login_required
def structure_create(request):
    centre = require_capability(request, DIRECTORY_EDIT)
    return _edit(request, centre, Structure())


@login_required
def structure_edit(request, structure_id):
    centre = _keeper_centre(request)
    structure = _structure(centre, structure_id)
    try:
        services.check_keeper(structure, request.user, centre)
    except services.NotKeeper as refused:
        return _now_kept_elsewhere(request, centre, structure, refused)
    return _edit(request, centre, structure)


@login_required
def structure_withdraw(request, structure_id):
    centre = _keeper_centre(request)
    structure = _structure(centre, structure_id)
    try:
        services.check_keeper(structure, request.user, centre)
        if request.method == "POST":
            # The button says what it wants (« annuaire=1 » brings back), never « the other state »:
            # two colleagues clicking « Retirer » on pages they had open leave the entry withdrawn.
            listed = request.POST.get("annuaire") == "1"
            services.set_listed(structure, listed=listed, centre=centre, user=request.user)
    except services.NotKeeper as refused:
        return not_keeper(request, centre, structure, refused)
    if request.method == "POST":
        if not structure.is_active:
            messages.success(
                request,
                f"« {structure.name} » est retirée de l'annuaire. Elle reste dans la liste des structures "
                "retirées, d'où elle peut revenir.",
            )
        else:
            messages.success(request, f"« {structure.name} » est de retour dans l'annuaire.")
        return redirect("directory:structure_detail", structure_id=structure.pk)
    return render(request, "directory/withdraw.html", {"structure": structure})
