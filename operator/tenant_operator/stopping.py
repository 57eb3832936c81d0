"""Stop a tenant and keep everything: what Retain leaves, and the state of a tenant
waiting out its deletion grace period.

Stopped means nobody can use the tenant any more, and nothing of its data is
touched: the Deployments at zero replicas (an autoscaler leaves a target at
zero alone), the Ingress deleted, the PostgreSQL role NOLOGIN with its
sessions ended, the Redis user ``off`` with its clients disconnected, and the
Vault Kubernetes auth role deleted (so no pod can read the secrets). Every
step is idempotent. A ConsorcioTenant created again with the same name and
CNPJ undoes all of it in its first pass: the steps put back replicas, Ingress,
LOGIN, the user and the role, since each compares the live state with the
desired one.
"""

from __future__ import annotations

from tenant_operator import names
from tenant_operator.kube.resources import KINDS
from tenant_operator.provisioners.vault import VaultError
from tenant_operator.runtime import Runtime


async def stop_tenant(runtime: Runtime, name: str) -> str:
    """Stop serving and disable every login of tenant ``name``; a summary of what was done."""
    ns = names.namespace(name)
    parts = []
    # Without its namespace the operator has no rights there (its RoleBinding
    # lives in it): asking would be a 403, not a 404. Nothing to stop anyway.
    if await runtime.kube.get(KINDS["Namespace"].path(ns)) is None:
        parts.append(f"no namespace {ns}")
    else:
        parts.extend(await _stop_workloads(runtime, ns))
    pg = await runtime.postgres.disable_login(names.pg_identifier(name))
    parts.append(f"PostgreSQL: {', '.join(pg) or 'role already NOLOGIN'}")
    redis_off = await runtime.redis.disable(names.redis_user(name))
    parts.append("Redis user off" if redis_off else "no Redis user")
    if runtime.vault is not None:
        try:
            removed = await runtime.vault.remove_role(name)
            parts.append("Vault auth role removed" if removed else "no Vault auth role")
        except VaultError as err:
            # The pods are gone and the database refuses logins: a Vault outage
            # must not hold a deletion (or a CRD deletion) hostage. Said in the Event.
            parts.append(f"Vault auth role NOT removed ({err.reason}: {err.message})")
    return "; ".join(parts)


async def _stop_workloads(runtime: Runtime, ns: str) -> list[str]:
    """Deployments at zero replicas, the Ingresses deleted."""
    parts = []
    scaled = []
    for deployment in (names.APP_DEPLOYMENT, names.WORKER_DEPLOYMENT):
        path = KINDS["Deployment"].path(deployment, ns)
        live = await runtime.kube.get(path)
        if live is not None and (live.get("spec") or {}).get("replicas") != 0:
            await runtime.kube.merge_patch(path, {"spec": {"replicas": 0}})
            scaled.append(deployment)
    parts.append(f"scaled to 0: {', '.join(scaled)}" if scaled else "workloads already at 0")
    ingress = await runtime.kube.delete(KINDS["Ingress"].path(names.APP_INGRESS, ns))
    parts.append("Ingress deleted" if ingress else "no Ingress")
    # The PIX webhook host (issue 15), when the operator runs one: a 404 costs nothing otherwise.
    if await runtime.kube.delete(KINDS["Ingress"].path(names.PIX_WEBHOOK_INGRESS, ns)):
        parts.append("webhook Ingress deleted")
    return parts
