"""Each tenant's objects: its own bucket and S3 user (admin-api), or its prefix of AWS's shared bucket.

admin-api: the bucket is owned by the tenant's user, and the server lets only a
bucket's owner (and the root user) touch it, so the tenant's key reaches its
own bucket and nothing else. Users and ownership go through the server's
admin API (provisioners.s3_admin); objects (snapshots, deletion) through
boto3 as the root user.

aws-irsa: there is no admin API; IAM (Terraform) gives each tenant's role its
prefix ``tenants/<slug>/`` of one shared bucket. The operator only copies and
removes objects under a prefix, with its own credentials (its IRSA role).

Both are synchronous: every call runs in a thread pool and never blocks the
operator's event loop.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3
import botocore.exceptions
import requests
from botocore.config import Config

from tenant_operator.config import S3Config
from tenant_operator.provisioners.s3_admin import TENANT_ROLE, AdminApiError, AdminClient

T = TypeVar("T")

# After the fast path failed: how often the key is checked (and set again) before giving up.
KEY_CONFIRM_ATTEMPTS = 4
KEY_CONFIRM_PAUSE_SECONDS = 0.25


class ObjectStoreError(Exception):
    """The S3 server cannot do what is needed; ``reason`` names the cause (a condition reason)."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(f"{reason}: {message}")


def _classify(err: Exception) -> ObjectStoreError:
    if isinstance(err, requests.exceptions.RequestException | botocore.exceptions.EndpointConnectionError):
        return ObjectStoreError(
            "ObjectStoreUnavailable", f"the S3 server is unreachable: {type(err).__name__}"
        )
    if isinstance(err, AdminApiError):
        if err.status in (401, 403):
            return ObjectStoreError("ObjectStoreForbidden", f"the operator's S3 admin key was refused: {err}")
        return ObjectStoreError("ObjectStoreError", str(err))
    if isinstance(err, botocore.exceptions.ClientError):
        return ObjectStoreError("ObjectStoreError", str(err))
    return ObjectStoreError("ObjectStoreError", f"{type(err).__name__}: {err}")


@dataclass(frozen=True)
class StoreChange:
    """One thing ensure() wrote on the S3 server."""

    kind: str  # "S3 user" or "S3 bucket"
    name: str
    detail: str
    created: bool = False

    def __str__(self) -> str:
        return f"{self.kind} {self.name}: {self.detail}"


@dataclass(frozen=True)
class BucketCopy:
    """Where a Snapshot deletion copied a tenant's objects, and how much."""

    bucket: str
    prefix: str
    objects: int
    size: int


