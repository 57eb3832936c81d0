"""aws-irsa deletion policies on one tenant's prefix of a shared bucket, on devstack's real S3
server (versitygw): Snapshot copies ``tenants/<slug>/`` to ``backups/<slug>/<stamp>/`` and verifies
it, Delete removes every object and unfinished upload under the prefix and nothing outside it
(not even ``tenants/<slug>x/``, whose name starts the same), restore fills an empty prefix.

The operator signs with the server's root key here; on AWS it signs with its own IRSA role, whose
IAM policy (terraform/modules/object_storage/tenants.tf) is proven only on AWS.
"""

from __future__ import annotations

from typing import Any

import pytest
from tenant_operator.config import IRSA_BACKUP_KEY_PREFIX, S3_MODE_AWS_IRSA
from tenant_operator.provisioners.object_store import BucketCopy, ObjectStoreError, ObjectStoreProvisioner

from tests.support.object_store_fixtures import keys_in as _keys
from tests.support.object_store_fixtures import root_provisioner, shared_bucket

pytestmark = pytest.mark.integration

__all__ = ["shared_bucket"]

#: What lives in the shared bucket before the tenant "acme" is deleted.
SEEDED = {
    "tenants/acme/documentos/contrato.pdf": b"%PDF-1.4 acme" * 50,
    "tenants/acme/relatorios/2026/dezembro.csv": b"cota;valor\n1;100.00\n",
    "tenants/acmex/documentos/contrato.pdf": b"%PDF-1.4 acmex",  # same start, another tenant
    "tenants/beta/documentos/contrato.pdf": b"%PDF-1.4 beta",
    "README": b"not a tenant's",
}


@pytest.fixture()
def shared(shared_bucket: tuple[Any, str]) -> tuple[Any, str]:
    """The shared bucket (tests/support/object_store_fixtures.py), seeded with ``SEEDED``."""
    root, bucket = shared_bucket
    for key, body in SEEDED.items():
        root.put_object(Bucket=bucket, Key=key, Body=body)
    return root, bucket


def _store(s3: Any, bucket: str) -> ObjectStoreProvisioner:
    return root_provisioner(
        s3,
        mode=S3_MODE_AWS_IRSA,
        shared_bucket=bucket,
        backup_bucket=bucket,
        backup_key_prefix=IRSA_BACKUP_KEY_PREFIX,
        tenant_role_arn_template="arn:aws:iam::123456789012:role/t-{tenant}",
    )


async def test_snapshot_copies_the_prefix_only_and_verifies_it(s3: Any, shared: tuple[Any, str]) -> None:
    root, bucket = shared
    store = _store(s3, bucket)
    try:
        copy = await store.snapshot(bucket, "acme", "20261207T071500Z", source_prefix="tenants/acme/")
    finally:
        await store.close()
    assert copy == BucketCopy(
        bucket,
        "backups/acme/20261207T071500Z/",
        2,
        len(SEEDED["tenants/acme/documentos/contrato.pdf"])
        + len(SEEDED["tenants/acme/relatorios/2026/dezembro.csv"]),
    )
    assert _keys(root, bucket, "backups/") == [
        "backups/acme/20261207T071500Z.json",
        "backups/acme/20261207T071500Z/documentos/contrato.pdf",
        "backups/acme/20261207T071500Z/relatorios/2026/dezembro.csv",
    ]
    body = root.get_object(Bucket=bucket, Key="backups/acme/20261207T071500Z/documentos/contrato.pdf")["Body"]
    assert body.read() == SEEDED["tenants/acme/documentos/contrato.pdf"]
    # The source stays until the deletion removes it.
    assert _keys(root, bucket, "tenants/acme/") == sorted(k for k in SEEDED if k.startswith("tenants/acme/"))


async def test_delete_removes_every_object_and_upload_under_the_prefix_and_nothing_else(
    s3: Any, shared: tuple[Any, str]
) -> None:
    root, bucket = shared
    mine = root.create_multipart_upload(Bucket=bucket, Key="tenants/acme/documentos/grande.bin")
    theirs = root.create_multipart_upload(Bucket=bucket, Key="tenants/acmex/documentos/grande.bin")
    store = _store(s3, bucket)
    try:
        removed = await store.delete_prefix(bucket, "tenants/acme/")
        again = await store.delete_prefix(bucket, "tenants/acme/")
        for bad in ("", "/", "tenants/acme"):  # everything, or acmex/ too
            with pytest.raises(ObjectStoreError, match="refusing to delete under prefix"):
                await store.delete_prefix(bucket, bad)
    finally:
        await store.close()
    assert removed == [f"s3://{bucket}/tenants/acme/ emptied (2 objects)"]
    assert again == []  # idempotent
    assert _keys(root, bucket) == sorted(k for k in SEEDED if not k.startswith("tenants/acme/"))
    uploads = {u["UploadId"] for u in root.list_multipart_uploads(Bucket=bucket).get("Uploads") or []}
    assert mine["UploadId"] not in uploads and theirs["UploadId"] in uploads


async def test_a_snapshot_restores_into_another_tenants_empty_prefix(
    s3: Any, shared: tuple[Any, str]
) -> None:
    root, bucket = shared
    store = _store(s3, bucket)
    try:
        copy = await store.snapshot(bucket, "acme", "20261207T072000Z", source_prefix="tenants/acme/")
        assert copy is not None
        restored = await store.restore(copy, bucket, prefix="tenants/novo/")
        with pytest.raises(ObjectStoreError, match="is not empty"):
            await store.restore(copy, bucket, prefix="tenants/beta/")
    finally:
        await store.close()
    assert (restored.bucket, restored.prefix, restored.objects) == (bucket, "tenants/novo/", 2)
    assert _keys(root, bucket, "tenants/novo/") == [
        "tenants/novo/documentos/contrato.pdf",
        "tenants/novo/relatorios/2026/dezembro.csv",
    ]
