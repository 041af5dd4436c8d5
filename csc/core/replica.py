"""Reading the reports from a PostgreSQL streaming replica (DATABASE_REPLICA_URL, settings.py).

Explicit, never by default: only a view decorated with `from_replica` (or code inside
`reading_from_replica()`) sends its reads to the « replica » alias. Everything else, and every write,
goes to the primary. The reads stay on the primary:

- inside a transaction (what the transaction wrote is not on the replica, and a read that decides a
  write must see the latest row);
- for a person who wrote in the last `CSC_REPLICA_LAG_SECONDS` (any POST, PUT, PATCH or DELETE sets a
  short cookie, `WroteRecentlyMiddleware`): the replica applies the primary's changes a little later, and
  whoever just recorded attendance must find it in the report they open next.

Without a replica configured, none of this does anything: the router is not installed and the cookie
is not set.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router

REPLICA = "replica"
ROUTER = "csc.core.replica.ReplicaRouter"
WROTE_COOKIE = "csc_wrote"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_reading: ContextVar[bool] = ContextVar("csc_reading_from_replica", default=False)


def configured() -> bool:
    return ROUTER in settings.DATABASE_ROUTERS and REPLICA in settings.DATABASES


def lag_allowance() -> int:
    """How long after a write a person reads the primary only: longer than the replica ever lags."""
    return int(getattr(settings, "CSC_REPLICA_LAG_SECONDS", 10))


def wrote_recently(request) -> bool:
    if request.method in UNSAFE_METHODS:
        return True
    try:
        written_at = float(request.COOKIES.get(WROTE_COOKIE, ""))
    except ValueError:
        return False
    return time.time() - written_at < lag_allowance()


@contextmanager
def reading_from_replica(request=None) -> Iterator[None]:
    """Reads in this block go to the replica, when one is configured and `request` (if given) did not
    write recently. Writes still go to the primary."""
    if not configured() or (request is not None and wrote_recently(request)):
        yield
        return
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def from_replica(view):
    """A view whose reads go to the replica (a report, figures, an export): see the module."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with reading_from_replica(request):
            return view(request, *args, **kwargs)

    return wrapper


def read_connection():
    """The connection for raw SQL that only reads: the replica's inside `reading_from_replica()`, as the
    router decides for the ORM."""
    return connections[router.db_for_read(None)]


class ReplicaRouter:
    """Reads inside `reading_from_replica()` outside any transaction go to the replica; the rest, to the
    primary. Writes name the primary explicitly: an object read from the replica is saved there too
    otherwise (Django's default follows the instance's database)."""

    def db_for_read(self, model, **hints):
        if _reading.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica follows the primary's schema by itself


class WroteRecentlyMiddleware:
    """After a request that may have written, a cookie says when, for `reading_from_replica`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS and configured():
            response.set_cookie(
                WROTE_COOKIE,
                f"{time.time():.3f}",
                max_age=lag_allowance(),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
