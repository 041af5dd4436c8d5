"""The headers every answer carries (csc/core/headers.py, docs/installation.md): a strict
Content-Security-Policy, no copy of personal data in a cache, and Django's own security headers."""

import re
from pathlib import Path

import pytest
from django.urls import path, reverse

from csc.core import services
from csc.testing.factories import HouseholdMemberFactory

pytestmark = pytest.mark.django_db

# The policy must never let an inline script, an inline style or eval in: what the review asked for.
LOOSE = ("'unsafe-inline'", "'unsafe-eval'", "*;", "http:", "https:")


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_every_page_carries_a_strict_policy_with_a_fresh_nonce(client):
    first, second = client.get(reverse("core:public_home")), client.get(reverse("core:login"))
    directives = policy(first)
    assert directives["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w-]{22}'", directives["script-src"])
    assert re.fullmatch(r"'self' 'nonce-[\w-]{22}'", directives["style-src"])
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["img-src"] == "'self' data:"  # no map in the tests: no tile server
    assert not any(loose in first["Content-Security-Policy"] for loose in LOOSE)
    assert policy(second)["script-src"] != directives["script-src"], "a new nonce for each answer"


def test_the_maps_tile_server_is_the_only_other_image_source(client, settings):
    settings.CSC_MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    response = client.get(reverse("core:public_home"))
    assert policy(response)["img-src"] == "'self' data: https://*.tiles.example.org"
    assert 'data-tiles="https://{s}.tiles.example.org' in response.content.decode()


def test_django_security_headers_and_the_permissions_policy(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000  # the production default (the test settings turn it off)
    response = client.get(reverse("core:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions


def test_the_installation_guide_lists_the_headers_sent(client, settings):
    """docs/installation.md tells whoever installs a centre's platform which headers to expect: the list
    and what the login page sends over HTTPS are the same."""
    settings.SECURE_HSTS_SECONDS = 31536000
    guide = (Path(settings.BASE_DIR) / "docs" / "installation.md").read_text()
    section = guide.split("### Les en-têtes envoyés par l'application", 1)[1].split("\n#", 1)[0]
    listed = set(re.findall(r"^\| `([A-Za-z-]+)` \|", section, re.MULTILINE))
    response = client.get(reverse("core:login"), secure=True)
    security = {"Content-Security-Policy", "Permissions-Policy", "Cache-Control", "Strict-Transport-Security"}
    sent = {
        name for name in response.headers if name.startswith(("X-", "Cross-Origin-", "Referrer-"))
    } | security
    assert listed == sent
    assert all(name in response.headers for name in listed)
    assert f"`{response['Permissions-Policy']}`" in section


NO_STORE = {"private", "no-store"}


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.fixture
def person_page(client, staff, otp_verified, centre_a):
    member = HouseholdMemberFactory(household__centre=centre_a, person__last_name="Haddad")
    client.force_login(staff("coordinator"))
    return client, member.person


def test_staff_pages_exports_pdfs_and_api_answers_are_never_kept_in_a_cache(person_page):
    client, person = person_page
    page = client.get(reverse("people:person_detail", args=[person.pk]))
    export = client.post(reverse("people:person_export_json", args=[person.pk]))
    pdf = client.post(reverse("people:person_export_pdf", args=[person.pk]))
    api = client.get(f"/api/v1/persons/{person.pk}")
    for response in (page, export, api):
        assert "Haddad" in response.content.decode()
    assert pdf.content.startswith(b"%PDF")
    for response in (page, export, pdf, api):
        assert cache_directives(response) >= NO_STORE, response.request["PATH_INFO"]


def test_api_answers_to_a_token_are_never_kept_either(client, reception_a):
    _, secret = services.create_api_token(user=reception_a, name="Logiciel de la caisse")
    response = client.get("/api/v1/persons", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert cache_directives(response) >= NO_STORE


def test_public_pages_and_errors_are_not_kept_either(client):
    for response in (client.get(reverse("core:login")), client.get("/cette-page-n-existe-pas/")):
        assert cache_directives(response) >= NO_STORE


def test_a_view_that_writes_its_own_cache_control_keeps_it(client):
    response = client.get("/healthz")  # never_cache: Django's own wording, kept as is
    assert "no-cache" in cache_directives(response) and "must-revalidate" in cache_directives(response)


# --- The 500 page: its inline rules get the answer's nonce -------------------------------------------------


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("en-panne/", _broken)]
handler500 = "csc.core.views.error_500"


@pytest.mark.urls(__name__)
def test_the_500_page_styles_itself_with_the_answers_nonce(client):
    client.raise_request_exception = False
    response = client.get("/en-panne/")
    assert response.status_code == 500
    nonce = re.search(r"'nonce-([\w-]+)'", policy(response)["style-src"]).group(1)
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert cache_directives(response) >= NO_STORE
