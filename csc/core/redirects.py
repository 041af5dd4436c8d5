"""Where a page sends the person back to after a form: the `next` it was given, if that is a path of
this site, and a default otherwise. Every view that reads a `next` (login, logout, second factor, centre
switch, favourites…) goes through here.

A `next` comes from the person's browser and may be anything: « abc » (which django.shortcuts.redirect()
would look up as the name of a view, and fail with a 500), « //evil.example » or « /\\evil » (another site
for a browser), « javascript:… », 10,000 characters, a NUL byte. Only a local path is kept: one « / »
then not another « / » or « \\ », no control or invisible character (browsers drop tabs and line breaks
from a URL, so « /\\t/evil » would become « //evil »), of a reasonable length, and accepted by Django's
url_has_allowed_host_and_scheme. The answer is always an HttpResponseRedirect to a URL, never a string
handed to redirect().
"""

from __future__ import annotations

import unicodedata

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

FIELD = "next"
# Longer than any address of the site with its query string; beyond, it is not one of ours.
MAX_LENGTH = 2000


def local_path(candidate: object, request: HttpRequest) -> str | None:
    """The candidate if it is a path of this site that is safe to send a browser to, else None."""
    if not isinstance(candidate, str) or not candidate or len(candidate) > MAX_LENGTH:
        return None
    if not candidate.startswith("/") or candidate[1:2] in ("/", "\\"):
        return None
    # Control (Cc: NUL, tab, line breaks), format (Cf: invisible, bidi overrides) and the other « C »
    # categories have no business in an address of ours.
    if any(unicodedata.category(char)[0] == "C" for char in candidate):
        return None
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return candidate


def next_path(request: HttpRequest, default: str = "") -> str:
    """The request's `next` (the form's first, then the address's) if it is a local path, else default."""
    return local_path(request.POST.get(FIELD) or request.GET.get(FIELD), request) or default


def redirect_next(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Send the person to the request's `next` if it is a local path, else to `default` (a URL, such as
    reverse() gives, never a view name)."""
    return HttpResponseRedirect(next_path(request, default))
