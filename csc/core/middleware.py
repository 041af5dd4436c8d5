from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from . import audit, links
from .tenancy import recall_security_state, remember_security_state, second_factor_missing


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: behind a proxy, the deployment sets it right (see docs/installation.md).
    return request.META.get("REMOTE_ADDR") or None


class CurrentActorMiddleware:
    """Makes the logged-in staff member the actor of whatever the request journals."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.acting_as(request.user if request.user.is_authenticated else None, client_ip(request)):
            return self.get_response(request)


class RequestSiteMiddleware:
    """Links written for e-mails while serving a request lead to the site it came in on
    (links.absolute_url)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with links.serving(request):
            return self.get_response(request)


class TwoFactorEnforcementMiddleware:
    """Staff who enabled TOTP, or whose role requires it, must pass it before any staff page.

    Public pages, static files and the pages of the second factor itself stay reachable. The API applies
    the same rule to session logins itself (csc/api.py); a token is a credential of its own.
    """

    OPEN_PREFIXES = ("/static/", "/api/", "/healthz", "/compte/", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        guarded = not request.path.startswith(self.OPEN_PREFIXES) and request.path != "/"
        if guarded:
            recall_security_state(request)
        missing = second_factor_missing(request) if guarded else None
        if missing == "verify":
            return redirect(f"{reverse('core:otp_verify')}?{urlencode({'next': request.get_full_path()})}")
        if missing == "setup":
            return redirect("core:otp_setup")
        response = self.get_response(request)
        if guarded and missing is None and getattr(request.user, "_csc_roles", None) is not None:
            remember_security_state(request)  # looked up again this time: the stamp had moved
        return response
