"""The devstack S3 server: up, reported by `status`, and exported by `env`."""

from __future__ import annotations

import uuid

import pytest

from devstack import stack
from tests.support.object_store_fixtures import root_client

pytestmark = pytest.mark.integration


def test_s3_server_is_reported_and_its_root_key_works(s3, devstack_cfg) -> None:
    row = next(r for r in stack.status(devstack_cfg) if r.name == "s3")
    assert row.running and row.address == s3.endpoint == f"http://127.0.0.1:{devstack_cfg.ports.s3}"
    env = devstack_cfg.connection_env()
    assert (env["AWS_ENDPOINT_URL_S3"], env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == (
        s3.endpoint,
        s3.access_key,
        s3.secret_key,
    )
    root = root_client(s3)
    bucket = f"devstack-{uuid.uuid4().hex[:8]}"
    root.create_bucket(Bucket=bucket)
    try:
        root.put_object(Bucket=bucket, Key="a/b.txt", Body=b"ok")
        assert root.get_object(Bucket=bucket, Key="a/b.txt")["Body"].read() == b"ok"
        # Objects are plain files under .devstack/s3/data (posix backend): they survive restarts.
        assert (devstack_cfg.root / "s3" / "data" / bucket / "a" / "b.txt").read_bytes() == b"ok"
    finally:
        root.delete_object(Bucket=bucket, Key="a/b.txt")
        root.delete_bucket(Bucket=bucket)
