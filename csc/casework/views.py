"""Social follow-up pages: thin views over services.py (changes) and queries.py (who reads what).

Every page that shows a case file or a period journals the read; reaching one the user may not read is a
404, journaled as a refusal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from csc.core.forms import posted
from csc.core.tenancy import require_capability
from csc.people import services as people_services
from csc.people.models import Person
from csc.people.queries import search_people
from csc.people.views import personal_data_response

from . import queries, services
from .access import FOLLOW, followed_people, period_or_404, person_or_404, visible_or_404
from .forms import CloseForm, ExchangeForm, PeriodForm, TaskForm
from .models import HouseholdChange, Period, Task

PEOPLE_SHOWN = 20
HISTORY_SHOWN = 30


@login_required
def home(request):
    centre = require_capability(request, FOLLOW)
    words = (request.GET.get("nom") or "").strip()[:100]
    found = list(search_people(followed_people(request.user), words)[:PEOPLE_SHOWN]) if words else []
    mine = (
        queries.periods_visible_to(request.user)
        .filter(queries.involving(request.user))
        .exclude(status=Period.Status.CLOSED)
        .select_related("scope", "referent")
        .prefetch_related("persons")
    )
    tasks = queries.tasks_of(request.user).filter(done_at__isnull=True)
    context = {
        "centre": centre,
        "words": words,
        "found": found,
        "periods": mine,
        "late_tasks": tasks.filter(due_on__lt=timezone.localdate()).count(),
        "open_tasks": tasks.count(),
    }
    return render(request, "casework/home.html", context)


@login_required
def person_file(request, person_id):
    require_capability(request, FOLLOW)
    person = person_or_404(request, person_id)
    periods = (
        queries.periods_visible_to(request.user)
        .filter(persons=person)
        .select_related("scope", "referent")
        .prefetch_related("issues")
    )
    # Ordered as services.household_of: the first household is the one the budget counts.
    memberships = list(
        person.memberships.select_related("household")
        .prefetch_related("household__members__person")
        .order_by("pk")
    )
    household_ids = [membership.household_id for membership in memberships]
    history = HouseholdChange.objects.filter(household_id__in=household_ids).select_related("person")
    size = len(memberships[0].household.members.all()) if memberships else 1
    budget_lines = person.casework_budget.all()
    services.journal_read(
        request.user, person, centre_id=person.centre_id, person_id=person.pk, what="dossier"
    )
    context = {
        "person": person,
        "periods": periods,
        "memberships": memberships,
        "household_history": history[:HISTORY_SHOWN],
        "situation": services.situation_of(person),
        "budget": services.budget_on(budget_lines, timezone.localdate(), household_size=size),
        "contacts": person.casework_contacts.select_related("third_party").order_by("third_party__name"),
    }
    return render(request, "casework/person_file.html", context)


@login_required
def period_create(request, person_id):
    require_capability(request, FOLLOW)
    person = person_or_404(request, person_id)
    centre = person.centre
    services.ensure_defaults(centre)
    household = services.household_of(person)
    candidates = Person.objects.active().filter(centre=centre)
    if household:
        candidates = candidates.filter(memberships__household=household)
    else:
        candidates = candidates.filter(pk=person.pk)
    workers = services.workers_of(centre)
    form = PeriodForm(
        posted(request),
        centre=centre,
        persons=candidates.order_by("last_name", "first_name", "id"),
        workers=workers,
        initial={"persons": [person.pk], "referent": request.user.pk},
    )
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = services.open_period(
                centre,
                by=request.user,
                persons=list(data["persons"]),
                scope=data["scope"],
                referent=data["referent"],
                origin=data["origin"],
                issues=list(data["issues"]),
                opened_on=data["opened_on"],
                requester=data["requester"],
                household=household if len(data["persons"]) > 1 else None,
                workers=list(data["workers"]),
                place=data["place"],
                is_confidential=data["is_confidential"],
                draft=request.POST.get("brouillon") == "1",
            )
        except services.CaseworkRefused as refused:
            refusal = str(refused)
        else:
            messages.success(request, "Parcours ouvert.")
            return redirect("casework:period", case_period_id=period.pk)
    context = {"person": person, "household": household, "form": form, "refusal": refusal}
    status = 400 if request.method == "POST" else 200
    return render(request, "casework/period_form.html", context, status=status)


def _period_page(request, period, *, exchange_form=None, refusal="", status=200):
    persons = list(period.persons.order_by("last_name", "first_name", "id"))
    context = {
        "period": period,
        "persons": persons,
        "issues": period.issues.all(),
        "workers": period.workers.order_by("last_name", "first_name"),
        "exchanges": queries.exchange_page(period, request.user, request.GET.get("page")),
        "tasks": period.tasks.select_related("assignee").order_by("done_at", "due_on", "id"),
        "exchange_form": exchange_form or ExchangeForm(persons=period.persons.all(), choices_from=persons),
        "refusal": refusal,
        "today": timezone.localdate(),
    }
    return render(request, "casework/period.html", context, status=status)


@login_required
def period_detail(request, case_period_id):
    require_capability(request, FOLLOW)
    period = period_or_404(request, case_period_id)
    services.journal_read(request.user, period, centre_id=period.centre_id, what="parcours")
    return _period_page(request, period)


def _submit(request, period, form, change, done: str, again):
    """A form about a period: on success its message and back to the period's page; otherwise
    `again(form, refusal)`, the form with its errors (or the service's refusal) and what was typed."""
    if form.is_valid():
        try:
            change(form.cleaned_data)
        except services.CaseworkRefused as refused:
            return again(form, str(refused))
        messages.success(request, done)
        return redirect("casework:period", case_period_id=period.pk)
    return again(form, "")


def _step_page(request, period, *, form, title: str, button: str, refusal="", status=200):
    """A period's task or closing form on a page of its own: the period's page, opened far more often,
    does not draw them (benchmarks/README.md, accompagnement)."""
    context = {"period": period, "form": form, "title": title, "button": button, "refusal": refusal}
    return render(request, "casework/period_step.html", context, status=status)


@login_required
@require_POST
def exchange_create(request, case_period_id):
    require_capability(request, FOLLOW)
    period = period_or_404(request, case_period_id)
    form = ExchangeForm(request.POST, persons=period.persons.all())

    def change(data):
        services.log_exchange(period, author=request.user, **data)

    def again(form, refusal):
        return _period_page(request, period, exchange_form=form, refusal=refusal, status=400)

    return _submit(request, period, form, change, "Échange noté.", again)


@login_required
def task_create(request, case_period_id):
    require_capability(request, FOLLOW)
    period = period_or_404(request, case_period_id)
    form = TaskForm(posted(request), assignees=services.readers_of(period))

    def change(data):
        services.assign_task(period, by=request.user, **data)

    def again(form, refusal, status=400):
        return _step_page(
            request,
            period,
            form=form,
            title="Confier une tâche",
            button="Confier la tâche",
            refusal=refusal,
            status=status,
        )

    if request.method != "POST":
        return again(form, "", status=200)
    return _submit(request, period, form, change, "Tâche confiée.", again)


@login_required
def period_close(request, case_period_id):
    require_capability(request, FOLLOW)
    period = period_or_404(request, case_period_id)
    form = CloseForm(posted(request))

    def change(data):
        services.close_period(period, reason=data["reason"], closed_on=data["closed_on"])

    def again(form, refusal, status=400):
        return _step_page(
            request,
            period,
            form=form,
            title="Clôturer le parcours",
            button="Clôturer",
            refusal=refusal,
            status=status,
        )

    if request.method != "POST":
        return again(form, "", status=200)
    return _submit(request, period, form, change, "Parcours clôturé.", again)


@login_required
@require_POST
def period_reopen(request, case_period_id):
    require_capability(request, FOLLOW)
    period = period_or_404(request, case_period_id)
    try:
        services.reopen_period(period)
    except services.CaseworkRefused as refused:
        return _period_page(request, period, refusal=str(refused), status=400)
    messages.success(request, "Parcours rouvert.")
    return redirect("casework:period", case_period_id=period.pk)


@login_required
@require_POST
def period_confirm(request, case_period_id):
    require_capability(request, FOLLOW)
    period = period_or_404(request, case_period_id)
    services.confirm_period(period)
    messages.success(request, "Le brouillon est devenu un parcours en cours.")
    return redirect("casework:period", case_period_id=period.pk)


@login_required
def my_tasks(request):
    require_capability(request, FOLLOW)
    today = timezone.localdate()
    tasks = list(queries.tasks_of(request.user).filter(done_at__isnull=True))
    context = {
        "late": [task for task in tasks if task.due_on < today],
        "upcoming": [task for task in tasks if task.due_on >= today],
        "today": today,
    }
    return render(request, "casework/my_tasks.html", context)


@login_required
@require_POST
def task_done(request, task_id):
    require_capability(request, FOLLOW)
    # Its assignee or the period's referent completes a task, nobody else.
    mine = Q(assignee_id=request.user.pk) | Q(period__referent_id=request.user.pk)
    readable = Task.objects.filter(mine, period__in=queries.periods_visible_to(request.user))
    task = visible_or_404(request, readable.select_related("period"), task_id)
    services.complete_task(task, by=request.user)
    messages.success(request, "Tâche faite.")
    if request.POST.get("suite") == "parcours":
        return redirect("casework:period", case_period_id=task.period_id)
    return redirect("casework:my_tasks")


# A subject access request to a social worker: the person's data with the part of their case file the
# worker may read. The people module's export (reception, direction) never holds case data: those roles
# do not read files (csc/casework/personal_data.py). POST: each export is journaled.
@login_required
@require_POST
def person_export(request, person_id, extension):
    require_capability(request, FOLLOW)
    person = person_or_404(request, person_id)
    data = people_services.personal_data(person, actor=request.user)
    return personal_data_response(person, data, extension)
