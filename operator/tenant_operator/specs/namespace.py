"""The tenant namespace, its ResourceQuota and LimitRange (sized by the plan)."""

from __future__ import annotations

from typing import Any

from tenant_operator import names
from tenant_operator.specs.pod import (
    EPHEMERAL_STORAGE_LIMIT,
    EPHEMERAL_STORAGE_LIMIT_MI,
    EPHEMERAL_STORAGE_REQUEST,
)
from tenant_operator.specs.tenant import TenantView


def namespace(t: TenantView) -> dict[str, Any]:
    """Namespace ``tenant-<name>`` labelled with tenant and plan.

    Deliberately without an ownerReference to the ConsorcioTenant: the
    garbage collector would then delete the namespace (and every tenant
    object in it) whenever the CR disappears, including when the CRD is
    deleted. Only the operator's finalizer, honouring deletionPolicy,
    may delete it.
    """
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": t.namespace,
            "labels": {
                **t.labels,
                names.PLAN_LABEL: t.spec.plan.value,
                # Pod Security Admission: the tenant app runs fine as restricted.
                "pod-security.kubernetes.io/enforce": "restricted",
            },
            # Whose data a retained namespace holds (adoption.namespace_conflict).
            "annotations": {names.CNPJ_ANNOTATION: t.spec.normalized_cnpj},
        },
    }


def resource_quota(t: TenantView) -> dict[str, Any]:
    """Caps the whole namespace at the plan's CPU, memory, ephemeral storage and pod count."""
    s = t.sizing
    return {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": t.metadata(names.RESOURCE_QUOTA, **{names.PLAN_LABEL: t.spec.plan.value}),
        "spec": {
            "hard": {
                # No limits.cpu: CPU limits only throttle, and counting them would
                # block rolling updates of a tenant scaled to its plan maximum.
                "requests.cpu": s.quota_cpu,
                "limits.memory": s.quota_memory,
                "requests.memory": s.quota_memory,
                "pods": str(s.quota_pods),
                # Node disk: every pod of the plan at its containers' limit, so one
                # tenant filling /tmp or its logs cannot evict another tenant's pods.
                "requests.ephemeral-storage": _mi(s.quota_pods * EPHEMERAL_STORAGE_LIMIT_MI),
                "limits.ephemeral-storage": _mi(s.quota_pods * EPHEMERAL_STORAGE_LIMIT_MI),
            }
        },
    }


def limit_range(t: TenantView) -> dict[str, Any]:
    """Per-container defaults, so a container without resources still fits the quota."""
    s = t.sizing
    return {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": t.metadata(names.LIMIT_RANGE, **{names.PLAN_LABEL: t.spec.plan.value}),
        "spec": {
            "limits": [
                {
                    "type": "Container",
                    "default": {
                        "cpu": s.container_cpu_limit,
                        "memory": s.container_memory_limit,
                        "ephemeral-storage": EPHEMERAL_STORAGE_LIMIT,
                    },
                    "defaultRequest": {
                        "cpu": s.container_cpu_request,
                        "memory": s.container_memory_request,
                        "ephemeral-storage": EPHEMERAL_STORAGE_REQUEST,
                    },
                    "max": {
                        "cpu": s.container_cpu_limit,
                        "memory": s.container_memory_limit,
                        "ephemeral-storage": EPHEMERAL_STORAGE_LIMIT,
                    },
                }
            ]
        },
    }


def _mi(mebibytes: int) -> str:
    """A quantity in Gi when whole (as the API server prints it back), else Mi."""
    return f"{mebibytes // 1024}Gi" if mebibytes % 1024 == 0 else f"{mebibytes}Mi"
