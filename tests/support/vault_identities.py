"""Vault identities the policy tests act as, against devstack's real Vault and API server: the
operator's token holding only the chart's policy, and a tenant's real Kubernetes login."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hvac
from kubernetes import client as k8s
from tenant_operator import names

OPERATOR_POLICY_FILE = (
    Path(__file__).resolve().parents[2]
    / "charts"
    / "consorcio-operator"
    / "files"
    / "vault-operator-policy.hcl"
)


@contextmanager
def operator_policy_token(addr: str, root_token: str) -> Iterator[str]:
    """A token holding only the operator's policy (the chart's file, as docs/deployment.md installs it)."""
    root = hvac.Client(url=addr, token=root_token)
    policy = f"consorcio-operator-test-{uuid.uuid4().hex[:6]}"
    root.sys.create_or_update_policy(name=policy, policy=OPERATOR_POLICY_FILE.read_text())
    try:
        yield root.auth.token.create(policies=[policy], ttl="1h")["auth"]["client_token"]
    finally:
        root.sys.delete_policy(policy)


def tenant_login(addr: str, api_client: Any, name: str, namespace: str | None = None) -> hvac.Client:
    """Log in with role tenant-<name> as the tenant-app ServiceAccount of ``namespace`` (the
    tenant's own by default), with a TokenRequest token for Vault's audience."""
    token = (
        k8s.CoreV1Api(api_client)
        .create_namespaced_service_account_token(
            names.SERVICE_ACCOUNT,
            namespace or names.namespace(name),
            {"spec": {"expirationSeconds": 600, "audiences": ["vault"]}},
        )
        .status.token
    )
    vc = hvac.Client(url=addr)
    vc.auth.kubernetes.login(role=names.vault_role(name), jwt=token, mount_point="kubernetes")
    return vc
