"""The object storage plane against the real S3 server (devstack's versitygw).

Two tenants provisioned by the operator's provisioner: each key reaches its
own bucket and nothing of the other's: no list, read, write, delete, or
presigned URL. Rotation, the Retain "disable" and deletion are checked on
the same server.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from botocore.exceptions import ClientError
from tenant_operator import names
from tenant_operator.config import S3Config
from tenant_operator.credentials import generate
from tenant_operator.provisioners.object_store import ObjectStoreProvisioner
from tenant_operator.provisioners.s3_admin import AdminClient

from tests.support.object_store_fixtures import key_client

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Tenant:
    name: str
    bucket: str
    access_key: str
    secret_key: str


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def _code(call) -> str:
    with pytest.raises(ClientError) as failed:
        call()
    return failed.value.response["Error"]["Code"]


@pytest.fixture()
def provisioner(s3) -> Iterator[ObjectStoreProvisioner]:
    config = S3Config(
        endpoint=s3.endpoint,
        admin_access_key=s3.access_key,
        admin_secret_key=s3.secret_key,
        region=s3.region,
        backup_bucket=f"test-backups-{uuid.uuid4().hex[:8]}",
    )
    store = ObjectStoreProvisioner(config)
    yield store
    asyncio.run(store.delete(config.backup_bucket, ""))  # this test's copies; no user by that name
    asyncio.run(store.close())


@pytest.fixture()
def two_tenants(provisioner) -> Iterator[tuple[Tenant, Tenant]]:
    tenants = []
    for _ in range(2):
        name = f"iso-{uuid.uuid4().hex[:8]}"
        t = Tenant(
            name, names.s3_bucket(name, "tenant-"), names.s3_access_key(name), generate().s3_secret_key
        )
        asyncio.run(provisioner.ensure(t.bucket, t.access_key, t.secret_key))
        tenants.append(t)
    yield tenants[0], tenants[1]
    for t in tenants:
        asyncio.run(provisioner.delete(t.bucket, t.access_key))


def test_a_tenants_key_reaches_its_bucket_and_nothing_of_anothers(s3, two_tenants) -> None:
    a, b = two_tenants
    client_a = key_client(s3, a.access_key, a.secret_key)
    client_b = key_client(s3, b.access_key, b.secret_key)
    client_b.put_object(Bucket=b.bucket, Key="contratos/b.pdf", Body=b"%PDF-b")
    client_a.put_object(Bucket=a.bucket, Key="contratos/a.pdf", Body=b"%PDF-a")

    # Its own bucket: everything works (so the denials below are about ownership).
    assert client_a.get_object(Bucket=a.bucket, Key="contratos/a.pdf")["Body"].read() == b"%PDF-a"
    assert [o["Key"] for o in client_a.list_objects_v2(Bucket=a.bucket)["Contents"]] == ["contratos/a.pdf"]
    own_url = client_a.generate_presigned_url(
        "get_object", Params={"Bucket": a.bucket, "Key": "contratos/a.pdf"}, ExpiresIn=60
    )
    assert _status(own_url) == 200

    # The other tenant's bucket: list, read, head, write, overwrite, delete all refused.
    assert _code(lambda: client_a.list_objects_v2(Bucket=b.bucket)) == "AccessDenied"
    assert _code(lambda: client_a.get_object(Bucket=b.bucket, Key="contratos/b.pdf")) == "AccessDenied"
    assert _code(lambda: client_a.head_object(Bucket=b.bucket, Key="contratos/b.pdf")) in (
        "403",
        "AccessDenied",
    )
    assert _code(lambda: client_a.put_object(Bucket=b.bucket, Key="intruso.txt", Body=b"x")) == "AccessDenied"
    assert (
        _code(lambda: client_a.put_object(Bucket=b.bucket, Key="contratos/b.pdf", Body=b"x"))
        == "AccessDenied"
    )
    assert _code(lambda: client_a.delete_object(Bucket=b.bucket, Key="contratos/b.pdf")) == "AccessDenied"
    assert (
        _code(
            lambda: client_a.copy_object(
                Bucket=a.bucket, Key="roubado.pdf", CopySource={"Bucket": b.bucket, "Key": "contratos/b.pdf"}
            )
        )
        == "AccessDenied"
    )
    # A URL presigned with A's key for B's object is refused when fetched.
    for method, params in (
        ("get_object", {"Bucket": b.bucket, "Key": "contratos/b.pdf"}),
        ("put_object", {"Bucket": b.bucket, "Key": "intruso.txt"}),
    ):
        url = client_a.generate_presigned_url(method, Params=params, ExpiresIn=60)
        request = urllib.request.Request(
            url,
            data=b"x" if method == "put_object" else None,
            method="PUT" if method == "put_object" else "GET",
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as resp:
                status = resp.status
        except urllib.error.HTTPError as err:
            status = err.code
        assert status == 403, (method, status)
    # Listing buckets shows a tenant its own bucket only.
    assert [bucket["Name"] for bucket in client_a.list_buckets()["Buckets"]] == [a.bucket]
    # Nor may a tenant create buckets, or read anything without a signature.
    assert _code(lambda: client_a.create_bucket(Bucket=f"extra-{uuid.uuid4().hex[:8]}")) == "AccessDenied"
    assert _status(f"{s3.endpoint}/{b.bucket}/contratos/b.pdf") == 403

    # B's object is untouched, and only B's object is in B's bucket.
    assert client_b.get_object(Bucket=b.bucket, Key="contratos/b.pdf")["Body"].read() == b"%PDF-b"
    assert [o["Key"] for o in client_b.list_objects_v2(Bucket=b.bucket)["Contents"]] == ["contratos/b.pdf"]


def test_ensure_is_idempotent_and_rotation_retires_the_old_secret(s3, provisioner, two_tenants) -> None:
    a, _ = two_tenants
    assert asyncio.run(provisioner.ensure(a.bucket, a.access_key, a.secret_key)) == []
    old = key_client(s3, a.access_key, a.secret_key)
    old.put_object(Bucket=a.bucket, Key="k", Body=b"v")

    rotated = generate().s3_secret_key
    changes = asyncio.run(provisioner.ensure(a.bucket, a.access_key, rotated))
    assert [str(c) for c in changes] == [f"S3 user {a.access_key}: key set"]
    assert _code(lambda: old.get_object(Bucket=a.bucket, Key="k")) == "SignatureDoesNotMatch"
    assert key_client(s3, a.access_key, rotated).get_object(Bucket=a.bucket, Key="k")["Body"].read() == b"v"


def test_disabled_key_stops_working_and_adoption_restores_it(s3, provisioner, two_tenants) -> None:
    a, _ = two_tenants
    client = key_client(s3, a.access_key, a.secret_key)
    client.put_object(Bucket=a.bucket, Key="kept", Body=b"data")
    assert asyncio.run(provisioner.disable_key(a.access_key)) is True
    assert _code(lambda: client.get_object(Bucket=a.bucket, Key="kept")) == "SignatureDoesNotMatch"
    # The retained bucket is adopted with the key stored in the retained Secret.
    changes = asyncio.run(provisioner.ensure(a.bucket, a.access_key, a.secret_key))
    assert [str(c) for c in changes] == [f"S3 user {a.access_key}: key set"]
    assert client.get_object(Bucket=a.bucket, Key="kept")["Body"].read() == b"data"


def test_snapshot_copies_every_object_and_delete_removes_bucket_and_user(
    s3, provisioner, two_tenants
) -> None:
    a, _ = two_tenants
    client = key_client(s3, a.access_key, a.secret_key)
    objects = {f"documentos/{i}.bin": bytes([i]) * (i + 1) for i in range(5)}
    for key, body in objects.items():
        client.put_object(Bucket=a.bucket, Key=key, Body=body)

    copy = asyncio.run(provisioner.snapshot(a.bucket, a.name, "20260101T000000000000Z"))
    assert copy is not None and (copy.objects, copy.size) == (5, sum(len(b) for b in objects.values()))
    admin = key_client(s3, s3.access_key, s3.secret_key)
    for key, body in objects.items():
        assert admin.get_object(Bucket=copy.bucket, Key=copy.prefix + key)["Body"].read() == body
    # The backups are the platform's: the tenant's key cannot read them.
    assert _code(lambda: client.list_objects_v2(Bucket=copy.bucket)) == "AccessDenied"

    removed = asyncio.run(provisioner.delete(a.bucket, a.access_key))
    assert removed == [f"bucket {a.bucket} deleted (5 objects)", f"user {a.access_key} deleted"]
    assert asyncio.run(provisioner.delete(a.bucket, a.access_key)) == []  # idempotent
    assert _code(lambda: admin.head_bucket(Bucket=a.bucket)) in ("404", "NoSuchBucket")
    assert _code(lambda: client.list_objects_v2(Bucket=a.bucket)) == "InvalidAccessKeyId"
    assert asyncio.run(provisioner.snapshot(a.bucket, a.name, "x")) is None


def test_a_key_raised_to_admin_is_put_back_to_its_own_bucket(s3, provisioner, two_tenants) -> None:
    a, b = two_tenants
    admin = AdminClient(s3.endpoint, s3.access_key, s3.secret_key, s3.region)
    try:
        admin.update_user(a.access_key, role="admin")  # drift: the key now reaches every bucket
        assert b.bucket in [
            x["Name"] for x in key_client(s3, a.access_key, a.secret_key).list_buckets()["Buckets"]
        ]
        changes = asyncio.run(provisioner.ensure(a.bucket, a.access_key, a.secret_key))
        assert [str(c) for c in changes] == [f"S3 user {a.access_key}: key set"]
        assert admin.list_users()[a.access_key].role == "user"
        client_a = key_client(s3, a.access_key, a.secret_key)
        assert _code(lambda: client_a.list_objects_v2(Bucket=b.bucket)) == "AccessDenied"
    finally:
        admin.close()
