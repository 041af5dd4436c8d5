"""The public pages: no account, phone first. A family reaches only the request its signed link names."""

from __future__ import annotations

from django.core import signing
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from csc.activities import tariffs
from csc.activities.models import Period
from csc.activities.tariffs import TariffMissing, cached_tariff_table
from csc.core import honeypot, ratelimit
from csc.core.middleware import client_ip
from csc.core.models import Centre
from csc.people.models import Season

from . import limits, services
from .documents import request_context, summary_pdf
from .forms import (
    AdultForm,
    BookingChildForm,
    ChildForm,
    FamilyForm,
    PeriodField,
    SubmissionKeyForm,
    regime_of,
    today,
)
from .models import Request
from .notifications import follow_token, request_from_token

MAX_CHILDREN = 6
MAX_ADULTS = 2
DRAFT_SALT = "csc.enrolment.draft"


def _centre(slug: str) -> Centre:
    return get_object_or_404(Centre, slug=slug)


def _open_periods(centre: Centre):
    on = today()
    return (
        Period.objects.filter(
            activity__centre=centre, registration_opens_on__lte=on, registration_closes_on__gte=on
        )
        .select_related("activity")
        .prefetch_related("days", "activity__groups")
        .order_by("registration_closes_on", "id")
    )


def centre_home(request, centre_slug):
    centre = _centre(centre_slug)
    periods = list(_open_periods(centre))
    for period in periods:
        period.day_list = list(period.days.all())
        period.age_text = tariffs.age_range_text(list(period.activity.groups.all()))
    season = Season.objects.filter(centre=centre).current(today()).first()
    return render(
        request, "enrolment/public/centre_home.html", {"centre": centre, "periods": periods, "season": season}
    )


def _count(data, name: str, default: int, maximum: int) -> int:
    try:
        value = int(data.get(name, default))
    except (TypeError, ValueError):
        value = default
    return max(1, min(value, maximum))


def _quiet(*forms):
    """Bound forms shown again without their errors (after "add a child", before any validation)."""
    from django.forms.utils import ErrorDict

    for form in forms:
        form._errors = ErrorDict()
        form.cleaned_data = {}


def _is_blank(data, prefix: str) -> bool:
    return not any(v for k, v in data.items() if k.startswith(prefix + "-") and k != prefix + "-sex")


# What a bot that filled the trap field reads: nothing that tells it why.
NOT_SENT = gettext_lazy(
    "Votre demande n'a pas pu être envoyée. Vérifiez le formulaire, puis envoyez-le de nouveau."
)


def _refusal(request, data, email: str | None = None) -> tuple[str, int]:
    """Why a valid form is not sent, with the status of the page shown again (the data kept); ("", 200)
    when it may be. The rate limit is counted only when `email` is given: the request is then sent."""
    if honeypot.tripped(data):
        return NOT_SENT, 400
    if email is not None:
        try:
            limits.count_request(client=client_ip(request), email=email)
        except ratelimit.Limited as limited:
            return limited.message, 429
    return "", 200


# --- Pré-adhésion ---------------------------------------------------------------------------------


