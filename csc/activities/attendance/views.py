"""Check, for the team: the day's sessions, the attendance sheet a tap at a time, walk-ins, head counts
of open-door sessions, the paper sheet and the grid that copies it, and the programming of sessions.

Sessions are fetched through `visible_to(user, capability)`: another centre's session, or a role
without the capability, gets a 404. Rules live in `activities/sessions.py` and `attendance/services.py`.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from csc.core.forms import error_summary, parse_date, parse_month, posted
from csc.core.tenancy import has_capability, require_capability
from csc.people.models import Person
from csc.people.queries import search_people

from .. import sessions
from ..capabilities import ATTENDANCE_TAKE, SESSIONS_MANAGE
from ..models import Activity, Attendance, Closure, HeadCount, Participant, Period, Schedule, Session
from . import services as attendance
from .forms import (
    CancelForm,
    ClosureForm,
    EnrolForm,
    HeadCountForm,
    NewSessionForm,
    PeriodSessionsForm,
    ScheduleForm,
    SessionForm,
    WalkInForm,
)

TAKE = ATTENDANCE_TAKE
MANAGE = SESSIONS_MANAGE
SEARCH_LIMIT = 20
TAP_SESSION_FIELDS = (
    "id",
    "centre_id",
    "activity_id",
    "date",
    "counted_hours",
    "status",
    "activity__counts_only",
    "activity__centre_id",
)
TAP_PERSON_FIELDS = ("id", "centre_id", "first_name", "last_name", "anonymised_at", "last_activity_at")
# A grid wider than this does not fit a paper sheet, nor a screen.
MAX_GRID_SESSIONS = 31
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def _session(request, session_id, capability=TAKE):
    sessions_ = Session.objects.visible_to(request.user, capability).select_related("activity", "group")
    return get_object_or_404(sessions_, pk=session_id)


def _activity(request, activity_id, capability=MANAGE):
    return get_object_or_404(Activity.objects.visible_to(request.user, capability), pk=activity_id)


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _month_label(first: date) -> str:
    return f"{MONTHS[first.month - 1]} {first.year}"


def _sheet_url(session, person_id=None) -> str:
    url = reverse("activities:session_sheet", args=[session.pk])
    return f"{url}#personne-{person_id}" if person_id else url


# --- the day's sessions ----------------------------------------------------------------------------


@login_required
def today(request):
    """The sessions of a day in the current centre, with how many came: where an animator starts."""
    centre = require_capability(request, TAKE)
    asked = request.GET.get("jour")
    day = parse_date(asked or "")
    if asked and day is None:
        messages.error(request, "Date impossible : voici les séances d'aujourd'hui.")
    day = day or timezone.localdate()
    day_sessions = list(
        Session.objects.filter(centre=centre, date=day)
        .select_related("activity", "group")
        .annotate(present=Count("attendances", filter=Q(attendances__status=Attendance.Status.PRESENT)))
        .order_by("start_time", "activity__name", "id")
    )
    counted = dict(
        HeadCount.objects.filter(session__in=[s.pk for s in day_sessions])
        .values_list("session_id")
        .annotate(total=Sum("count"))
    )
    for session in day_sessions:
        session.counted = counted.get(session.pk)
    return render(
        request,
        "activities/attendance/today.html",
        {
            "centre": centre,
            "day": day,
            "is_today": day == timezone.localdate(),
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "sessions": day_sessions,
            "can_manage": has_capability(request.user, MANAGE, centre),
        },
    )


# --- the sheet -------------------------------------------------------------------------------------


def _closed_reason(session) -> str | None:
    try:
        attendance.check_open_for_attendance(session, today=timezone.localdate())
    except attendance.AttendanceRefused as refusal:
        return str(refusal)
    return None


@login_required
def session_sheet(request, session_id):
    """The attendance sheet: one row per person, three big buttons, each tap saved on its own."""
    session = _session(request, session_id)
    context = {
        "session": session,
        "closed_reason": _closed_reason(session),
        "can_manage": has_capability(request.user, MANAGE, session.centre_id),
    }
    if session.activity.counts_only:
        counts = {hc.category: hc.count for hc in session.head_counts.all()}
        context["head_count_form"] = HeadCountForm(
            initial={"adultes": counts.get("adultes", 0), "enfants": counts.get("enfants", 0)}
        )
        context["head_counts"] = counts
        return render(request, "activities/attendance/head_count.html", context)
    context["sheet"] = attendance.sheet(session)
    context["statuses"] = Attendance.Status.choices
    return render(request, "activities/attendance/sheet.html", context)


@login_required
@require_POST
def mark(request, session_id, person_id):
    """One tap. With htmx, answers the row alone (409 with the reason when refused); without
    JavaScript, comes back to the sheet at the person's row."""
    # The tap is the most frequent request of the platform: read only the columns it needs.
    session = get_object_or_404(
        Session.objects.visible_to(request.user, TAKE).select_related("activity").only(*TAP_SESSION_FIELDS),
        pk=session_id,
    )
    person = get_object_or_404(
        Person.objects.filter(centre_id=session.centre_id).only(*TAP_PERSON_FIELDS), pk=person_id
    )
    try:
        result = attendance.mark(
            session=session, person=person, status=request.POST.get("statut", ""), actor=request.user
        )
    except attendance.AttendanceRefused as refusal:
        if request.htmx:
            return HttpResponse(str(refusal), status=409, content_type="text/plain; charset=utf-8")
        messages.error(request, str(refusal))
        return redirect(_sheet_url(session, person.pk))
    row = attendance.SheetRow(
        person=person,
        status=result.attendance.status,
        expected=request.POST.get("attendu") == "1",
        attendance=result.attendance,
    )
    if request.htmx:
        return render(
            request,
            "activities/attendance/_row.html",
            {"row": row, "session": session, "statuses": Attendance.Status.choices, "saved": True},
        )
    if request.POST.get("retour") == "ajout":
        messages.success(request, f"{person} : noté(e) {result.attendance.get_status_display().lower()}.")
    return redirect(_sheet_url(session, person.pk))


