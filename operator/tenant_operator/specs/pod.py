"""The pod template shared by the app, the worker and the migration Job."""

from __future__ import annotations

from typing import Any

from tenant_operator import names
from tenant_operator.specs.tenant import TenantView

APP_NAME_LABEL = "app.kubernetes.io/name"
COMPONENT_LABEL = "app.kubernetes.io/component"


def selector_labels(component: str) -> dict[str, str]:
    """Labels selecting one component's pods (immutable in a Deployment)."""
    return {APP_NAME_LABEL: "tenant-app", COMPONENT_LABEL: component}


def container(t: TenantView, *, name: str, version: str, command: list[str]) -> dict[str, Any]:
    """A tenant app container: plan-sized, environment from the tenant Secret, locked down."""
    s = t.sizing
    return {
        "name": name,
        "image": t.image(version),
        "imagePullPolicy": "IfNotPresent",
        "command": command,
        "envFrom": [{"secretRef": {"name": names.APP_SECRET}}],
        "resources": {
            "requests": {"cpu": s.container_cpu_request, "memory": s.container_memory_request},
            "limits": {"cpu": s.container_cpu_limit, "memory": s.container_memory_limit},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


def pod_template(
    t: TenantView,
    *,
    component: str,
    containers: list[dict[str, Any]],
    annotations: dict[str, str],
    restart_policy: str = "Always",
) -> dict[str, Any]:
    """Pod template meeting the 'restricted' Pod Security Standard."""
    return {
        "metadata": {
            "labels": {**t.labels, **selector_labels(component)},
            "annotations": annotations,
        },
        "spec": {
            "serviceAccountName": names.SERVICE_ACCOUNT,
            "restartPolicy": restart_policy,
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": 10001,
                "runAsGroup": 10001,
                "fsGroup": 10001,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": containers,
            "volumes": [{"name": "tmp", "emptyDir": {}}],
        },
    }