def membership_form(request, centre_slug):
    centre = _centre(centre_slug)
    season = Season.objects.filter(centre=centre).current(today()).first()
    if season is None:
        return render(request, "enrolment/public/closed.html", {"centre": centre, "what": "adhesion"})
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    action = (data or {}).get("action", "")
    adults_count = _count(data or {}, "nombre_adultes", 1, MAX_ADULTS) + (action == "ajouter_adulte")
    children_count = _count(data or {}, "nombre_enfants", 1, MAX_CHILDREN) + (action == "ajouter_enfant")
    adults_count, children_count = min(adults_count, MAX_ADULTS), min(children_count, MAX_CHILDREN)
    family = FamilyForm(data, files, prefix="famille")
    adults = [AdultForm(data, prefix=f"adulte-{i}") for i in range(adults_count)]
    children = [ChildForm(data, prefix=f"enfant-{i}") for i in range(children_count)]
    key = SubmissionKeyForm(data, initial={"key": services.new_submission_key()})
    refusal, status = "", 200
    if data is not None and action == "envoyer":
        # A child row left entirely blank is no child: that is how a parent "removes" one without JS.
        children_kept = [c for i, c in enumerate(children) if not _is_blank(data, f"enfant-{i}")]
        adults_kept = [a for i, a in enumerate(adults) if i == 0 or not _is_blank(data, f"adulte-{i}")]
        forms_ok = [f.is_valid() for f in [family, key, *adults_kept, *children_kept]]
        if all(forms_ok):
            refusal, status = _refusal(request, data, family.cleaned_data["email"])
        if all(forms_ok) and not refusal:
            submission = services.Submission(
                submission_key=key.cleaned_data["key"],
                adults=[_entry(a) for a in adults_kept],
                children=[_entry(c) for c in children_kept],
                **family.submission_fields(),
            )
            created = services.submit_membership_request(centre=centre, season=season, submission=submission)
            return redirect("enrolment:follow", token=follow_token(created))
    elif data is not None:
        _quiet(family, key, *adults, *children)
    return render(
        request,
        "enrolment/public/membership_form.html",
        {
            "centre": centre,
            "season": season,
            "family": family,
            "adults": adults,
            "children": children,
            "key": key,
            "adults_count": adults_count,
            "children_count": children_count,
            "can_add_adult": adults_count < MAX_ADULTS,
            "can_add_child": children_count < MAX_CHILDREN,
            "fee_preview": season.membership_fees.all(),
            "has_errors": any(f.errors for f in [family, key, *adults, *children]),
            "error_forms": [family, key, *adults, *children],
            "refusal": refusal,
        },
        status=status,
    )


def _entry(form) -> services.PersonEntry:
    if isinstance(form, BookingChildForm):
        return form.entry()
    data = form.cleaned_data
    return services.PersonEntry(
        first_name=data["first_name"].strip(),
        last_name=data["last_name"].strip(),
        birth_date=data.get("birth_date"),
        sex=data.get("sex") or "X",
    )


# --- Pré-inscription ------------------------------------------------------------------------------


