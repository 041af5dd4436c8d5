"""Reception's side: the inbox of online requests, one request beside its likely duplicates, decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from csc.activities.capabilities import ACTIVITIES_CONFIGURE
from csc.activities.models import Group, Period
from csc.core import notify
from csc.core.audit import record
from csc.core.forms import posted
from csc.core.pagination import CountSparingPaginator
from csc.core.tenancy import require_capability
from csc.core.uploads import CONTENT_TYPES, EXTENSIONS, sniff_document
from csc.people.models import Household, Season

from . import exports, services
from .capabilities import ENROLMENT_PROCESS
from .documents import reception_pdf, request_context
from .forms import DocumentsForm, EnrolmentSettingsForm, ReasonForm, ValidateForm, WaitingListForm
from .models import EnrolmentSettings, Request
from .notifications import PLACEHOLDERS, messages_of
from .status_messages import StatusMessagesForm, save_status_messages

PAGE_SIZE = 25
CANCEL_PREFIX = "annulation"  # the refusal's form has a reason field too: ids stay unique on the page
Status = Request.Status


def _request(request, request_id) -> Request:
    centre = require_capability(request, ENROLMENT_PROCESS)
    return get_object_or_404(
        Request.objects.visible_to(request.user).select_related(
            "centre", "period__activity", "season", "household"
        ),
        pk=request_id,
        centre=centre,
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def inbox(request):
    centre = require_capability(request, ENROLMENT_PROCESS)
    # Offers past their delay end now, should the hourly command not have run: the list is then true.
    services.expire_offers(centre=centre)
    requests = Request.objects.filter(centre=centre)
    counts = dict(requests.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    status = request.GET.get("statut", "")
    if status not in Status.values and status != "toutes":
        status = "a_traiter"
    periods = list(
        Period.objects.filter(activity__centre=centre)
        .select_related("activity")
        .order_by("-registration_opens_on")
    )
    period_id = _int(request.GET.get("periode"))
    period = next((p for p in periods if p.pk == period_id), None)
    groups = list(Group.objects.filter(activity=period.activity)) if period else []
    group_id = _int(request.GET.get("groupe"))
    group = next((g for g in groups if g.pk == group_id), None)

    listed = requests
    if status == "a_traiter":
        listed = listed.filter(status__in=[Status.RECEIVED, Status.DOCUMENTS_MISSING, Status.OFFERED])
    elif status != "toutes":
        listed = listed.filter(status=status)
    if period:
        listed = listed.filter(period=period)
    if group:
        listed = listed.filter(people__group=group).distinct()
    order = ["waiting_rank", "created_at"] if status == Status.WAITING_LIST else ["created_at", "id"]
    listed = (
        listed.select_related("period__activity", "season")
        .annotate(
            children_count=Count("people", filter=Q(people__role="enfant"), distinct=True),
            failed_emails=notify.failed_about(Request),
        )
        .prefetch_related("people")
        .order_by(*order)
    )
    page = CountSparingPaginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [
        (
            "a_traiter",
            "À traiter",
            sum(counts.get(s, 0) for s in (Status.RECEIVED, Status.DOCUMENTS_MISSING, Status.OFFERED)),
        )
    ]
    tabs += [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    tabs.append(("toutes", "Toutes", sum(counts.values())))
    return render(
        request,
        "enrolment/reception/inbox.html",
        {
            "centre": centre,
            "page": page,
            "tabs": tabs,
            "status": status,
            "periods": periods,
            "period": period,
            "groups": groups,
            "group": group,
            "season": Season.objects.filter(centre=centre).current().first(),
            "max_day_columns": exports.MAX_DAY_COLUMNS,
        },
    )


@login_required
def request_detail(request, request_id):
    enrolment_request = _request(request, request_id)
    return _render_detail(request, enrolment_request)


def _known_households(enrolment_request, duplicates) -> list:
    """Households reception may attach the request to: those of its likely duplicates, and the one
    already attached. Read from the duplicates already loaded, no query."""
    households = {
        membership.household.pk: membership.household
        for people in duplicates.values()
        for person in people
        for membership in person.memberships.all()
        if membership.household.centre_id == enrolment_request.centre_id
    }
    if enrolment_request.household:
        households.setdefault(enrolment_request.household.pk, enrolment_request.household)
    return list(households.values())


def _validate_form(enrolment_request, duplicates, data=None) -> ValidateForm:
    """The validation form, the household of the family checked when the registry holds it.

    A household is matched by its people with the same name and the same birth date as people of the
    request; the one with most such people is checked, and each choice says who matched it. When no
    household matches that way, or two match equally, none is checked if the registry holds
    namesakes (reception chooses), and « Créer un nouveau foyer » is checked when it holds nobody."""
    households = _known_households(enrolment_request, duplicates)
    known = {household.pk for household in households}
    entries = {entry.pk: entry for entry in enrolment_request.people.all()}
    reasons: dict[int, list[str]] = {}
    exact: dict[int, int] = {}
    for entry_id, people in duplicates.items():
        entry = entries[entry_id]
        for person in people:
            same_birth = entry.birth_date is not None and person.birth_date == entry.birth_date
            if same_birth:
                why = (
                    f"{person.first_name} {person.last_name}, né(e) le {person.birth_date:%d/%m/%Y} : "
                    "même nom et même date de naissance"
                )
            else:
                why = f"{person.first_name} {person.last_name} : même nom, date de naissance à vérifier"
            for membership in person.memberships.all():
                if membership.household_id not in known:
                    continue
                reasons.setdefault(membership.household_id, []).append(why)
                if same_birth:
                    exact[membership.household_id] = exact.get(membership.household_id, 0) + 1
    preselected = 0 if not households else None
    if enrolment_request.household_id:
        preselected = enrolment_request.household_id
    elif exact:
        best = max(exact.values())
        leaders = [pk for pk, count in exact.items() if count == best]
        if len(leaders) == 1:
            preselected = leaders[0]
    return ValidateForm(data, households=households, matched=reasons, preselected=preselected)


def _render_detail(request, enrolment_request, *, forms=None, status=200):
    duplicates = services.likely_duplicates(enrolment_request)
    forms = forms or {}
    context = request_context(enrolment_request)
    context.update(
        {
            "centre": enrolment_request.centre,
            "duplicates": [(entry, duplicates.get(entry.pk, [])) for entry in enrolment_request.people.all()],
            "validate_form": forms.get("validate") or _validate_form(enrolment_request, duplicates),
            "documents_form": forms.get("documents") or DocumentsForm(),
            "waiting_form": forms.get("waiting") or WaitingListForm(),
            "refuse_form": forms.get("refuse") or ReasonForm(),
            "cancel_form": forms.get("cancel") or ReasonForm(prefix=CANCEL_PREFIX),
            "events": list(enrolment_request.events.select_related("by")),
            "notifications": list(messages_of(enrolment_request)),
            "can_wait": enrolment_request.kind == Request.Kind.REGISTRATION and enrolment_request.is_open,
        }
    )
    return render(request, "enrolment/reception/request_detail.html", context, status=status)


def _decide(request, enrolment_request, form, form_key, action, success: str):
    """The shape of every decision: an invalid form comes back on the request page with its errors;
    a decision the request's state refuses (already processed, no room) is explained there."""
    if not form.is_valid():
        return _render_detail(request, enrolment_request, forms={form_key: form}, status=400)
    try:
        action(form.cleaned_data)
    except services.RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("enrolment:request_detail", request_id=enrolment_request.pk)


