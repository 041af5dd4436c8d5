# ruff: noqa: F811 — the fixtures of the module whose flows this one runs again on S3 are imported
"""The CAF attestation of a pré-inscription on S3-compatible storage (csc/core/s3.py): the family's
upload lands in the private bucket, reception reads it back through its page, and nobody else can."""

import re

from django.urls import reverse

from csc.enrolment.forms import PENDING_DIR
from csc.enrolment.models import Request

from .test_public import leisure, pdf_upload, registration_data, url  # noqa: F401 — fixtures

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_attestation_goes_to_the_bucket_and_only_reception_of_its_centre_reads_it(
    s3_storage,
    client,
    leisure,
    login,
    staff,
    django_capture_on_commit_callbacks,
):
    response = client.post(
        url(leisure),
        {**registration_data(leisure), "famille-attestation": pdf_upload(PDF), "action": "verifier"},
    )
    # Set aside while the family checks its request: already in the bucket, not on the disk.
    (pending,) = s3_storage.objects()
    assert pending.startswith(f"{PENDING_DIR}/")
    draft = re.search(r'name="brouillon" value="([^"]+)"', response.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(leisure), {"brouillon": draft, "action": "envoyer"})
    request = Request.objects.get()
    key = request.quotient_attestation.name
    assert key.startswith(f"attestations/{leisure.activity.centre_id}/")
    assert key in s3_storage.objects()
    assert s3_storage.get(key).get("ContentLength") == len(PDF)
    stored = s3_storage.get(key)
    assert stored["Body"].read() == PDF

    reception = login(staff("reception", "a"))
    answer = reception.get(reverse("enrolment:request_attestation", args=[request.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content) == PDF

    for stranger in (staff("reception", "b"), staff("animator", "a")):
        refused = login(stranger).get(reverse("enrolment:request_attestation", args=[request.pk]))
        assert refused.status_code == 404


def test_an_attestation_gone_from_the_bucket_is_a_404_not_an_error(s3_storage, login, reception_a, leisure):
    from django.core.files.base import ContentFile

    from .test_reception import submit

    request = submit(leisure)
    request.quotient_attestation.save("x", ContentFile(PDF))
    s3_storage.client().delete_object(Bucket=s3_storage.bucket, Key=request.quotient_attestation.name)
    answer = login(reception_a).get(reverse("enrolment:request_attestation", args=[request.pk]))
    assert answer.status_code == 404
