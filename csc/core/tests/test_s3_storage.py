"""The S3 settings (csc/core/s3.py) against a local S3-compatible server: private objects, server-side
encryption when asked, signed requests only, and clear French messages for a wrong setting."""

import pytest
from botocore.exceptions import ClientError
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from csc.core.s3 import storage_from_env


def test_without_a_bucket_files_stay_on_the_disk():
    assert storage_from_env({}) is None
    assert storage_from_env({"CSC_S3_BUCKET": "  "}) is None


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("CSC_S3_ENCRYPTION", "aes", "CSC_S3_ENCRYPTION vaut AES256, aws:kms"),
        ("CSC_S3_ADDRESSING_STYLE", "domain", "CSC_S3_ADDRESSING_STYLE vaut path"),
        ("CSC_S3_ACL", "public-read", "CSC_S3_ACL vaut private, ou rien"),
    ],
)
def test_a_wrong_setting_is_named_in_french(variable, value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        storage_from_env({"CSC_S3_BUCKET": "csc", variable: value})


def test_objects_are_private_encrypted_when_asked_and_never_overwritten(s3_storage, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_env(s3_storage.environ(CSC_S3_ENCRYPTION="AES256", CSC_S3_PREFIX="csc/")),
    }
    first = default_storage.save("attestations/1/a", ContentFile(b"une"))
    second = default_storage.save("attestations/1/a", ContentFile(b"deux"))
    assert first != second and sorted(s3_storage.objects()) == sorted([f"csc/{first}", f"csc/{second}"])
    stored = s3_storage.get(f"csc/{first}")
    assert stored["ServerSideEncryption"] == "AES256" and stored["Body"].read() == b"une"
    grants = s3_storage.client().get_object_acl(Bucket=s3_storage.bucket, Key=f"csc/{first}")["Grants"]
    assert [grant["Grantee"].get("URI") for grant in grants] == [None]  # the owner only, no AllUsers
    assert default_storage.open(second).read() == b"deux"
    # Never a public address: at most a signed one, which expires.
    assert "X-Amz-Signature=" in default_storage.url(first) and "X-Amz-Expires=300" in default_storage.url(
        first
    )


def test_the_server_refuses_a_request_signed_with_another_secret(s3_storage):
    name = default_storage.save("x", ContentFile(b"x"))
    with pytest.raises(ClientError) as refused:
        s3_storage.client(secret_key="pas-le-bon-secret").get_object(Bucket=s3_storage.bucket, Key=name)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
