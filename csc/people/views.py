import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from csc.core.forms import posted
from csc.core.models import Centre
from csc.core.money import euros
from csc.core.pagination import CountSparingPaginator
from csc.core.registry import household_sections, person_sections
from csc.core.tenancy import current_centre, has_capability, require_capability

from . import memberships as membership_services
from . import queries, services
from .capabilities import PEOPLE_EDIT, PEOPLE_RIGHTS, PEOPLE_VIEW
from .forms import (
    CancelReasonForm,
    ConfirmForm,
    ConsentForm,
    HouseholdForm,
    HouseholdSearchForm,
    MemberForm,
    MemberFormSet,
    MembershipTakeForm,
    MergeForm,
    PersonForm,
    SearchForm,
    ShareForm,
)
from .models import Consent, Household, HouseholdMember, Membership, Person, Season

PAGE_SIZE = 25


def _person(request, person_id, capability=PEOPLE_VIEW):
    """The person if the user may act on them with `capability`, else a 404 (never a hint it exists)."""
    require_capability(request, PEOPLE_VIEW)
    return get_object_or_404(
        Person.objects.visible_to(request.user, capability).select_related("centre"), pk=person_id
    )


def _household(request, household_id, capability=PEOPLE_VIEW):
    require_capability(request, PEOPLE_VIEW)
    return get_object_or_404(
        Household.objects.visible_to(request.user, capability).select_related("centre"), pk=household_id
    )


def _owned(request, obj, capability):
    """Changes are made by the owning centre only: a shared household is read, not edited, elsewhere."""
    if not has_capability(request.user, capability, obj.centre_id):
        raise Http404
    return obj


def _search_page(request, form_class, paginate, results: str, page_template: str, **context):
    """A search page of this app: the form read from the address, the page `paginate(query, number)`
    gives, the results alone for htmx."""
    centre = require_capability(request, PEOPLE_VIEW)
    form = form_class(request.GET or None)
    page = None
    query = ""
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        page = paginate(query, request.GET.get("page"))
    context |= {"centre": centre, "form": form, "page": page, "query": query}
    context["querystring"] = urlencode({"q": query})
    return render(request, results if request.htmx else page_template, context)


@login_required
def search(request):
    def paginate(query, number):
        people = queries.search_people(Person.objects.visible_to(request.user), query)
        # Without COUNT on a first page that is not full: most name searches find a handful of people.
        return CountSparingPaginator(queries.with_households(people, request.user), PAGE_SIZE).get_page(
            number
        )

    return _search_page(
        request,
        SearchForm,
        paginate,
        "people/_search_results.html",
        "people/search.html",
        can_edit=has_capability(request.user, PEOPLE_EDIT, current_centre(request)),
    )


@login_required
def household_search(request):
    """« Foyers » beside « Personnes »: households by name, address, postcode, commune or phone."""

    def paginate(query, number):
        households = Household.objects.visible_to(request.user)
        return queries.household_search_page(
            queries.search_households(households, request.user, query), number
        )

    return _search_page(
        request,
        HouseholdSearchForm,
        paginate,
        "people/_household_search_results.html",
        "people/household_search.html",
    )


@login_required
def person_detail(request, person_id):
    person = _person(request, person_id)
    # Only the households this user may see: a share opens one household, not the person's others.
    memberships = (
        HouseholdMember.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("household")
        .order_by("household__name")
    )
    can_edit = has_capability(request.user, PEOPLE_EDIT, person.centre_id)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "consents": services.current_consents(person),
            "consent_history": person.consents.select_related("recorded_by"),
            "consent_reasons": Consent.REASONS,
            "can_edit": can_edit,
            "can_rights": has_capability(request.user, PEOPLE_RIGHTS, person.centre_id),
            "duplicates": queries.likely_duplicates(person, Person.objects.visible_to(request.user))
            if can_edit
            else [],
            # What the installed modules show of the person (memberships, registrations…).
            "sections": person_sections(request, person),
        },
    )


