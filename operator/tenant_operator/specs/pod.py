"""The pod template shared by the app, the worker and the migration Job."""

from __future__ import annotations

import base64
from typing import Any

from consorcio_contract import names as contract_names
from tenant_operator import names
from tenant_operator.specs.tenant import TenantView

APP_NAME_LABEL = "app.kubernetes.io/name"
COMPONENT_LABEL = "app.kubernetes.io/component"

# The tenant app authenticates to the control plane with a projected
# ServiceAccount token minted for the control plane's audience only: the API
# server refuses it, and the control plane refuses the API server's tokens, so
# a token stolen from either side is useless on the other. The kubelet
# renews the file before it expires (the platform client re-reads it).
CONTROL_PLANE_AUDIENCE = contract_names.CONTROL_PLANE_TOKEN_AUDIENCE
CONTROL_PLANE_TOKEN_VOLUME = "control-plane-token"
CONTROL_PLANE_TOKEN_FILE = contract_names.CONTROL_PLANE_TOKEN_FILE
# The projected volume is mounted on the directory and names the file inside it.
CONTROL_PLANE_TOKEN_DIR, CONTROL_PLANE_TOKEN_PATH = CONTROL_PLANE_TOKEN_FILE.rsplit("/", 1)
CONTROL_PLANE_TOKEN_SECONDS = 3600
CONTROL_PLANE_TOKEN_ENV = contract_names.CONTROL_PLANE_TOKEN_ENV


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
            "requests": {
                "cpu": s.container_cpu_request,
                "memory": s.container_memory_request,
                "ephemeral-storage": EPHEMERAL_STORAGE_REQUEST,
            },
            "limits": {
                "cpu": s.container_cpu_limit,
                "memory": s.container_memory_limit,
                "ephemeral-storage": EPHEMERAL_STORAGE_LIMIT,
            },
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


def control_plane_token_volume() -> dict[str, Any]:
    """Projected volume holding a ServiceAccount token for the control plane's audience only."""
    return {
        "name": CONTROL_PLANE_TOKEN_VOLUME,
        "projected": {
            "sources": [
                {
                    "serviceAccountToken": {
                        "audience": CONTROL_PLANE_AUDIENCE,
                        "expirationSeconds": CONTROL_PLANE_TOKEN_SECONDS,
                        "path": CONTROL_PLANE_TOKEN_PATH,
                    }
                }
            ]
        },
    }


def _with_control_plane_token(c: dict[str, Any]) -> dict[str, Any]:
    # A plain env entry rather than a key of the tenant Secret: the path is not
    # a secret, belongs with the mount it names, and wins over envFrom.
    env = [*c.get("env", []), {"name": CONTROL_PLANE_TOKEN_ENV, "value": CONTROL_PLANE_TOKEN_FILE}]
    mount = {"name": CONTROL_PLANE_TOKEN_VOLUME, "mountPath": CONTROL_PLANE_TOKEN_DIR, "readOnly": True}
    return {**c, "env": env, "volumeMounts": [*c.get("volumeMounts", []), mount]}


VAULT_TOKEN_VOLUME = "vault-token"
VAULT_TOKEN_DIR = "/var/run/secrets/vault"
VAULT_TOKEN_FILE = f"{VAULT_TOKEN_DIR}/token"
#: Vault's CA, when the operator has one: projected beside the token from Secret
#: ``tenant-vault-ca`` (written by the SecretsReady step) and named by ``VAULT_CACERT``.
VAULT_CA_KEY = "ca.crt"
VAULT_CA_FILE = f"{VAULT_TOKEN_DIR}/{VAULT_CA_KEY}"
#: /tmp is the only writable path of the read-only root filesystem: bounded so a pod
#: filling it is evicted instead of filling the node's disk (issue 20, smaller points).
TMP_SIZE_LIMIT = "256Mi"
#: Per container: the /tmp volume plus logs; the LimitRange and the quota count it too.
EPHEMERAL_STORAGE_REQUEST_MI = 64
EPHEMERAL_STORAGE_LIMIT_MI = 512
EPHEMERAL_STORAGE_REQUEST = f"{EPHEMERAL_STORAGE_REQUEST_MI}Mi"
EPHEMERAL_STORAGE_LIMIT = f"{EPHEMERAL_STORAGE_LIMIT_MI}Mi"


