"""StorageReady means the key works: the operator checks it against devstack's real versitygw.

versitygw authenticates from a 120 s cache of accounts; a read racing an update can leave the
old secret in it while its file (what the admin API lists) has the new one. CI once had an
adopted Retain tenant Ready while its key was refused. The race itself cannot be timed from
here, so the test makes its outcome: the server has just cached the old secret, and the file
is rewritten with the new one, as that update would have left it.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest
from botocore.exceptions import ClientError
from tenant_operator import names
from tenant_operator.credentials import generate

from tests.support.object_store_fixtures import key_client, root_provisioner

pytestmark = pytest.mark.integration


def _set_secret_in_file(iam_file, access: str, secret: str) -> None:
    data = json.loads(iam_file.read_text())
    data["accessAccounts"][access]["secret"] = secret
    tmp = iam_file.with_name(f".{iam_file.name}.test")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, iam_file)  # versitygw writes it the same way (temp file, rename)


async def test_a_key_the_server_still_refuses_is_set_again_before_storage_is_ready(s3, devstack_cfg):
    slug = f"kc{uuid.uuid4().hex[:6]}"
    bucket, access = names.s3_bucket(slug, "tenant-"), names.s3_access_key(slug)
    old, new = generate().s3_secret_key, generate().s3_secret_key
    store = root_provisioner(s3, backup_bucket="test-backups-unused")
    try:
        await store.ensure(bucket, access, old)
        assert key_client(s3, access, old).list_objects_v2(Bucket=bucket)["KeyCount"] == 0  # cached now
        _set_secret_in_file(devstack_cfg.root / "s3" / "iam" / "users.json", access, new)
        with pytest.raises(ClientError):  # what the tenant app would meet: the cache answers
            key_client(s3, access, new).list_objects_v2(Bucket=bucket)

        changes = await store.ensure(bucket, access, new)

        assert [c.detail for c in changes] == ["key set again: the server had refused it"]
        assert key_client(s3, access, new).list_objects_v2(Bucket=bucket)["KeyCount"] == 0
        assert await store.ensure(bucket, access, new) == []  # the fast path again
    finally:
        await store.delete(bucket, access)
        await store.close()
