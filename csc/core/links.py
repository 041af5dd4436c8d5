"""Links of long lists, reversed once per page; absolute links for e-mails.

A grid or a list can show a hundred rows, each with two or three links that differ only by the row's
id. `{% url %}` on every row runs Django's resolver each time, which costs more than the rest of the row;
`LinkPattern` reverses the route once with a stand-in id and fills in each row's id with a string
concatenation, so the URLs stay those of the URLconf.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.urls import reverse

# A stand-in no real id takes and that `<int:…>` accepts.
_STAND_IN = 987654321987


class LinkPattern:
    """`LinkPattern("people:person_detail")(42)` == `reverse("people:person_detail", args=[42])`.
    The id is the route's last argument; `args` are the ones before it."""

    def __init__(self, name: str, args: tuple = ()):
        # NoReverseMatch here, at the top of the page, for a route that takes no id.
        url = reverse(name, args=[*args, _STAND_IN])
        self._before, _, self._after = url.rpartition(str(_STAND_IN))

    def __call__(self, pk: int) -> str:
        return f"{self._before}{int(pk)}{self._after}"


# The request being served, if any (RequestSiteMiddleware): links written while serving it lead to the
# site it came in on.
_request: contextvars.ContextVar = contextvars.ContextVar("csc_request", default=None)


@contextmanager
def serving(request):
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def absolute_url(path: str) -> str:
    """The link to `path` to send by e-mail: on the site of the request being served (its host was
    checked against ALLOWED_HOSTS), otherwise — a task, a command — under CSC_PUBLIC_URL, which the
    deployment checks require (csc/core/checks.py)."""
    request = _request.get()
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.CSC_PUBLIC_URL + path