@login_required
def person_edit(request, person_id):
    person = _owned(request, _person(request, person_id), PEOPLE_EDIT)
    if person.is_anonymised:
        raise Http404
    form = PersonForm(posted(request), instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.touch(person)
        messages.success(request, "Fiche enregistrée.")
        return redirect("people:person_detail", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@login_required
def consent_add(request, person_id):
    person = _owned(request, _person(request, person_id), PEOPLE_EDIT)
    if person.is_anonymised:
        raise Http404
    form = ConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.record_consent(person=person, actor=request.user, **form.cleaned_data)
        messages.success(request, "Consentement enregistré.")
        return redirect("people:person_detail", person_id=person.pk)
    return render(
        request, "people/consent_form.html", {"form": form, "person": person, "reasons": Consent.REASONS}
    )


@login_required
def person_merge(request, person_id):
    person = _owned(request, _person(request, person_id), PEOPLE_EDIT)
    people = Person.objects.visible_to(request.user, PEOPLE_EDIT)
    candidates = queries.likely_duplicates(person, people, limit=20)
    if request.GET.get("q"):
        found = queries.search_people(
            people.filter(centre=person.centre).exclude(pk=person.pk), request.GET["q"]
        )
        candidates = list({c.pk: c for c in [*candidates, *found[:20]]}.values())
    form = MergeForm(posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        duplicate = get_object_or_404(people, pk=form.cleaned_data["duplicate"])
        try:
            result = services.merge_people(keep=person, duplicate=duplicate, actor=request.user)
        except services.MergeRefused as error:
            form.add_error("duplicate", str(error))
        else:
            messages.success(
                request, f"Fiches fusionnées : la fiche n° {result.removed_id} est réunie dans celle-ci."
            )
            return redirect("people:person_detail", person_id=person.pk)
    return render(
        request, "people/person_merge.html", {"person": person, "form": form, "candidates": candidates}
    )


def personal_data_response(person, data: dict, extension: str) -> HttpResponse:
    """A person's data as a JSON or PDF attachment (here, and from the social follow-up's file)."""
    if extension == "json":
        content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(content, content_type="application/json")
    else:
        response = HttpResponse(services.personal_data_pdf(person, data), content_type="application/pdf")
    filename = f"donnees-personne-{person.pk}-{slugify(person.last_name) or 'anonyme'}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Exports are POST: each one is journaled and the PDF costs a render, so a link embedded in another
# page must not trigger them (CSRF-checked).
@login_required
@require_POST
def person_export_json(request, person_id):
    person = _owned(request, _person(request, person_id), PEOPLE_RIGHTS)
    return personal_data_response(person, services.personal_data(person, actor=request.user), "json")


@login_required
@require_POST
def person_export_pdf(request, person_id):
    person = _owned(request, _person(request, person_id), PEOPLE_RIGHTS)
    return personal_data_response(person, services.personal_data(person, actor=request.user), "pdf")


@login_required
def person_anonymise(request, person_id):
    person = _owned(request, _person(request, person_id), PEOPLE_RIGHTS)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.anonymise_person(person=person, actor=request.user, reason="demande de la personne")
        messages.success(request, "La fiche est anonymisée.")
        return redirect("people:person_detail", person_id=person.pk)
    return render(
        request, "people/person_rights_confirm.html", {"person": person, "form": form, "action": "anonymise"}
    )


@login_required
def person_erase(request, person_id):
    person = _owned(request, _person(request, person_id), PEOPLE_RIGHTS)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.erase_person(person=person, actor=request.user)
        messages.success(request, "La fiche et tout ce qui s'y rattachait sont supprimés.")
        return redirect("people:search")
    return render(
        request, "people/person_rights_confirm.html", {"person": person, "form": form, "action": "erase"}
    )


# --- households ------------------------------------------------------------------------------------


@login_required
def household_list(request):
    centre = require_capability(request, PEOPLE_VIEW)
    households = queries.households_for_list(Household.objects.visible_to(request.user).filter(centre=centre))
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/household_list.html",
        {
            "centre": centre,
            "page": page,
            "can_edit": has_capability(request.user, PEOPLE_EDIT, centre),
        },
    )


@login_required
def household_create(request):
    centre = require_capability(request, PEOPLE_EDIT)
    form = HouseholdForm(posted(request))
    formset = MemberFormSet(posted(request), prefix="membres")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        members = [
            (member_form.save(commit=False), member_form.cleaned_data["relation"])
            for member_form in formset
            if member_form.has_changed()
        ]
        household = services.create_household(
            centre=centre, actor=request.user, household=form.save(commit=False), members=members
        )
        messages.success(request, f"Foyer « {household.name} » créé.")
        return redirect("people:household_detail", household_id=household.pk)
    return render(request, "people/household_form.html", {"form": form, "formset": formset, "centre": centre})


@login_required
def household_detail(request, household_id):
    household = _household(request, household_id)
    members = queries.members_in_order(household.members.all())
    can_edit = has_capability(request.user, PEOPLE_EDIT, household.centre_id)
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "members": members,
            # Who else sees the household, and why, is the owning centre's business.
            "shares": household.shares.select_related("centre") if can_edit else [],
            "can_edit": can_edit,
            # What the installed modules show of the household (memberships, registrations…).
            "sections": household_sections(request, household),
        },
    )


@login_required
def household_edit(request, household_id):
    household = _owned(request, _household(request, household_id), PEOPLE_EDIT)
    form = HouseholdForm(posted(request), instance=household)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.touch_household(household)
        messages.success(request, "Foyer enregistré.")
        return redirect("people:household_detail", household_id=household.pk)
    return render(request, "people/household_edit.html", {"form": form, "household": household})


