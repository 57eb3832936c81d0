"""REST paths of the kinds the operator manages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from consorcio_contract import crd_identity


@dataclass(frozen=True)
class Kind:
    api_version: str
    kind: str
    plural: str
    namespaced: bool

    def collection(self, namespace: str | None = None) -> str:
        base = "/api/v1" if self.api_version == "v1" else f"/apis/{self.api_version}"
        if self.namespaced:
            if not namespace:
                raise ValueError(f"{self.kind} is namespaced: a namespace is required")
            return f"{base}/namespaces/{namespace}/{self.plural}"
        return f"{base}/{self.plural}"

    def path(self, name: str, namespace: str | None = None) -> str:
        return f"{self.collection(namespace)}/{name}"


KINDS: dict[str, Kind] = {
    k.kind: k
    for k in (
        Kind("v1", "Namespace", "namespaces", False),
        Kind("v1", "ResourceQuota", "resourcequotas", True),
        Kind("v1", "LimitRange", "limitranges", True),
        Kind("v1", "ServiceAccount", "serviceaccounts", True),
        Kind("v1", "Secret", "secrets", True),
        Kind("v1", "Service", "services", True),
        Kind("apps/v1", "Deployment", "deployments", True),
        Kind("batch/v1", "Job", "jobs", True),
        Kind("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", True),
        Kind("networking.k8s.io/v1", "Ingress", "ingresses", True),
        Kind("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True),
        Kind("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", True),
        Kind("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", True),
        Kind("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", False),
        Kind(crd_identity.API_VERSION, crd_identity.KIND, crd_identity.PLURAL, False),
    )
}


def kind_of(obj: Mapping[str, Any]) -> Kind:
    return KINDS[obj["kind"]]


def object_path(obj: Mapping[str, Any]) -> str:
    """REST path of an object body (by kind, namespace and name)."""
    meta = obj["metadata"]
    return kind_of(obj).path(meta["name"], meta.get("namespace"))


def describe(obj: Mapping[str, Any]) -> str:
    """``Kind namespace/name`` for messages and Events."""
    meta = obj["metadata"]
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{obj['kind']} {where}{meta['name']}"
