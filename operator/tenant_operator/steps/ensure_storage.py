"""Step 5 (StorageReady): the tenant's bucket and the S3 user that owns it.

The key's secret is the one stored in the tenant's secrets (Vault and the
Secret, written by the secrets step before this one), so rotation sets the
new secret here and the old one stops working in the same pass.
"""

from __future__ import annotations

from tenant_operator import conditions as c
from tenant_operator import names
from tenant_operator.conditions import Condition
from tenant_operator.provisioners.object_store import ObjectStoreError
from tenant_operator.steps.context import ReconcileContext, StepFailed

REASON_NOT_CONFIGURED = "StorageNotConfigured"


async def ensure_storage(ctx: ReconcileContext) -> Condition:
    """Bucket ``<prefix><name>`` owned by user ``tenant-<name>``, whose key reaches only that bucket."""
    store = ctx.runtime.object_store
    if store is None:
        # Like Vault, object storage is optional for the operator; the app
        # then gets no S3_* variables. True, so Ready does not depend on it.
        return Condition(
            c.STORAGE_READY,
            c.TRUE,
            REASON_NOT_CONFIGURED,
            "object storage is not configured (OPERATOR_S3_ENDPOINT)",
        )
    creds = await ctx.tenant_credentials()
    bucket = names.s3_bucket(ctx.name, ctx.runtime.config.s3.bucket_prefix)
    user = names.s3_access_key(ctx.name)
    try:
        changes = await store.ensure(bucket, user, creds.s3_secret_key)
    except ObjectStoreError as err:
        raise StepFailed(err.reason, err.message) from err
    for change in changes:
        ctx.record(change.kind, change.name, change.detail, created=change.created)
    return Condition(
        c.STORAGE_READY,
        c.TRUE,
        "StorageReady",
        f"bucket {bucket} owned by S3 user {user}, reachable only with its key",
    )
