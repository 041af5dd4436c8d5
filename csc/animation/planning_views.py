"""Planning pages: the list, creation, the grid with its sheet tray, placing and moving (by drag and drop
and by a keyboard menu that is also a plain form), copying a week, publishing, the PDF, and the
parents' page.

Every planning is fetched through `Planning.objects.visible_to(user, ANIMATION_PLANNINGS)`: another
centre's planning, or a role without the capability, gets a 404. Rules live in the `plannings` package.

The grid's script posts to the same endpoints as the forms, with `X-Requested-With: fetch`: it then gets
JSON (a message to announce, the entry to focus) instead of a redirect, and reloads the grid.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from csc.core.forms import posted
from csc.core.links import LinkPattern
from csc.core.pagination import CountSparingPaginator
from csc.core.pdf import render_pdf
from csc.core.tenancy import has_capability, require_capability

from . import plannings
from .capabilities import ANIMATION_PLANNINGS
from .models import ActivitySheet, Planning, PlanningEntry
from .planning_forms import (
    CopyWeekForm,
    EntryForm,
    MoveForm,
    PlaceForm,
    PlanningCreateForm,
    PlanningSettingsForm,
    RevisionForm,
)
from .plannings import PlanningConflict, PlanningRefused, cell_label, monday_of
from .search import SheetFilters

PLANNINGS = ANIMATION_PLANNINGS
PAGE_SIZE = 25
MAX_SEARCH = 100
GONE = "Cette activité n'est plus au planning : un collègue l'a retirée entre-temps."


def _planning(request, planning_id) -> Planning:
    plannings_ = Planning.objects.visible_to(request.user, PLANNINGS).select_related(
        "activity", "period", "centre"
    )
    return get_object_or_404(plannings_, pk=planning_id)


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _parse_date(text) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def _parse_int(text, low: int = 0, high: int = 150) -> int | None:
    try:
        value = int((text or "").strip())
    except ValueError:
        return None
    return value if low <= value <= high else None


def grid_url(planning: Planning, day: date | None = None, anchor: str = "") -> str:
    url = reverse("animation:planning_detail", args=[planning.pk])
    if day is not None:
        url += f"?semaine={monday_of(day).isoformat()}"
    return url + (f"#{anchor}" if anchor else "")


def _reply(request, planning, message, *, level="success", day=None, status=200, entry_id=None, anchor=""):
    """The answer to a change: JSON for the grid's script, else a message and the grid again."""
    if _is_fetch(request):
        return JsonResponse(
            {
                "ok": level == "success",
                "message": message,
                "entry_id": entry_id,
                "week": monday_of(day).isoformat() if day else None,
                "revision": planning.revision,
            },
            status=status,
        )
    getattr(messages, level)(request, message)
    return redirect(grid_url(planning, day, anchor))


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _people(planning):
    return list(plannings.eligible_animators(planning.centre_id)), list(
        plannings.project_objectives(planning)
    )


# --- List, create, settings, delete ---------------------------------------------------------------------


@login_required
def planning_list(request):
    centre = require_capability(request, PLANNINGS)
    rows = (
        Planning.objects.visible_to(request.user, PLANNINGS)
        .filter(centre=centre)
        .select_related("activity")
        .annotate(entry_count=Count("entries"))
        .order_by("-starts_on", "-id")
    )
    page = CountSparingPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "animation/plannings/list.html", {"centre": centre, "page": page})


