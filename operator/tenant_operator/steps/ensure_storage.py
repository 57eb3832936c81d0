"""Step 5 (StorageReady): the tenant's bucket and the S3 user that owns it, or (aws-irsa) the
IAM role its ServiceAccount assumes.

admin-api: the key's secret is the one stored in the tenant's secrets (Vault and the
Secret, written by the secrets step before this one), so rotation sets the new secret
here and the old one stops working in the same pass.

aws-irsa: Terraform made the tenant's IAM role (reaching ``tenants/<slug>/`` of the shared
bucket only); this step annotates the ServiceAccount with it. There is no key to store or
rotate: the Secret carries the bucket and the prefix only (specs/app_secret.storage_env).
"""

from __future__ import annotations

from tenant_operator import conditions as c
from tenant_operator import names
from tenant_operator.conditions import Condition
from tenant_operator.kube.client import KubeApiError
from tenant_operator.provisioners.object_store import ObjectStoreError
from tenant_operator.specs.workload import service_account
from tenant_operator.steps.context import ReconcileContext, StepFailed

REASON_NOT_CONFIGURED = "StorageNotConfigured"
REASON_IRSA = "StorageIrsaRole"


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
    s3 = ctx.runtime.config.s3
    if s3.irsa:
        return await _ensure_irsa_role(ctx)
    creds = await ctx.tenant_credentials()
    bucket = s3.tenant_bucket(ctx.name)
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


async def _ensure_irsa_role(ctx: ReconcileContext) -> Condition:
    """The ServiceAccount ``tenant-app`` annotated with the tenant's role (nothing on S3 to create).

    The secrets step applies the same object, so this is a read when nothing drifted; it is
    here too so that StorageReady says what the app's storage identity is, and repairs it.
    Before the workload step: pods only get the web identity when they start after it.
    """
    s3 = ctx.runtime.config.s3
    role = s3.tenant_role_arn(ctx.name)
    try:
        await ctx.ensure_object(service_account(ctx.tenant, role_arn=role))
    except KubeApiError as err:
        raise StepFailed("KubernetesApiError", err.message, permanent=False) from err
    return Condition(
        c.STORAGE_READY,
        c.TRUE,
        REASON_IRSA,
        f"IRSA: ServiceAccount {names.SERVICE_ACCOUNT} assumes {role}, which reaches only "
        f"s3://{s3.tenant_bucket(ctx.name)}/{s3.tenant_prefix(ctx.name)} (no static key)",
    )
