"""Casework documents on S3-compatible storage (csc/core/s3.py): the object in the bucket is the
encrypted file, the download decrypts it for the referent only, a removed document leaves the bucket,
and `verify_restore` finds the files there (and says when one is gone)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from csc.casework import services
from csc.casework.models import Document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nAvis d'imposition 2025 - revenu fiscal 12 345\n%%EOF\n"


def test_a_document_is_stored_encrypted_in_the_bucket_and_read_back_only_by_its_referent(
    s3_storage, client, worker, family, open_period, staff, otp_verified, django_capture_on_commit_callbacks
):
    referent = worker()
    period = open_period(referent, [family[1]], scope="Famille")
    client.force_login(referent)
    response = client.post(
        f"/accompagnement/parcours/{period.pk}/documents/deposer/",
        {"file": SimpleUploadedFile("avis.pdf", PDF), "title": "Avis d'imposition", "category": "resources"},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert s3_storage.objects() == [document.file.name]
    stored = s3_storage.get(document.file.name)["Body"].read()
    assert stored and b"%PDF" not in stored and b"revenu fiscal" not in stored  # the bucket sees no text

    download = client.get(f"/accompagnement/documents/{document.pk}/")
    assert download.status_code == 200 and download.content == PDF

    other_scope = worker()
    period.centre.casework_scopes.get(name="Insertion").workers.add(other_scope)
    for stranger in (other_scope, staff("social_worker", "b"), staff("director", "a")):
        client.force_login(stranger)
        refused = client.get(f"/accompagnement/documents/{document.pk}/")
        assert refused.status_code in (403, 404) and PDF not in refused.content

    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/accompagnement/documents/{document.pk}/retirer/")
    assert s3_storage.objects() == []


def verify():
    out = io.StringIO()
    try:
        call_command("verify_restore", stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def test_verify_restore_finds_the_documents_in_the_bucket_and_counts_a_missing_one(
    s3_storage, worker, family, open_period
):
    referent = worker()
    period = open_period(referent, [family[1]])
    kept, lost = (
        services.add_document(
            period, by=referent, upload=SimpleUploadedFile("a.pdf", PDF), title=title, category="housing"
        )
        for title in ("Bail", "Quittance")
    )
    ok, out = verify()
    assert ok, out
    assert "2 vérifié(s) sur 2" in out and "aucun absent" in out
    assert "2 document(s) lu(s)" in out

    s3_storage.client().delete_object(Bucket=s3_storage.bucket, Key=lost.file.name)
    ok, out = verify()
    assert not ok
    assert "1 absent(s) du stockage" in out
    assert lost.file.name not in out and kept.file.name not in out
