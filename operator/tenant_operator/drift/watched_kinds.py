"""The kinds of owned objects the operator watches for drift (by its managed-by label).

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
        "Secret",
        "Service",
        "Ingress",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Deployment",
    )
)

WATCHED_KIND_NAMES = frozenset(kind.kind for kind in WATCHED_KINDS)


def group_version(kind: Kind) -> tuple[str, str]:
    """("", "v1") for the core API, else ("apps", "v1") and the like."""
    group, _, version = kind.api_version.rpartition("/")
    return group, version
