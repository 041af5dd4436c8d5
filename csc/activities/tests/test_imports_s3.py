# ruff: noqa: F811 — the fixtures of the module whose flows this one runs again on S3 are imported
"""The attendance import on S3-compatible storage (csc/core/s3.py): the file sent lands in the private
bucket, its preview and the import read it back from there, another centre's director cannot reach it,
and a file never imported leaves the bucket after 30 days."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from csc.activities.models import Attendance, AttendanceImport
from csc.testing import jobs as jobs_testing

from .test_imports import (  # noqa: F401 — the fixtures
    DAY,
    DAY2,
    _media,
    _no_second_factor,
    csv_bytes,
    d,
    director,
    lea,
    prepare,
    sewing,
    text,
)


def test_the_file_goes_to_the_bucket_is_previewed_and_imported_from_there(
    s3_storage,
    director,
    director_a,
    staff,
    centre_a,
    sewing,
    lea,
    django_capture_on_commit_callbacks,
):
    data = csv_bytes([[d(DAY), "Atelier couture", "Martin", "Léa", "", "P"]])
    response = director.post(reverse("activities:import_start"), {"file": SimpleUploadedFile("a.csv", data)})
    batch = AttendanceImport.objects.get()
    assert s3_storage.objects() == [batch.upload.name]
    stored = s3_storage.get(batch.upload.name)["Body"].read().decode()  # kept as a normalised table
    assert "Martin" in stored and "Léa" in stored

    assert "1 présence à ajouter" in text(director.get(response.url))
    director.force_login(staff("director", "b"))
    assert director.get(response.url).status_code == 404

    director.force_login(director_a)
    # « Importer » starts the import in the task worker (csc.core.jobs), which reads the file from the bucket.
    job_url = jobs_testing.start(
        director,
        response.url,
        {**{k: str(v) for k, v in batch.mapping["columns"].items()}, "action": "importer"},
    )
    jobs_testing.run_jobs()
    assert "1 présence ajoutée" in text(director.get(job_url))
    assert Attendance.objects.filter(person=lea, session__activity=sewing).exists()
    batch.refresh_from_db()
    assert not batch.upload and s3_storage.objects() == []  # the file goes once imported


def test_a_file_never_imported_leaves_the_bucket_after_30_days(
    s3_storage,
    centre_a,
    sewing,
    django_capture_on_commit_callbacks,
):
    old = prepare(centre_a, csv_bytes([[d(DAY), "Atelier couture", "Martin", "Léa", "", "P"]]))
    stored = old.upload.name
    AttendanceImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        new = prepare(centre_a, csv_bytes([[d(DAY2), "Atelier couture", "Martin", "Léa", "", "P"]]))
    assert stored not in s3_storage.objects() and s3_storage.objects() == [new.upload.name]
