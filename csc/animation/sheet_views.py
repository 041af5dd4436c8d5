"""Pages of the activity sheets: search, read, write, history, copy, comments, favourites, attachments,
print.

Who sees what: a team member with `ANIMATION_SHEETS` in the current centre reads every sheet of that
centre and the sheets other centres published for the network (`readable_in`); anything else is a 404.
Only the sheet's own centre changes it: another centre's sheet is a 404 on every page that writes,
so that a page never says more than reading it would. Rules live in `sheets.py`.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from csc.core.forms import error_summary, posted
from csc.core.pagination import CountSparingPaginator
from csc.core.redirects import redirect_next
from csc.core.tenancy import require_capability
from csc.core.uploads import CONTENT_TYPES, EXTENSIONS

from . import sheets
from .capabilities import ANIMATION_SHEETS
from .models import ActivitySheet, Objective, SheetAttachment, SheetComment, SheetFavourite, SheetVersion
from .search import SheetFilters, filter_sheets
from .sheet_forms import (
    MAX_AGE,
    MAX_MINUTES,
    SCOPES,
    AttachmentForm,
    CommentForm,
    SheetForm,
    SheetSearchForm,
    refuse,
)

SHEETS = ANIMATION_SHEETS
PAGE_SIZE = 20
COUNT_CAP = 1000  # beyond, the list says « plus de 1 000 » (see CountSparingPaginator)
# The list shows cards: the long texts and search columns stay in the database.
CARD_DEFERRED = (
    "materials",
    "steps",
    "variants",
    "safety_notes",
    "search_text",
    "materials_search",
    "search_vector",
)


def _centre(request):
    return require_capability(request, SHEETS)


def _readable(request, sheet_id, *related):
    """The sheet if the current centre may read it, with the centre that reads it; a 404 otherwise."""
    centre = _centre(request)
    queryset = ActivitySheet.objects.readable_in(centre.pk).select_related("centre", *related)
    return centre, get_object_or_404(queryset, pk=sheet_id)


def _own(request, sheet_id, *related):
    """The sheet if it belongs to the current centre (the only one that changes it); a 404 otherwise."""
    centre = _centre(request)
    queryset = ActivitySheet.objects.filter(centre=centre).select_related("centre", *related)
    return centre, get_object_or_404(queryset, pk=sheet_id)


def _detail_url(sheet) -> str:
    return reverse("animation:sheet_detail", args=[sheet.pk])


# --- Search -----------------------------------------------------------------------------------------


def _whole_number(params, name: str, low: int, high: int, what: str, notices: list[str]) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        notices.append(
            f"{what} « {raw[:20]} » n'est pas un nombre entre {low} et {high} : ce filtre est ignoré."
        )
        return None
    return value


def read_search(params, objectives: list[Objective]) -> tuple[SheetFilters, str, list[str], dict]:
    """The filters of the search page from its query string. A wrong value is set aside with a notice
    (never an error page): the rest of the search still runs. Returns the filters, the scope, the
    notices, and the values to show again in the form."""
    notices: list[str] = []
    shown = {
        key: (params.get(key) or "").strip()[:200]
        for key in ("q", "age", "type", "duree", "materiel", "objectif", "portee")
    }
    age = _whole_number(params, "age", 0, MAX_AGE, "L'âge", notices)
    duration = _whole_number(params, "duree", 1, MAX_MINUTES, "La durée", notices)
    kind = shown["type"]
    if kind and kind not in ActivitySheet.Kind.values:
        notices.append("Ce type d'activité n'existe pas : ce filtre est ignoré.")
        kind = ""
    objective_id = None
    if shown["objectif"]:
        known = {str(o.pk): o.pk for o in objectives}
        objective_id = known.get(shown["objectif"])
        if objective_id is None:
            notices.append("Cet objectif n'est pas dans le projet de votre centre : ce filtre est ignoré.")
    scope = shown["portee"] or "toutes"
    if scope not in dict(SCOPES):
        notices.append("Ce choix de fiches n'existe pas : toutes les fiches sont cherchées.")
        scope = "toutes"
    for key, value in (("age", age), ("duree", duration)):
        if value is None:
            shown[key] = ""
    shown.update(type=kind, objectif=str(objective_id or ""), portee=scope)
    filters = SheetFilters(
        text=shown["q"],
        age=age,
        kind=kind,
        max_duration=duration,
        materials=shown["materiel"],
        objective_id=objective_id,
    )
    return filters, scope, notices, shown


def _scoped(centre, user, scope: str):
    sheets_ = ActivitySheet.objects.readable_in(centre.pk)
    if scope == "centre":
        return sheets_.filter(centre=centre)
    if scope == "reseau":
        return sheets_.exclude(centre=centre)
    if scope == "favoris":
        return sheets_.filter(favourites__user=user)
    if scope == "brouillons":
        return sheets_.filter(centre=centre, author=user, status=ActivitySheet.Status.DRAFT)
    return sheets_


@login_required
def sheet_list(request):
    """Find a sheet: words, age, kind, duration, materials, objective; best matches first."""
    centre = _centre(request)
    objectives = list(Objective.objects.filter(centre=centre).order_by("position", "id"))
    filters, scope, notices, shown = read_search(request.GET, objectives)
    results = (
        filter_sheets(_scoped(centre, request.user, scope), filters)
        .select_related("centre")
        .defer(*CARD_DEFERRED)
        .annotate(is_favourite=Exists(SheetFavourite.objects.filter(sheet=OuterRef("pk"), user=request.user)))
    )
    # A word like « jeu » matches thousands of sheets: nobody pages that far, they add a filter.
    page = CountSparingPaginator(results, PAGE_SIZE, count_cap=COUNT_CAP).get_page(request.GET.get("page"))
    querystring = urlencode({key: value for key, value in shown.items() if value and value != "toutes"})
    searched = any(value for key, value in shown.items() if key != "portee") or scope != "toutes"
    return render(
        request,
        "animation/sheets/list.html",
        {
            "centre": centre,
            "form": SheetSearchForm(initial=shown, objectives=objectives),
            "page": page,
            "notices": notices,
            "querystring": querystring,
            "searched": searched,
            "here": request.get_full_path(),
        },
    )


# --- Writing ----------------------------------------------------------------------------------------


def _data(form: SheetForm) -> dict:
    data = dict(form.cleaned_data)
    for name in ("summary", "kind", "materials", "steps", "variants", "safety_notes"):
        data[name] = data.get(name) or ""
    return data


def _announce(request, outcome: sheets.SaveOutcome, published_asked: bool) -> None:
    sheet = outcome.sheet
    if outcome.missing:
        messages.warning(
            request,
            "La fiche est enregistrée comme brouillon : pour la publier, il manque "
            f"{', '.join(outcome.missing)}.",
        )
    elif not outcome.new_version:
        messages.info(request, "Rien n'a changé : la fiche est telle que vous l'aviez laissée.")
    elif sheet.is_published and published_asked:
        where = "tout le réseau" if sheet.is_shared else "votre centre"
        messages.success(request, f"La fiche est publiée : elle est visible par {where}.")
    else:
        messages.success(request, "Le brouillon est enregistré.")


def _form_page(request, form, *, centre, sheet=None, conflict=None, status=200):
    return render(
        request,
        "animation/sheets/form.html",
        {
            "centre": centre,
            "sheet": sheet,
            "form": form,
            "summary": error_summary(form) if form.is_bound else [],
            "conflict": conflict,
            "has_objectives": form.fields["objectives"].queryset.exists(),
        },
        status=status,
    )


@login_required
def sheet_create(request):
    """Write a new sheet: a draft needs only its title."""
    centre = _centre(request)
    form = SheetForm(posted(request), centre=centre)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "publier"
        try:
            outcome = sheets.create_sheet(
                centre=centre,
                author=request.user,
                data=_data(form),
                objectives=form.cleaned_data["objectives"],
                publish=publish,
            )
        except sheets.SheetRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            _announce(request, outcome, publish)
            return redirect(_detail_url(outcome.sheet))
    return _form_page(request, form, centre=centre, status=400 if form.is_bound else 200)


@login_required
def sheet_edit(request, sheet_id):
    """Change a sheet of my centre. A colleague's save since the form was opened is never overwritten:
    the form comes back with the person's text and the new version number."""
    centre, sheet = _own(request, sheet_id)
    if request.method != "POST":
        form = SheetForm(initial=SheetForm.initial_for(sheet), centre=centre)
        return _form_page(request, form, centre=centre, sheet=sheet)
    form = SheetForm(request.POST, centre=centre)
    if not form.is_valid():
        return _form_page(request, form, centre=centre, sheet=sheet, status=400)
    publish = request.POST.get("action") == "publier"
    try:
        outcome = sheets.update_sheet(
            sheet=sheet,
            actor=request.user,
            data=_data(form),
            objectives=form.cleaned_data["objectives"],
            publish=publish,
            expected_version=form.cleaned_data.get("version"),
        )
    except sheets.SheetConflict as conflict:
        data = request.POST.copy()
        data["version"] = str(conflict.current_version)
        form = SheetForm(data, centre=centre)
        form.is_valid()  # the same data was valid a moment ago: this only fills cleaned_data
        changed = _changes_since(sheet, request.POST.get("version"), conflict.current_version)
        return _form_page(
            request,
            form,
            centre=centre,
            sheet=sheet,
            conflict={"message": str(conflict), "version": conflict.current_version, "changed": changed},
            status=409,
        )
    except sheets.SheetRefused as refusal:
        form.add_error(None, str(refusal))
        return _form_page(request, form, centre=centre, sheet=sheet, status=400)
    _announce(request, outcome, publish)
    return redirect(_detail_url(outcome.sheet))


