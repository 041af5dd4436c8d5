"""CSC behind PgBouncer in transaction mode, as deploy/pgbouncer/pgbouncer.ini sets it up: a login, a
search and the kiosk's events (the statement psycopg would prepare, settings.py) from a node whose
DATABASE_URL is the pooler and DATABASE_PGBOUNCER=1.

The pooler hands out its server connections in turn (server_round_robin, three of them), so that
anything left on a connection between two transactions — a prepared statement — is missing on the
next: the same flows with preparing kept on fail, which the last test shows."""

import configparser
import json
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from csc.kiosk.models import KioskEvent
from csc.testing.factories import PersonFactory
from csc.testing.nodes import ROOT, on_other_node

PASSWORD = "mot-de-passe-de-test"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which("pgbouncer") is None,
        reason="PgBouncer n'est pas installé (apt-get install pgbouncer ; .ci/run l'installe)",
    ),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PgBouncer pools PostgreSQL connections"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pooler_config(directory: Path, port: int) -> str:
    """deploy/pgbouncer/pgbouncer.ini, pointed at the test's database, on loopback, without password."""
    shipped = configparser.ConfigParser(interpolation=None, comment_prefixes=(";", "#"), strict=False)
    shipped.read(ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini")
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    database = (
        shipped["databases"]["csc"]
        .replace("dbname=csc", f"dbname={name}")
        .replace("port=5432", f"port={settings_dict['PORT'] or 5432}")
    )
    pooler = dict(shipped["pgbouncer"])
    (directory / "userlist.txt").write_text(f'"{settings_dict["USER"]}" ""\n')
    pooler |= {
        "listen_port": str(port),
        "unix_socket_dir": "",
        "auth_type": "trust",
        "auth_file": str(directory / "userlist.txt"),
        "logfile": "",
        "pidfile": "",
        # Every transaction on another server connection than the last one.
        "server_round_robin": "1",
        "default_pool_size": "3",
    }
    lines = ["[databases]", f"{name} = {database}", "[pgbouncer]"]
    lines += [f"{key} = {value}" for key, value in pooler.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def pgbouncer():
    """A PgBouncer of the test's own on a free port; returns the DATABASE_URL through it."""
    # Readable by the postgres user, which PgBouncer runs as when started by root.
    directory = Path(tempfile.mkdtemp(prefix="csc-pgbouncer-"))
    directory.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    port = free_port()
    config = directory / "pgbouncer.ini"
    config.write_text(pooler_config(directory, port))
    for path in directory.iterdir():
        path.chmod(0o644)
    command = ["pgbouncer", str(config)]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.communicate()[0].decode(errors="replace")) from None
                time.sleep(0.1)
        settings_dict = connection.settings_dict
        url = f"postgres://{settings_dict['USER']}@127.0.0.1:{port}/{settings_dict['NAME']}"
        # Three transactions at once: the pool opens its three server connections, which it then hands
        # out in turn.
        holders = [psycopg.connect(url) for _ in range(3)]
        for holder in holders:
            holder.execute("SELECT 1")
        for holder in holders:
            holder.rollback()
            holder.close()
        yield url
    finally:
        process.terminate()
        print(process.communicate(timeout=10)[0].decode(errors="replace"))
        shutil.rmtree(directory, ignore_errors=True)


FLOWS = """
import json
c = Client(raise_request_exception=False)
login = c.post(reverse('core:login'), {'username': EMAIL, 'password': PASSWORD})
search = c.get(reverse('people:search'), {'q': 'Martin'})
kiosk = Client(raise_request_exception=False)
events = [
    kiosk.post(f'/borne/{SLUG}/evenements/', json.dumps({'type': 'visite'}), content_type='text/plain',
               HTTP_ORIGIN='http://testserver').status_code
    for _ in range(12)
]
print(json.dumps({'login': login.status_code, 'search': search.status_code,
                  'found': 'Martin' in search.content.decode(), 'events': sorted(set(events))}))
"""


def run_flows(database_url: str, reception, centre, **environ) -> dict:
    code = f"EMAIL, PASSWORD, SLUG = {reception.email!r}, {PASSWORD!r}, {centre.slug!r}\n{FLOWS}"
    printed = on_other_node(code, cache_prefix="csc-test-pgbouncer", DATABASE_URL=database_url, **environ)
    return json.loads(printed.splitlines()[-1])


def test_login_search_and_kiosk_events_work_through_pgbouncer_in_transaction_mode(
    pgbouncer, reception_a, centre_a
):
    PersonFactory(centre=centre_a, last_name="Martin")
    result = run_flows(pgbouncer, reception_a, centre_a, DATABASE_PGBOUNCER="1")
    assert result == {"login": 302, "search": 200, "found": True, "events": [204]}
    assert KioskEvent.objects.filter(centre=centre_a).count() == 12


def test_prepared_statements_kept_on_break_the_kiosk_behind_this_pgbouncer(pgbouncer, reception_a, centre_a):
    """Why DATABASE_PGBOUNCER=1 turns them off (PgBouncer < 1.21, no max_prepared_statements): the
    statement psycopg prepared after five events is missing on the next server connection."""
    result = run_flows(
        pgbouncer, reception_a, centre_a, DATABASE_PGBOUNCER="1", DATABASE_PGBOUNCER_PREPARED="1"
    )
    assert 500 in result["events"]
