import sys
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from . import health, honeypot, otp, outage, ratelimit, recovery, registry, services
from .capabilities import AUDIT_VIEW, CENTRE_SETTINGS, STAFF_MANAGE
from .forms import (
    CentreSettingsForm,
    ChoosePasswordForm,
    InviteForm,
    JournalFilterForm,
    LoginForm,
    OtpTokenForm,
    RecoveryCodeForm,
    ResetForm,
    RoleForm,
    TokenForm,
    posted,
)
from .links import LinkPattern
from .middleware import client_ip
from .models import ApiToken, AuditEvent, Centre, StaffRole, Territory, User
from .modules import groups_for, waiting_for
from .redirects import next_path, redirect_next
from .tenancy import (
    current_centre,
    has_capability,
    require_capability,
    requires_second_factor,
    visible_centre_ids,
)

# --- public ------------------------------------------------------------------------------------------


@require_GET
def public_home(request):
    territories = Territory.objects.prefetch_related("centres__sites").order_by("name")
    centres = [c for t in territories for c in t.centres.all()]
    markers = [
        {
            "name": c.name,
            "address": f"{c.address}, {c.postcode} {c.city}",
            "lat": float(c.latitude),
            "lon": float(c.longitude),
            "anchor": f"centre-{c.slug}",
        }
        for c in centres
        if c.latitude is not None and c.longitude is not None
    ]
    return render(
        request,
        "core/public_home.html",
        {
            "territories": territories,
            "markers": markers,
            "tile_url": settings.CSC_MAP_TILE_URL,
            "tile_attribution": settings.CSC_MAP_ATTRIBUTION,
        },
    )


@require_GET
@never_cache
def healthz(request):
    body, status = health.report()
    return JsonResponse(body, status=status)


# --- authentication ----------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        """The `next` if it is a local path (csc.core.redirects), and not the login page itself: Django
        takes that for a redirect loop and fails with a 500 when someone already logged in opens it."""
        target = next_path(self.request)
        return "" if target.split("?")[0] == self.request.path else target


class LogoutView(auth_views.LogoutView):
    def get_redirect_url(self):
        """The `next` if it is a local path (csc.core.redirects); LOGOUT_REDIRECT_URL otherwise."""
        return next_path(self.request)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "core/password_reset.html"
    email_template_name = "core/emails/password_reset.txt"
    subject_template_name = "core/emails/password_reset_subject.txt"
    form_class = ResetForm
    success_url = reverse_lazy("core:password_reset_done")

    def form_valid(self, form):
        """Counted whether an account has the address or not, so that the limit tells nothing about
        who has an account; a bot that filled the trap field is answered as if the link had left."""
        if honeypot.tripped(self.request.POST):
            return redirect(self.get_success_url())
        try:
            ratelimit.hit(
                ratelimit.PASSWORD_RESET, client=client_ip(self.request), target=form.cleaned_data["email"]
            )
        except ratelimit.Limited as limited:
            form.add_error(None, limited.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    form_class = ChoosePasswordForm
    success_url = reverse_lazy("core:password_reset_complete")


class InvitationAcceptView(PasswordResetConfirmView):
    """An invited staff member chooses their password through the same signed, expiring link."""

    template_name = "core/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("core:staff_home")
    reset_url_token = "bienvenue"  # noqa: S105 — a URL segment, not a secret


@login_required
@never_cache
def otp_setup(request):
    """Enable TOTP: show the QR code of a new device, confirm it with a first code, then hand out the
    recovery codes. With `?changer=1`, a session that passed its second factor replaces the phone: the old
    app keeps working until the new one gives its first code. The rules are csc.core.otp's."""
    mode = otp.setup_mode(
        request.user, asks_to_replace=request.GET.get("changer") == "1", verified=request.user.is_verified()
    )
    if mode is None:
        return redirect("core:profile")
    replacing = mode is otp.SetupMode.REPLACE
    device = otp.pending_device(request.user)
    form = OtpTokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            codes = otp.confirm(request.user, device, form.cleaned_data["token"], replacing=replacing)
        except otp.OtpRefused as refusal:
            form.add_error("token", str(refusal))
        else:
            otp_login(request, device)
            messages.success(
                request,
                "Le nouveau téléphone est enregistré."
                if replacing
                else "La double authentification est activée.",
            )
            return _show_recovery_codes(request, codes, next_url=reverse("core:staff_home"))
    qr_svg, secret = otp.provisioning(device)
    return render(
        request,
        "core/otp_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": secret,
            "required": requires_second_factor(request.user),
            "replacing": replacing,
        },
    )


