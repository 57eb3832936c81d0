"""Step 1 (NamespaceReady): namespace, ResourceQuota, LimitRange, NetworkPolicies."""

from __future__ import annotations

from tenant_operator import conditions as c
from tenant_operator import orphans
from tenant_operator.conditions import Condition
from tenant_operator.kube.client import KubeApiError
from tenant_operator.kube.resources import KINDS
from tenant_operator.specs.namespace import limit_range, namespace, resource_quota
from tenant_operator.specs.network_policies import egress_targets, network_policies
from tenant_operator.steps.context import ReconcileContext, StepFailed, StepWaiting


async def ensure_namespace(ctx: ReconcileContext) -> Condition:
    """The tenant namespace with its plan-sized limits and isolating network policies."""
    t = ctx.tenant
    try:
        live = await ctx.kube.get(KINDS["Namespace"].path(t.namespace))
        if live is not None and live["metadata"].get("deletionTimestamp"):
            raise StepWaiting(
                "NamespaceTerminating",
                f"namespace {t.namespace} is still being deleted; it is recreated once it is gone",
                delay=5.0,
            )
        await ctx.ensure_object(namespace(t), live)
        ctx.fresh_namespace = live is None
        if orphans.is_marked(live):
            # A namespace retained from an earlier ConsorcioTenant of the same
            # name: adopt it (its data and credentials are kept).
            await ctx.kube.merge_patch(KINDS["Namespace"].path(t.namespace), orphans.unmark_patch())
            ctx.record("Namespace", t.namespace, "adopted orphaned namespace")
        # Independent objects: compared and applied concurrently.
        await ctx.ensure_objects(
            [resource_quota(t), limit_range(t), *network_policies(t, egress_targets(ctx.runtime.config))]
        )
    except KubeApiError as err:
        raise StepFailed(
            _reason(err), err.message, permanent=not err.retryable and err.status != 403
        ) from err
    return Condition(
        c.NAMESPACE_READY,
        c.TRUE,
        "NamespaceReady",
        f"namespace {t.namespace} with {t.spec.plan.value} quota, limits and network policies",
    )


def _reason(err: KubeApiError) -> str:
    if err.status == 403:
        return "Forbidden"
    if err.status == 409:
        return "Conflict"
    if err.status == 0:
        return "KubernetesUnreachable"
    return "KubernetesApiError"
