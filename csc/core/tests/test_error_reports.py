"""Errors reported to a Sentry-compatible server (csc/core/errortracking.py), sent by sentry-sdk over
HTTP to a local server that checks the envelope protocol (csc/testing/sentry.py): the report of an
exception in a view names its route, request id and user id, and nothing that says who the person is."""

import httpx
import pytest
import sentry_sdk
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from csc import urls as site_urls
from csc.core import errortracking
from csc.testing.sentry import SentryServer, start

from .test_json_logs import planted_user


@csrf_exempt  # a form posted from outside the site's pages, to plant personal data in the body
def explode(request, number):
    raise RuntimeError("le calcul du quotient a échoué")


def fine(request):
    return HttpResponse("ok")


# This module is the URLconf of its tests: the site's, with one view that fails and one that does not.
urlpatterns = [
    path("boum/<int:number>/", explode, name="boum"),
    path("ca-va/", fine, name="ca_va"),
    *site_urls.urlpatterns,
]
handler500 = "csc.core.views.error_500"

PERSONAL = ("Jeanne", "Dupuis", "jeanne.dupuis", "example.org", "06 12 34 56 78", "secret-de-session")


@pytest.fixture
def sentry(settings):
    settings.ROOT_URLCONF = __name__
    server = SentryServer()
    http = start(server)
    errortracking.init(server.dsn, environment="essai", release="csc@0.1.0")
    yield server
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.init(dsn=None)
    http.shutdown()


@pytest.mark.django_db(transaction=True)
def test_an_exception_in_a_view_arrives_with_its_route_and_no_personal_data(sentry, staff, live_server):
    """Through a real WSGI server, as gunicorn serves CSC: sentry-sdk reads the request there."""
    user = planted_user(staff)
    client = Client()
    client.force_login(user)
    cookies = {
        "sessionid": client.cookies["sessionid"].value,
        "prenom": "Jeanne",
        "autre": "secret-de-session",
    }
    response = httpx.post(
        f"{live_server.url}/boum/7/?courriel=jeanne.dupuis@example.org&nom=Dupuis",
        data={"nom": "Dupuis", "prenom": "Jeanne", "telephone": "06 12 34 56 78"},
        headers={
            "X-Request-ID": "feedfacefeedfacefeedfacefeedface",
            "Referer": f"{live_server.url}/?nom=Dupuis",
        },
        cookies=cookies,
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)

    assert sentry.refusals == []
    (event,) = sentry.events()
    (envelope,) = [e for e in sentry.envelopes if any(i.headers["type"] == "event" for i in e.items)]
    assert envelope.headers["event_id"] == event["event_id"]
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "RuntimeError" and exception["value"] == "le calcul du quotient a échoué"
    assert event["tags"]["route"] == "boum"
    assert event["tags"]["request_id"] == "feedfacefeedfacefeedfacefeedface"
    assert event["transaction"] == "/boum/{number}/"
    assert event["user"] == {"id": str(user.pk)}
    assert event["environment"] == "essai" and event["release"] == "csc@0.1.0"
    request = event["request"]
    assert request["method"] == "POST" and request["url"] == f"{live_server.url}/boum/7/"
    assert not {"data", "cookies", "query_string"} & set(request)
    assert set(request.get("headers", {})) <= {
        "Host",
        "Content-Type",
        "Content-Length",
        "X-Request-Id",
        "X-Request-ID",
    }
    frames = exception["stacktrace"]["frames"]
    assert frames and not any("vars" in frame for frame in frames)  # no local variables
    raw = envelope.raw.decode("utf-8", "replace")
    assert not [word for word in PERSONAL if word in raw]


@pytest.mark.django_db
def test_a_page_that_works_sends_nothing(sentry, client):
    assert client.get("/ca-va/").status_code == 200
    sentry_sdk.flush(timeout=5)
    assert sentry.events() == []


def test_the_local_server_refuses_what_the_protocol_refuses():
    server = SentryServer()
    envelope = b'{"event_id":"0123456789abcdef0123456789abcdef"}\n{"type":"event","length":2}\n{}\n'
    auth = {"X-Sentry-Auth": f"Sentry sentry_key={server.public_key}, sentry_version=7"}
    assert server.accept("/api/42/envelope/", auth, envelope).items[0].json() == {}
    for address, headers, body in (
        ("/api/42/store/", auth, envelope),
        ("/api/42/envelope/", {}, envelope),
        ("/api/42/envelope/", {"X-Sentry-Auth": "Sentry sentry_key=autre, sentry_version=7"}, envelope),
        ("/api/42/envelope/", auth, b"pas du json\n"),
        ("/api/42/envelope/", auth, b'{}\n{"type":"event","length":50}\n{}\n'),
        ("/api/42/envelope/", auth, b"{}\n"),
    ):
        with pytest.raises(Exception) as refused:
            server.accept(address, headers, body)
        assert refused.type.__name__ == "Refused"


def test_the_settings_start_the_reports_only_with_a_dsn(tmp_path):
    """settings.py, read by a new process with and without CSC_SENTRY_DSN."""
    import os
    import subprocess
    import sys

    code = (
        "import django, sentry_sdk; django.setup(); from django.conf import settings;"
        "print(sentry_sdk.get_client().is_active(), settings.CSC_ENVIRONMENT)"
    )
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "csc.settings_test"}
    base.pop("CSC_SENTRY_DSN", None)
    without = subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, check=True
    )
    assert without.stdout.split() == ["False", "production"]
    with_dsn = {**base, "CSC_SENTRY_DSN": "http://cle@127.0.0.1:9/1", "CSC_ENVIRONMENT": "recette"}
    started = subprocess.run(
        [sys.executable, "-c", code], env=with_dsn, capture_output=True, text=True, check=True
    )
    assert started.stdout.split() == ["True", "recette"]
