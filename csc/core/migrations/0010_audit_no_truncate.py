"""On PostgreSQL, TRUNCATE of the journal is refused to every role but the one that owns its table.

The row trigger of 0002 stops UPDATE and DELETE, but TRUNCATE fires no row trigger: any role granted
TRUNCATE (as « ALL PRIVILEGES » does) could empty the journal at once. A statement trigger refuses it,
except to the table's owner (or a role that holds the owner's rights), which is the role that runs the
migrations: the test suite, which empties its tables with TRUNCATE between tests, runs as that role. In
production the application connects with another role (docs/installation.md), so that a flaw in the
application cannot wipe the journal. A superuser counts as the owner: they could drop the trigger
anyway.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION csc_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'Le journal est en ajout seul : TRUNCATE refusé au rôle « % », qui n''est pas le propriétaire de la table.', current_user
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION csc_audit_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS csc_audit_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # the SQL has a literal %


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0009_account_emails_normal_form")]
    operations = [migrations.RunPython(forwards, backwards)]
