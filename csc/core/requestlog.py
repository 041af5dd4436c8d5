"""What every log line says about the request it was written in, and the JSON format of the logs.

- `RequestIdMiddleware` gives each request an identifier: the `X-Request-ID` the proxy sent (nginx's
  `$request_id`) when it is well formed, a new one otherwise. It goes back in the response's
  `X-Request-ID` header and in every log line written while serving the request, so that a line of
  nginx, of CSC and an error report can be put side by side.
- `JsonFormatter` (CSC_LOG_FORMAT=json) writes each log line as one JSON object: time, level, logger,
  message, request id, route, status, duration, user id. Never personal data: no name, no e-mail, no
  query string (a search for a person carries their name), no exception message (a database error
  quotes the row's values); e-mail addresses and query strings left in a message are masked.
- With CSC_ACCESS_LOG on (the default with the JSON format), one line per request on the logger
  `csc.access`: method, route, status, duration, user id.

Nothing here reads the database: a user id is written only when the request already loaded its user.
This module imports no model: settings.py names its formatter.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils.functional import empty

access_logger = logging.getLogger("csc.access")

# nginx's $request_id is 32 hexadecimal characters; other proxies send a UUID. Anything else (too long,
# spaces, quotes that would break a log line) is replaced.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}\Z")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
QUERY_STRING = re.compile(r"\?[^\s\"']*")

# The request being served by this thread (or task), for the log lines written while serving it.
current_request: ContextVar = ContextVar("csc_current_request", default=None)


def route_of(request) -> str:
    """The name of the route a request reached (« enrolment:request_detail »), never its raw path: a
    path holds identifiers, a metric or a log line keyed on it would grow without end."""
    named = getattr(request, "route_name", None)  # set by what answers before URL resolution (the kiosk)
    if named:
        return named
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


def user_id_of(request) -> int | None:
    """The signed-in user's id if the request already loaded its user; never loads it (a query)."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First of all middlewares: the request's identifier, its log context, and the access log line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = given if VALID_REQUEST_ID.match(given) else new_request_id()
        token = current_request.set(request)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            if access_logger.isEnabledFor(logging.INFO):
                duration_ms = round((time.perf_counter() - start) * 1000, 1)
                access_logger.info(
                    "%s %s %s %.1f ms",
                    request.method,
                    route_of(request),
                    response.status_code,
                    duration_ms,
                    extra={"status": response.status_code, "duration_ms": duration_ms},
                )
            return response
        finally:
            current_request.reset(token)


def mask(text: str) -> str:
    """A message with its e-mail addresses and query strings masked (Django's own lines quote paths)."""
    return QUERY_STRING.sub("?…", EMAIL.sub("[adresse masquée]", text))


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the fields of the request being served are added when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        # Django's own lines about a request (django.request) carry it; they are written after the
        # middlewares returned, once the current request is reset.
        request = getattr(record, "request", None) or current_request.get()
        if not hasattr(request, "method"):
            request = None  # a socket (django.server's lines), not an HttpRequest
        if request is not None:
            entry["request_id"] = getattr(request, "request_id", None)
            entry["method"] = request.method
            entry["route"] = route_of(request)
            user_id = user_id_of(request)
            if user_id is not None:
                entry["user_id"] = user_id
        status = getattr(record, "status", None) or getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        duration_ms = getattr(record, "duration_ms", None)
        if duration_ms is not None:
            entry["duration_ms"] = duration_ms
        if record.exc_info and record.exc_info[0] is not None:
            # The type and where it was raised, not its message: that may quote a row's values.
            entry["exception"] = record.exc_info[0].__name__
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} {frame.name}" for frame in _frames(record.exc_info[2])
            ]
        return json.dumps(entry, ensure_ascii=False, default=str)


def _frames(traceback_):
    import traceback

    return traceback.extract_tb(traceback_)[-20:]


def logging_config(log_format: str, level: str, access_log: bool) -> dict:
    """settings.LOGGING for the format asked: « text » (the default, for `make run`) or « json »."""
    if log_format not in ("text", "json"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("CSC_LOG_FORMAT vaut text ou json.")
    json_format = log_format == "json"
    # stderr: systemd's journal or the container's log collector takes it from there.
    console = {"class": "logging.StreamHandler", **({"formatter": "json"} if json_format else {})}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "csc.core.requestlog.JsonFormatter"}},
        "handlers": {"console": console},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "csc.access": {"level": "INFO" if access_log else "WARNING"},
            # In JSON, the access line of csc.access replaces runserver's, which prints the query string.
            **({"django.server": {"level": "WARNING"}} if json_format else {}),
        },
    }