class RegistrationPage:
    """The forms of the pré-inscription page bound to one set of data, and what they add up to."""

    def __init__(self, period: Period, data, files=None, add_child: bool = False):
        self.period = period
        activity = period.activity
        self.groups = list(activity.groups.all())
        # The units and the groups each is kept for come with the tariff table the live estimate keeps
        # between requests (csc.activities.tariffs.cached_tariff_table): two queries fewer per click.
        self.table = cached_tariff_table(activity)
        self.units = list(self.table.units.values())
        unit_groups = self.table.unit_groups
        self.days = list(period.days.all())
        self.reference_date = tariffs.age_reference_date(period, self.days)
        # The boxes' labels, built once for every child of the page.
        choices = [(f"{d.pk}:{u.pk}", f"{d} {u.name}") for d in self.days for u in self.units]
        source = data or {}
        count = _count(source, "nombre_enfants", 1, MAX_CHILDREN) + (1 if add_child else 0)
        self.children_count = min(count, MAX_CHILDREN)
        self.data = data
        self.family = FamilyForm(data, files, prefix="famille")
        self.parent = AdultForm(data, prefix="adulte-0")
        self.key = SubmissionKeyForm(data, initial={"key": services.new_submission_key()})
        self.period_field = PeriodField(data, period=period, initial={"periode": period.pk})
        self.children = [
            BookingChildForm(
                data,
                prefix=f"enfant-{i}",
                period=period,
                groups=self.groups,
                units=self.units,
                days=self.days,
                reference_date=self.reference_date,
                unit_groups=unit_groups,
                choices=choices,
            )
            for i in range(self.children_count)
        ]

    @property
    def all_forms(self):
        return [self.period_field, self.family, self.parent, self.key, *self.children]

    def kept_children(self):
        if self.data is None:
            return self.children
        kept = [c for i, c in enumerate(self.children) if not _is_blank(self.data, f"enfant-{i}")]
        return kept or self.children[:1]

    def is_valid(self) -> bool:
        forms = [self.period_field, self.family, self.parent, self.key, *self.kept_children()]
        # A list, not a generator: every form must run, so that every error shows at once.
        return all([f.is_valid() for f in forms])  # noqa: C419

    def submission(self) -> services.Submission:
        return services.Submission(
            submission_key=self.key.cleaned_data["key"],
            adults=[_entry(self.parent)],
            children=[c.entry() for c in self.kept_children()],
            **self.family.submission_fields(),
        )

    def lenient_estimate(self):
        """The fee of what is valid so far, for the live estimate: a half-filled form still gets a figure."""
        children = []
        for child in self.kept_children():
            child.is_valid()
            if child.group is None or "choices" not in child.cleaned_data:
                continue
            children.append(child.entry())
        self.family.is_valid()
        quotient = (
            self.family.cleaned_data.get("family_quotient")
            if "family_quotient" not in self.family.errors
            else None
        )
        city = self.family.cleaned_data.get("city", "") or ""
        typed = self.family.cleaned_data
        submission = services.Submission(
            submission_key=services.new_submission_key(),
            adults=[],
            children=children,
            city=city,
            email="",
            phone="",
            family_quotient=quotient,
            benefits_regime=regime_of(typed.get("benefits_regime", "") or ""),
            works_in_city=(typed.get("works_in_city") or "").strip(),
            dependent_children=typed.get("dependent_children"),
        )
        return services.estimate_for(self.period, submission, self.table)

    def quotient_warning(self) -> str:
        """What is wrong with the quotient typed (negative, too high, letters), for the live estimate: it
        says so at once rather than pricing the highest rate silently (call after lenient_estimate)."""
        errors = self.family.errors.get("family_quotient") if self.data is not None else None
        if not errors:
            return ""
        return _("Quotient familial : %(error)s Le montant ci-dessous est celui sans quotient.") % {
            "error": errors[0]
        }

    def context(self, **extra) -> dict:
        activity = self.period.activity
        return {
            "ask_works_in_city": activity.workers_count_as_residents,
            "ask_dependent_children": activity.tariff_grids.filter(
                large_family_children__isnull=False
            ).exists(),
            "period": self.period,
            "activity": self.period.activity,
            "centre": self.period.activity.centre,
            "groups": self.groups,
            "units": self.units,
            "days": self.days,
            "page": self,
            "family": self.family,
            "parent": self.parent,
            "key": self.key,
            "period_field": self.period_field,
            "children": self.children,
            "children_count": self.children_count,
            "can_add_child": self.children_count < MAX_CHILDREN,
            "age_text": tariffs.age_range_text(self.groups),
            "reference_date": self.reference_date,
            **extra,
        }


def _registration_period(centre_slug, period_id) -> Period:
    """The period, if it belongs to the centre of the address (one query for both)."""
    return get_object_or_404(
        Period.objects.select_related("activity__centre"), pk=period_id, activity__centre__slug=centre_slug
    )


def registration_form(request, centre_slug, period_id):
    period = _registration_period(centre_slug, period_id)
    if not period.is_open_on(today()):
        return render(
            request, "enrolment/public/closed.html", {"centre": period.activity.centre, "period": period}
        )
    data = request.POST if request.method == "POST" else None
    action = (data or {}).get("action", "")
    if action in ("modifier", "envoyer"):
        data = _draft_data(data)
        if data is None:
            return _expired(request, period)
    page = RegistrationPage(
        period, data, request.FILES if action == "verifier" else None, add_child=action == "ajouter_enfant"
    )
    estimate = None
    if action == "envoyer" and page.is_valid():
        refusal, status = _refusal(request, data, page.family.cleaned_data["email"])
        if refusal:
            return _summary(request, page, refusal=refusal, status=status)
        created = services.submit_registration_request(period=period, submission=page.submission())
        return redirect("enrolment:follow", token=follow_token(created))
    if action == "verifier" and page.is_valid():
        refusal, status = _refusal(request, data)
        if refusal:
            return render(
                request,
                "enrolment/public/registration_form.html",
                page.context(estimate=None, has_errors=False, refusal=refusal),
                status=status,
            )
        return _summary(request, page)
    if action in ("ajouter_enfant", "modifier", "calculer"):
        try:
            estimate = page.lenient_estimate()
        except TariffMissing:
            estimate = None
        warning = page.quotient_warning()
        _quiet(*page.all_forms)
    else:
        warning = page.quotient_warning() if action in ("verifier", "envoyer") else ""
    has_errors = any(f.errors for f in page.all_forms) if action in ("verifier", "envoyer") else False
    return render(
        request,
        "enrolment/public/registration_form.html",
        page.context(estimate=estimate, has_errors=has_errors, quotient_warning=warning),
    )


