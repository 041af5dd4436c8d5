"""A real Redis for the tests of the rate limits: the cache production shares between its workers."""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

REDIS_URL = os.environ.get("CSC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_available() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


def redis_caches(prefix: str) -> dict:
    """CACHES as settings.py builds them from CSC_CACHE_URL, with keys under `prefix`."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }


def new_prefix() -> str:
    """A key prefix of its own: several test processes and other projects share the server."""
    if not redis_available():
        pytest.skip(f"Redis ne répond pas sur {REDIS_URL} (CSC_TEST_REDIS_URL)")
    return f"csc-test-{uuid.uuid4().hex}"


def forget(prefix: str) -> None:
    """Delete the keys under `prefix` (never FLUSHDB: the server is shared)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@contextmanager
def redis_cache():
    """The default cache on Redis for the time of the block, with a key prefix of its own (several
    test processes and other projects share the server: never FLUSHDB); its keys are deleted after.
    Yields the prefix, for another process to count under the same keys."""
    prefix = new_prefix()
    try:
        with override_settings(CACHES=redis_caches(prefix)):
            yield prefix
    finally:
        forget(prefix)