def _changes_since(sheet, opened_on, current: int) -> list[str]:
    """What the colleague changed between the version the person opened and the current one."""
    try:
        opened_number = int(opened_on)
    except (TypeError, ValueError):
        return []
    versions = {
        v.number: v.content
        for v in SheetVersion.objects.filter(sheet=sheet, number__in=[opened_number, current])
    }
    if opened_number not in versions or current not in versions:
        return []
    return sheets.changed_fields(versions[opened_number], versions[current])


@login_required
@require_POST
def sheet_unpublish(request, sheet_id):
    """Back to draft: other centres stop seeing the sheet."""
    _, sheet = _own(request, sheet_id)
    try:
        sheets.unpublish_sheet(sheet=sheet, actor=request.user)
    except sheets.SheetRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "La fiche est repassée en brouillon : seul votre centre la voit.")
    return redirect(_detail_url(sheet))


@login_required
def sheet_delete(request, sheet_id):
    """Delete a draft of my centre, after a confirmation."""
    centre, sheet = _own(request, sheet_id)
    if request.method == "POST":
        try:
            sheets.delete_sheet(sheet=sheet, actor=request.user)
        except sheets.SheetRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(_detail_url(sheet))
        messages.success(request, f"La fiche « {sheet.title} » est supprimée.")
        return redirect("animation:sheet_list")
    return render(request, "animation/sheets/confirm_delete.html", {"centre": centre, "sheet": sheet})