def _with_vault_access(t: TenantView, c: dict[str, Any]) -> dict[str, Any]:
    """Vault for the app's own secrets: where, as which role, and the token file (none are secrets)."""
    env = [
        *c.get("env", []),
        {"name": "VAULT_ADDR", "value": t.workload.vault_addr},
        {"name": "VAULT_ROLE", "value": names.vault_role(t.name)},
        {"name": "VAULT_TOKEN_FILE", "value": VAULT_TOKEN_FILE},
        {"name": "VAULT_KV_MOUNT", "value": t.workload.vault_kv_mount},
    ]
    if t.workload.vault_ca_pem:
        env.append({"name": "VAULT_CACERT", "value": VAULT_CA_FILE})
    mount = {"name": VAULT_TOKEN_VOLUME, "mountPath": VAULT_TOKEN_DIR, "readOnly": True}
    return {**c, "env": env, "volumeMounts": [*c.get("volumeMounts", []), mount]}


def vault_token_volume(t: TenantView) -> dict[str, Any]:
    """Projected ServiceAccount token for Vault's audience only (the tenant's Kubernetes-auth role).

    With a Vault CA configured, the CA from Secret ``tenant-vault-ca`` is projected beside it.
    """
    sources: list[dict[str, Any]] = [
        {
            "serviceAccountToken": {
                "audience": t.workload.vault_audience,
                "expirationSeconds": CONTROL_PLANE_TOKEN_SECONDS,
                "path": "token",
            }
        }
    ]
    if t.workload.vault_ca_pem:
        sources.append(
            {
                "secret": {
                    "name": names.VAULT_CA_SECRET,
                    "items": [{"key": VAULT_CA_KEY, "path": VAULT_CA_KEY}],
                }
            }
        )
    return {"name": VAULT_TOKEN_VOLUME, "projected": {"sources": sources}}


def vault_ca_secret(t: TenantView) -> dict[str, Any] | None:
    """Secret ``tenant-vault-ca`` with the CA of Vault's certificate; None when none is configured.

    A Secret rather than a ConfigMap although a CA is public: the operator's rights in a
    tenant namespace already cover Secrets, and one more kind would widen them.
    """
    if not t.workload.vault_ca_pem:
        return None
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": t.metadata(names.VAULT_CA_SECRET),
        "type": "Opaque",
        "data": {VAULT_CA_KEY: base64.b64encode(t.workload.vault_ca_pem.encode()).decode()},
    }


def pod_template(
    t: TenantView,
    *,
    component: str,
    containers: list[dict[str, Any]],
    annotations: dict[str, str],
    restart_policy: str = "Always",
    control_plane_token: bool = False,
    vault_token: bool = False,
    termination_grace_seconds: int | None = None,
) -> dict[str, Any]:
    """Pod template meeting the 'restricted' Pod Security Standard.

    No pod gets the default API-server token: nothing in the tenant app calls
    the Kubernetes API (or logs in to Vault) with it. ``control_plane_token``
    mounts the control-plane token instead, in every container, and points
    ``CONTROL_PLANE_TOKEN_FILE`` at it; ``vault_token`` (when the operator has
    a Vault for tenants) mounts a token for Vault's audience at
    ``/var/run/secrets/vault/token`` with ``VAULT_ADDR``, ``VAULT_ROLE``,
    ``VAULT_TOKEN_FILE`` and ``VAULT_KV_MOUNT`` (and ``VAULT_CACERT``, the CA projected
    beside the token, when the operator has a Vault CA). ``termination_grace_seconds``
    replaces Kubernetes' 30 s between SIGTERM and SIGKILL.
    """
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {"sizeLimit": TMP_SIZE_LIMIT}}]
    if control_plane_token:
        containers = [_with_control_plane_token(c) for c in containers]
        volumes.append(control_plane_token_volume())
    if vault_token and t.workload.vault_addr:
        containers = [_with_vault_access(t, c) for c in containers]
        volumes.append(vault_token_volume(t))
    return {
        "metadata": {
            "labels": {**t.labels, **selector_labels(component)},
            "annotations": annotations,
        },
        "spec": {
            "serviceAccountName": names.SERVICE_ACCOUNT,
            "automountServiceAccountToken": False,
            "restartPolicy": restart_policy,
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": 10001,
                "runAsGroup": 10001,
                "fsGroup": 10001,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": containers,
            "volumes": volumes,
            **(
                {"terminationGracePeriodSeconds": termination_grace_seconds}
                if termination_grace_seconds is not None
                else {}
            ),
        },
    }
