"""Errors reported to a Sentry-compatible server (Sentry, GlitchTip, Bugsink…) when CSC_SENTRY_DSN is set
(docs/installation.md, « Remontée d'erreurs (Sentry) »).

A report says where the code failed, on which route, for which request id and which user id; never who
the person is nor what they typed: no request body, no cookie, no query string (a search carries a
name), no e-mail or name of the user, no local variables of the code (they hold the forms' values),
and the e-mail addresses left in a message are masked. settings.py calls `init`; this module imports
no model.
"""

from __future__ import annotations

from .requestlog import current_request, mask, route_of, user_id_of

# The request headers a report keeps: none of them says anything of the person.
KEPT_HEADERS = {"host", "content-type", "content-length", "x-request-id"}


def init(dsn: str, *, environment: str, release: str | None, traces_sample_rate: float = 0.0) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(transaction_style="url")],
        environment=environment,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
    )


def before_send(event: dict, hint: dict) -> dict:
    """The report as it leaves: stripped of what could say who the person is, with the route, the
    request id and the user id added."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
            }
    event.pop("user", None)
    serving = current_request.get()
    if serving is not None:
        tags = event.setdefault("tags", {})
        tags["route"] = route_of(serving)
        tags["request_id"] = getattr(serving, "request_id", "")
        user_id = user_id_of(serving)
        if user_id is not None:
            event["user"] = {"id": str(user_id)}
    for exception in (event.get("exception") or {}).get("values") or ():
        if isinstance(exception.get("value"), str):
            exception["value"] = mask(exception["value"])
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        for key in ("message", "formatted"):
            if isinstance(logentry.get(key), str):
                logentry[key] = mask(logentry[key])
        logentry.pop("params", None)
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in values or ():
        before_breadcrumb(crumb, {})
    return event


def before_breadcrumb(crumb: dict, hint: dict) -> dict:
    """A breadcrumb (a log line, an outgoing HTTP call) keeps its message masked and no query string."""
    if isinstance(crumb.get("message"), str):
        crumb["message"] = mask(crumb["message"])
    data = crumb.get("data")
    if isinstance(data, dict):
        for key in ("http.query", "http.fragment", "params"):
            data.pop(key, None)
        if isinstance(data.get("url"), str):
            data["url"] = data["url"].split("?", 1)[0]
    return crumb