@login_required
@require_POST
def head_count(request, session_id):
    session = _session(request, session_id)
    form = HeadCountForm(request.POST)
    if form.is_valid():
        try:
            attendance.record_head_counts(session=session, counts=form.counts(), actor=request.user)
        except attendance.AttendanceRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                f"Comptage enregistré : {form.cleaned_data['adultes']} adulte(s), "
                f"{form.cleaned_data['enfants']} enfant(s).",
            )
            return redirect(_sheet_url(session))
    return render(
        request,
        "activities/attendance/head_count.html",
        {
            "session": session,
            "closed_reason": _closed_reason(session),
            "head_count_form": form,
            "summary": error_summary(form),
            "can_manage": has_capability(request.user, MANAGE, session.centre_id),
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
def walk_in(request, session_id):
    """Someone came without being on the list: find them, or create a minimal new person."""
    session = _session(request, session_id)
    query = request.GET.get("q", "").strip()[:100]
    results = []
    if query:
        people = Person.objects.filter(centre_id=session.centre_id, anonymised_at__isnull=True)
        results = list(search_people(people, query)[:SEARCH_LIMIT])
    form = WalkInForm(posted(request))
    closed_reason = _closed_reason(session)
    if request.method == "POST" and closed_reason is None and form.is_valid():
        try:
            result = attendance.create_walk_in(
                session=session, person=form.save(commit=False), actor=request.user
            )
        except attendance.AttendanceRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"{result.attendance.person} ajouté(e) et noté(e) présent(e).")
            return redirect(_sheet_url(session, result.attendance.person_id))
    return render(
        request,
        "activities/attendance/walk_in.html",
        {
            "session": session,
            "query": query,
            "results": results,
            "form": form,
            "summary": error_summary(form) if request.method == "POST" else [],
            "closed_reason": closed_reason,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
def paper_sheet(request, session_id):
    """The sheet to print for a session without a device: names and boxes, blank lines for walk-ins."""
    from weasyprint import HTML

    session = _session(request, session_id)
    context = {"session": session, "blank_rows": range(12 if not session.activity.counts_only else 0)}
    if not session.activity.counts_only:
        context["rows"] = attendance.sheet(session).rows
    html = render_to_string("activities/attendance/paper_sheet.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"feuille-{slugify(session.activity.name)}-{session.date:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def grid(request, activity_id):
    """Copy a paper sheet afterwards: people × sessions, one choice per cell, saved in one go."""
    activity = get_object_or_404(Activity.objects.visible_to(request.user, TAKE), pk=activity_id)
    today_ = timezone.localdate()
    start = parse_date(request.GET.get("du", "")) or today_ - timedelta(days=today_.weekday())
    end = parse_date(request.GET.get("au", "")) or start + timedelta(days=6)
    problems = []
    if end < start:
        problems.append("La date de fin est avant la date de début : voici une semaine à partir du début.")
        end = start + timedelta(days=6)
    end = min(end, today_)
    grid_sessions = list(
        attendance.activity_sessions(activity, start, end).filter(status=Session.Status.PLANNED)[
            : MAX_GRID_SESSIONS + 1
        ]
    )
    if len(grid_sessions) > MAX_GRID_SESSIONS:
        problems.append(
            f"Plus de {MAX_GRID_SESSIONS} séances : seules les {MAX_GRID_SESSIONS} premières sont affichées."
        )
        grid_sessions = grid_sessions[:MAX_GRID_SESSIONS]
    people, noted, cells = attendance.grid_people(activity, grid_sessions)
    errors: dict = {}
    if request.method == "POST" and not activity.counts_only:
        entries = {}
        for session_id, person_id in cells:
            value = request.POST.get(f"c-{session_id}-{person_id}", "")
            if value and noted.get((session_id, person_id)) != value:
                entries[(session_id, person_id)] = value
        result = attendance.save_grid(
            sessions=grid_sessions, entries=entries, people={p.pk: p for p in people}, actor=request.user
        )
        errors = result.errors
        if not errors:
            messages.success(request, f"{result.saved} présence(s) enregistrée(s).")
            return redirect(f"{request.path}?du={start:%Y-%m-%d}&au={end:%Y-%m-%d}")
        messages.error(
            request,
            f"{result.saved} présence(s) enregistrée(s) ; "
            f"{len(errors)} case(s) refusée(s), signalée(s) ci-dessous.",
        )
        noted.update({key: value for key, value in entries.items() if key not in errors})
    statuses = [("", "—"), *((status.value, Attendance.LETTERS[status]) for status in Attendance.Status)]
    posted_values = request.POST if request.method == "POST" else {}
    rows = _grid_rows(people, grid_sessions, cells, noted, posted_values, errors, _grid_options(statuses))
    return render(
        request,
        "activities/attendance/grid.html",
        {
            "activity": activity,
            "start": start,
            "end": end,
            "sessions": grid_sessions,
            "rows": rows,
            "problems": problems,
            "legend": _grid_legend(),
        },
        status=400 if errors else 200,
    )


def _grid_rows(people, grid_sessions, cells, noted, posted, errors, options) -> list[str]:
    """The grid's rows as HTML, one string per person.

    Built here rather than in the template, with the standard library's escape: a day of three groups
    is 800 rows, and the template engine's lookups per cell (then format_html's lazy escaping) were
    most of the page's 400 ms. Every cell still has its label (« Léa Martin, 02/12/2026 »), its error
    tied by aria-describedby, and what was posted kept when refused; a cell where the person is not
    expected (another group's session) is empty."""
    days = {session.pk: f"{session.date:%d/%m/%Y}" for session in grid_sessions}
    rows = []
    for person in people:
        name = escape(f"{person.first_name} {person.last_name}")
        parts = [f'<tr><th scope="row">{escape(person.last_name.upper())} {escape(person.first_name)}</th>']
        for session in grid_sessions:
            key = (session.pk, person.pk)
            if key not in cells:
                parts.append("<td></td>")
                continue
            field = f"c-{session.pk}-{person.pk}"  # two integers: nothing to escape
            # What was posted (kept when a cell is refused), else what is noted.
            value = posted.get(field, noted.get(key, ""))
            error = errors.get(key)
            label = f'<label class="visually-hidden" for="{field}">{name}, {days[session.pk]}</label>'
            select_options = options.get(value, options[""])
            if error:
                parts.append(
                    f'<td class="cell--error">{label}<select id="{field}" name="{field}" aria-invalid="true" '
                    f'aria-describedby="{field}-erreur">{select_options}</select>'
                    f'<p class="errors" id="{field}-erreur">{escape(error)}</p></td>'
                )
            else:
                parts.append(f'<td>{label}<select id="{field}" name="{field}">{select_options}</select></td>')
        parts.append("</tr>")
        rows.append(mark_safe("".join(parts)))  # noqa: S308 — every text above is escaped
    return rows


def _grid_options(statuses: list[tuple[str, str]]) -> dict[str, str]:
    """The <option>s of a grid cell for each value it may hold, built once: a day of three groups has
    hundreds of cells, and a template loop over the statuses in each was most of the page's time."""
    return {
        selected: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if value == selected else "", label)
                for value, label in statuses
            ),
        )
        for selected, _ in statuses
    }


def _grid_legend() -> dict:
    """« P (présent(e)), A (absent(e)) ou E (excusé(e)) », and « P, A ou E », from the model's statuses."""
    letters = [Attendance.LETTERS[status] for status in Attendance.Status]
    named = [f"{Attendance.LETTERS[status]} ({str(status.label).lower()})" for status in Attendance.Status]
    return {"named": _or(named), "letters": _or(letters)}


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} ou {words[-1]}"


# --- programming sessions --------------------------------------------------------------------------


def _form_page(request, *, activity, form, title, submit, intro="", session=None):
    """The one page every programming form shows on, 400 when it comes back with errors."""
    context = {
        "activity": activity,
        "session": session,
        "form": form,
        "summary": error_summary(form),
        "title": title,
        "intro": intro,
        "submit": submit,
    }
    return render(request, "activities/attendance/form.html", context, status=400 if form.errors else 200)


def _back_to_month(activity_id: int, day: date):
    """Back to the activity's sessions, on the month of the session just changed."""
    return redirect(f"{reverse('activities:session_list', args=[activity_id])}?mois={day:%Y-%m}")


@login_required
def programme(request):
    """The centre's activities with their next sessions and participants: where sessions are planned."""
    centre = require_capability(request, MANAGE)
    today_ = timezone.localdate()
    activities = (
        Activity.objects.filter(centre=centre)
        .annotate(
            upcoming=Count(
                "sessions",
                filter=Q(sessions__date__gte=today_, sessions__status=Session.Status.PLANNED),
                distinct=True,
            ),
            enrolled=Count("participants", filter=Q(participants__left_on__isnull=True), distinct=True),
        )
        .order_by("name", "id")
    )
    return render(
        request, "activities/attendance/programme.html", {"centre": centre, "activities": activities}
    )


@login_required
def session_list(request, activity_id):
    activity = _activity(request, activity_id)
    today_ = timezone.localdate()
    parsed = parse_month(request.GET.get("mois") or "")
    first = date(*parsed, 1) if parsed else today_.replace(day=1)
    last = _month_end(first)
    month_sessions = (
        Session.objects.filter(activity=activity, date__gte=first, date__lte=last)
        .select_related("group")
        .annotate(present=Count("attendances", filter=Q(attendances__status=Attendance.Status.PRESENT)))
        .order_by("date", "start_time", "id")
    )
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render(
        request,
        "activities/attendance/session_list.html",
        {
            "activity": activity,
            "sessions": month_sessions,
            "schedules": Schedule.objects.filter(activity=activity).select_related("group"),
            "month": first,
            "month_label": _month_label(first),
            "previous": previous,
            "previous_label": _month_label(previous),
            "following": following,
            "following_label": _month_label(following),
            "today": today_,
        },
    )


@login_required
def schedule_create(request, activity_id):
    activity = _activity(request, activity_id)
    form = ScheduleForm(posted(request), activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            created = sessions.create_schedule(form.instance)
        except sessions.SessionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, f"{len(created)} séance(s) programmée(s), sans les fermetures ni les jours fériés."
            )
            return redirect("activities:session_list", activity_id=activity.pk)
    return _form_page(
        request,
        activity=activity,
        form=form,
        title=f"Programmer les séances de « {activity.name} »",
        intro="Les séances sont créées pour chaque jour coché entre les deux dates, "
        "sauf les fermetures du centre et les jours fériés.",
        submit="Créer les séances",
    )


@login_required
@require_POST
def schedule_delete(request, schedule_id):
    schedule = get_object_or_404(
        Schedule.objects.visible_to(request.user, MANAGE).select_related("activity"), pk=schedule_id
    )
    activity = schedule.activity
    removed = sessions.delete_schedule(schedule, today=timezone.localdate())
    messages.success(
        request, f"Rythme supprimé : {removed} séance(s) à venir retirée(s) ; les séances passées restent."
    )
    return redirect("activities:session_list", activity_id=activity.pk)


@login_required
def session_create(request, activity_id):
    activity = _activity(request, activity_id)
    form = NewSessionForm(posted(request), activity=activity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = sessions.add_session(
                activity=activity,
                day=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                title=data["title"],
                group=data.get("group"),
                hours_cap=data.get("hours_cap"),
            )
        except sessions.SessionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Séance du {session.date:%d/%m/%Y} ajoutée.")
            return _back_to_month(activity.pk, session.date)
    return _form_page(
        request,
        activity=activity,
        form=form,
        title=f"Ajouter une séance à « {activity.name} »",
        submit="Ajouter la séance",
    )


@login_required
def session_edit(request, session_id):
    session = _session(request, session_id, MANAGE)
    initial = {
        "date": session.date,
        "start_time": session.start_time,
        "end_time": session.end_time,
        "title": session.title,
    }
    form = SessionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sessions.move_session(
                session,
                day=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                title=data["title"],
                today=timezone.localdate(),
            )
        except sessions.SessionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Séance enregistrée : le {data['date']:%d/%m/%Y}.")
            return _back_to_month(session.activity_id, data["date"])
    return _form_page(
        request,
        activity=session.activity,
        session=session,
        form=form,
        title=f"Déplacer ou modifier la séance du {session.date:%d/%m/%Y}",
        submit="Enregistrer",
    )


@login_required
def session_cancel(request, session_id):
    session = _session(request, session_id, MANAGE)
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            sessions.cancel_session(session, reason=form.cleaned_data["reason"])
        except sessions.SessionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Séance du {session.date:%d/%m/%Y} annulée.")
            return _back_to_month(session.activity_id, session.date)
    return _form_page(
        request,
        activity=session.activity,
        session=session,
        form=form,
        title=f"Annuler la séance du {session.date:%d/%m/%Y}",
        intro="Les participants attendus ne seront pas comptés absents. Vous pourrez rétablir la séance.",
        submit="Annuler la séance",
    )


@login_required
@require_POST
def session_reinstate(request, session_id):
    session = _session(request, session_id, MANAGE)
    sessions.reinstate_session(session)
    messages.success(request, f"Séance du {session.date:%d/%m/%Y} rétablie.")
    return _back_to_month(session.activity_id, session.date)


@login_required
def period_sessions(request, period_id):
    """Create the sessions of a leisure-centre period: one per group and opening day."""
    period = get_object_or_404(
        Period.objects.visible_to(request.user, MANAGE).select_related("activity"), pk=period_id
    )
    form = PeriodSessionsForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = sessions.create_period_sessions(
                period,
                start_time=form.cleaned_data["start_time"],
                end_time=form.cleaned_data["end_time"],
                hours_cap=form.cleaned_data.get("hours_cap"),
            )
        except sessions.SessionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{len(created)} séance(s) créée(s) pour « {period.name} ».")
            return redirect("activities:session_list", activity_id=period.activity_id)
    return _form_page(
        request,
        activity=period.activity,
        form=form,
        title=f"Créer les séances de « {period.name} »",
        intro="Une séance par groupe et par jour d'ouverture ; "
        "les enfants inscrits ce jour-là y sont attendus.",
        submit="Créer les séances",
    )


@login_required
def participants(request, activity_id):
    """Who takes part in a weekly activity: enrol from a search of the centre's people, or remove."""
    activity = _activity(request, activity_id)
    query = request.GET.get("q", "").strip()[:100]
    results = []
    enrolled_ids = set()
    if query:
        people = Person.objects.filter(centre_id=activity.centre_id, anonymised_at__isnull=True)
        results = list(search_people(people, query)[:SEARCH_LIMIT])
        enrolled_ids = set(
            Participant.objects.filter(
                activity=activity, left_on__isnull=True, person__in=results
            ).values_list("person_id", flat=True)
        )
    form = EnrolForm(posted(request), activity=activity, initial={"joined_on": timezone.localdate()})
    if request.method == "POST":
        person = get_object_or_404(
            Person.objects.filter(centre_id=activity.centre_id, anonymised_at__isnull=True),
            pk=request.POST.get("personne") or 0,
        )
        if form.is_valid():
            try:
                sessions.enrol(
                    activity=activity,
                    person=person,
                    joined_on=form.cleaned_data["joined_on"],
                    group=form.cleaned_data.get("group"),
                )
            except sessions.SessionRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, f"{person} inscrit(e) à « {activity.name} ».")
                return redirect("activities:participants", activity_id=activity.pk)
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    current = (
        Participant.objects.filter(activity=activity)
        .select_related("person", "group")
        .order_by("left_on", "person__last_name", "person__first_name", "id")
    )
    return render(
        request,
        "activities/attendance/participants.html",
        {
            "activity": activity,
            "participants": current,
            "query": query,
            "results": results,
            "enrolled_ids": enrolled_ids,
            "form": form,
        },
    )


@login_required
@require_POST
def participant_remove(request, participant_id):
    participant = get_object_or_404(
        Participant.objects.visible_to(request.user, MANAGE).select_related("person", "activity"),
        pk=participant_id,
    )
    sessions.unenrol(participant, left_on=timezone.localdate())
    messages.success(
        request,
        f"{participant.person} ne fait plus partie de « {participant.activity.name} » ; "
        "ses présences passées restent.",
    )
    return redirect("activities:participants", activity_id=participant.activity_id)


@login_required
def closures(request):
    centre = require_capability(request, MANAGE)
    form = ClosureForm(posted(request))
    if request.method == "POST" and form.is_valid():
        closure = form.save(commit=False)
        closure.centre = centre
        closure.save()
        messages.success(
            request, f"Fermeture du {closure} enregistrée : les prochains rythmes de séances l'éviteront."
        )
        return redirect("activities:closures")
    return render(
        request,
        "activities/attendance/closures.html",
        {
            "centre": centre,
            "closures": Closure.objects.filter(centre=centre).order_by("-starts_on"),
            "form": form,
            "summary": error_summary(form),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def closure_delete(request, closure_id):
    centre = require_capability(request, MANAGE)
    closure = get_object_or_404(Closure.objects.filter(centre=centre), pk=closure_id)
    closure.delete()
    messages.success(request, "Fermeture supprimée.")
    return redirect("activities:closures")