@login_required
@require_POST
def request_validate(request, request_id):
    enrolment_request = _request(request, request_id)
    duplicates = services.likely_duplicates(enrolment_request)
    form = _validate_form(enrolment_request, duplicates, posted(request))

    def validate(data):
        household = form.households.get(data["household"])
        decision = services.Validation(
            household=household,
            family_quotient=data.get("family_quotient"),
            quotient_source=data.get("family_quotient_source") or Household.QuotientSource.CAF,
        )
        if household is not None:
            # The people of the request already in that household are matched, not created twice.
            for entry_id, candidates in duplicates.items():
                same = [
                    p for p in candidates if any(m.household_id == household.pk for m in p.memberships.all())
                ]
                if same:
                    decision.matches[entry_id] = same[0]
        services.validate(request=enrolment_request, by=request.user, decision=decision)

    return _decide(
        request,
        enrolment_request,
        form,
        "validate",
        validate,
        f"Demande {enrolment_request.reference} validée. La famille est prévenue par e-mail.",
    )


@login_required
@require_POST
def request_refuse(request, request_id):
    enrolment_request = _request(request, request_id)
    return _decide(
        request,
        enrolment_request,
        ReasonForm(posted(request)),
        "refuse",
        lambda data: services.refuse(request=enrolment_request, by=request.user, reason=data["reason"]),
        f"Demande {enrolment_request.reference} refusée. La famille est prévenue par e-mail.",
    )


