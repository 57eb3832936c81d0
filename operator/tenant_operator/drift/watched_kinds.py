"""The kinds of owned objects the operator watches for drift (by its managed-by label).

WATCHED_KINDS are watched cluster-wide (read-only, label-filtered);
NAMESPACE_WATCHED_KINDS only inside each tenant namespace.

Every kind a pass applies inside or as the tenant namespace, except the
migration Jobs: those are history once they completed, and a deleted one
is simply recreated by the next pass that needs it.
"""

from __future__ import annotations

from tenant_operator.kube.resources import KINDS, Kind

WATCHED_KINDS: tuple[Kind, ...] = tuple(
    KINDS[kind]
    for kind in (
        "Namespace",
        "ResourceQuota",
        "LimitRange",
        "NetworkPolicy",
        "ServiceAccount",
        "Service",
        "Ingress",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Deployment",
    )
)

#: Watched inside each tenant namespace, not cluster-wide (handlers/watch_tenant_secrets.py):
#: a cluster-wide list of Secrets would read every Secret in the cluster.
NAMESPACE_WATCHED_KINDS: tuple[Kind, ...] = (KINDS["Secret"],)

WATCHED_KIND_NAMES = frozenset(kind.kind for kind in (*WATCHED_KINDS, *NAMESPACE_WATCHED_KINDS))


def group_version(kind: Kind) -> tuple[str, str]:
    """("", "v1") for the core API, else ("apps", "v1") and the like."""
    group, _, version = kind.api_version.rpartition("/")
    return group, version
