"""Two application nodes behind one load balancer: what one counts or stores, the other sees. (The rate
limits counted by two processes through Redis: test_ratelimit.py.)

This process is one node; `csc.testing.nodes.on_other_node` starts the other as a separate process,
with the settings production builds from CSC_CACHE_URL (django-redis, cached_db sessions), on the same
database and the same Redis keys (a prefix of the test's own: the server is shared, never FLUSHDB)."""

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from csc.testing.caches import forget, redis_cache
from csc.testing.nodes import on_other_node

PASSWORD = "mot-de-passe-de-test"
CACHED_DB = "django.contrib.sessions.backends.cached_db"
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two processes share a database: PostgreSQL only"
)


def test_settings_put_cache_and_sessions_on_redis_when_csc_cache_url_is_set():
    printed = on_other_node(
        "from django.conf import settings\n"
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE,"
        " settings.CACHES['default']['OPTIONS']['IGNORE_EXCEPTIONS'])",
        cache_prefix="csc-test-settings",
    )
    assert printed == f"django_redis.cache.RedisCache {CACHED_DB} True"


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_login_lockout_counts_the_failures_made_on_both_nodes(client, reception_a):
    """Four wrong passwords on one node, one on the other: the account is locked on both (axes counts in
    the database, which every node shares)."""
    with redis_cache() as prefix, override_settings(SESSION_ENGINE=CACHED_DB):
        for _ in range(4):
            client.post(reverse("core:login"), {"username": reception_a.email, "password": "faux"})
        printed = on_other_node(
            f"c, email = Client(), {reception_a.email!r}\n"
            "wrong = c.post(reverse('core:login'), {'username': email, 'password': 'faux'})\n"
            f"right = c.post(reverse('core:login'), {{'username': email, 'password': {PASSWORD!r}}})\n"
            "print(wrong.status_code, right.status_code)",
            cache_prefix=prefix,
        )
        assert printed == "429 429"
        response = client.post(reverse("core:login"), {"username": reception_a.email, "password": PASSWORD})
        assert response.status_code == 429
        assert "Connexion bloquée" in response.content.decode()


OPEN_STAFF_HOME = (
    "import sys\n"
    "c = Client()\n"
    "c.cookies['sessionid'] = sys.argv[1]\n"
    "response = c.get(reverse('core:staff_home'))\n"
    "print(response.status_code, response.get('Location', ''))"
)


def staff_home_on_other_node(session_key: str, prefix: str) -> str:
    return on_other_node(OPEN_STAFF_HOME.replace("sys.argv[1]", repr(session_key)), cache_prefix=prefix)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_session_opened_on_one_node_is_valid_on_the_other_and_survives_a_redis_flush(client, reception_a):
    import redis

    from csc.testing.caches import REDIS_URL

    with redis_cache() as prefix, override_settings(SESSION_ENGINE=CACHED_DB):
        response = client.post(reverse("core:login"), {"username": reception_a.email, "password": PASSWORD})
        assert response.status_code == 302
        session_key = client.cookies["sessionid"].value
        server = redis.Redis.from_url(REDIS_URL)
        session_keys = list(server.scan_iter(f"{prefix}:*sessions*"))
        assert len(session_keys) == 1  # in Redis, where the other node reads it first

        assert staff_home_on_other_node(session_key, prefix) == "200"

        # Redis restarted without persistence, or flushed: the session is read again from the database.
        forget(prefix)
        assert staff_home_on_other_node(session_key, prefix) == "200"
        assert len(list(server.scan_iter(f"{prefix}:*sessions*"))) == 1  # and cached again

        # Logged out on this node: the other refuses the session at once.
        client.post(reverse("core:logout"))
        status, location = staff_home_on_other_node(session_key, prefix).split()
        assert status == "302" and location.startswith(reverse("core:login"))
        server.close()


@pytest.mark.django_db
def test_staff_stay_logged_in_and_pages_work_while_redis_does_not_answer(client, reception_a, caplog):
    """A Redis down is a cache miss (IGNORE_EXCEPTIONS, settings.py): the session is read from the
    database, the page is served, and the log says Redis failed."""
    from csc.testing.caches import redis_caches

    unreachable = redis_caches("csc-test-down")
    unreachable["default"]["LOCATION"] = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    with override_settings(CACHES=unreachable, SESSION_ENGINE=CACHED_DB):
        response = client.post(reverse("core:login"), {"username": reception_a.email, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get(reverse("core:staff_home")).status_code == 200
    assert any(record.name.startswith("django_redis") for record in caplog.records)
