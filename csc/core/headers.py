"""The security headers every page, file and API answer carries (docs/installation.md lists them).

Django's SecurityMiddleware already sends HSTS, X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy, and XFrameOptionsMiddleware X-Frame-Options. This middleware adds what
Django 5.2 has no setting for:

- a Content-Security-Policy: scripts and styles only from the platform's own static files, so that
  a piece of HTML slipped past the escaping runs no script and loads nothing from elsewhere. A template
  that needs an inline <script> or <style> gives it `nonce="{{ request.csp_nonce }}"` (a fresh value
  each request); inline event handlers (onclick=…), `javascript:` links and style="…" attributes are
  refused by the browser, and a test keeps them out of the templates;
- Cache-Control: private, no-store on every answer whose view did not say it may be kept. Nearly
  every page, PDF, export and API answer holds personal data, and so do the links residents receive
  to follow their request: no copy of them may stay in a proxy, nor on the disk of a shared
  computer. A view whose answer may be kept says so by setting Cache-Control itself (the kiosk's home
  page, csc/kiosk/public_views.py);
- Permissions-Policy: no page uses the camera, the microphone, the position or payments, so no
  script (nor a frame) may ask for them.

Static files never come here: WhiteNoise, above this middleware, answers them with its own long cache.
"""

from __future__ import annotations

import secrets
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings

NO_STORE = "private, no-store"

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


@cache
def _tile_source(tile_url: str) -> str:
    """The origin of the public map's tile server, as a CSP source: « https://*.tile.example.org » for
    a template with a {s} sub-domain. Empty when there is no map."""
    parts = urlsplit(tile_url.replace("{s}", "*"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def policy_directives(nonce: str) -> dict[str, str]:
    """The platform's policy, directive by directive. Images also come from `data:` addresses (the QR
    code of the second factor, the icons of Swagger UI's style sheet) and from the public map's tile
    server."""
    images = " ".join(filter(None, ["'self'", "data:", _tile_source(settings.CSC_MAP_TILE_URL)]))
    return {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}'",
        "img-src": images,
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Cache-Control and Permissions-Policy on every answer (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # 128 bits, fresh each request: a nonce an attacker could guess would let their script in.
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        directives = policy_directives(request.csp_nonce)
        response.headers.setdefault(
            "Content-Security-Policy", "; ".join(f"{name} {value}" for name, value in directives.items())
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = NO_STORE
        return response
