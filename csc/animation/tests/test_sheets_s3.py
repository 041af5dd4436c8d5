# ruff: noqa: F811 — the fixtures of the module whose flows this one runs again on S3 are imported
"""Activity sheet attachments on S3-compatible storage (csc/core/s3.py): a photo and a document land in
the private bucket, the sheet's readers get them through its page (its PDF too), and a sheet kept in
its centre gives them to nobody else."""

import pytest
from django.urls import reverse

from csc.animation import sheets

from .test_sheets import (  # noqa: F401 — the fixtures
    CENTRE_ONLY,
    PDF_BYTES,
    add_photo_and_document,
    animator_a,
    animator_b,
    make_sheet,
    png_bytes,
)


@pytest.mark.django_db
def test_attachments_go_to_the_bucket_and_only_the_sheets_readers_get_them(
    s3_storage,
    client,
    centre_a,
    animator_a,
    animator_b,
    django_capture_on_commit_callbacks,
):
    sheet = make_sheet(centre_a, animator_a, visibility=CENTRE_ONLY)
    client.force_login(animator_a)
    photo, document = add_photo_and_document(client, sheet)
    assert sorted(s3_storage.objects()) == sorted([photo.file.name, document.file.name])
    assert s3_storage.get(document.file.name)["Body"].read() == PDF_BYTES

    photo_url = reverse("animation:sheet_attachment", args=[sheet.pk, photo.pk])
    document_url = reverse("animation:sheet_attachment", args=[sheet.pk, document.pk])
    assert b"".join(client.get(photo_url).streaming_content) == png_bytes()
    assert b"".join(client.get(document_url).streaming_content) == PDF_BYTES
    pdf = client.get(reverse("animation:sheet_pdf", args=[sheet.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    client.force_login(animator_b)  # another centre: the sheet is kept in its own
    assert client.get(photo_url).status_code == 404
    assert client.get(document_url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        sheets.remove_attachment(attachment=photo, actor=animator_a)
    assert s3_storage.objects() == [document.file.name]
