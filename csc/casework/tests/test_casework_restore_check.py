"""The casework module's part of `manage.py verify_restore`: the configured keys read a sample of the
notes and documents; a file a row points at is in storage. Counts only: never a note's content."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from csc.casework import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def verify(*args):
    out = io.StringIO()
    try:
        call_command("verify_restore", *args, stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def line(out, label):
    return next(text for text in out.splitlines() if f" {label} :" in text)


@pytest.fixture
def casework(settings, tmp_path, worker, family, open_period):
    """A period with three notes and a document, written with the installation's key."""
    settings.MEDIA_ROOT = tmp_path
    referent = worker()
    period = open_period(referent, [family[1]])
    for notes in ("Premier entretien", "Appel à la CAF", "Visite"):
        services.log_exchange(
            period, author=referent, kind="interview", happened_on=timezone.localdate(), notes=notes
        )
    document = services.add_document(
        period, by=referent, upload=SimpleUploadedFile("bail.pdf", PDF), title="Bail", category="housing"
    )
    return document


def test_notes_and_documents_read_with_the_right_key(casework):
    ok, out = verify()
    assert ok, out
    assert line(out, "Accompagnement social, clés de chiffrement").startswith("OK     ")
    assert "3 note(s) chiffrée(s) lue(s)" in out and "toutes déchiffrées" in out
    assert "1 document(s) lu(s)" in line(out, "Accompagnement social, documents")
    assert "1 vérifié(s) sur 1" in line(out, "Fichiers déposés")


def test_the_wrong_key_is_named_with_how_many_notes_failed_and_nothing_of_them(settings, casework):
    settings.CSC_CASEWORK_KEYS = [Fernet.generate_key().decode()]
    ok, out = verify()
    assert not ok
    notes = line(out, "Accompagnement social, clés de chiffrement")
    assert notes.startswith("ÉCHEC")
    assert "3 note(s) chiffrée(s) lue(s)" in notes and "3 illisible(s) avec CSC_CASEWORK_KEYS" in notes
    assert "échanges (notes) : 3" in notes
    assert "1 illisible(s)" in line(out, "Accompagnement social, documents")
    assert "Premier entretien" not in out and "CAF" not in out


def test_a_sample_reads_only_the_newest_rows(settings, casework):
    ok, out = verify("--echantillon", "2")
    assert ok and "2 note(s) chiffrée(s) lue(s) (les 2 plus récentes de chaque sorte)" in out


def test_no_key_at_all_is_said(settings, casework):
    settings.CSC_CASEWORK_KEYS = []
    ok, out = verify()
    assert not ok
    assert "CSC_CASEWORK_KEYS doit être défini" in line(out, "Accompagnement social, clés de chiffrement")


def test_a_missing_file_is_counted_by_kind_never_named(settings, tmp_path, casework):
    (tmp_path / casework.file.name).unlink()
    for args in ((), ("--tous-les-fichiers",)):
        ok, out = verify(*args)
        assert not ok
        files = line(out, "Fichiers déposés")
        assert files.startswith("ÉCHEC") and "1 absent(s) du stockage (documents : 1)" in files
        assert casework.file.name not in out
        assert "1 fichier(s) absent(s)" in line(out, "Accompagnement social, documents")
