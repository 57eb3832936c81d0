"""The RoleBinding that gives the operator its rights inside one tenant namespace (pure).

The operator's namespaced rights (apply Deployments, read Secrets...) are a
ClusterRole bound cluster-wide to nobody; this binding, written right after
the namespace, grants them in the tenant namespace only. The API server's
admission policy lets the operator write no other binding
(charts/consorcio-operator/files/operator-confinement.yaml).
"""

from __future__ import annotations

from typing import Any

from tenant_operator import names
from tenant_operator.config import RbacConfig

#: Name of the operator's RoleBinding in every tenant namespace.
OPERATOR_ROLE_BINDING = "consorcio-operator"


def operator_role_binding(tenant: str, rbac: RbacConfig) -> dict[str, Any]:
    """``RoleBinding consorcio-operator`` in ``tenant-<tenant>``: the tenant role, to the operator."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {
            "name": OPERATOR_ROLE_BINDING,
            "namespace": names.namespace(tenant),
            "labels": names.tenant_labels(tenant),
        },
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": rbac.tenant_role},
        "subjects": [
            {
                "kind": "ServiceAccount",
                "name": rbac.service_account_name,
                "namespace": rbac.service_account_namespace,
            }
        ],
    }
