"""Walks every URL pattern and API route as a user of the wrong centre and as a user of the wrong role.

New routes are picked up automatically: nothing here lists them. A route leaks if it shows centre B's
data to the intruder, lets them change it, or answers with a server error.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from csc.core import services as core_services
from csc.testing import factories
from csc.testing.tenancy import build_foreign_world, object_for_parameter, snapshot

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
SKIPPED_PREFIXES = (
    "admin-technique/",
    "static/",
    "media/",
)  # Django admin: superusers only, tested by Django
HOSTILE_FORM = {
    "name": "Pirate",
    "last_name": "Pirate",
    "first_name": "Pirate",
    "role": "director",
    "confirm": "on",
    "reason": "intrusion",
    "retention_months": "1",
    "kind": "photos",
    "granted": "oui",
    "decided_on": "2026-01-01",
    "relation": "autre",
    "email": "pirate@example.org",
}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def all_routes():
    routes = []
    for route, name in walk(get_resolver().url_patterns):
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        if route.startswith(SKIPPED_PREFIXES):
            continue
        routes.append((route, name))
    return routes


def fill(route, world):
    def substitute(match):
        name = match.group("name")
        if name in ("uidb64", "token"):
            return "AAAA" if name == "uidb64" else "bad-token"
        if name == "fmt":  # the format of an export: try the one that streams
            return "csv"
        if name == "action":  # a kiosk tile's action
            return "masquer"
        if match.group("converter") in ("slug", "path") or name == "slug":
            return world.centre.slug
        return str(object_for_parameter(world, name).pk)

    return "/" + PARAMETER.sub(substitute, route)


@pytest.fixture
def foreign_world(network, otp_verified):
    third = factories.CentreFactory(name="Centre Gamma")
    return build_foreign_world(network["b"], third)


@pytest.fixture(params=["wrong_centre", "wrong_role"])
def intruder(request, staff):
    if request.param == "wrong_centre":
        return staff("director", "a")  # every capability, but in centre A
    return staff("volunteer", "b")  # in centre B, but a role that opens nothing of people or staff


def test_the_walk_covers_the_routes_of_every_app():
    names = {name for _, name in all_routes()}
    assert {"person_detail", "household_detail", "staff_list", "journal"} <= names
    assert any(route.startswith("api/v1/") for route, _ in all_routes())


@pytest.mark.django_db
def test_no_route_leaks_another_centres_data(client, foreign_world, intruder):
    _, secret = core_services.create_api_token(user=intruder, name="jeton intrus")
    before = snapshot(foreign_world)
    failures = []
    for route, name in all_routes():
        url = fill(route, foreign_world)
        for method in ("get", "post", "patch", "delete"):
            client.force_login(intruder)
            kwargs = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
            if method == "get":
                response = client.get(url, **kwargs)
            elif route.startswith("api/"):
                response = getattr(client, method)(
                    url, data={**HOSTILE_FORM, "members": []}, content_type="application/json", **kwargs
                )
            else:
                response = getattr(client, method)(url, data=HOSTILE_FORM, **kwargs)
            body = response.content.decode(errors="replace") if not response.streaming else ""
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url} ({name}): erreur {response.status_code}")
            leaked = [marker for marker in foreign_world.markers if marker in body]
            if leaked:
                failures.append(f"{method.upper()} {url} ({name}): montre {leaked}")
    after = snapshot(foreign_world)
    for key in before:
        if before[key] != after[key]:
            failures.append(f"les données « {key} » du centre B ont changé : {before[key]} → {after[key]}")
    assert not failures, "\n".join(failures)
