"""The rate-limit service: counters per client and per target, in a cache every worker shares."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from csc.core import ratelimit
from csc.core.ratelimit import Limit, Rate
from csc.testing.caches import redis_caches

# A moment at the very start of an hour, a day and a minute window: every window below starts there.
START = 1_800_000_000 - 1_800_000_000 % 86400


def uses(limit, count, **who):
    """How many of `count` uses in a row are let through."""
    return sum(ratelimit.allowed(limit, now=START + 1, **who) for _ in range(count))


def test_a_client_is_refused_past_its_rate_until_the_window_ends(limits_cache):
    limit = Limit("tests.client", per_client=(Rate(3, 60),))
    assert uses(limit, 5, client="203.0.113.7") == 3
    assert uses(limit, 1, client="203.0.113.8") == 1  # another address counts on its own
    with pytest.raises(ratelimit.Limited) as refused:
        ratelimit.hit(limit, client="203.0.113.7", now=START + 20)
    assert refused.value.retry_after == 40
    assert ratelimit.allowed(limit, client="203.0.113.7", now=START + 60)  # the next minute


def test_a_target_counts_whatever_the_client_and_however_it_is_written(limits_cache):
    limit = Limit("tests.target", per_client=(Rate(100, 3600),), per_target=(Rate(2, 3600),))
    spellings = ["Nadia.Martin@Example.org", "nadia.martin+pre@example.org", "ＮＡＤＩＡ.martin@example.org"]
    allowed = [
        ratelimit.allowed(limit, client=f"198.51.100.{i}", target=address, now=START)
        for i, address in enumerate(spellings)
    ]
    assert allowed == [True, True, False]
    assert ratelimit.allowed(limit, client="198.51.100.9", target="autre@example.org", now=START)


@pytest.mark.parametrize(
    "spelling",
    [
        '"victim"@exämple.fr',
        '"v\\ictim"@exämple.fr',
        '"vi\\ctim"@xn--exmple-cua.fr',
        "VICTIM@XN--EXMPLE-CUA.FR",
        "victim+1@EXÄMPLE.fr",
        "ｖｉｃｔｉｍ@exämple.fr",
    ],
)
def test_every_spelling_of_one_mailbox_is_one_target(spelling):
    # A mail server delivers each of these to victim@exämple.fr: one counter, not one per spelling.
    assert ratelimit.target_key(spelling) == ratelimit.target_key("victim@exämple.fr")
    assert ratelimit.target_key(spelling) != ratelimit.target_key("victim@example.fr")


def test_gmail_dots_and_ipv6_networks_count_as_one():
    assert ratelimit.target_key("N.a.d.i.a@GoogleMail.com") == ratelimit.target_key("nadia@gmail.com")
    assert ratelimit.target_key("n.adia@example.org") != ratelimit.target_key("nadia@example.org")
    assert ratelimit.client_key("2001:db8:1:2::5") == ratelimit.client_key("2001:db8:1:2:ffff::9")
    assert ratelimit.client_key("2001:db8:1:3::5") != ratelimit.client_key("2001:db8:1:2::5")
    assert ratelimit.client_key("::ffff:192.0.2.1") == ratelimit.client_key("192.0.2.1") == "192.0.2.1"
    assert ratelimit.client_key(None) == "?"


def test_a_batch_costs_its_size():
    limit = Limit("tests.batch", per_client=(Rate(10, 60),))
    assert ratelimit.allowed(limit, client="192.0.2.1", cost=8, now=START)
    assert not ratelimit.allowed(limit, client="192.0.2.1", cost=3, now=START)


def test_the_message_says_in_french_when_to_try_again():
    limit = Limit("tests.message")
    assert ratelimit.Limited(limit, 30).wait == "dans une minute"
    assert ratelimit.Limited(limit, 61).wait == "dans 2 minutes"
    assert ratelimit.Limited(limit, 3 * 3600 - 5).wait == "dans 3 heures"
    message = ratelimit.Limited(limit, 600).message
    assert "Trop d'envois" in message and "rien n'a été envoyé" in message and "dans 10 minutes" in message


def test_no_address_is_written_in_the_cache_keys(limits_cache):
    from django.core.cache import cache

    limit = Limit("tests.privacy", per_client=(Rate(5, 60),), per_target=(Rate(5, 60),))
    ratelimit.hit(limit, client="203.0.113.99", target="secret.person@example.org", now=START)
    if limits_cache is None:
        keys = list(cache._cache)
    else:
        keys = [k.decode() for k in cache.client.get_client().scan_iter(f"{limits_cache}:*")]
    assert len(keys) == 2
    assert not any("203.0.113" in key or "secret" in key or "example" in key for key in keys)


def test_a_cache_that_does_not_answer_lets_requests_through(caplog):
    """A Redis down must not close the public forms: the limit is skipped and the log says so."""
    unreachable = redis_caches("csc-test-down")  # django-redis, as settings.py builds it
    unreachable["default"]["LOCATION"] = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
    limit = Limit("tests.down", per_client=(Rate(1, 60),))
    with override_settings(CACHES=unreachable):
        assert uses(limit, 3, client="192.0.2.1") == 3
    assert "Rate limit not counted" in caplog.text


SUBPROCESS_HITS = """
import django, json, os
django.setup()
from csc.core.ratelimit import Limit, Rate, allowed
limit = Limit("tests.shared", per_client=(Rate(5, 3600),))
print(json.dumps([allowed(limit, client="192.0.2.50", now=float(os.environ["AT"])) for _ in range(3)]))
"""


def test_counters_are_shared_by_processes_through_redis():
    """Two processes (two gunicorn workers) count together: 3 uses here, 3 in another process, and the
    limit of 5 refuses the sixth, wherever it comes from."""
    from csc.testing.caches import REDIS_URL, redis_cache

    with redis_cache() as prefix:
        limit = Limit("tests.shared", per_client=(Rate(5, 3600),))
        assert uses(limit, 3, client="192.0.2.50") == 3
        other = subprocess.run(
            [sys.executable, "-c", SUBPROCESS_HITS],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "csc.settings_test",
                "CSC_CACHE_URL": REDIS_URL,
                "CSC_CACHE_PREFIX": prefix,
                "AT": str(START + 1),
            },
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
            timeout=60,
        )
        assert other.returncode == 0, other.stderr
        assert other.stdout.strip().splitlines()[-1] == "[true, true, false]"
        assert not ratelimit.allowed(limit, client="192.0.2.50", now=START + 2)


def test_production_without_a_shared_cache_fails_the_deploy_checks():
    from csc.core.tests.test_public import deploy_check

    result = deploy_check(CSC_CACHE_URL=None)
    assert result.returncode != 0
    assert "core.E002" in result.stderr and "CSC_CACHE_URL" in result.stderr


def test_a_cache_url_that_is_not_redis_stops_the_start():
    from csc.core.tests.test_public import deploy_check

    result = deploy_check(CSC_CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CSC_CACHE_URL doit être l'adresse d'un serveur Redis" in result.stderr
