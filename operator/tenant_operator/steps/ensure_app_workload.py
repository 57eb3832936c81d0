"""Step 7 (AppAvailable): Service, Ingress, HPA, PDB and the two Deployments.

The Ingress host must not be claimed by another ConsorcioTenant
(tenant_operator.hosts), nor lie in the PIX webhook domain (whose hosts are
the tenants' webhook hosts); when it does, the step is a permanent HostConflict
(no Kopf retries: the drift timer re-checks every interval, which is how the
tenant recovers once the other one lets the host go).
"""

from __future__ import annotations

from tenant_operator import conditions as c
from tenant_operator import hosts, names
from tenant_operator.conditions import Condition
from tenant_operator.kube.client import KubeApiError
from tenant_operator.kube.resources import KINDS
from tenant_operator.specs import pix_webhook
from tenant_operator.specs.workload import (
    app_deployment,
    app_replicas,
    horizontal_pod_autoscaler,
    ingress,
    pod_disruption_budget,
    rollout_state,
    service,
    worker_deployment,
    worker_replicas,
)
from tenant_operator.steps.context import ReconcileContext, StepFailed, StepWaiting


async def ensure_app_workload(ctx: ReconcileContext) -> Condition:
    """The tenant app at the migrated version, sized by the plan (zero when suspended)."""
    t = ctx.tenant
    suspended = t.spec.suspended
    version = ctx.app_version or t.desired_app_version
    revision = ctx.schema_revision or ""
    deployments = KINDS["Deployment"]
    app_path = deployments.path(names.APP_DEPLOYMENT, t.namespace)
    try:
        await _check_host(ctx)
        await ctx.ensure_objects(
            [
                service(t),
                ingress(t),
                # With a webhook domain: the PSPs' CA bundle and the mTLS webhook host (issue 15).
                *pix_webhook.objects(t),
                horizontal_pod_autoscaler(t),
                pod_disruption_budget(t),
            ]
        )
        live_app = None if ctx.fresh_namespace else await ctx.kube.get(app_path)
        current = (live_app or {}).get("spec", {}).get("replicas") if live_app else None
        common = {"version": version, "schema_revision": revision, "secret_hash": ctx.secret_hash}
        app_now = await ctx.ensure_object(
            app_deployment(
                t, replicas=app_replicas(t.sizing, suspended=suspended, current=current), **common
            ),
            live_app,
            # The HPA scales the app within the plan's bounds: not drift.
            replica_bounds=None if suspended else (t.sizing.min_replicas, t.sizing.max_replicas),
        )
        worker_now = await ctx.ensure_object(
            worker_deployment(t, replicas=worker_replicas(t.sizing, suspended=suspended), **common)
        )
        if suspended:
            return Condition(
                c.APP_AVAILABLE,
                c.FALSE,
                c.REASON_SUSPENDED,
                "suspended: tenant-app and tenant-worker scaled to zero",
            )

        collection = deployments.collection(t.namespace)

        def rolled_out(dep: dict | None) -> bool:
            return rollout_state(dep)[0]

        # Both were just read or written: the waits start from those versions.
        app_done, app_msg = rollout_state(
            await ctx.wait_for_object(collection, names.APP_DEPLOYMENT, rolled_out, app_now)
        )
        worker_done, worker_msg = rollout_state(
            await ctx.wait_for_object(collection, names.WORKER_DEPLOYMENT, rolled_out, worker_now)
        )
        available = app_done and worker_done
    except KubeApiError as err:
        raise StepFailed("KubernetesApiError", err.message) from err
    detail = f"tenant-app {app_msg} available, tenant-worker {worker_msg} at version {version}"
    if not available:
        raise StepWaiting("RollingOut", detail)
    return Condition(c.APP_AVAILABLE, c.TRUE, "AppAvailable", detail)


async def _check_host(ctx: ReconcileContext) -> None:
    """Raise HostConflict (after removing this tenant's Ingress) when another tenant owns the host."""
    t = ctx.tenant
    in_webhook_domain = hosts.in_webhook_domain(t.host, t.workload.pix_webhook.domain)
    owner = hosts.conflicting_owner(t.name, t.host, await ctx.runtime.hosts.claims(t.name))
    if owner is None and not in_webhook_domain:
        return
    # Whatever host it routes, an Ingress of a conflicting tenant must not
    # stay: it may be the very host the owner serves.
    path = KINDS["Ingress"].path(names.APP_INGRESS, t.namespace)
    ctx.runtime.expectations.forget(("Ingress", t.namespace, names.APP_INGRESS))  # deleted on purpose
    if await ctx.kube.get(path) is not None and await ctx.kube.delete(path):
        ctx.record("Ingress", f"{t.namespace}/{names.APP_INGRESS}", f"deleted (host {t.host} conflict)")
    if owner is None:
        message = hosts.webhook_domain_message(t.host, t.workload.pix_webhook.domain)
        raise StepFailed(hosts.REASON_HOST_CONFLICT, message, permanent=True)
    raise StepFailed(hosts.REASON_HOST_CONFLICT, hosts.conflict_message(t.host, owner), permanent=True)
