"""Every name the operator derives from a tenant slug, in one place.

The slug is validated (DNS-1123 label, at most 40 characters) before any
of these are used, so each derived name is valid for its system.
"""

from __future__ import annotations

from consorcio_contract.crd_identity import GROUP
from consorcio_contract.names import (
    CLEANUP_FINALIZER,
    TENANT_APP_SERVICE_ACCOUNT,
    VAULT_TENANT_POLICY,
    tenant_namespace,
)
from consorcio_contract.names import INSTANCE_LABEL as INSTANCE_LABEL  # re-exported: shared label
from consorcio_contract.names import TENANT_LABEL as TENANT_LABEL  # re-exported: shared label
from consorcio_contract.names import VAULT_NAMESPACES_FOLDER as VAULT_NAMESPACES_FOLDER  # re-exported
from consorcio_contract.names import VAULT_TRANSIT_MOUNT as VAULT_TRANSIT_MOUNT  # re-exported
from consorcio_contract.names import transit_key_name as transit_key_name  # re-exported
from consorcio_contract.names import vault_tenant_prefix as _vault_tenant_prefix

FIELD_MANAGER = "consorcio-operator"
MANAGED_BY = "consorcio-operator"

# Labels and annotations (on the tenant's objects and on the CR); TENANT_LABEL
# and INSTANCE_LABEL come from the contract (the control plane sets them too).
PLAN_LABEL = f"{GROUP}/plan"
ORPHANED_LABEL = f"{GROUP}/orphaned"
ORPHANED_AT_ANNOTATION = f"{GROUP}/orphaned-at"
ORPHANED_REASON_ANNOTATION = f"{GROUP}/orphaned-reason"
APP_VERSION_ANNOTATION = f"{GROUP}/app-version"
SCHEMA_REVISION_ANNOTATION = f"{GROUP}/schema-revision"
SECRET_HASH_ANNOTATION = f"{GROUP}/secret-hash"
# The tenant's normalized CNPJ on its namespace: retained data is re-adopted
# only by a tenant with the same CNPJ (adoption.py).
CNPJ_ANNOTATION = f"{GROUP}/cnpj"
# Set (to any new value) on the ConsorcioTenant to rotate the database, Redis
# and JWT credentials; status.credentialsRotation records the value acted on.
ROTATE_ANNOTATION = f"{GROUP}/rotate-credentials"
FINALIZER = CLEANUP_FINALIZER  # the control plane's purge sets it too

# Fixed object names inside the tenant namespace (the tenant app's contract).
APP_SECRET = "tenant-app-env"
VAULT_CA_SECRET = "tenant-vault-ca"  # the CA of Vault's certificate, when Vault has a private CA
SERVICE_ACCOUNT = TENANT_APP_SERVICE_ACCOUNT  # the control plane trusts only this identity
APP_DEPLOYMENT = "tenant-app"
WORKER_DEPLOYMENT = "tenant-worker"
APP_SERVICE = "tenant-app"
APP_INGRESS = "tenant-app"
APP_HPA = "tenant-app"
APP_PDB = "tenant-app"
RESOURCE_QUOTA = "tenant-quota"
LIMIT_RANGE = "tenant-limits"
TLS_SECRET = "tenant-app-tls"
# The PIX webhook host with mutual TLS (config.PixWebhookConfig): its Ingress, its certificate
# and the PSPs' CA bundle ingress-nginx verifies client certificates against.
PIX_WEBHOOK_INGRESS = "tenant-app-pix-webhook"
PIX_WEBHOOK_TLS_SECRET = "tenant-pix-webhook-tls"
PIX_WEBHOOK_CA_SECRET = "tenant-pix-webhook-ca"
MIGRATION_JOB_PREFIX = "tenant-migrate-"


def namespace(name: str) -> str:
    """``tenant-<name>``: the tenant's namespace (the contract's rule)."""
    return tenant_namespace(name)


def pg_identifier(name: str) -> str:
    """``tenant_<name>`` with '-' as '_': the PostgreSQL role and database name.

    Slugs never contain '_', so the mapping cannot make two tenants collide.
    """
    return "tenant_" + name.replace("-", "_")


def redis_user(name: str) -> str:
    """The tenant's Redis ACL user."""
    return f"tenant-{name}"


def redis_key_prefix(name: str) -> str:
    """Every Redis key and channel of the tenant starts with this."""
    return f"tenant:{name}:"


def vault_secret_path(name: str) -> str:
    """KV v2 path (under the mount) holding the app's environment."""
    return f"{vault_tenant_prefix(name)}/app"


def vault_tenant_prefix(name: str) -> str:
    """``namespaces/tenant-<name>`` (the contract's rule): everything of one tenant under the KV
    mount, its app environment and what the tenant app writes itself (PSP credentials ``psp/*``,
    webhook signing secrets ``webhooks/*``). Keyed on the namespace, the only name the shared
    policy ``consorcio-tenant`` can template on."""
    return _vault_tenant_prefix(name)


#: The one policy every tenant role attaches (installed by the platform, never by the operator).
VAULT_POLICY = VAULT_TENANT_POLICY


def legacy_vault_tenant_prefix(name: str) -> str:
    """Where a tenant's secrets lived before the shared policy (``tenants/<name>``): the operator
    moves them to :func:`vault_tenant_prefix` once and deletes them here."""
    return f"tenants/{name}"


def legacy_vault_policy(name: str) -> str:
    """The per-tenant policy the operator used to write (deleted once, with the move)."""
    return f"tenant-{name}"


def vault_role(name: str) -> str:
    """Kubernetes-auth role bound to the tenant's ServiceAccount."""
    return f"tenant-{name}"


def tenant_labels(name: str) -> dict[str, str]:
    """Labels on every object the operator creates for a tenant."""
    return {
        TENANT_LABEL: name,
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/part-of": "consorcio",
    }


def tenant_host(name: str, spec_host: str | None, base_domain: str) -> str:
    """The tenant's public host: ``spec.host``, else ``<name>.<base domain>``."""
    return spec_host or f"{name}.{base_domain}"


def pix_webhook_host(name: str, domain: str) -> str:
    """``<name>.<webhook domain>``: the tenant's PIX webhook host (one label per tenant, so unique)."""
    return f"{name}.{domain}"


def tenant_url(host: str) -> str:
    """The URL reported in ``status.url`` for a host (TLS terminates at the Ingress)."""
    return f"https://{host}"


def s3_bucket(name: str, prefix: str) -> str:
    """The tenant's bucket: ``<prefix><name>`` (a valid bucket name: the prefix is checked in config)."""
    return f"{prefix}{name}"


def s3_access_key(name: str) -> str:
    """The access key id of the tenant's S3 user; stable, so rotation changes only the secret."""
    return f"tenant-{name}"
