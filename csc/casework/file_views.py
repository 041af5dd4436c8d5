"""A person's case file beyond their periods: the situation summary the centre defines, the budget
with its history, the contacts. Read by the centre's social workers (casework.follow); each read
journaled, another centre's person a journaled 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from csc.core.forms import parse_date, posted
from csc.core.tenancy import require_capability

from . import services
from .access import FOLLOW, person_or_404, visible_or_404
from .forms import (
    BudgetChangeForm,
    BudgetLineForm,
    ContactForm,
    EndLineForm,
    NewContactForm,
    SituationForm,
)
from .models import BudgetLine, PersonContact, ThirdParty


def household_size(person) -> int:
    """The people of the person's household, for the budget per person; 1 when alone."""
    household = services.household_of(person)
    return household.members.count() if household else 1


# --- Situation --------------------------------------------------------------------------------------


@login_required
def situation(request, person_id):
    require_capability(request, FOLLOW)
    person = person_or_404(request, person_id)
    lines = services.situation_of(person)
    form = SituationForm(posted(request), fields=lines)
    if request.method == "POST" and form.is_valid():
        services.save_situation(person, by=request.user, answers=form.answers)
        messages.success(request, "Situation enregistrée.")
        return redirect("casework:person", person_id=person.pk)
    elif request.method != "POST":
        services.journal_read(
            request.user, person, centre_id=person.centre_id, person_id=person.pk, what="situation"
        )
    context = {"person": person, "form": form, "has_fields": bool(lines)}
    return render(
        request, "casework/situation.html", context, status=400 if request.method == "POST" else 200
    )


# --- Budget -----------------------------------------------------------------------------------------


def _day_from(request):
    """The day the budget is shown for (?au=jj/mm/aaaa), today by default; a bad date says so."""
    raw = (request.GET.get("au") or "").strip()
    if not raw:
        return timezone.localdate(), ""
    if (day := parse_date(raw)) is not None:
        return day, ""
    return (
        timezone.localdate(),
        "Date non reconnue : le budget est celui d'aujourd'hui. Écrivez-la comme 31/01/2026.",
    )


def _budget_page(request, person, *, form=None, refusal="", status=200):
    day, bad_day = _day_from(request)
    lines = list(person.casework_budget.order_by("direction", "category", "-started_on", "id"))
    context = {
        "person": person,
        "budget": services.budget_on(lines, day, household_size=household_size(person)),
        "lines": lines,
        "day": day,
        "bad_day": bad_day,
        "form": form or BudgetLineForm(),
        "refusal": refusal,
        "today": timezone.localdate(),
    }
    return render(request, "casework/budget.html", context, status=status)


@login_required
def budget(request, person_id):
    require_capability(request, FOLLOW)
    person = person_or_404(request, person_id)
    if request.method != "POST":
        services.journal_read(
            request.user, person, centre_id=person.centre_id, person_id=person.pk, what="budget"
        )
        return _budget_page(request, person)
    form = BudgetLineForm(request.POST)
    if not form.is_valid():
        return _budget_page(request, person, form=form, status=400)
    try:
        services.add_budget_line(person, by=request.user, **form.cleaned_data)
    except services.CaseworkRefused as refused:
        return _budget_page(request, person, form=form, refusal=str(refused), status=400)
    messages.success(request, "Ligne ajoutée au budget.")
    return redirect("casework:budget", person_id=person.pk)


@login_required
def budget_line(request, person_id, budget_line_id):
    """Change the amount of a line from a date (the old amount stays in the history), or end it."""
    require_capability(request, FOLLOW)
    person = person_or_404(request, person_id)
    line = visible_or_404(request, BudgetLine.objects.filter(person=person), budget_line_id)
    what = request.POST.get("quoi")
    change_form = BudgetChangeForm(request.POST if what == "changer" else None)
    end_form = EndLineForm(request.POST if what == "terminer" else None)
    refusal = ""
    if request.method == "POST":
        form = change_form if what == "changer" else end_form
        if form.is_bound and form.is_valid():
            try:
                if form is change_form:
                    services.change_budget_amount(line, by=request.user, **form.cleaned_data)
                else:
                    services.end_budget_line(line, **form.cleaned_data)
            except services.CaseworkRefused as refused:
                refusal = str(refused)
            else:
                messages.success(request, "Budget mis à jour.")
                return redirect("casework:budget", person_id=person.pk)
    context = {
        "person": person,
        "line": line,
        "change_form": change_form,
        "end_form": end_form,
        "refusal": refusal,
    }
    return render(
        request, "casework/budget_line.html", context, status=400 if request.method == "POST" else 200
    )


# --- Contacts ---------------------------------------------------------------------------------------


def _contacts_page(request, person, *, contact_form=None, third_party_form=None, refusal="", status=200):
    third_parties = ThirdParty.objects.filter(centre_id=person.centre_id).exclude(persons__person=person)
    context = {
        "person": person,
        "contacts": person.casework_contacts.select_related("third_party").order_by("third_party__name"),
        "contact_form": contact_form or ContactForm(third_parties=third_parties),
        "third_party_form": third_party_form or NewContactForm(prefix="nouveau"),
        "refusal": refusal,
    }
    return render(request, "casework/contacts.html", context, status=status)


@login_required
def contacts(request, person_id):
    require_capability(request, FOLLOW)
    person = person_or_404(request, person_id)
    if request.method != "POST":
        services.journal_read(
            request.user, person, centre_id=person.centre_id, person_id=person.pk, what="contacts"
        )
        return _contacts_page(request, person)
    third_parties = ThirdParty.objects.filter(centre_id=person.centre_id)
    if request.POST.get("quoi") == "nouveau":
        # A contact not yet in the centre's address book: added to it, then to the file.
        form = NewContactForm(request.POST, prefix="nouveau")
        if not form.is_valid():
            return _contacts_page(request, person, third_party_form=form, status=400)
        data = dict(form.cleaned_data)
        role = data.pop("role")
        third_party = services.save_third_party(person.centre, **data)
        services.link_contact(person, third_party=third_party, role=role)
        messages.success(request, f"{third_party} ajouté au carnet du centre et au dossier.")
        return redirect("casework:contacts", person_id=person.pk)
    form = ContactForm(request.POST, third_parties=third_parties)
    if not form.is_valid():
        return _contacts_page(request, person, contact_form=form, status=400)
    try:
        services.link_contact(person, **form.cleaned_data)
    except services.CaseworkRefused as refused:
        return _contacts_page(request, person, contact_form=form, refusal=str(refused), status=400)
    messages.success(request, "Contact ajouté au dossier.")
    return redirect("casework:contacts", person_id=person.pk)


@login_required
@require_POST
def contact_remove(request, person_id, person_contact_id):
    require_capability(request, FOLLOW)
    person = person_or_404(request, person_id)
    contact = visible_or_404(request, PersonContact.objects.filter(person=person), person_contact_id)
    services.unlink_contact(contact)
    messages.success(request, "Contact retiré du dossier (il reste dans le carnet du centre).")
    return redirect("casework:contacts", person_id=person.pk)