@login_required
@require_POST
def request_cancel(request, request_id):
    enrolment_request = _request(request, request_id)
    return _decide(
        request,
        enrolment_request,
        ReasonForm(posted(request), prefix=CANCEL_PREFIX),
        "cancel",
        lambda data: services.cancel(request=enrolment_request, by=request.user, reason=data["reason"]),
        f"Demande {enrolment_request.reference} annulée. La famille est prévenue par e-mail.",
    )


@login_required
@require_POST
def request_documents(request, request_id):
    enrolment_request = _request(request, request_id)
    return _decide(
        request,
        enrolment_request,
        DocumentsForm(posted(request)),
        "documents",
        lambda data: services.mark_documents_missing(
            request=enrolment_request, by=request.user, note=data["reason"]
        ),
        "La famille est prévenue du document manquant.",
    )


@login_required
@require_POST
def request_waiting_list(request, request_id):
    enrolment_request = _request(request, request_id)
    return _decide(
        request,
        enrolment_request,
        WaitingListForm(posted(request)),
        "waiting",
        lambda data: services.put_on_waiting_list(
            request=enrolment_request, by=request.user, rank=data.get("rank")
        ),
        "Demande mise sur liste d'attente. La famille est prévenue par e-mail.",
    )


@login_required
@require_POST
def message_resend(request, request_id, message_id):
    enrolment_request = _request(request, request_id)
    message = get_object_or_404(messages_of(enrolment_request), pk=message_id)
    # To the request's address as it is now, should it have been corrected since the failure.
    if notify.resend(message, to=enrolment_request.email):
        messages.success(request, "L'e-mail repart. Vérifiez l'adresse de la famille s'il échoue encore.")
    return redirect("enrolment:request_detail", request_id=enrolment_request.pk)


@login_required
def request_pdf(request, request_id):
    enrolment_request = _request(request, request_id)
    response = HttpResponse(reception_pdf(enrolment_request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="fiche-{enrolment_request.reference}.pdf"'
    return response


@login_required
def request_attestation(request, request_id):
    """The family's CAF attestation: personal data, served only here and journaled."""
    enrolment_request = _request(request, request_id)
    if not enrolment_request.quotient_attestation:
        raise Http404

    try:
        handle = enrolment_request.quotient_attestation.open("rb")
    except OSError:
        # The row names a file the storage no longer has (files not restored with the database, an
        # object removed from the bucket): nothing to give, and not a 500.
        raise Http404 from None
    kind = sniff_document(handle.read(16))
    handle.seek(0)
    record(
        "enrolment.attestation_read",
        centre=enrolment_request.centre,
        obj=enrolment_request,
        detail=enrolment_request.reference,
    )
    content_type = CONTENT_TYPES.get(kind, "application/octet-stream")
    extension = EXTENSIONS.get(kind, "bin")
    return FileResponse(
        handle,
        content_type=content_type,
        as_attachment=True,
        filename=f"attestation-{enrolment_request.reference}.{extension}",
    )


@login_required
def status_messages(request):
    """The centre's own wording of each e-mail; an empty text goes back to the default."""
    centre = require_capability(request, ACTIVITIES_CONFIGURE)
    form = StatusMessagesForm(posted(request), centre=centre)
    if form.is_bound and form.is_valid():
        save_status_messages(centre=centre, texts=form.texts())
        messages.success(request, "Textes des e-mails enregistrés.")
        return redirect("enrolment:status_messages")
    return render(
        request,
        "enrolment/reception/status_messages.html",
        {"centre": centre, "form": form, "rows": form.rows(), "placeholders": PLACEHOLDERS},
        status=400 if form.errors else 200,
    )


@login_required
def enrolment_settings(request):
    """The centre's rules for its online requests: how long an offered place is kept."""
    centre = require_capability(request, ACTIVITIES_CONFIGURE)
    current = EnrolmentSettings.objects.filter(centre=centre).first() or EnrolmentSettings(centre=centre)
    form = EnrolmentSettingsForm(posted(request), instance=current)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, "Réglages enregistrés.")
        return redirect("enrolment:settings")
    return render(
        request,
        "enrolment/reception/settings.html",
        {"centre": centre, "form": form},
        status=400 if form.errors else 200,
    )