@login_required
def household_add_member(request, household_id):
    household = _owned(request, _household(request, household_id), PEOPLE_EDIT)
    form = MemberForm(posted(request), initial={"last_name": household.name.removeprefix("Famille ")})
    if request.method == "POST" and form.is_valid():
        services.add_member(
            household=household,
            person=form.save(commit=False),
            relation=form.cleaned_data["relation"],
            actor=request.user,
        )
        messages.success(request, "Membre ajouté.")
        return redirect("people:household_detail", household_id=household.pk)
    return render(request, "people/member_form.html", {"form": form, "household": household})


@login_required
def household_share(request, household_id):
    household = _owned(request, _household(request, household_id), PEOPLE_EDIT)
    centres = Centre.objects.exclude(pk=household.centre_id).order_by("name")
    form = ShareForm(posted(request), centres=centres)
    if request.method == "POST" and form.is_valid():
        services.share_household(household=household, actor=request.user, **form.cleaned_data)
        messages.success(request, f"Foyer partagé avec {form.cleaned_data['centre']}.")
        return redirect("people:household_detail", household_id=household.pk)
    return render(request, "people/household_share.html", {"form": form, "household": household})


@login_required
@require_POST
def household_unshare(request, household_id, share_id):
    household = _owned(request, _household(request, household_id), PEOPLE_EDIT)
    share = get_object_or_404(household.shares.select_related("household"), pk=share_id)
    services.unshare_household(share=share, actor=request.user)
    messages.success(request, f"Le centre {share.centre} ne voit plus ce foyer.")
    return redirect("people:household_detail", household_id=household.pk)


@login_required
def household_merge(request, household_id):
    household = _owned(request, _household(request, household_id), PEOPLE_EDIT)
    households = Household.objects.visible_to(request.user, PEOPLE_EDIT).filter(centre=household.centre)
    query = request.GET.get("q", "").strip()[:100]
    candidates = households.exclude(pk=household.pk)
    candidates = list(
        candidates.filter(name__icontains=query)[:20]
        if query
        else candidates.filter(name=household.name)[:20]
    )
    form = MergeForm(posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        duplicate = get_object_or_404(households, pk=form.cleaned_data["duplicate"])
        try:
            result = services.merge_households(keep=household, duplicate=duplicate, actor=request.user)
        except services.MergeRefused as error:
            form.add_error("duplicate", str(error))
        else:
            messages.success(
                request, f"Foyers fusionnés : le foyer n° {result.removed_id} est réuni dans celui-ci."
            )
            return redirect("people:household_detail", household_id=household.pk)
    return render(
        request,
        "people/household_merge.html",
        {"household": household, "form": form, "candidates": candidates, "query": query},
    )


# --- memberships at the desk -----------------------------------------------------------------------


@login_required
def membership_take(request, household_id):
    """Take the household's membership of a season, at the fee the season's grid gives it."""
    household = _owned(request, _household(request, household_id), PEOPLE_EDIT)
    taken = Membership.objects.in_force().filter(household=household).values("season_id")
    seasons = list(
        Season.objects.filter(centre_id=household.centre_id, ends_on__gte=timezone.localdate())
        .exclude(pk__in=taken)
        .prefetch_related("membership_fees")
        .order_by("starts_on")
    )
    people_count = household.members.count()
    choices = []
    for season in seasons:
        fee, label = membership_services.membership_fee(season, people_count, household.family_quotient)
        choices.append(
            (season.pk, f"{season.name} — {euros(fee)}" + (f" (tranche {label})" if label else ""))
        )
    form = MembershipTakeForm(posted(request), choices=choices)
    if request.method == "POST" and form.is_valid():
        season = next(s for s in seasons if s.pk == form.cleaned_data["season"])
        try:
            membership = membership_services.take_membership(
                season=season, household=household, by=request.user
            )
        except membership_services.MembershipRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Adhésion {season.name} enregistrée : {euros(membership.fee)}.")
            return redirect("people:household_detail", household_id=household.pk)
    return render(
        request, "people/membership_take.html", {"household": household, "form": form, "seasons": seasons}
    )


@login_required
def membership_cancel(request, household_id, membership_id):
    """Cancel a membership of the household, with a reason."""
    household = _owned(request, _household(request, household_id), PEOPLE_EDIT)
    membership = get_object_or_404(
        Membership.objects.in_force().filter(household=household).select_related("season"), pk=membership_id
    )
    form = CancelReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership_services.cancel_membership(
                membership=membership, by=request.user, reason=form.cleaned_data["reason"]
            )
        except membership_services.MembershipRefused as refused:
            form.add_error("reason", str(refused))
        else:
            messages.success(request, f"Adhésion {membership.season.name} annulée.")
            return redirect("people:household_detail", household_id=household.pk)
    return render(
        request,
        "people/membership_cancel.html",
        {"household": household, "membership": membership, "form": form},
    )