class ObjectStoreProvisioner:
    """Bucket, user and ownership of each tenant; snapshot and removal on deletion."""

    def __init__(self, config: S3Config, *, max_threads: int = 8) -> None:
        self._config = config
        self._executor = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="s3")
        # AWS has no admin API: aws-irsa never creates users or buckets.
        self._admin_client = (
            None
            if config.irsa
            else AdminClient(config.endpoint, config.admin_access_key, config.admin_secret_key, config.region)
        )
        # Without a static key (aws-irsa on EKS) boto3's default chain finds the
        # operator's own web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE).
        keys = (
            {"aws_access_key_id": config.admin_access_key, "aws_secret_access_key": config.admin_secret_key}
            if config.admin_access_key
            else {}
        )
        self._s3: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=config.endpoint or None,
            region_name=config.region,
            # Path-style for S3-compatible servers; AWS's own endpoint picks virtual-hosted.
            config=client_config("path" if config.endpoint else "auto"),
            **keys,
        )

    @property
    def _admin(self) -> AdminClient:
        if self._admin_client is None:
            raise ObjectStoreError("ObjectStoreError", "aws-irsa mode has no S3 admin API (users, owners)")
        return self._admin_client

    async def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        if self._admin_client is not None:
            self._admin_client.close()

    async def _call(self, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, fn)
        except ObjectStoreError:
            raise
        except Exception as err:  # every failure becomes a condition reason
            raise _classify(err) from err

    # --- provisioning ----------------------------------------------------
    def _ensure_sync(self, bucket: str, access_key: str, secret_key: str) -> list[StoreChange]:
        # Fast path, one request whatever the number of tenants: the stored
        # key works and lists exactly its bucket. A key that stopped working,
        # a missing bucket, or a role that sees more (admin) takes the full
        # check below, whose admin listings grow with the number of tenants.
        # (A "userplus" role, which could also create buckets, lists the same
        # and is only corrected by the full check, e.g. after a rotation.)
        if self._admin.buckets_seen_by(access_key, secret_key) == [bucket]:
            return []
        changes = []
        user = self._admin.list_users().get(access_key)
        if user is None:
            self._admin.create_user(access_key, secret_key)
            changes.append(StoreChange("S3 user", access_key, "created", created=True))
        elif user.secret_key != secret_key or user.role != TENANT_ROLE:
            # A rotation, a key disabled by Retain being adopted, or drift.
            self._admin.update_user(access_key, secret_key=secret_key, role=TENANT_ROLE)
            changes.append(StoreChange("S3 user", access_key, "key set"))
        owners = self._admin.bucket_owners()
        if bucket not in owners:
            self._admin.create_bucket(bucket, access_key)
            changes.append(StoreChange("S3 bucket", bucket, f"created, owned by {access_key}", created=True))
        elif owners[bucket] != access_key:
            self._admin.change_bucket_owner(bucket, access_key)
            changes.append(StoreChange("S3 bucket", bucket, f"given back to {access_key}"))
        changes += self._confirm_key(bucket, access_key, secret_key)
        return changes

    def _confirm_key(self, bucket: str, access_key: str, secret_key: str) -> list[StoreChange]:
        """StorageReady only once the key really lists its bucket, as the app will use it.

        The fast path failed, so something was wrong; what the admin API lists is the
        server's file, not what it authenticates with. versitygw authenticates from a
        cache of accounts (120 s) that a read racing an update can leave holding the old
        secret (its GetUserAccount stores what it read after UpdateUserAccount refreshed
        the entry): the listing then agrees with the Secret while the key is refused.
        Setting the key again refreshes that cached copy. (CI once saw an adopted
        Retain tenant Ready with its key refused.)
        """
        for attempt in range(KEY_CONFIRM_ATTEMPTS):
            if attempt:
                self._admin.update_user(access_key, secret_key=secret_key, role=TENANT_ROLE)
                time.sleep(KEY_CONFIRM_PAUSE_SECONDS * (attempt - 1))
            if self._admin.buckets_seen_by(access_key, secret_key) == [bucket]:
                return (
                    [StoreChange("S3 user", access_key, "key set again: the server had refused it")]
                    if attempt
                    else []
                )
        raise ObjectStoreError(
            "StorageKeyRefused",
            f"the S3 server still refuses key {access_key} for bucket {bucket} after it was set "
            f"again {KEY_CONFIRM_ATTEMPTS - 1} times",
        )

    async def ensure(self, bucket: str, access_key: str, secret_key: str) -> list[StoreChange]:
        """User ``access_key`` with ``secret_key``, owning ``bucket``; what was corrected."""
        return await self._call(lambda: self._ensure_sync(bucket, access_key, secret_key))

    def _disable_sync(self, access_key: str) -> bool:
        if access_key not in self._admin.list_users():
            return False
        # The server has no "inactive" key state: a random secret that is
        # stored nowhere makes the tenant's key useless, keeps the user and
        # its bucket, and adopting the tenant later sets the stored one back.
        self._admin.update_user(access_key, secret_key=secrets.token_urlsafe(30))
        return True

    async def disable_key(self, access_key: str) -> bool:
        """Make the tenant's stored key stop working (Retain); False when there is no user."""
        return await self._call(lambda: self._disable_sync(access_key))

    # --- deletion ----------------------------------------------------------
    def _bucket_exists(self, bucket: str) -> bool:
        if self._admin_client is not None:
            return bucket in self._admin_client.bucket_owners()
        try:
            self._s3.head_bucket(Bucket=bucket)
        except botocore.exceptions.ClientError as err:
            if str(err.response.get("Error", {}).get("Code")) in ("404", "NoSuchBucket", "NotFound"):
                return False
            raise
        return True

    def _objects(self, bucket: str, prefix: str = "") -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            found += page.get("Contents") or []
        return found

    def _relative(self, bucket: str, prefix: str) -> dict[str, int]:
        """Sizes of the objects under ``prefix``, keyed relative to it."""
        return {o["Key"][len(prefix) :]: o["Size"] for o in self._objects(bucket, prefix)}

    def _copy_verified(
        self, source: str, source_prefix: str, target: str, target_prefix: str, *, failure: str
    ) -> dict[str, int]:
        """Copy every object under ``source_prefix`` to the same relative key under
        ``target_prefix``; only a verified copy counts (same keys and sizes at the destination),
        else ObjectStoreError with reason ``failure``."""
        wanted = self._relative(source, source_prefix)
        for key in wanted:
            # The managed copy switches to a multipart copy past 5 GB (one CopyObject cannot).
            self._s3.copy({"Bucket": source, "Key": source_prefix + key}, target, target_prefix + key)
        copied = self._relative(target, target_prefix)
        if copied != wanted:
            missing = sorted(set(wanted) - set(copied))[:5]
            raise ObjectStoreError(
                failure,
                f"the copy of s3://{source}/{source_prefix} in s3://{target}/{target_prefix} "
                f"differs from it (e.g. {missing})",
            )
        return wanted

    def _snapshot_sync(
        self, bucket: str, tenant: str, stamp: str, source_prefix: str = ""
    ) -> BucketCopy | None:
        if not self._bucket_exists(bucket):
            return None
        target = self._config.backup_bucket
        if not self._bucket_exists(target):
            # Owned by the root user: no tenant key can read the copies.
            self._s3.create_bucket(Bucket=target)
        root = f"{self._config.backup_key_prefix}{tenant}/{stamp}"
        wanted = self._copy_verified(bucket, source_prefix, target, f"{root}/", failure="SnapshotIncomplete")
        size = sum(wanted.values())
        manifest = {
            "tenant": tenant,
            "bucket": bucket,
            "prefix": source_prefix,
            "createdAt": stamp,
            "objects": len(wanted),
            "size": size,
        }
        self._s3.put_object(
            Bucket=target,
            Key=f"{root}.json",
            Body=json.dumps(manifest, indent=2, sort_keys=True).encode(),
            ContentType="application/json",
        )
        return BucketCopy(target, f"{root}/", len(wanted), size)

    def _delete_copy_sync(self, tenant: str, stamp: str) -> int:
        target = self._config.backup_bucket
        if not self._bucket_exists(target):
            return 0
        root = f"{self._config.backup_key_prefix}{tenant}/{stamp}"
        keys = [{"Key": o["Key"]} for o in self._objects(target, f"{root}/")]
        keys.append({"Key": f"{root}.json"})
        for start in range(0, len(keys), 1000):
            answer = self._s3.delete_objects(
                Bucket=target, Delete={"Objects": keys[start : start + 1000], "Quiet": True}
            )
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise ObjectStoreError(
                    "ObjectStoreError",
                    f"cannot delete {first.get('Key')} from {target}: {first.get('Message')}",
                )
        return len(keys) - 1

    async def delete_copy(self, tenant: str, stamp: str) -> int:
        """Remove one backup's copy (``snapshot``'s objects and manifest); how many objects it held."""
        return await self._call(lambda: self._delete_copy_sync(tenant, stamp))

    async def snapshot(
        self, bucket: str, tenant: str, stamp: str, *, source_prefix: str = ""
    ) -> BucketCopy | None:
        """Copy every object under ``source_prefix`` of ``bucket`` (all of it by default) to
        ``<backup bucket>/<backup key prefix><tenant>/<stamp>/`` and verify; None: no bucket."""
        return await self._call(lambda: self._snapshot_sync(bucket, tenant, stamp, source_prefix))

    def _restore_sync(self, source: BucketCopy, bucket: str, prefix: str) -> BucketCopy:
        where = f"s3://{bucket}/{prefix}"
        if not self._bucket_exists(bucket):
            raise ObjectStoreError("RestoreFailed", f"bucket {bucket} does not exist: provision it first")
        if self._objects(bucket, prefix):
            raise ObjectStoreError("RestoreFailed", f"{where} is not empty: restore into an empty one")
        wanted = self._copy_verified(
            source.bucket, source.prefix, bucket, prefix, failure="RestoreIncomplete"
        )
        return BucketCopy(bucket, prefix, len(wanted), sum(wanted.values()))

    async def restore(self, source: BucketCopy, bucket: str, *, prefix: str = "") -> BucketCopy:
        """Copy a backup's objects (``snapshot``'s copy) under ``prefix`` of ``bucket`` (existing, with
        nothing under the prefix; e.g. a new tenant's bucket, owned by its user, or its prefix of the
        shared bucket) and verify keys and sizes; what the destination now holds."""
        return await self._call(lambda: self._restore_sync(source, bucket, prefix))

    def _empty(self, bucket: str, prefix: str = "") -> int:
        """Delete every object, old version, delete marker and unfinished upload under ``prefix``."""
        removed = 0
        uploads = self._s3.list_multipart_uploads(Bucket=bucket, Prefix=prefix).get("Uploads") or []
        for upload in uploads:
            if upload["Key"].startswith(prefix):
                self._s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        while True:
            found = [{"Key": o["Key"]} for o in self._objects(bucket, prefix)] + self._versions(
                bucket, prefix
            )
            # The server filters by prefix already; checking again costs nothing and
            # keeps a Delete in the shared bucket from ever reaching another tenant's keys.
            batch = [e for e in found if e["Key"].startswith(prefix)][:1000]
            if not batch:
                return removed
            answer = self._s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise ObjectStoreError(
                    "ObjectStoreError",
                    f"cannot delete {first.get('Key')} from {bucket}: {first.get('Message')}",
                )
            removed += len(batch)

    def _versions(self, bucket: str, prefix: str = "") -> list[dict[str, str]]:
        """Old versions and delete markers (a versioned bucket is not empty without them)."""
        try:
            page = self._s3.list_object_versions(Bucket=bucket, Prefix=prefix, MaxKeys=1000)
        except botocore.exceptions.ClientError:
            return []  # versioning not available on this server or bucket
        entries = (page.get("Versions") or []) + (page.get("DeleteMarkers") or [])
        return [
            {"Key": e["Key"], "VersionId": e["VersionId"]}
            for e in entries
            if e.get("VersionId") not in (None, "null")
        ]

    def _delete_sync(self, bucket: str, access_key: str) -> list[str]:
        done = []
        if self._bucket_exists(bucket):
            removed = self._empty(bucket)
            self._s3.delete_bucket(Bucket=bucket)
            done.append(f"bucket {bucket} deleted ({removed} objects)")
        if access_key in self._admin.list_users():
            self._admin.delete_user(access_key)
            done.append(f"user {access_key} deleted")
        return done

    async def delete(self, bucket: str, access_key: str) -> list[str]:
        """Empty and delete the bucket, then delete the user (idempotent); what was removed."""
        return await self._call(lambda: self._delete_sync(bucket, access_key))

    def _delete_prefix_sync(self, bucket: str, prefix: str) -> list[str]:
        # An empty or unterminated prefix would reach other tenants' keys ("tenants/a"
        # also matches "tenants/ab/"): refused, whatever the caller computed.
        if not prefix.strip("/") or not prefix.endswith("/"):
            raise ObjectStoreError("ObjectStoreError", f"refusing to delete under prefix {prefix!r}")
        if not self._bucket_exists(bucket):
            return []
        removed = self._empty(bucket, prefix)
        return [f"s3://{bucket}/{prefix} emptied ({removed} objects)"] if removed else []

    async def delete_prefix(self, bucket: str, prefix: str) -> list[str]:
        """Remove every object (and version) under ``prefix`` of a shared bucket, nothing else
        (aws-irsa; idempotent); what was removed. The bucket stays."""
        return await self._call(lambda: self._delete_prefix_sync(bucket, prefix))


def client_config(addressing_style: str = "path") -> Config:
    """boto3 settings: path-style URLs for an S3-compatible server, checksums only when required."""
    return Config(
        signature_version="s3v4",
        s3={"addressing_style": addressing_style},
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
