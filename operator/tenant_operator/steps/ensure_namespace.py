"""Step 1 (NamespaceReady): namespace, operator RoleBinding, ResourceQuota, LimitRange, NetworkPolicies."""

from __future__ import annotations

import asyncio
import time

from tenant_operator import adoption, change_report, orphans
from tenant_operator import conditions as c
from tenant_operator.conditions import Condition
from tenant_operator.kube.client import KubeApiError
from tenant_operator.kube.resources import KINDS
from tenant_operator.specs.namespace import limit_range, namespace, resource_quota
from tenant_operator.specs.network_policies import egress_targets, network_policies
from tenant_operator.specs.rbac import operator_role_binding
from tenant_operator.steps.context import ReconcileContext, StepFailed, StepWaiting

REASON_FOREIGN_PRUNED = "ForeignObjectsPruned"
#: How long the condition keeps reporting a pruning: the next pass (a resync every few
#: seconds) finds nothing foreign, and an SRE running ``kubectl get`` a minute later must still
#: see what was removed (the DriftRepaired Event says it too, but Events expire and are noisy).
PRUNED_REPORT_SECONDS = 600.0
#: How long a new RoleBinding may take to reach the API server's authorizer cache.
RBAC_PROPAGATION_SECONDS = 10.0


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
        conflict = adoption.namespace_conflict(live, t.name, t.spec.normalized_cnpj)
        if conflict is not None:
            # Nothing is written: not the namespace, not the tenant's secrets.
            raise StepFailed(adoption.REASON_NAMESPACE_CONFLICT, conflict, permanent=True)
        await ctx.ensure_object(namespace(t), live)
        ctx.fresh_namespace = live is None
        await _ensure_operator_binding(ctx)
        if orphans.is_marked(live):
            # A namespace retained from an earlier ConsorcioTenant of the same
            # name and CNPJ: adopt it (its data and credentials are kept).
            await ctx.kube.merge_patch(KINDS["Namespace"].path(t.namespace), orphans.unmark_patch())
            ctx.record("Namespace", t.namespace, "adopted orphaned namespace")
        policies = network_policies(t, egress_targets(ctx.runtime.config))
        pruned = [] if ctx.fresh_namespace else await _prune_foreign(ctx, policies)
        # Independent objects: compared and applied concurrently.
        await ctx.ensure_objects([resource_quota(t), limit_range(t), *policies])
    except KubeApiError as err:
        raise StepFailed(
            _reason(err), err.message, permanent=not err.retryable and err.status != 403
        ) from err
    reports = ctx.runtime.pruned_reports
    now = time.monotonic()
    if pruned:
        message = f"namespace {t.namespace} ready; foreign objects found and deleted: {', '.join(pruned)}"
        reports[t.name] = (now, message)
    held = reports.get(t.name)
    if held is not None and now - held[0] < PRUNED_REPORT_SECONDS:
        return Condition(c.NAMESPACE_READY, c.TRUE, REASON_FOREIGN_PRUNED, held[1])
    reports.pop(t.name, None)
    return Condition(
        c.NAMESPACE_READY,
        c.TRUE,
        "NamespaceReady",
        f"namespace {t.namespace} with {t.spec.plan.value} quota, limits and network policies",
    )


async def _ensure_operator_binding(ctx: ReconcileContext) -> None:
    """Bind the tenant role to the operator in the namespace: its only namespaced rights."""
    rbac = ctx.runtime.config.rbac
    if not rbac.enabled:
        return  # cluster-admin credentials (make up): nothing to bind
    binding = operator_role_binding(ctx.tenant.name, rbac)
    live = None
    if not ctx.fresh_namespace:
        live = await ctx.kube.get(
            KINDS["RoleBinding"].path(binding["metadata"]["name"], ctx.tenant.namespace)
        )
    granted = live is not None and all(live.get(k) == binding[k] for k in ("roleRef", "subjects"))
    await ctx.ensure_object(binding, live)
    if not granted:
        await _wait_until_authorized(ctx)


async def _wait_until_authorized(ctx: ReconcileContext) -> None:
    """Until the API server's authorizer knows the new binding (a SelfSubjectAccessReview says yes)."""
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {
            "resourceAttributes": {
                "namespace": ctx.tenant.namespace,
                "verb": "create",
                "group": "apps",
                "resource": "deployments",
            }
        },
    }
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RBAC_PROPAGATION_SECONDS
    while True:
        answer = await ctx.kube.request(
            "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body=review
        )
        if (answer.get("status") or {}).get("allowed"):
            return
        if loop.time() > deadline:
            raise StepWaiting(
                "Forbidden",
                f"the operator's RoleBinding in {ctx.tenant.namespace} is not effective yet",
                delay=5.0,
            )
        await asyncio.sleep(0.2)


async def _prune_foreign(ctx: ReconcileContext, policies: list[dict]) -> list[str]:
    """Delete RoleBindings and NetworkPolicies in the tenant namespace that the operator did not generate.

    A foreign RoleBinding can hand the tenant's Secrets to someone else; a
    foreign NetworkPolicy can open the namespace (policies only add up).
    """
    t = ctx.tenant
    expected = {
        "RoleBinding": (
            {operator_role_binding(t.name, ctx.runtime.config.rbac)["metadata"]["name"]}
            if ctx.runtime.config.rbac.enabled
            else set()
        ),
        "NetworkPolicy": {p["metadata"]["name"] for p in policies},
    }
    pruned: list[str] = []
    for kind_name, names_expected in expected.items():
        kind = KINDS[kind_name]
        listed = await ctx.kube.request("GET", kind.collection(t.namespace))
        for name in adoption.foreign_objects(listed.get("items") or [], names_expected):
            if await ctx.kube.delete(kind.path(name, t.namespace)):
                pruned.append(f"{kind_name} {name}")
                ctx.record(
                    kind_name,
                    f"{t.namespace}/{name}",
                    "foreign, deleted",
                    created=False,
                    reason=change_report.DRIFT_REPAIRED,
                )
    return pruned


def _reason(err: KubeApiError) -> str:
    if err.status == 403:
        return "Forbidden"
    if err.status == 409:
        return "Conflict"
    if err.status == 0:
        return "KubernetesUnreachable"
    return "KubernetesApiError"