def _show_recovery_codes(request, codes: list[str], *, next_url: str):
    """The one page that ever shows the codes: rendered in answer to the POST that issued them, never
    reachable again. The text file is built into the link, so that no second request carries them."""
    issued_at = timezone.localtime()
    text = "\n".join(
        [
            "CSC — Centres Sociaux Connectés : codes de secours de la double authentification",
            f"Compte : {request.user.email}",
            f"Remis le {issued_at:%d/%m/%Y à %H:%M}. Chaque code ne sert qu'une fois.",
            "Gardez-les à l'abri, loin du téléphone. De nouveaux codes annulent ceux-ci.",
            "",
            *codes,
            "",
        ]
    )
    # Both views that call this are never_cache: no copy of the codes stays in a cache.
    return render(
        request,
        "core/recovery_codes_new.html",
        {
            "codes": codes,
            "issued_at": issued_at,
            "download_href": "data:text/plain;charset=utf-8," + quote(text),
            "next": next_url,
        },
    )


@login_required
@never_cache
def otp_verify(request):
    form = OtpTokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            device = otp.verified_device(request.user, form.cleaned_data["token"])
        except otp.OtpRefused as refusal:
            form.add_error("token", str(refusal))
        else:
            otp_login(request, device)
            return redirect_next(request, reverse("core:staff_home"))
    return render(
        request,
        "core/otp_verify.html",
        {"form": form, "next": next_path(request), "has_codes": recovery.remaining(request.user) > 0},
    )


@login_required
@never_cache
def otp_recovery(request):
    """Pass the second factor with a recovery code instead of the phone's code."""
    form = RecoveryCodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            used = recovery.use_code(request.user, form.cleaned_data["code"])
        except recovery.RecoveryRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            otp_login(request, used.device)
            if used.remaining:
                left = f"Il vous reste {used.remaining} code{'s' if used.remaining > 1 else ''} de secours."
            else:
                left = "Il ne vous reste aucun code de secours."
            if used.remaining < recovery.FEW_LEFT:
                messages.warning(
                    request,
                    f"Code de secours accepté. {left} Générez-en de nouveaux depuis Mon profil, "
                    "et changez de téléphone si vous avez perdu le vôtre.",
                )
            else:
                messages.success(request, f"Code de secours accepté. {left}")
            return redirect_next(request, reverse("core:staff_home"))
    return render(request, "core/otp_recovery.html", {"form": form, "next": next_path(request)})


@login_required
@never_cache
def recovery_codes(request):
    """How many recovery codes are left, and new ones on demand (the old ones stop working)."""
    if not recovery.has_totp(request.user):
        messages.error(
            request, "Activez d'abord la double authentification : les codes de secours vont avec."
        )
        return redirect("core:profile")
    if request.method == "POST":
        codes = recovery.issue_codes(request.user, reason="nouveaux codes demandés")
        messages.success(request, "Vos nouveaux codes de secours sont prêts : les anciens ne marchent plus.")
        return _show_recovery_codes(request, codes, next_url=reverse("core:profile"))
    return render(request, "core/recovery_codes.html", {"remaining": recovery.remaining(request.user)})


@login_required
@require_POST
def otp_disable(request):
    try:
        otp.disable(request.user)
    except otp.OtpRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "La double authentification est désactivée.")
    return redirect("core:profile")


# --- staff home and profile -------------------------------------------------------------------------


@login_required
def staff_home(request):
    centre = current_centre(request)
    centres = Centre.objects.filter(pk__in=visible_centre_ids(request.user)).select_related("territory")
    return render(
        request,
        "core/staff_home.html",
        {
            "centre": centre,
            "centres": centres,
            "groups": groups_for(request.user, centre),
            "waiting": waiting_for(request.user, centre),
        },
    )


@login_required
@require_POST
def switch_centre(request):
    try:
        centre_id = int(request.POST.get("centre", ""))
    except ValueError:
        centre_id = None
    if centre_id not in visible_centre_ids(request.user):
        messages.error(request, "Ce centre ne fait pas partie des vôtres.")
    else:
        request.session["csc_centre_id"] = centre_id
        messages.success(request, "Centre changé.")
    return redirect_next(request, reverse("core:staff_home"))


@login_required
def profile(request):
    form = TokenForm(posted(request))
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _, new_secret = services.create_api_token(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "core/profile.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(user=request.user),
            "new_secret": new_secret,
            "has_otp": recovery.has_totp(request.user),
            "otp_required": requires_second_factor(request.user),
            "recovery_codes_left": recovery.remaining(request.user),
        },
    )


