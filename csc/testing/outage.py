"""A real database outage, for tests: the database server becomes unreachable, and Django's own driver
raises its own OperationalError on the next query — nothing of CSC's is mocked.

How: the connection settings that every thread builds its connections from
(`connections.settings[alias]`, the very dict each DatabaseWrapper holds) are pointed somewhere no
database answers — PostgreSQL at a closed port of the loopback, SQLite at a file in a directory that
does not exist — and the calling thread gets a fresh, unconnected wrapper built from them. The test's
own connection, with its open transaction, is put aside untouched and given back on exit, so that the
test's rollback and teardown find it as they left it.

A live server (pytest-django's `live_server`, for Playwright) sees the same outage:
- on PostgreSQL, each of its request threads opens its own connection, kept while the browser keeps its
  HTTP connection alive: the server ends them as a restart would, and the next connection is attempted
  with the broken settings;
- on SQLite in memory, its threads share the test's connection (`connections_override`): pass
  `live_server=` and that shared connection is itself closed and pointed at the missing file, the
  database kept alive by a second connection until it reopens (`_shared_memory_database_down`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# Nothing listens on port 1 of the loopback: the connection is refused at once, no timeout to wait for.
CLOSED_HOST, CLOSED_PORT = "127.0.0.1", 1
MISSING_SQLITE = os.path.join(os.sep, "nonexistent-csc-outage", "no-such-dir", "csc.sqlite3")


def _unreachable(settings_dict: dict) -> dict:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return {"NAME": MISSING_SQLITE}
    if engine.endswith(("postgresql", "postgis")):
        # connect_timeout: never wait, whatever the network stack does with a closed port.
        options = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
        return {"HOST": CLOSED_HOST, "PORT": CLOSED_PORT, "OPTIONS": options}
    raise NotImplementedError(f"database_down: engine {engine} not supported")


def _cut_other_threads_sessions(connection) -> None:
    """What a restart of PostgreSQL does to the connections already open — a live server's request
    thread keeps its own across the requests of a keep-alive browser connection: the server ends them,
    and their next query fails (or Django's health check sees it and connects again, to nowhere).

    The test's own thread is spared, all its connections: not only this one, with its transaction, but
    those of its other contexts too — Playwright's sync API runs the test body in a greenlet of its own,
    whose context holds another connection than the fixtures' (django.db.connections is per context),
    and the next test would find that one cut."""
    own = threading.get_ident()
    spared = [
        wrapper.connection.info.backend_pid
        for wrapper in gc.get_objects()
        # type(), not isinstance(): isinstance would evaluate every lazy object left in memory.
        if issubclass(type(wrapper), BaseDatabaseWrapper)
        and wrapper.vendor == "postgresql"
        and wrapper._thread_ident == own
        and wrapper.connection is not None
        and not wrapper.connection.closed
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT pid = ANY(%s)",
            [spared],
        )


@contextlib.contextmanager
def database_down(alias: str = "default", *, live_server=None):
    """Inside the block, every new connection to `alias` fails as a down database server makes it fail.

    `live_server`: pytest-django's fixture, when a browser talks to it (see the module's docstring)."""
    settings_dict = connections.settings[alias]
    saved = dict(settings_dict)
    real = connections[alias]
    override = getattr(getattr(live_server, "thread", None), "connections_override", None) or {}
    if override.get(alias) is not None:
        # The live server's wrapper: the one the fixtures' context holds, which may not be `real`.
        with _shared_memory_database_down(override[alias], settings_dict, saved):
            yield
        return
    if real.vendor == "postgresql":
        _cut_other_threads_sessions(real)
    # Other threads (a live server on PostgreSQL) build their new connections from the shared dict.
    settings_dict.update(_unreachable(saved))
    down = connections.create_connection(alias)
    down.settings_dict = dict(settings_dict)
    connections[alias] = down
    try:
        yield
    finally:
        settings_dict.clear()
        settings_dict.update(saved)
        connections[alias] = real
        with contextlib.suppress(Exception):  # it never connected: nothing to close, nothing to fail
            down.close()


@contextlib.contextmanager
def _shared_memory_database_down(real, settings_dict: dict, saved: dict):
    """SQLite in memory, the one connection shared by the test and the live server's threads — each
    of which binds it when a browser opens an HTTP connection, kept alive across requests. That
    connection itself is closed and pointed at a missing file, so that every thread's next query tries
    to open it and fails; a second connection to the same in-memory database keeps the data alive
    meanwhile, and the shared connection reopens it on exit."""
    if real.in_atomic_block:
        raise RuntimeError("database_down(live_server=…) needs django_db(transaction=True)")
    assert real.settings_dict is settings_dict
    keeper = real.Database.connect(**real.get_connection_params())
    try:
        BaseDatabaseWrapper.close(real)  # SQLite's own close() keeps an in-memory database open
        settings_dict.update(_unreachable(saved))
        try:
            yield
        finally:
            settings_dict.clear()
            settings_dict.update(saved)
            BaseDatabaseWrapper.close(real)
            real.ensure_connection()
    finally:
        keeper.close()