# --- Reading ----------------------------------------------------------------------------------------


def _detail_context(request, centre, sheet, *, comment_form=None, attachment_form=None) -> dict:
    attachments = list(sheet.attachments.all())
    own = sheet.centre_id == centre.pk
    return {
        "centre": centre,
        "sheet": sheet,
        "own": own,
        "objectives": list(sheet.objectives.all()),
        **sheets.body(sheet),
        "photos": [a for a in attachments if a.kind == SheetAttachment.Kind.PHOTO],
        "documents": [a for a in attachments if a.kind == SheetAttachment.Kind.DOCUMENT],
        "attachment_count": len(attachments),
        "max_attachments": sheets.MAX_ATTACHMENTS,
        "comments": list(sheet.comments.select_related("author", "centre")),
        "is_favourite": SheetFavourite.objects.filter(sheet=sheet, user=request.user).exists(),
        "copies": [] if own else sheets.copies_in(sheet, centre),
        "missing": sheets.missing_for_publication(sheet) if own and not sheet.is_published else [],
        "comment_form": comment_form or CommentForm(),
        "attachment_form": attachment_form or AttachmentForm(),
        "summary": error_summary(comment_form, attachment_form),
    }


@login_required
def sheet_detail(request, sheet_id):
    """A sheet as a reader needs it, with its photos, documents, comments and what can be done."""
    centre, sheet = _readable(request, sheet_id, "author", "copied_from__centre")
    return render(request, "animation/sheets/detail.html", _detail_context(request, centre, sheet))


