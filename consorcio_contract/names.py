"""Labels and object names that more than one component reads or writes.

The operator's own names (object names inside a tenant namespace, Vault and
PostgreSQL identifiers) stay in ``tenant_operator.names``; only a name that a
second component depends on lives here.
"""

from __future__ import annotations

from consorcio_contract.crd_identity import GROUP

# On the ConsorcioTenant (set by the control plane) and on every object the
# operator creates for that tenant.
TENANT_LABEL = f"{GROUP}/tenant"
# Selects the operator process that handles a tenant: the control plane sets
# it on new tenants (canary, tests), the operator filters on it.
INSTANCE_LABEL = f"{GROUP}/operator-instance"
#: W3C ``traceparent`` of the control-plane request that last wrote the resource;
#: the operator links its reconcile pass to that trace.
TRACEPARENT_ANNOTATION = f"{GROUP}/traceparent"

# The operator runs each tenant app under this ServiceAccount in the tenant's
# namespace; the control plane accepts tokens only from that identity.
TENANT_APP_SERVICE_ACCOUNT = "tenant-app"
TENANT_NAMESPACE_PREFIX = "tenant-"
# The projected ServiceAccount token the operator mounts in tenant pods, the
# tenant app sends, and the control plane verifies: its audience, where the
# file is and the variable naming it.
CONTROL_PLANE_TOKEN_AUDIENCE = "consorcio-control-plane"
CONTROL_PLANE_TOKEN_FILE = "/var/run/secrets/consorcio.io/control-plane/token"
CONTROL_PLANE_TOKEN_ENV = "CONTROL_PLANE_TOKEN_FILE"

# The tenant app's PIX webhook (issue 15): the PSP posts to ``<prefix>/<conta>/<segredo>/pix``.
# The operator's mTLS webhook Ingress routes only this prefix, and names the host it serves
# in the app's ``PIX_WEBHOOK_BASE_URL`` (the base the app registers at the PSP).
PIX_WEBHOOK_PATH_PREFIX = "/api/cobranca/pix/webhook"
PIX_WEBHOOK_BASE_URL_ENV = "PIX_WEBHOOK_BASE_URL"


def tenant_namespace(name: str) -> str:
    """``tenant-<name>``: the tenant's namespace."""
    return f"{TENANT_NAMESPACE_PREFIX}{name}"


#: The one Vault ACL policy every tenant's Kubernetes-auth role attaches (installed once by the
#: platform, templated on the login's ServiceAccount namespace: issue 20, item 4).
VAULT_TENANT_POLICY = "consorcio-tenant"
#: Every tenant's secrets live under ``<kv mount>/namespaces/<its namespace>/``: the shared policy
#: reaches a path only through the namespace Vault's Kubernetes auth vouched for at login.
VAULT_NAMESPACES_FOLDER = "namespaces"


def vault_tenant_prefix(name: str) -> str:
    """``namespaces/tenant-<name>``: the tenant's KV v2 folder (under the mount), written by the
    operator (``app``) and by the tenant app itself (``psp/*``, ``webhooks/*``)."""
    return f"{VAULT_NAMESPACES_FOLDER}/{tenant_namespace(name)}"


#: Vault's Transit engine, where each tenant's key for its personal data lives (issue 20, item 8).
VAULT_TRANSIT_MOUNT = "transit"


def transit_key_name(name: str) -> str:
    """``tenant-<name>``: the tenant's Transit key, named like its namespace so the shared policy
    ``consorcio-tenant`` reaches it through the namespace the Kubernetes auth vouched for. The
    operator creates, rotates and (deletionPolicy Delete) destroys it; the tenant app only wraps,
    unwraps and rewraps its data key with it."""
    return tenant_namespace(name)


#: The tenant database's table holding its personal-data key wrapped by the Transit key
#: (columns ``id``, ``chave_cifrada`` — Transit ciphertext ``vault:v<N>:…``). The tenant app
#: writes and reads it; the operator rewraps it when it restores one tenant's backup into another.
DADOS_PESSOAIS_TABELA_CHAVES = "chaves_dados_pessoais"


#: The operator's finalizer on every ConsorcioTenant: it carries out the deletionPolicy.
CLEANUP_FINALIZER = f"{GROUP}/tenant-cleanup"
#: On a ConsorcioTenant the control plane creates only to have it deleted at once
#: (POST /api/tenants/{slug}/purge): its watch does not register it.
PURGE_LABEL = f"{GROUP}/purge"
