"""A real S3-compatible server for tests (moto's server, over HTTP on a free loopback port): the storage
speaks the S3 protocol to it exactly as to a provider. IAM authentication is on: every request must be
signed (signature v4) with the access key the fixture created, whose policy allows this bucket only, so a
request signed with another secret, or for another bucket, is refused as a provider would."""

from __future__ import annotations

import json
import logging
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

REGION = "eu-west-3"


@dataclass
class S3Server:
    endpoint_url: str
    bucket: str
    access_key: str
    secret_key: str

    def client(self, *, secret_key: str | None = None):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def environ(self, **more: str) -> dict[str, str]:
        """The variables an installation sets for this bucket (docs/installation.md)."""
        return {
            "CSC_S3_BUCKET": self.bucket,
            "CSC_S3_ENDPOINT_URL": self.endpoint_url,
            "CSC_S3_REGION": REGION,
            "CSC_S3_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            **more,
        }

    def objects(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.bucket)
        return [item["Key"] for item in listed.get("Contents", [])]

    def get(self, key: str) -> dict:
        return self.client().get_object(Bucket=self.bucket, Key=key)


@contextmanager
def s3_server():
    """Start the server, create an IAM user allowed on one bucket and that bucket, then require signed
    requests until the end."""
    import boto3
    from moto.core import authorization
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # moto keeps its accounts and buckets in the process's memory: each server gets names of its own.
    suffix = uuid.uuid4().hex[:12]
    bucket, user = f"csc-{suffix}", f"csc-{suffix}"
    admin = {
        "endpoint_url": endpoint,
        "region_name": REGION,
        "aws_access_key_id": "admin",
        "aws_secret_access_key": "admin-secret",
    }
    iam = boto3.client("iam", **admin)
    iam.create_user(UserName=user)
    iam.put_user_policy(
        UserName=user,
        PolicyName="csc-bucket",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:*",
                        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                    }
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName=user)["AccessKey"]
    boto3.client("s3", **admin).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    with authorization.enable_iam_authentication():
        try:
            yield S3Server(endpoint, bucket, key["AccessKeyId"], key["SecretAccessKey"])
        finally:
            server.stop()


@contextmanager
def environment(values: dict[str, str]):
    """Set environment variables for the block (boto3 reads the credentials from there)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
