"""Fixtures shared by the whole suite: two centres of two territories, staff of every role."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the fixtures are still
# synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_session_travel = None


def pytest_configure(config):
    # Before collection, so that dates computed at import time follow CSC_TEST_NOW too.
    global _session_travel
    from csc.testing.clock import start_session_travel

    _session_travel = start_session_travel()


def pytest_unconfigure(config):
    if _session_travel is not None:
        _session_travel.stop()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: the rate limits of the public forms count in it
    (csc/core/ratelimit.py), and one test's posts must not use up the next one's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(params=["memoire", "redis"])
def limits_cache(request, settings):
    """A test of the rate limits runs twice: on the process's own memory (`make run`), and on the
    Redis at 127.0.0.1:6379 that production shares between its workers (skipped when none answers).
    The value is the Redis key prefix, or None. Through pytest-django's `settings`, so that a setting
    the test changes after it is undone in the right order."""
    if request.param == "memoire":
        yield None
        return
    from csc.testing.caches import forget, new_prefix, redis_caches

    prefix = new_prefix()
    settings.CACHES = redis_caches(prefix)
    yield prefix
    forget(prefix)


@pytest.fixture
def clock(time_machine):
    """clock("2027-01-04 10:00") freezes the clock at that Paris local time for the rest of the test
    (server threads of browser tests included); clock(..., tick=True) lets it run from there."""
    from csc.testing.clock import paris

    def move(when, tick=False):
        time_machine.move_to(paris(when), tick=tick)

    return move


@pytest.fixture
def network(db):
    from csc.testing.factories import CentreFactory, TerritoryFactory

    north = TerritoryFactory(name="Territoire Nord")
    south = TerritoryFactory(name="Territoire Sud", federation=north.federation)
    return {
        "a": CentreFactory(name="Centre Alpha", territory=north),
        "b": CentreFactory(name="Centre Bêta", territory=south),
    }


@pytest.fixture
def centre_a(network):
    return network["a"]


@pytest.fixture
def centre_b(network):
    return network["b"]


@pytest.fixture
def staff(network):
    """staff(role, centre_key='a') -> a user holding that role in that centre."""
    from csc.testing.factories import StaffRoleFactory

    def make(role, centre="a", **user_fields):
        return StaffRoleFactory(role=role, centre=network[centre], **user_fields).user

    return make


@pytest.fixture
def reception_a(staff):
    return staff("reception", "a")


@pytest.fixture
def director_a(staff, otp_verified):
    return staff("director", "a")


@pytest.fixture
def otp_verified(settings):
    """Roles that require TOTP are tested elsewhere; here nobody is forced through it."""
    settings.CSC_OTP_REQUIRED_ROLES = []


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


# --- Browser tests: one Chromium per test module, a fresh context (cookies, viewport) per test ---------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from csc.testing.browser import launch_chromium

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A desktop window, as staff use at the reception desk."""
    from csc.testing.browser import new_page

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A phone, as most parents fill the public forms."""
    from csc.testing.browser import new_page

    context, page = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def s3_storage(settings):
    """Uploaded files go to a bucket of a local S3-compatible server (csc/testing/s3.py) for the test,
    through the settings an installation gives (csc/core/s3.py); the value is the server."""
    from csc.core.s3 import storage_from_env
    from csc.testing.s3 import environment, s3_server

    with s3_server() as server, environment(server.environ()):
        settings.STORAGES = {**settings.STORAGES, "default": storage_from_env(server.environ())}
        yield server