@login_required
def planning_create(request):
    centre = require_capability(request, PLANNINGS)
    initial = {}
    if (period_id := _parse_int(request.GET.get("periode"), 1, 2**31)) is not None:
        initial["period"] = period_id
    form = PlanningCreateForm(posted(request), centre=centre, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            planning = plannings.create_planning(
                centre=centre,
                user=request.user,
                period=data["period"] if data["kind"] == Planning.Kind.PERIOD else None,
                activity=data["activity"],
                week_of=data["week_of"],
                weekdays=data["weekdays"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                title=data["title"],
                hours=form.slot_hours(),
            )
        except PlanningRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"Planning « {planning.title} » créé. Placez les activités : glissez une fiche dans une "
                "case, ou utilisez le bouton « Placer… ».",
            )
            return redirect("animation:planning_detail", planning_id=planning.pk)
    return render(request, "animation/plannings/create.html", {"form": form, "centre": centre})


@login_required
def planning_settings(request, planning_id):
    planning = _planning(request, planning_id)
    form = PlanningSettingsForm(posted(request), planning=planning)
    if request.method == "POST" and form.is_valid():
        try:
            plannings.update_planning(planning, title=form.cleaned_data["title"], hours=form.slot_hours())
        except PlanningRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, "Réglages enregistrés. Publiez à nouveau pour mettre à jour les séances."
            )
            return redirect("animation:planning_detail", planning_id=planning.pk)
    return render(request, "animation/plannings/settings.html", {"planning": planning, "form": form})


@login_required
def planning_delete(request, planning_id):
    planning = _planning(request, planning_id)
    if request.method == "POST":
        try:
            plannings.delete_planning(planning)
        except PlanningRefused as refused:
            messages.error(request, str(refused))
            return redirect("animation:planning_detail", planning_id=planning.pk)
        messages.success(request, f"Planning « {planning.title} » supprimé.")
        return redirect("animation:planning_list")
    return render(request, "animation/plannings/delete.html", {"planning": planning})


# --- The grid ---------------------------------------------------------------------------------------


@login_required
def planning_detail(request, planning_id):
    planning = _planning(request, planning_id)
    view = plannings.grid(planning, week=_parse_date(request.GET.get("semaine")))
    text = (request.GET.get("q") or "").strip()[:MAX_SEARCH]
    age = _parse_int(request.GET.get("age"), 0, 120)
    filters = SheetFilters(text=text, age=age) if text or age is not None else None
    tray = plannings.tray(planning, request.user, filters)
    _fill_links(planning, view, tray)
    animators, objectives = list(plannings.eligible_animators(planning.centre_id)), view.objectives
    board = view.board
    context = {
        "planning": planning,
        "grid": view,
        "tray": tray,
        "search_text": text,
        "search_age": age if age is not None else "",
        "place_form": PlaceForm(
            planning=planning,
            days=board.days,
            groups=board.groups,
            animators=animators,
            objectives=objectives,
            auto_id="place_%s",
        ),
        "move_form": MoveForm(planning=planning, days=board.days, groups=board.groups, auto_id="move_%s"),
        "copy_form": CopyWeekForm(
            planning=planning, weeks=view.weeks, initial={"source_week": view.week}, auto_id="copy_%s"
        ),
        "revision_form": RevisionForm(planning=planning),
        "public_url": request.build_absolute_uri(
            reverse("animation:planning_public", args=[planning.public_token])
        ),
        "single_row": board.groups == [None],
    }
    return render(request, "animation/plannings/detail.html", context)


def _fill_links(planning, view, tray) -> None:
    """The links of the grid's entries and of the tray's sheets, each route reversed once."""
    sheet_url = LinkPattern("animation:sheet_detail")
    move_url = LinkPattern("animation:planning_entry_move", (planning.pk,))
    edit_url = LinkPattern("animation:planning_entry_edit", (planning.pk,))
    place_url = reverse("animation:planning_place", args=[planning.pk])
    for entry in view.entries:
        entry.sheet_url = sheet_url(entry.sheet_id) if entry.sheet_id else ""
        entry.move_url, entry.edit_url = move_url(entry.id), edit_url(entry.id)
    for item in tray.items():
        item.detail_url, item.place_url = sheet_url(item.id), f"{place_url}?fiche={item.id}"


def _entry_or_none(planning, entry_id) -> PlanningEntry | None:
    return (
        PlanningEntry.objects.filter(planning_id=planning.pk, pk=entry_id)
        .select_related("group", "sheet")
        .prefetch_related("animators", "objectives")
        .first()
    )


def _gone(request, planning):
    return _reply(request, planning, GONE, level="warning", status=409)