def _draft_data(data) -> QueryDict | None:
    """The form data the summary page carried, signed so that nothing was changed on the way."""
    try:
        raw = signing.loads(data.get("brouillon", ""), salt=DRAFT_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    restored = QueryDict(mutable=True)
    for name, values in raw.items():
        restored.setlist(name, values)
    restored["action"] = data.get("action", "")
    return restored


def _expired(request, period):
    return render(
        request,
        "enrolment/public/closed.html",
        {"centre": period.activity.centre, "period": period, "expired": True},
        status=400,
    )


def _summary(request, page: RegistrationPage, *, refusal: str = "", status: int = 200):
    """The summary before sending: what was chosen, the fee, the days already full; shown again with
    `refusal` when the request could not be sent (its signed draft keeps everything typed)."""
    submission = page.submission()
    estimate = services.estimate_for(page.period, submission)
    raw = {
        name: page.data.getlist(name)
        for name in page.data
        if name not in ("csrfmiddlewaretoken", "action", "brouillon")
    }
    if page.family.kept_attestation:
        raw["famille-attestation_token"] = [page.family.kept_attestation]
    from csc.activities.capacity import free_places

    free = free_places(page.period)
    units_taking_place = {u.pk for u in page.units if u.takes_place}
    days = {d.pk: d for d in page.days}
    full = []
    for child in submission.children:
        for day_id in sorted({d for d, u in child.bookings if u in units_taking_place}):
            if free.get((child.group_id, day_id), 0) <= 0:
                full.append(f"{child.first_name}, le {days[day_id]}")
    children = []
    unit_names = {u.pk: u.name for u in page.units}
    for child in submission.children:
        by_day: dict = {}
        for day_id, unit_id in child.bookings:
            by_day.setdefault(days[day_id].date, []).append(unit_names[unit_id])
        group = next((g for g in page.groups if g.pk == child.group_id), None)
        children.append({"entry": child, "group": group, "days": sorted(by_day.items())})
    return render(
        request,
        "enrolment/public/registration_summary.html",
        page.context(
            submission=submission,
            estimate=estimate,
            full=full,
            summary_children=children,
            draft=signing.dumps(raw, salt=DRAFT_SALT, compress=True),
            refusal=refusal,
        ),
        status=status,
    )


@require_POST
def fee_estimate(request, centre_slug, period_id):
    """The live fee panel (htmx): recomputed from the form as the parent ticks days."""
    period = _registration_period(centre_slug, period_id)
    page = RegistrationPage(period, request.POST)
    try:
        estimate = page.lenient_estimate()
    except TariffMissing:
        estimate = None
    return render(
        request,
        "enrolment/public/_fee.html",
        {"estimate": estimate, "live": True, "quotient_warning": page.quotient_warning()},
    )


# --- Following a request --------------------------------------------------------------------------


def _followed(token) -> Request:
    followed = request_from_token(token)
    if followed is None:
        raise Http404
    return followed


def follow(request, token):
    followed = _followed(token)
    context = request_context(followed)
    context.update(
        {
            "token": token,
            "centre": followed.centre,
            "events": list(followed.events.all()),
            "can_cancel": followed.is_open,
        }
    )
    return render(request, "enrolment/public/follow.html", context)


def follow_cancel(request, token):
    followed = _followed(token)
    if request.method == "POST" and followed.is_open:
        services.cancel(request=followed)
        return redirect("enrolment:follow", token=token)
    if not followed.is_open:
        return redirect("enrolment:follow", token=token)
    return render(
        request,
        "enrolment/public/follow_cancel.html",
        {"request_obj": followed, "token": token, "centre": followed.centre},
    )


def follow_summary_pdf(request, token):
    followed = _followed(token)
    response = HttpResponse(summary_pdf(followed), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="demande-{followed.reference}.pdf"'
    return response