@login_required
def sheet_copy(request, sheet_id):
    """Copy a readable sheet into my centre: asks first (saying if a copy already exists), then copies."""
    centre, sheet = _readable(request, sheet_id)
    copies = sheets.copies_in(sheet, centre)
    if request.method == "POST":
        try:
            copy = sheets.copy_sheet(source=sheet, centre=centre, actor=request.user)
        except sheets.SheetRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(_detail_url(sheet))
        messages.success(
            request,
            f"La fiche est copiée dans {centre.name}. Elle n'est visible que par votre centre : adaptez-la, "
            "choisissez les objectifs de votre projet pédagogique, puis partagez-la si vous le souhaitez.",
        )
        return redirect(_detail_url(copy))
    return render(
        request, "animation/sheets/confirm_copy.html", {"centre": centre, "sheet": sheet, "copies": copies}
    )


@login_required
def sheet_pdf(request, sheet_id):
    """The sheet on A4 paper, with its photos, to take to the activity."""
    from weasyprint import HTML

    centre, sheet = _readable(request, sheet_id, "author", "copied_from__centre")
    photos = []
    for photo in sheet.attachments.filter(kind=SheetAttachment.Kind.PHOTO):
        try:
            with photo.file.open("rb") as handle:
                encoded = base64.b64encode(handle.read()).decode()
        except OSError:
            continue  # a file lost on disk costs its photo, not the whole sheet
        photos.append({"name": photo.name, "src": f"data:{CONTENT_TYPES[photo.file_type]};base64,{encoded}"})
    html = render_to_string(
        "animation/sheets/pdf.html",
        {
            "sheet": sheet,
            "request_centre_id": centre.pk,
            "objectives": list(sheet.objectives.all()),
            **sheets.body(sheet),
            "photos": photos,
            "documents": list(sheet.attachments.filter(kind=SheetAttachment.Kind.DOCUMENT)),
        },
        request=request,
    )
    # No base URL: the template needs nothing from the network, and fetches nothing.
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"fiche-{slugify(sheet.title)[:60] or sheet.pk}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response


# --- Versions ---------------------------------------------------------------------------------------


@login_required
def sheet_history(request, sheet_id):
    """Every version of a sheet of my centre: who, when, what changed."""
    centre, sheet = _own(request, sheet_id)
    versions = list(sheet.versions.select_related("author").order_by("-number"))
    for newer, older in zip(versions, versions[1:], strict=False):
        newer.changes = sheets.changed_fields(older.content, newer.content)
    if versions:
        versions[-1].changes = []
    return render(
        request, "animation/sheets/history.html", {"centre": centre, "sheet": sheet, "versions": versions}
    )


@login_required
def sheet_version(request, sheet_id, version_number):
    """One earlier version, as it read then."""
    centre, sheet = _own(request, sheet_id)
    version = get_object_or_404(sheet.versions.select_related("author"), number=version_number)
    return render(
        request,
        "animation/sheets/version.html",
        {
            "centre": centre,
            "sheet": sheet,
            "version": version,
            **sheets.body(version.content),
            "objectives": version.content.get("objectives", []),
            "is_current": version.number == sheet.version,
        },
    )


@login_required
@require_POST
def sheet_restore(request, sheet_id, version_number):
    """« Revenir à cette version »: the old content becomes a new version."""
    _, sheet = _own(request, sheet_id)
    try:
        restored = sheets.restore_version(sheet=sheet, number=version_number, actor=request.user)
    except sheets.SheetRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("animation:sheet_history", sheet_id=sheet.pk)
    messages.success(
        request,
        f"La fiche a repris le contenu de la version {version_number} (nouvelle version {restored.version}).",
    )
    return redirect(_detail_url(sheet))


