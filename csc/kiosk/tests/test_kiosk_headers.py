"""The kiosk's home page is the one answer of the platform that may be kept: it holds nothing about
anyone and every visit starts from it. It stays cached on the server, tells the kiosk's browser it may
keep it a minute, and carries the same Content-Security-Policy as every page; the rest of the kiosk is
no-store like the whole platform (csc/core/headers.py)."""

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_the_home_page_stays_cached_and_says_it_may_be_kept(client, centre_a, django_assert_num_queries):
    first = client.get(f"/borne/{centre_a.slug}/")
    with django_assert_num_queries(0):
        second = client.get(f"/borne/{centre_a.slug}/")
    assert second.content == first.content  # the cached page holds no per-answer nonce
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in second["Content-Security-Policy"]
    assert directives(second) == {"public", "max-age=60"}


def test_the_kiosks_other_pages_and_the_staff_preview_are_not_kept(client, centre_a):
    for url in (
        f"/borne/{centre_a.slug}/?apercu=1",
        f"/borne/{centre_a.slug}/recherche/?q=carte+vitale",
        f"/borne/{centre_a.slug}/besoin-d-aide/",
        f"/borne/{centre_a.slug}/fin/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in directives(response), url
        assert "public" not in directives(response), url
