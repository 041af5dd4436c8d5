"""Whether a POST comes from one of the site's own pages, for the anonymous endpoints that take no CSRF
cookie (the kiosk's counts and survey: no cookie is ever left on a shared computer).

A browser names the page's origin in the `Origin` header of every POST, sendBeacon's included, and a
page of another site cannot change it: a forged answer posted from elsewhere is told apart. Without
`Origin` (older browsers), the `Referer` that SECURE_REFERRER_POLICY (same-origin) keeps for the
site's own requests stands in. Like Django's CSRF check, the origins of DJANGO_CSRF_TRUSTED_ORIGINS
are accepted too. A script outside a browser can write any header: the rate limits deal with it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.http import is_same_domain


def _trusted(origin: str, request) -> bool:
    try:
        own = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return False
    if origin == own:
        return True
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    scheme, _, netloc = origin.partition("://")
    return any(
        trusted.startswith(f"{scheme}://*.") and is_same_domain(netloc, trusted.partition("://")[2])
        for trusted in settings.CSRF_TRUSTED_ORIGINS
    )


def same_origin(request) -> bool:
    """True when the request was sent by a page of this site (see the module's docstring)."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin != "null" and _trusted(origin.rstrip("/"), request)
    referer = request.META.get("HTTP_REFERER")
    if not referer:
        return False
    try:
        parts = urlsplit(referer)
    except ValueError:  # « http://[::1 » and other addresses that do not parse
        return False
    return bool(parts.scheme and parts.netloc) and _trusted(f"{parts.scheme}://{parts.netloc}", request)
