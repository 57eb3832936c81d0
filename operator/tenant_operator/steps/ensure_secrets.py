"""Step 2 (SecretsReady): Vault KV + Kubernetes-auth role + Transit key, the ServiceAccount the
role is bound to, and the Kubernetes Secret."""

from __future__ import annotations

from tenant_operator import conditions as c
from tenant_operator import names, orphans
from tenant_operator.conditions import Condition
from tenant_operator.kube.client import KubeApiError
from tenant_operator.provisioners.vault import VaultError
from tenant_operator.specs.app_secret import app_env, app_secret, env_hash
from tenant_operator.specs.pod import vault_ca_secret
from tenant_operator.specs.workload import service_account
from tenant_operator.steps.context import ReconcileContext, StepFailed


async def ensure_secrets(ctx: ReconcileContext) -> Condition:
    """The app's environment in Vault (when enabled) and in Secret ``tenant-app-env``.

    Runs before the database and Redis steps, so credentials are stored
    before any system accepts them. Vault is written first: when it is
    configured but failing, the step fails with Vault's reason rather than
    quietly falling back to a Kubernetes-only secret.
    """
    try:
        creds = await ctx.tenant_credentials()
    except VaultError as err:
        # Without the stored credentials, new ones would silently rotate the tenant's.
        raise StepFailed(err.reason, f"cannot read the tenant's stored credentials: {err.message}") from err
    except KubeApiError as err:
        raise StepFailed("KubernetesApiError", err.message) from err
    vault = ctx.runtime.vault
    try:
        # The platform's SMTP relay (Amazon SES in production) lives in Vault, never in a values file.
        smtp = await vault.read_smtp_relay() if vault is not None else None
    except VaultError as err:
        raise StepFailed(err.reason, err.message) from err
    try:
        env = app_env(ctx.tenant, creds, ctx.runtime.config, smtp)
    except ValueError as err:
        raise StepFailed("SmtpRelayInvalid", str(err)) from err
    where = "Kubernetes Secret only (Vault disabled)"
    if vault is not None:
        try:
            changed = await vault.ensure(ctx.name, env, cnpj=ctx.tenant.spec.normalized_cnpj)
        except VaultError as err:
            # Data retained for another CNPJ stays that administradora's until a person decides.
            raise StepFailed(err.reason, err.message, permanent=err.reason == "RetainedDataConflict") from err
        if changed:
            ctx.record("Vault", ctx.name, f"wrote {', '.join(changed)}")
        vault_config = ctx.runtime.config.vault
        where = (
            f"Vault {vault_config.kv_mount}/data/{names.vault_secret_path(ctx.name)} "
            f"(role {names.vault_role(ctx.name)}, policy {names.VAULT_POLICY}, Transit key "
            f"{vault_config.transit_mount}/keys/{names.transit_key_name(ctx.name)}) and Kubernetes Secret"
        )
    secret = app_secret(ctx.tenant, env)
    try:
        # The identity the Vault role is bound to; the migration Job's pods need it too.
        # (With its IAM role in aws-irsa mode: the storage step wants the same object.)
        await ctx.ensure_object(
            service_account(ctx.tenant, role_arn=ctx.runtime.config.s3.tenant_role_arn(ctx.name))
        )
        ca = vault_ca_secret(ctx.tenant)
        if ca is not None:
            # The pods' projected volume names it: without it they would not start.
            await ctx.ensure_object(ca)
        live = await ctx.ensure_object(secret, ctx.live_secret)  # read once per pass
        if orphans.is_marked(live):
            await ctx.kube.merge_patch(
                f"/api/v1/namespaces/{ctx.tenant.namespace}/secrets/{names.APP_SECRET}",
                orphans.unmark_patch(),
            )
            ctx.record("Secret", f"{ctx.tenant.namespace}/{names.APP_SECRET}", "adopted orphaned Secret")
    except KubeApiError as err:
        raise StepFailed("KubernetesApiError", err.message, permanent=False) from err
    ctx.app_env = env
    ctx.secret_hash = env_hash(env)
    if ctx.rotation_request is not None:
        ctx.status_updates["credentialsRotation"] = ctx.rotation_request
        ctx.changes.append("rotated database, Redis, JWT and S3 credentials")
    return Condition(c.SECRETS_READY, c.TRUE, "SecretsReady", f"{where} {names.APP_SECRET}")
