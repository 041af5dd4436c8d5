"""What every page answers while the database is unreachable: 503 « Service momentanément
indisponible » with Retry-After, in French, instead of the 500 « Une erreur s'est produite ».

A database outage can surface anywhere in a request: in a view, in a middleware that loads the session
or the user (sessions, auth, OTP, axes), in a template that reads a lazy queryset, in the kiosk's event
middleware that answers before all of those. Django turns every such exception into a response at the
layer it crossed, through `handler500` (csc.core.views.error_500), where `sys.exc_info()` still holds
it: that is the one place that sees them all. An error of the database's availability — the server
away, a connection refused, cut or closed (OperationalError, InterfaceError, whatever the driver) —
answers 503, and so do the other OperationalErrors, transient too (a statement cut by its time limit,
a lock or serialization conflict); anything else (a programming error, an integrity error, a mistake in
the SQL that SQLite also calls OperationalError) stays a 500 and keeps its traceback in the logs.

The page is rendered from its template alone: no context processor, no session, no user — each of
them would go back to the database. The outage is logged once per request, at WARNING, without the
traceback Django would log for a 500: during an outage every request fails the same way.

The callers that are not a person reading a page get JSON, as they get for any other error: the API,
an htmx request (the attendance taps), a script that asks for JSON, and the kiosk's counts. Their
scripts read Retry-After to know when to try again (csc/core/static/csc/attendance.js,
csc/kiosk/static/kiosk/kiosk.js).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds a caller should wait before trying again: a PostgreSQL restart or a failover takes that order.
# CSC_RETRY_AFTER_SECONDS changes it (a browser test waits 2 s, not 30).
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
# SQLite (the quick-start database) says OperationalError for a mistake in the SQL too, where PostgreSQL
# says ProgrammingError: those stay 500s.
SQLITE_MISTAKES = ("no such table", "no such column", "has no column", "syntax error")
# Where the kiosk's counts are posted (csc/kiosk/middleware.py): a script, never a person, reads the answer.
KIOSK_PREFIX, KIOSK_EVENTS_SUFFIX = "/borne/", "/evenements/"


def _drivers_own(exception: BaseException) -> bool:
    """psycopg's or sqlite3's own error, where code reached the driver past Django's wrapping: every
    DB-API driver names these two classes so (PEP 249)."""
    return any(cls.__name__ in {"OperationalError", "InterfaceError"} for cls in type(exception).__mro__)


def is_outage(exception: BaseException | None) -> bool:
    """Whether the exception, or one it was raised from or while handling, says the database is away.
    Django wraps the driver's errors in its own (django.db.utils) and raises, for instance, « connection
    already closed » or a broken transaction while handling the first failure: the whole chain counts."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, UNAVAILABLE_ERRORS) or _drivers_own(exception):
            return not any(mistake in str(exception) for mistake in SQLITE_MISTAKES)
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def retry_after() -> int:
    return int(getattr(settings, "CSC_RETRY_AFTER_SECONDS", RETRY_AFTER_SECONDS))


def _wants_json(request) -> bool:
    path = request.path
    return (
        path.startswith("/api/")
        or request.headers.get("HX-Request") == "true"
        or "application/json" in request.headers.get("Accept", "")
        or (path.startswith(KIOSK_PREFIX) and path.endswith(KIOSK_EVENTS_SUFFIX))
    )


def unavailable(request, exception: BaseException | None = None) -> HttpResponse:
    """The 503 answer to a request that met a database outage."""
    if not getattr(request, "_csc_outage_logged", False):
        request._csc_outage_logged = True
        logger.warning(
            "Database unavailable, 503 on %s %s: %s", request.method, request.path, exception or "unknown"
        )
    seconds = retry_after()
    message = _("Le service est momentanément indisponible. Réessayez dans quelques instants.")
    if _wants_json(request):
        response = JsonResponse(
            {"detail": message, "reessayer_dans": seconds},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        # The nonce lets the page's few rules past the Content-Security-Policy (csc/core/headers.py).
        context = {
            "csp_nonce": getattr(request, "csp_nonce", ""),
            "retry_after": seconds,
            # A kiosk has nobody to press « Réessayer »: its page tries again by itself.
            "reload": request.path.startswith(KIOSK_PREFIX),
        }
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(seconds)
    # Logged above, once: no « Service Unavailable » error with its traceback from django.request.
    response._has_been_logged = True
    return response
