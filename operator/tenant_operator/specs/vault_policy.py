"""The tenant's Vault policy and Kubernetes-auth role (pure)."""

from __future__ import annotations

from typing import Any

from tenant_operator import names

#: Where the tenant app keeps the secrets its administradora configures itself (a PSP's client secret
#: per bank account, tenant_app/cobranca/cofre.py): a subtree it may also write.
SEGREDOS_DO_TENANT = "psp"
#: The webhook endpoints' signing secrets the app generates (tenant_app/notificacoes/webhooks/cofre.py).
SEGREDOS_DOS_WEBHOOKS = "webhooks"


def policy_hcl(name: str, kv_mount: str) -> str:
    """Read on ``<mount>/data/tenants/<name>/*``; create/update/read on its ``psp/*`` and ``webhooks/*``
    (the app's own secrets, never the environment the operator writes); nothing else (no list, no delete)."""
    writable = '  capabilities = ["create", "update", "read"]\n}\n'
    return f'path "{kv_mount}/data/tenants/{name}/*" {{\n  capabilities = ["read"]\n}}\n' + "".join(
        f'path "{kv_mount}/data/tenants/{name}/{subtree}/*" {{\n{writable}'
        for subtree in (SEGREDOS_DO_TENANT, SEGREDOS_DOS_WEBHOOKS)
    )


def kubernetes_role(name: str, audience: str = "vault") -> dict[str, Any]:
    """Parameters of the Kubernetes-auth role ``tenant-<name>`` (hvac's create_role keywords,
    which are also the keys read_role answers with). Only tokens minted for ``audience`` log in:
    the pods' projected Vault token, useless against the API server."""
    return {
        "bound_service_account_names": [names.SERVICE_ACCOUNT],
        "bound_service_account_namespaces": [names.namespace(name)],
        "audience": audience,
        "policies": [names.vault_policy(name)],
        "ttl": 3600,
        "max_ttl": 14400,
    }