@login_required
@require_POST
def revoke_token(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_api_token(token=token, actor=request.user)
    messages.success(request, f"Le jeton « {token.name} » est révoqué.")
    return redirect("core:profile")


# --- staff of the centre ------------------------------------------------------------------------------


STAFF_PAGE_SIZE = 50


@login_required
def staff_list(request):
    centre = require_capability(request, STAFF_MANAGE)
    roles = (
        StaffRole.objects.filter(centre=centre)
        .select_related("user")
        .order_by("-is_active", "user__last_name")
    )
    page = Paginator(roles, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/staff_list.html", {"centre": centre, "page": page, "role_form": RoleForm()})


@login_required
def staff_invite(request):
    centre = require_capability(request, STAFF_MANAGE)
    form = InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_staff(
                centre=centre,
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except services.StaffError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation envoyée à {form.cleaned_data['email']}.")
            return redirect("core:staff_list")
    return render(request, "core/staff_invite.html", {"centre": centre, "form": form})


def _staff_role_of_current_centre(request, staff_role_id):
    centre = require_capability(request, STAFF_MANAGE)
    return get_object_or_404(
        StaffRole.objects.visible_to(request.user).select_related("user"), pk=staff_role_id, centre=centre
    )


@login_required
@require_POST
def staff_change_role(request, staff_role_id):
    staff_role = _staff_role_of_current_centre(request, staff_role_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un rôle dans la liste.")
    else:
        try:
            services.change_role(staff_role=staff_role, role=form.cleaned_data["role"], actor=request.user)
            messages.success(request, f"Rôle de {staff_role.user} modifié.")
        except services.StaffError as error:
            messages.error(request, str(error))
    return redirect("core:staff_list")


@login_required
@require_POST
def staff_deactivate(request, staff_role_id):
    staff_role = _staff_role_of_current_centre(request, staff_role_id)
    try:
        services.deactivate_role(staff_role=staff_role, actor=request.user)
        messages.success(request, f"{staff_role.user} ne fait plus partie de l'équipe.")
    except services.StaffError as error:
        messages.error(request, str(error))
    return redirect("core:staff_list")


# --- journal and centre settings -----------------------------------------------------------------------

JOURNAL_PAGE_SIZE = 50


# The person's page belongs to people, the app above core: core names it and its capability (declared by
# people's module) without importing it.
PERSON_PAGE, PERSON_PAGE_CAPABILITY = "people:person_detail", "people.view"


def _link_people(request, centre, events) -> None:
    """Give each event a link to its person's page only where that page opens for the reader: people.view
    in the journal's centre (territory and federation roles read the journal, not the people's files) and
    a record not deleted since. One query for the page, whatever its length."""
    ids = {event.person_id for event in events if event.person_id}
    openable = set()
    if ids and has_capability(request.user, PERSON_PAGE_CAPABILITY, centre):
        openable = ids - AuditEvent.objects.people_removed(ids)
    person_page = LinkPattern(PERSON_PAGE) if openable else None
    for event in events:
        event.person_url = person_page(event.person_id) if event.person_id in openable else ""


@login_required
def journal(request):
    centre = require_capability(request, AUDIT_VIEW)
    staff = User.objects.filter(staff_roles__centre=centre).distinct().order_by("last_name", "first_name")
    form = JournalFilterForm(
        request.GET or None, staff_queryset=staff, action_choices=registry.action_choices()
    )
    events = AuditEvent.objects.for_centre_journal(centre).select_related("actor")
    if form.is_valid():
        if form.cleaned_data["person"]:
            events = events.filter(person_id=form.cleaned_data["person"])
        if form.cleaned_data["actor"]:
            events = events.filter(actor=form.cleaned_data["actor"])
        if form.cleaned_data["action"]:
            events = events.filter(action=form.cleaned_data["action"])
    page = Paginator(events, JOURNAL_PAGE_SIZE).get_page(request.GET.get("page"))
    _link_people(request, centre, page)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "core/journal.html",
        {"centre": centre, "form": form, "page": page, "querystring": querystring.urlencode()},
    )


@login_required
def centre_settings(request):
    centre = require_capability(request, CENTRE_SETTINGS)
    form = CentreSettingsForm(posted(request), instance=centre)
    if request.method == "POST" and form.is_valid():
        services.update_centre_settings(
            centre=centre, retention_months=form.cleaned_data["retention_months"], actor=request.user
        )
        messages.success(request, "Réglages enregistrés.")
        return redirect("core:centre_settings")
    return render(request, "core/centre_settings.html", {"centre": centre, "form": form})


# --- errors ------------------------------------------------------------------------------------------


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # The database away is no error of the site: 503 and Retry-After, logged once (csc/core/outage.py).
    failure = sys.exc_info()[1]
    if outage.is_outage(failure):
        return outage.unavailable(request, failure)
    # No context processors that touch the database: the failure may be the database itself.
    from django.template import loader

    # Its few rules are written in the page, which holds up when the static files do not; the nonce lets
    # them past the Content-Security-Policy (csc/core/headers.py).
    context = {"csp_nonce": getattr(request, "csp_nonce", "")}
    return HttpResponse(loader.get_template("500.html").render(context), status=500)
