"""Uploaded files on S3-compatible object storage (AWS S3, OVHcloud, Scaleway, MinIO, Garage…), read from
the environment by settings.py (docs/installation.md, « Fichiers sur un stockage S3 »).

Without CSC_S3_BUCKET the files stay in MEDIA_ROOT, on the machine's disk. With it, they go to the
bucket through django-storages, and every file CSC keeps is read and written through the storage API
(`field.open()`, `default_storage`), never through a path on disk: a second application node sees the
same files, and the views that check the reader's role stay the only way to them.

The objects are private (ACL « private »), never given a public address: a signed, short-lived address
is the most `.url()` could ever give, and CSC's pages do not call it. This module imports nothing of
Django's models: settings.py reads it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

BACKEND = "storages.backends.s3.S3Storage"
ENCRYPTIONS = {"": None, "AES256": "AES256", "aws:kms": "aws:kms"}


def storage_from_env(environ: Mapping[str, str]) -> dict | None:
    """The STORAGES["default"] entry for the bucket the environment names, or None without one.

    Credentials are not read here: boto3 finds them as it always does (AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, or a profile, or the machine's role), so they never sit in settings."""
    bucket = environ.get("CSC_S3_BUCKET", "").strip()
    if not bucket:
        return None
    encryption = environ.get("CSC_S3_ENCRYPTION", "").strip()
    if encryption not in ENCRYPTIONS:
        raise ImproperlyConfigured(
            "CSC_S3_ENCRYPTION vaut AES256, aws:kms ou rien (pas de chiffrement demandé)."
        )
    object_parameters: dict[str, str] = {}
    if encryption:
        object_parameters["ServerSideEncryption"] = encryption
        kms_key = environ.get("CSC_S3_KMS_KEY_ID", "").strip()
        if encryption == "aws:kms" and kms_key:
            object_parameters["SSEKMSKeyId"] = kms_key
    if environ.get("CSC_S3_ACL", "private").strip() not in ("private", ""):
        raise ImproperlyConfigured(
            "CSC_S3_ACL vaut private, ou rien pour un compartiment sans ACL : jamais public."
        )
    addressing = environ.get("CSC_S3_ADDRESSING_STYLE", "").strip() or None
    if addressing not in (None, "path", "virtual", "auto"):
        raise ImproperlyConfigured("CSC_S3_ADDRESSING_STYLE vaut path, virtual ou auto.")

    from botocore.config import Config

    options = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("CSC_S3_ENDPOINT_URL", "").strip() or None,
        "region_name": environ.get("CSC_S3_REGION", "").strip() or None,
        # A folder inside the bucket, for a bucket shared with something else (backups of other files).
        "location": environ.get("CSC_S3_PREFIX", "").strip().strip("/"),
        "addressing_style": addressing,
        "signature_version": "s3v4",
        # « private » unless the installation says none: a bucket whose ACLs are disabled (AWS's
        # « bucket owner enforced », the default of new buckets) refuses any ACL, and keeps every
        # object private anyway.
        "default_acl": environ.get("CSC_S3_ACL", "private").strip() or None,
        # Never a public address: should anything call .url(), it gets a signed address that expires.
        "querystring_auth": True,
        "querystring_expire": 300,
        # A name already taken gets another one, as on disk: two uploads never overwrite each other.
        "file_overwrite": False,
        "object_parameters": object_parameters,
        # A storage that hangs must not hold an application worker for minutes.
        "client_config": Config(
            signature_version="s3v4",
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            s3={"addressing_style": addressing} if addressing else None,
        ),
    }
    return {"BACKEND": BACKEND, "OPTIONS": options}
