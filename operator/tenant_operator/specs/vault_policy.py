"""The tenants' shared Vault policy and each tenant's Kubernetes-auth role (pure)."""

from __future__ import annotations

from typing import Any

from tenant_operator import names

#: Where the tenant app keeps the secrets its administradora configures itself (a PSP's client secret
#: per bank account, tenant_app/cobranca/cofre.py): a subtree it may also write.
SEGREDOS_DO_TENANT = "psp"
#: The webhook endpoints' signing secrets the app generates (tenant_app/notificacoes/webhooks/cofre.py).
SEGREDOS_DOS_WEBHOOKS = "webhooks"
#: The placeholder of the chart's policy file (charts/consorcio-operator/files/vault-tenant-policy.hcl)
#: that the SRE replaces with the Kubernetes auth mount's accessor (docs/deployment.md).
ACCESSOR_PLACEHOLDER = "KUBERNETES_AUTH_ACCESSOR"
#: What a tenant's login may do with its Transit key (``<transit mount>/<path>/<key>``): the tenant
#: app's envelope encryption of personal data (tenant_app/dados_pessoais) and nothing more.
TRANSIT_OPERATIONS = (
    ("datakey/wrapped", "update"),
    ("decrypt", "update"),
    ("rewrap", "update"),
    ("keys", "read"),
)


def namespace_template(kubernetes_auth_accessor: str) -> str:
    """The ACL template Vault fills with the ServiceAccount namespace the Kubernetes auth method
    verified at login (the entity alias's metadata); a login without it gets no such path."""
    return f"{{{{identity.entity.aliases.{kubernetes_auth_accessor}.metadata.service_account_namespace}}}}"


def tenant_policy_hcl(kv_mount: str, namespace: str, transit_mount: str = names.VAULT_TRANSIT_MOUNT) -> str:
    """Read on ``<mount>/data/namespaces/<namespace>/*``; create/update/read on its ``psp/*`` and
    ``webhooks/*`` (the app's own secrets, never the environment the operator writes); nothing else
    (no list, no delete). On the Transit key named like the namespace (issue 20, item 8), what
    envelope encryption of the personal data needs: a new wrapped data key, unwrapping it, rewrapping
    it with the latest key version, and reading the key (its latest version); no encrypt of its own,
    no export, backup, configuration, rotation or deletion, and no other key.
    ``namespace`` is :func:`namespace_template` for the shared policy ``consorcio-tenant``
    (:func:`shared_policy_hcl`); a literal namespace renders what that policy grants one tenant's
    login (tests that hand the app a plain token)."""
    base = f"{kv_mount}/data/{names.VAULT_NAMESPACES_FOLDER}/{namespace}"
    writable = '  capabilities = ["create", "update", "read"]\n}\n'
    kv = f'path "{base}/*" {{\n  capabilities = ["read"]\n}}\n' + "".join(
        f'path "{base}/{subtree}/*" {{\n{writable}' for subtree in (SEGREDOS_DO_TENANT, SEGREDOS_DOS_WEBHOOKS)
    )
    transit = "".join(
        f'path "{transit_mount}/{operation}/{namespace}" {{\n  capabilities = ["{capability}"]\n}}\n'
        for operation, capability in TRANSIT_OPERATIONS
    )
    return kv + transit


def shared_policy_hcl(kv_mount: str, kubernetes_auth_accessor: str) -> str:
    """The policy ``consorcio-tenant``, installed once by the platform (devstack, docs/deployment.md):
    every tenant role attaches it, and it reaches only the logged-in namespace's folder and the
    Transit key named like that namespace (``consorcio_contract.names.transit_key_name``)."""
    return tenant_policy_hcl(kv_mount, namespace_template(kubernetes_auth_accessor))


def kubernetes_role(name: str, audience: str = "vault") -> dict[str, Any]:
    """Parameters of the Kubernetes-auth role ``tenant-<name>`` (hvac's create_role keywords,
    which are also the keys read_role answers with). Only tokens minted for ``audience`` log in:
    the pods' projected Vault token, useless against the API server."""
    return {
        "bound_service_account_names": [names.SERVICE_ACCOUNT],
        "bound_service_account_namespaces": [names.namespace(name)],
        "audience": audience,
        "policies": [names.VAULT_POLICY],
        "ttl": 3600,
        "max_ttl": 14400,
    }
