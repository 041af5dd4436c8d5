"""The kiosk's counts, answered before the rest of the middleware stack."""

from __future__ import annotations

import re

from . import public_views

# The address of public_views.events (urls.py: borne/<slug:slug>/evenements/); a test keeps them equal.
EVENTS_PATH = re.compile(r"^/borne/(?P<slug>[-a-zA-Z0-9_]+)/evenements/\Z")


class KioskEventsMiddleware:
    """Sends the kiosk's visits and clicks (POST /borne/<slug>/evenements/) straight to their view.

    That request is the platform's busiest: every touch on every kiosk of the network. It is
    anonymous and CSRF-exempt, and uses no session, user, message, language or audit actor, so the
    middlewares below this one would only cost time: skipping them and the URL resolver halves the CPU
    of an event (benchmarks/README.md, `borne`). SecurityMiddleware still runs before this one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            match = EVENTS_PATH.match(request.path_info)
            if match:
                request.route_name = "kiosk:events"  # for the metrics and logs: no resolver ran
                return public_views.events(request, match["slug"])
        return self.get_response(request)
