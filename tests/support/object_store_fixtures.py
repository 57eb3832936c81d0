"""A tenant's bucket on the real S3 server (devstack's versitygw), provisioned as the operator does.

``provision_bucket`` runs the operator's own provisioner (user ``tenant-<slug>``
owning bucket ``tenant-<slug>``) and returns the ``S3_*`` variables the
operator writes into the tenant's Secret; ``s3_tenant``/``s3_other_tenant``
are two tenant apps wired to their own buckets (isolation tests). ``shared_bucket`` is one
bucket for several tenants' prefixes (the operator's aws-irsa mode), seen with the root key.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import boto3
import pytest
from tenant_operator import names
from tenant_operator.config import S3Config
from tenant_operator.credentials import generate
from tenant_operator.provisioners.object_store import ObjectStoreProvisioner, client_config

from tests.support.tenant_app_fixtures import Tenant, provision_tenant

_buckets: list[tuple[str, str]] = []


def root_provisioner(s3, **config: Any) -> ObjectStoreProvisioner:
    """The operator's provisioner signed with the server's root key; ``config`` gives the rest of
    its ``S3Config`` (``backup_bucket``, the aws-irsa mode's fields)."""
    return ObjectStoreProvisioner(
        S3Config(
            endpoint=s3.endpoint,
            admin_access_key=s3.access_key,
            admin_secret_key=s3.secret_key,
            region=s3.region,
            **config,
        )
    )


def _provisioner(s3) -> ObjectStoreProvisioner:
    return root_provisioner(s3, backup_bucket="test-backups-unused")


async def provision_bucket(s3, slug: str) -> dict[str, str]:
    """The tenant's bucket and key; the env the operator gives the app."""
    bucket, access = names.s3_bucket(slug, "tenant-"), names.s3_access_key(slug)
    secret = generate().s3_secret_key
    store = _provisioner(s3)
    try:
        await store.ensure(bucket, access, secret)
    finally:
        await store.close()
    _buckets.append((bucket, access))
    return {
        "S3_ENDPOINT": s3.endpoint,
        "S3_REGION": s3.region,
        "S3_BUCKET": bucket,
        "S3_ACCESS_KEY_ID": access,
        "S3_SECRET_ACCESS_KEY": secret,
    }


async def drop_buckets(s3) -> None:
    store = _provisioner(s3)
    try:
        while _buckets:
            bucket, access = _buckets.pop()
            await store.delete(bucket, access)
    finally:
        await store.close()


async def _tenant_with_bucket(make_database: Callable[[], str], redis_url: str, s3, prefix: str) -> Tenant:
    slug = f"{prefix}{uuid.uuid4().hex[:6]}"
    return await provision_tenant(make_database, redis_url, slug, extra_env=await provision_bucket(s3, slug))


@pytest.fixture(scope="session")
async def s3_tenant(make_database: Callable[[], str], redis_url: str, s3) -> AsyncIterator[Tenant]:
    """A tenant app with its own bucket."""
    t = await _tenant_with_bucket(make_database, redis_url, s3, "docs")
    yield t
    await t.client.__aexit__(None, None, None)


@pytest.fixture(scope="session")
async def s3_other_tenant(make_database: Callable[[], str], redis_url: str, s3) -> AsyncIterator[Tenant]:
    """A second tenant with its own bucket (isolation tests)."""
    t = await _tenant_with_bucket(make_database, redis_url, s3, "outr")
    yield t
    await t.client.__aexit__(None, None, None)


@pytest.fixture(scope="session", autouse=False)
def _drop_s3_buckets(s3):
    """Buckets and users made by these tests are deleted at the end of the session."""
    yield
    asyncio.run(drop_buckets(s3))


def key_client(s3, access_key: str, secret_key: str) -> Any:
    """boto3 S3 client signed with this key, as a tenant app builds it from its Secret."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=s3.endpoint,
        region_name=s3.region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=client_config(),
    )


def root_client(s3) -> Any:
    """boto3 S3 client signed with the server's root key (sees every bucket)."""
    return key_client(s3, s3.access_key, s3.secret_key)


def keys_in(client: Any, bucket: str, prefix: str = "") -> list[str]:
    """Every key under ``prefix`` of ``bucket``, sorted (all pages)."""
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sorted(o["Key"] for page in pages for o in page.get("Contents") or [])


def fetch(url: str) -> tuple[int, bytes]:
    """GET ``url`` (e.g. a presigned link) without credentials: status and body."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


@pytest.fixture()
def shared_bucket(s3) -> Iterator[tuple[Any, str]]:
    """A fresh bucket shared by tenants' prefixes: (root client, name); emptied and deleted afterwards."""
    root = root_client(s3)
    bucket = f"test-shared-{uuid.uuid4().hex[:10]}"
    root.create_bucket(Bucket=bucket)
    yield root, bucket
    for upload in root.list_multipart_uploads(Bucket=bucket).get("Uploads") or []:
        root.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for key in keys_in(root, bucket):
        root.delete_object(Bucket=bucket, Key=key)
    root.delete_bucket(Bucket=bucket)
    root.close()