@login_required
def planning_place(request, planning_id):
    """Place a sheet or a free activity: the keyboard menu's form, and the drop of a card."""
    planning = _planning(request, planning_id)
    days, groups = plannings.planning_days(planning), plannings.planning_groups(planning)
    animators, objectives = _people(planning)
    initial = {"title": (request.GET.get("titre") or "")[:200]}
    if (sheet_id := _parse_int(request.GET.get("fiche"), 1, 2**31)) is not None:
        initial["sheet"] = sheet_id
    for key, name in (("group", "groupe"), ("day", "jour"), ("slot", "moment")):
        if request.GET.get(name):
            initial[key] = request.GET[name][:20]
    form = PlaceForm(
        posted(request),
        planning=planning,
        days=days,
        groups=groups,
        animators=animators,
        objectives=objectives,
        initial=initial,
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = plannings.place_entry(
                    planning,
                    **form.cell(),
                    sheet=data["sheet"],
                    title=data["title"],
                    notes=data["notes"],
                    animators=data["animators"],
                    objectives=data.get("objectives", []),
                )
            except PlanningRefused as refused:
                if _is_fetch(request):
                    return _reply(request, planning, str(refused), level="error", status=400)
                form.add_error(None, str(refused))
            else:
                return _reply_in_cell(request, planning, entry, "placé")
        elif _is_fetch(request):
            return _reply(request, planning, _form_errors(form), level="error", status=400)
    sheet = None
    if sheet_id := (form.data.get("sheet") if form.is_bound else initial.get("sheet")):
        sheet_id = _parse_int(str(sheet_id), 1, 2**31)
        sheet = (
            ActivitySheet.objects.readable_in(planning.centre_id).filter(pk=sheet_id).first()
            if sheet_id
            else None
        )
    return render(
        request,
        "animation/plannings/place.html",
        {"planning": planning, "form": form, "sheet": sheet, "single_row": groups == [None]},
    )


def _reply_in_cell(request, planning, entry, verb: str):
    """Say where the entry now is (the live region reads it) and bring the focus back to it."""
    message = f"« {entry.title} » {verb} : {cell_label(entry.group, entry.date, entry.slot)}"
    return _reply(
        request, planning, message, day=entry.date, entry_id=entry.pk, anchor=f"activite-{entry.pk}"
    )


@login_required
def planning_entry_move(request, planning_id, entry_id):
    planning = _planning(request, planning_id)
    entry = _entry_or_none(planning, entry_id)
    if entry is None:
        return _gone(request, planning)
    days, groups = plannings.planning_days(planning), plannings.planning_groups(planning)
    form = MoveForm(
        posted(request),
        planning=planning,
        days=days,
        groups=groups,
        initial={"group": entry.group_id, "day": entry.date.isoformat(), "slot": entry.slot},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = plannings.move_entry(planning, entry.pk, **form.cell())
            except PlanningConflict as conflict:
                return _reply(request, planning, str(conflict), level="warning", status=409)
            except PlanningRefused as refused:
                if _is_fetch(request):
                    return _reply(request, planning, str(refused), level="error", status=400)
                form.add_error(None, str(refused))
            else:
                return _reply_in_cell(request, planning, entry, "déplacé")
        elif _is_fetch(request):
            return _reply(request, planning, _form_errors(form), level="error", status=400)
    return render(
        request,
        "animation/plannings/move.html",
        {"planning": planning, "entry": entry, "form": form, "single_row": groups == [None]},
    )


@login_required
def planning_entry_edit(request, planning_id, entry_id):
    planning = _planning(request, planning_id)
    entry = _entry_or_none(planning, entry_id)
    if entry is None:
        if request.method == "POST":
            return _place_again(request, planning, _typed(request.POST))
        messages.warning(request, GONE)
        return redirect("animation:planning_detail", planning_id=planning.pk)
    animators, objectives = _people(planning)
    form = EntryForm(
        posted(request), entry=entry, planning=planning, animators=animators, objectives=objectives
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = plannings.update_entry(
                planning,
                entry.pk,
                title=data["title"],
                notes=data["notes"],
                animators=data["animators"],
                objectives=data.get("objectives") if "objectives" in form.fields else None,
            )
        except PlanningConflict:
            return _place_again(request, planning, _typed(request.POST))
        except PlanningRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"« {entry.title} » enregistrée.")
            return redirect(grid_url(planning, entry.date, f"activite-{entry.pk}"))
    return render(
        request,
        "animation/plannings/entry.html",
        {
            "planning": planning,
            "entry": entry,
            "form": form,
            "cell": cell_label(entry.group, entry.date, entry.slot),
        },
    )


def _typed(data) -> dict:
    """What the edit form held, with the cell it was about (hidden fields): enough to place it again."""
    return {
        "title": (data.get("title") or "")[:200],
        "notes": (data.get("notes") or "")[:300],
        "animators": data.getlist("animators"),
        "objectives": data.getlist("objectives"),
        "sheet": _parse_int(data.get("cell_sheet"), 1, 2**31),
        "group": (data.get("cell_group") or "")[:20],
        "day": (data.get("cell_day") or "")[:10],
        "slot": (data.get("cell_slot") or "")[:20],
    }


def _place_again(request, planning, typed: dict):
    """A colleague removed the activity while it was being edited: nothing typed is lost, and the
    person can place it again where it was, in one click."""
    animators, objectives = _people(planning)
    groups = plannings.planning_groups(planning)
    form = PlaceForm(
        planning=planning,
        days=plannings.planning_days(planning),
        groups=groups,
        animators=animators,
        objectives=objectives,
        initial=typed,
    )
    sheet = None
    if typed["sheet"]:
        sheet = ActivitySheet.objects.readable_in(planning.centre_id).filter(pk=typed["sheet"]).first()
    context = {
        "planning": planning,
        "form": form,
        "sheet": sheet,
        "conflict": GONE,
        "single_row": groups == [None],
    }
    return render(request, "animation/plannings/place.html", context, status=409)


@login_required
@require_POST
def planning_entry_remove(request, planning_id, entry_id):
    planning = _planning(request, planning_id)
    try:
        entry = plannings.remove_entry(planning, entry_id)
    except PlanningConflict:
        return _reply(
            request,
            planning,
            "Cette activité avait déjà été retirée par un collègue.",
            level="warning",
            status=409,
        )
    return _reply(request, planning, f"« {entry.title} » retirée du planning.", day=entry.date)


# --- Copy a week, publish ---------------------------------------------------------------------------


@login_required
def planning_copy_week(request, planning_id):
    planning = _planning(request, planning_id)
    weeks = plannings.weeks_of(plannings.planning_days(planning))
    form = CopyWeekForm(posted(request), planning=planning, weeks=weeks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = plannings.copy_week(
                planning,
                from_monday=data["source_week"],
                target=data["target"],
                to_monday=data["target_week"],
            )
        except PlanningRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, copy_message(result))
            return redirect(grid_url(data["target"], data["target_week"]))
    return render(request, "animation/plannings/copy_week.html", {"planning": planning, "form": form})


def _plural(count: int, word: str) -> str:
    """« 1 activité copiée », « 2 activités copiées »: French adds an s from two on."""
    return f"{count} " + " ".join(w + ("s" if count > 1 else "") for w in word.split(" "))


def copy_message(result: plannings.CopyResult) -> str:
    parts = [_plural(result.copied, "activité copiée")]
    if result.already:
        parts.append(f"{result.already} déjà là, non doublée{'s' if result.already > 1 else ''}")
    if result.skipped:
        days = ", ".join(plannings.day_label(d) for d in result.skipped_days)
        parts.append(
            f"{_plural(result.skipped, 'non copiée')} : ces jours manquent au planning visé ({days})"
        )
    return " ; ".join(parts) + "."


def sessions_message(result) -> str:
    created, updated, removed = (
        _plural(result.created, "créée"),
        _plural(result.updated, "mise"),
        _plural(result.removed, "retirée"),
    )
    return f"Séances pour l'appel : {created}, {updated} à jour, {removed}."


def kept_message(result) -> str | None:
    if not result.kept:
        return None
    sessions = ", ".join(
        f"{session.group.name if session.group_id else plannings.ALL_GROUPS_LABEL} le "
        f"{plannings.day_label(session.date)}"
        for session in result.kept
    )
    many = len(result.kept) > 1
    verb = "ne sont" if many else "n'est"
    return (
        f"{_plural(len(result.kept), 'séance')} {verb} plus au programme mais "
        f"{'gardent leurs' if many else 'garde ses'} présences : {sessions}. "
        + (
            "Elles restent dans « Présences » : annulez là-bas celles qui n'ont pas eu lieu."
            if many
            else "Elle reste dans « Présences » : annulez-la là-bas si elle n'a pas eu lieu."
        )
    )


@login_required
@require_POST
def planning_publish(request, planning_id):
    planning = _planning(request, planning_id)
    form = RevisionForm(request.POST, planning=planning)
    expected = form.cleaned_data.get("revision") if form.is_valid() else None
    try:
        result = plannings.publish_planning(planning, user=request.user, expected_revision=expected)
    except PlanningConflict as conflict:
        messages.warning(request, str(conflict))
        return redirect("animation:planning_detail", planning_id=planning.pk)
    except PlanningRefused as refused:
        messages.error(request, str(refused))
        return redirect("animation:planning_detail", planning_id=planning.pk)
    messages.success(
        request,
        f"Planning publié le {timezone.localtime(result.planning.published_at):%d/%m/%Y à %H:%M} : "
        f"les familles voient ce programme. {sessions_message(result.sessions)}",
    )
    if kept := kept_message(result.sessions):
        messages.warning(request, kept)
    return redirect("animation:planning_detail", planning_id=planning.pk)


@login_required
@require_POST
def planning_unpublish(request, planning_id):
    planning = _planning(request, planning_id)
    try:
        result = plannings.unpublish_planning(planning, user=request.user)
    except PlanningRefused as refused:
        messages.error(request, str(refused))
        return redirect("animation:planning_detail", planning_id=planning.pk)
    messages.success(
        request,
        "Planning dépublié : la page des familles ne le montre plus. "
        f"Séances pour l'appel : {_plural(result.removed, 'retirée')}.",
    )
    if kept := kept_message(result):
        messages.warning(request, kept)
    return redirect("animation:planning_detail", planning_id=planning.pk)


# --- Paper and the parents' page -------------------------------------------------------------------------


def _pdf_response(template: str, context: dict, filename: str) -> HttpResponse:
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def planning_pdf(request, planning_id):
    """The team's planning on A4 landscape, a page per week, as it is now (with the animators)."""
    planning = _planning(request, planning_id)
    board = plannings.load_board(planning)
    context = {
        "planning": planning,
        "programme": plannings.current_programme(board, with_animators=True),
        "printed_at": timezone.localtime(),
        "for_team": True,
    }
    return _pdf_response(
        "animation/plannings/pdf.html", context, f"planning-{slugify(planning.title)[:60]}.pdf"
    )


def _published(request, token):
    planning = (
        Planning.objects.filter(public_token=str(token)[:32], status=Planning.Status.PUBLISHED)
        .select_related("centre", "activity")
        .first()
    )
    if planning is None or not planning.published_content:
        return None
    return planning


def _missing(request):
    return render(request, "animation/plannings/public_missing.html", status=404)


def planning_public(request, token):
    """The parents' page: the programme as last published. No login, no names of the team."""
    planning = _published(request, token)
    if planning is None:
        return _missing(request)
    content = planning.published_content
    context = {
        "planning": planning,
        "content": content,
        "programme": plannings.published_programme(content),
        "published_at": _published_at(content),
        "team_sees_changes": planning.has_unpublished_changes
        and has_capability(request.user, PLANNINGS, planning.centre_id),
    }
    response = render(request, "animation/plannings/public.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _published_at(content: dict):
    try:
        from datetime import datetime

        return timezone.localtime(datetime.fromisoformat(content["published_at"]))
    except (KeyError, TypeError, ValueError):
        return None


def planning_public_pdf(request, token):
    planning = _published(request, token)
    if planning is None:
        return _missing(request)
    content = planning.published_content
    context = {
        "planning": planning,
        "title": content.get("title", planning.title),
        "programme": plannings.published_programme(content),
        "printed_at": _published_at(content),
        "for_team": False,
    }
    response = _pdf_response(
        "animation/plannings/pdf.html", context, f"programme-{slugify(content.get('title', ''))[:60]}.pdf"
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
