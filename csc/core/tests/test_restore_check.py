"""`manage.py verify_restore` on a database as a restore leaves it: one French line per check, exit code
1 on any failure. The casework module's checks (keys, documents) are in csc/casework/tests."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from csc.testing.factories import PersonFactory


def verify(*args):
    out = io.StringIO()
    try:
        call_command("verify_restore", *args, stdout=out)
    except CommandError as error:
        return False, out.getvalue(), str(error)
    return True, out.getvalue(), ""


@pytest.fixture
def installation(staff, centre_a):
    """What a restored installation in service holds at least: centres, an account, persons."""
    staff("director")
    PersonFactory.create_batch(3, centre=centre_a)


def line(out, label):
    return next(text for text in out.splitlines() if f" {label} :" in text)


def test_a_whole_installation_passes_every_check(installation):
    ok, out, _ = verify()
    assert ok, out
    assert line(out, "Migrations").startswith("OK")
    assert "aucune en attente ni inconnue" in line(out, "Migrations")
    assert line(out, "Contenu") == "OK     Contenu : 2 centre(s), 1 compte(s)."
    assert line(out, "Personnes").startswith("OK") and "3 personne(s)" in line(out, "Personnes")
    assert out.rstrip().endswith("contrôle(s) réussi(s).")
    assert "ÉCHEC" not in out


def test_a_migration_the_database_lacks_is_named(installation):
    loader = MigrationLoader(connection)
    app, name = max(key for key in loader.graph.leaf_nodes() if key[0] == "casework")
    MigrationRecorder(connection).record_unapplied(app, name)
    ok, out, error = verify()
    assert not ok and "1 contrôle(s) en échec" in error
    assert line(out, "Migrations") == f"ÉCHEC  Migrations : 1 non appliquée(s) ({app}.{name})."


def test_a_migration_the_code_does_not_know_is_named(installation):
    # A backup of a newer version restored under an older code.
    MigrationRecorder(connection).record_applied("people", "9999_a_venir")
    ok, out, _ = verify()
    assert not ok
    assert (
        line(out, "Migrations") == "ÉCHEC  Migrations : 1 inconnue(s) du code installé (people.9999_a_venir)."
    )


def test_an_empty_database_fails(db):
    ok, out, _ = verify()
    assert not ok
    assert "aucune ligne pour centre(s), compte(s)" in line(out, "Contenu")
    assert "aucune personne restaurée" in line(out, "Personnes")


def test_a_sample_size_must_be_positive(installation):
    with pytest.raises(CommandError, match="--echantillon doit être un nombre positif"):
        call_command("verify_restore", "--echantillon", "0", stdout=io.StringIO())


def test_a_check_that_cannot_run_fails_and_the_others_still_run(installation, monkeypatch):
    from csc.core import restore_check

    def broken(options):
        raise RuntimeError("table absente")

    monkeypatch.setitem(restore_check._checks, "demo.broken", broken)
    ok, out, _ = verify()
    assert not ok
    assert "ÉCHEC  demo.broken : le contrôle n'a pas pu se faire (RuntimeError)." in out
    assert line(out, "Personnes").startswith("OK")
