"""TRUNCATE fires no row trigger: the journal refuses it with a statement trigger of its own, to every
role but its table's owner, the role that runs the migrations (core migration 0009)."""

import secrets
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction

from csc.core import audit
from csc.core.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger on PostgreSQL only"),
]


class _Undo(Exception):
    pass


@contextmanager
def roles_undone_afterwards():
    """Roles belong to the whole PostgreSQL server, not to the test database: whatever the test creates
    in here is rolled back at the end, roles included (CREATE ROLE is transactional)."""
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def _create_role(cursor, prefix: str, *grants: str) -> str:
    name = f"{prefix}_{secrets.token_hex(4)}"
    cursor.execute(f"CREATE ROLE {name} NOLOGIN")
    cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
    for grant in grants:
        cursor.execute(f"GRANT {grant} ON core_auditevent TO {name}")
    return name


def _truncate_as(role: str | None):
    with transaction.atomic(), connection.cursor() as cursor:
        if role:
            cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute("TRUNCATE core_auditevent")
        remaining = AuditEvent.objects.count()
        cursor.execute("RESET ROLE")
        return remaining


def test_the_applications_role_cannot_truncate_the_journal_its_owner_can(centre_a):
    audit.record("export", centre=centre_a)
    with roles_undone_afterwards(), connection.cursor() as cursor:
        # The application's role in production: every right on the table, TRUNCATE included (as
        # « GRANT ALL » gives), but not its owner.
        application = _create_role(cursor, "csc_test_app", "SELECT, INSERT, UPDATE, DELETE, TRUNCATE")
        with pytest.raises(DatabaseError, match=f"TRUNCATE refusé au rôle « {application} »"):
            _truncate_as(application)
        assert AuditEvent.objects.count() == 1

        # The role that runs the migrations owns the table: it may (the test suite empties tables so).
        owner = _create_role(cursor, "csc_test_owner")
        cursor.execute(f"ALTER TABLE core_auditevent OWNER TO {owner}")
        assert _truncate_as(owner) == 0
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname IN (%s, %s)", [application, owner])
        assert cursor.fetchone()[0] == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname IN (%s, %s)", [application, owner])
        assert cursor.fetchone()[0] == 0, "the test's roles are gone"
    assert AuditEvent.objects.count() == 1


def test_the_test_suites_own_role_still_truncates_the_journal(centre_a):
    audit.record("export", centre=centre_a)
    with roles_undone_afterwards():
        assert _truncate_as(None) == 0