# --- Favourites and comments ------------------------------------------------------------------------


@login_required
@require_POST
def sheet_favourite(request, sheet_id):
    """Add to or remove from my favourites, then back where the person was."""
    _, sheet = _readable(request, sheet_id)
    wanted = request.POST.get("favori") == "1"
    sheets.set_favourite(sheet=sheet, user=request.user, favourite=wanted)
    messages.success(
        request,
        f"« {sheet.title} » est ajoutée à vos favoris."
        if wanted
        else f"« {sheet.title} » est retirée de vos favoris.",
    )
    return redirect_next(request, _detail_url(sheet))


@login_required
@require_POST
def sheet_comment_add(request, sheet_id):
    centre, sheet = _readable(request, sheet_id, "author", "copied_from__centre")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            sheets.add_comment(
                sheet=sheet, centre=centre, author=request.user, text=form.cleaned_data["text"]
            )
        except sheets.SheetRefused as refusal:
            refuse(form, "text", str(refusal))
        else:
            messages.success(request, "Votre commentaire est publié.")
            return redirect(_detail_url(sheet) + "#commentaires")
    context = _detail_context(request, centre, sheet, comment_form=form)
    return render(request, "animation/sheets/detail.html", context, status=400)


@login_required
@require_POST
def sheet_comment_delete(request, sheet_id, comment_id):
    centre, sheet = _readable(request, sheet_id)
    # Someone else's comment is not theirs to delete, and not worth confirming it exists.
    comment = get_object_or_404(SheetComment, pk=comment_id, sheet=sheet, author=request.user)
    sheets.delete_comment(comment=comment, actor=request.user)
    messages.success(request, "Votre commentaire est supprimé.")
    return redirect(_detail_url(sheet) + "#commentaires")


# --- Attachments ------------------------------------------------------------------------------------


@login_required
def sheet_attachment(request, sheet_id, attachment_id):
    """A photo or document, only for those who may read the sheet (never a public media address)."""
    _, sheet = _readable(request, sheet_id)
    attachment = get_object_or_404(SheetAttachment, pk=attachment_id, sheet=sheet)
    try:
        handle = attachment.file.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    is_photo = attachment.kind == SheetAttachment.Kind.PHOTO
    stem = slugify(attachment.name.rsplit(".", 1)[0])[:60] or "piece"
    name = f"{stem}.{EXTENSIONS.get(attachment.file_type, 'bin')}"
    response = FileResponse(
        handle,
        content_type=CONTENT_TYPES.get(attachment.file_type, "application/octet-stream"),
        as_attachment=not is_photo,
        filename=name,
    )
    # No Cache-Control of its own: the default, no-store (csc/core/headers.py). A photo of an activity
    # may show children, and the staff's computers are often shared.
    return response


@login_required
@require_POST
def sheet_attachment_add(request, sheet_id):
    """Add a photo or PDF; a refused file says why next to the field, the caption typed is kept."""
    centre, sheet = _own(request, sheet_id, "author", "copied_from__centre")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sheets.add_attachment(
                sheet=sheet,
                upload=form.cleaned_data["file"],
                actor=request.user,
                name=form.cleaned_data["name"],
            )
        except sheets.SheetRefused as refusal:
            refuse(form, "file", str(refusal))
        else:
            messages.success(request, "La pièce jointe est ajoutée.")
            return redirect(_detail_url(sheet) + "#pieces-jointes")
    context = _detail_context(request, centre, sheet, attachment_form=form)
    return render(request, "animation/sheets/detail.html", context, status=400)


@login_required
@require_POST
def sheet_attachment_delete(request, sheet_id, attachment_id):
    _, sheet = _own(request, sheet_id)
    attachment = get_object_or_404(SheetAttachment, pk=attachment_id, sheet=sheet)
    sheets.remove_attachment(attachment=attachment, actor=request.user)
    messages.success(request, f"« {attachment.name} » est retirée de la fiche.")
    return redirect(_detail_url(sheet) + "#pieces-jointes")
