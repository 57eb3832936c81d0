"""Operator configuration, read once from the environment.

One frozen dataclass per concern; :meth:`OperatorConfig.from_env` is the only
place that reads ``os.environ``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tenant_operator import names
from tenant_operator.specs.transit_key import DEFAULT_ROTATION_HOURS


class ConfigError(ValueError):
    """A required variable is missing or malformed: the operator refuses to start."""


@dataclass(frozen=True)
class PostgresConfig:
    """The shared PostgreSQL that holds one database per tenant."""

    #: Superuser DSN (libpq form) the operator uses to create roles and databases.
    admin_dsn: str
    #: Host and port the tenant apps use, written into DATABASE_URL.
    tenant_host: str
    tenant_port: int
    #: libpq ``sslmode`` of the tenant apps' DATABASE_URL (``OPERATOR_PG_TENANT_SSLMODE``):
    #: ``verify-full`` unless told otherwise (the server's certificate and name checked, so a
    #: pod's database password never goes to an impostor); devstack's PostgreSQL has no TLS.
    tenant_sslmode: str = "verify-full"
    #: CA bundle path inside the tenant pods (``OPERATOR_PG_TENANT_SSLROOTCERT``), passed as
    #: ``PGSSLROOTCERT``; empty: the driver's default (``~/.postgresql/root.crt``).
    tenant_sslrootcert: str = ""


_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def _sslmode(value: str) -> str:
    if value not in _SSLMODES:
        raise ConfigError(f"OPERATOR_PG_TENANT_SSLMODE must be one of {', '.join(_SSLMODES)}")
    return value


@dataclass(frozen=True)
class RedisConfig:
    """The shared Redis where each tenant gets an ACL user."""

    #: URL of a user allowed to run ACL SETUSER / DELUSER.
    admin_url: str
    #: Host and port the tenant apps use, written into REDIS_URL.
    tenant_host: str
    tenant_port: int
    #: ``ACL SAVE`` must succeed after each change (``OPERATOR_REDIS_REQUIRE_ACL_SAVE``, default
    #: true): users only in memory vanish at a restart. ``false`` only for a Redis that keeps
    #: its users some other way; the resync then re-creates lost users within its interval.
    require_acl_save: bool = True


@dataclass(frozen=True)
class VaultConfig:
    """Vault (KV v2 + Kubernetes auth + Transit); disabled when ``addr`` is empty."""

    addr: str
    token: str
    kv_mount: str = "secret"
    kubernetes_auth_mount: str = "kubernetes"
    #: Audience of the projected token tenant pods log in to Vault with (the role requires it).
    token_audience: str = "vault"
    #: PEM file of the CA that signed Vault's TLS certificate (empty: the system's trust store).
    ca_file: str = ""
    #: KV v2 path (under ``kv_mount``) of the platform's SMTP relay (keys host, port, username,
    #: password, tls), copied into every tenant's SMTP_* variables; empty: tenants get none.
    smtp_path: str = ""
    #: The Transit engine's mount holding each tenant's key ``tenant-<name>`` (the contract's: the
    #: tenant app and the shared policy name the same one).
    transit_mount: str = names.VAULT_TRANSIT_MOUNT
    #: OPERATOR_VAULT_TRANSIT_ROTATION_HOURS: Vault adds a version to each tenant's Transit key
    #: this often (``auto_rotate_period``; at least 1); old versions keep decrypting.
    transit_rotation_hours: int = DEFAULT_ROTATION_HOURS

    @property
    def enabled(self) -> bool:
        return bool(self.addr)


#: ``OPERATOR_S3_MODE``: a bucket and a user per tenant through the S3 server's admin API
#: (Versity S3 Gateway), or AWS S3 itself, where Terraform made one IAM role per tenant
#: (terraform/modules/object_storage) and the operator only points the tenant at it.
S3_MODE_ADMIN_API = "admin-api"
S3_MODE_AWS_IRSA = "aws-irsa"
S3_MODES = (S3_MODE_ADMIN_API, S3_MODE_AWS_IRSA)
#: aws-irsa: each tenant's objects live under this prefix of the shared bucket; the IAM
#: policy of its role (terraform tenants.tf) names the same prefix.
TENANT_KEY_PREFIX = "tenants/{tenant}/"
#: aws-irsa: Snapshot copies go under this prefix of the shared bucket, the only place
#: the operator's role may write (terraform tenants.tf, statement WriteBackups).
IRSA_BACKUP_KEY_PREFIX = "backups/"


@dataclass(frozen=True)
class S3Config:
    """Object storage of the tenants; disabled when neither ``endpoint`` nor aws-irsa mode is set."""

    #: URL the operator reaches the S3 server (and its admin API) at; in aws-irsa mode
    #: empty means AWS's own endpoint for ``region``.
    endpoint: str
    #: The server's root/admin key: creates users and gives buckets to them. Optional in
    #: aws-irsa mode, where the operator's own IRSA role (default credential chain) is used.
    admin_access_key: str = ""
    admin_secret_key: str = ""
    region: str = "us-east-1"
    #: URL the tenant apps use, written into S3_ENDPOINT (default: ``endpoint``).
    tenant_endpoint: str = ""
    #: Tenant buckets are named <bucket_prefix><tenant> (admin-api mode).
    bucket_prefix: str = "tenant-"
    #: Where Snapshot deletion copies a tenant's objects (<backup_key_prefix><tenant>/<time>/...).
    backup_bucket: str = "consorcio-backups"
    #: admin-api or aws-irsa (``S3_MODES``).
    mode: str = S3_MODE_ADMIN_API
    #: aws-irsa: the bucket every tenant shares (terraform output ``bucket_name``).
    shared_bucket: str = ""
    #: aws-irsa: the ARN of a tenant's IAM role, ``{tenant}`` replaced by the slug.
    tenant_role_arn_template: str = ""
    #: Prefix of the Snapshot copies inside ``backup_bucket`` ("" or ``IRSA_BACKUP_KEY_PREFIX``).
    backup_key_prefix: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.endpoint) or self.irsa

    @property
    def irsa(self) -> bool:
        return self.mode == S3_MODE_AWS_IRSA

    @property
    def app_endpoint(self) -> str:
        return self.tenant_endpoint or self.endpoint

    def tenant_bucket(self, name: str) -> str:
        """The bucket holding the tenant's objects: its own, or the shared one (aws-irsa)."""
        return self.shared_bucket if self.irsa else f"{self.bucket_prefix}{name}"

    def tenant_prefix(self, name: str) -> str:
        """The key prefix of the tenant's objects in that bucket ("" when the bucket is its own)."""
        return TENANT_KEY_PREFIX.format(tenant=name) if self.irsa else ""

    def tenant_role_arn(self, name: str) -> str:
        """The IAM role the tenant's ServiceAccount assumes (aws-irsa); "" in admin-api mode."""
        return self.tenant_role_arn_template.replace("{tenant}", name) if self.irsa else ""


@dataclass(frozen=True)
class PixWebhookConfig:
    """The tenants' PIX webhook host with mutual TLS at ingress-nginx (issue 15); off without ``domain``.

    The BCB Pix API has the PSP call the webhook with a client certificate. ingress-nginx checks
    client certificates in the TLS handshake, so per host, not per path: each tenant gets a second
    Ingress for ``<name>.<domain>`` that routes only the webhook path and demands a certificate
    signed by one of ``ca_pem``'s CAs; the tenant app registers that host at the PSP.
    """

    #: DNS zone of the webhook hosts (``OPERATOR_PIX_WEBHOOK_DOMAIN``), e.g. ``pix.tenants.example.com.br``.
    domain: str = ""
    #: PEM bundle of the CAs that issue the PSPs' client certificates (``OPERATOR_PIX_WEBHOOK_CA_FILE``),
    #: copied into each tenant namespace as the Secret ingress-nginx verifies against.
    ca_pem: str = ""
    #: Longest client chain accepted (``OPERATOR_PIX_WEBHOOK_VERIFY_DEPTH``, ingress-nginx
    #: ``auth-tls-verify-depth``): 2 takes a certificate issued by an intermediate of the bundle.
    verify_depth: int = 2

    @property
    def enabled(self) -> bool:
        return bool(self.domain)


@dataclass(frozen=True)
class WorkloadConfig:
    """What the tenant workloads look like."""

    #: Image repository of the tenant app; the tag is the app version.
    image_repository: str
    #: App version for tenants that do not pin spec.appVersion.
    default_app_version: str
    #: Tenants without spec.host are served at <name>.<base_domain>.
    base_domain: str
    #: Passed to tenants as CONTROL_PLANE_URL (empty: not passed).
    control_plane_url: str
    #: Namespace of the ingress controller, allowed in by the NetworkPolicy.
    ingress_namespace: str
    #: IngressClass of tenant Ingresses (empty: the cluster default).
    ingress_class: str = ""
    #: Peers whose ``X-Forwarded-For`` the tenant app believes (uvicorn's ``FORWARDED_ALLOW_IPS``;
    #: ``OPERATOR_APP_TRUSTED_PROXIES``, addresses or CIDRs): the ingress controller's pods, so
    #: the login throttle counts the real client's address, not the ingress's. ``*`` relies
    #: on the tenant NetworkPolicy admitting only the ingress namespace.
    trusted_proxies: str = "*"
    #: The cluster DNS pods, the only destination of the tenants' port-53
    #: egress: their namespace and pod labels (no labels: any pod there).
    dns_namespace: str = "kube-system"
    dns_pod_labels: tuple[tuple[str, str], ...] = (("k8s-app", "kube-dns"),)
    #: Vault as the tenant pods reach it (empty: no Vault access for the pods): the app keeps
    #: the secrets its administradora configures (PSP credentials) there.
    vault_addr: str = ""
    vault_kv_mount: str = "secret"
    vault_audience: str = "vault"
    #: PEM of the CA that signed Vault's certificate, copied into each tenant namespace
    #: (Secret ``tenant-vault-ca``) and handed to the pods as ``VAULT_CACERT``: read at
    #: startup from ``OPERATOR_VAULT_TENANT_CA_FILE`` or else ``OPERATOR_VAULT_CA_FILE``
    #: (empty: the pods trust the system's store, as before).
    vault_ca_pem: str = ""
    #: Production mode of the tenants' egress policy: every shared service named by a
    #: DNS host needs its destinations in ``egress_destinations`` (or the operator
    #: refuses to start); off, such a service is allowed on its port to any address.
    egress_strict: bool = False
    #: NetworkPolicy peers (ipBlock / namespaceSelector / podSelector) per shared
    #: service (postgresql, redis, vault, object-storage, control-plane).
    egress_destinations: Mapping[str, tuple[dict[str, Any], ...]] = field(default_factory=dict)
    #: The mTLS host for the PSPs' PIX webhook (off by default).
    pix_webhook: PixWebhookConfig = PixWebhookConfig()


@dataclass(frozen=True)
class RbacConfig:
    """Who the operator is in Kubernetes, for the RoleBinding it writes in each tenant namespace.

    Its namespaced rights live in a ClusterRole bound cluster-wide to nobody
    (charts/consorcio-operator/files/tenant-role-rules.yaml); the operator
    binds it to itself in each tenant namespace. Empty ``tenant_role``: no
    RoleBinding (an operator running with a cluster-admin kubeconfig, as in
    ``make up``).
    """

    tenant_role: str = ""
    service_account_namespace: str = ""
    service_account_name: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.tenant_role and self.service_account_namespace and self.service_account_name)


@dataclass(frozen=True)
class OperatorConfig:
    """Everything the operator needs besides the Kubernetes credentials."""

    postgres: PostgresConfig
    redis: RedisConfig
    vault: VaultConfig
    workload: WorkloadConfig
    #: Where Snapshot deletion writes pg_dump archives.
    backup_dir: Path
    #: Seconds between drift checks of each tenant.
    resync_interval: float = 60.0
    #: Directory with pg_dump / pg_restore (empty: from PATH).
    pg_bin_dir: str = ""
    #: Tenants whose reconcile steps talk to the APIs at the same time; the
    #: others queue (waiting for a Job or a rollout does not count).
    max_active_passes: int = 32
    #: Object storage (disabled by default: no StorageReady work, no S3_* variables).
    s3: S3Config = S3Config(endpoint="")
    #: The per-tenant RoleBinding (disabled by default: cluster-admin credentials).
    rbac: RbacConfig = RbacConfig()
    #: Scheduled backups on the plan's interval (``OPERATOR_SCHEDULED_BACKUPS``, default on).
    scheduled_backups: bool = True
    #: Overrides of every plan's backup interval and retention (devstack and tests); None: the plan's.
    backup_interval_seconds: float | None = None
    backup_retention: int | None = None
    #: How often each tenant's Redis keys and memory are measured (one SCAN of ``tenant:*``;
    #: ``OPERATOR_REDIS_USAGE_SECONDS``, default 300); None (``0``): never.
    redis_usage_seconds: float | None = 300.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OperatorConfig:
        """Read the OPERATOR_* variables (see the chart's deployment template)."""
        env = os.environ if env is None else env

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        def required(name: str) -> str:
            value = get(name)
            if not value:
                raise ConfigError(f"environment variable {name} is required")
            return value

        pg_dsn = required("OPERATOR_PG_ADMIN_DSN")
        pg = urlsplit(pg_dsn)
        if pg.scheme not in ("postgresql", "postgres"):
            raise ConfigError("OPERATOR_PG_ADMIN_DSN must be a postgresql:// URL")
        redis_url = required("OPERATOR_REDIS_ADMIN_URL")
        rd = urlsplit(redis_url)
        if rd.scheme not in ("redis", "rediss"):
            raise ConfigError("OPERATOR_REDIS_ADMIN_URL must be a redis:// URL")
        redis_host, redis_port = _host_port(get("OPERATOR_REDIS_TENANT_URL_HOST"), rd.hostname, rd.port, 6379)
        vault_addr = get("OPERATOR_VAULT_ADDR")
        vault_token = get("OPERATOR_VAULT_TOKEN")
        if vault_addr and not vault_token:
            raise ConfigError("OPERATOR_VAULT_TOKEN is required when OPERATOR_VAULT_ADDR is set")
        rbac = RbacConfig(
            tenant_role=get("OPERATOR_TENANT_ROLE"),
            service_account_namespace=get("OPERATOR_SERVICE_ACCOUNT_NAMESPACE"),
            service_account_name=get("OPERATOR_SERVICE_ACCOUNT_NAME"),
        )
        if rbac.tenant_role and not rbac.enabled:
            raise ConfigError(
                "OPERATOR_TENANT_ROLE needs OPERATOR_SERVICE_ACCOUNT_NAMESPACE and "
                "OPERATOR_SERVICE_ACCOUNT_NAME"
            )
        config = cls(
            s3=_s3_config(get),
            rbac=rbac,
            postgres=PostgresConfig(
                admin_dsn=pg_dsn,
                tenant_host=get("OPERATOR_PG_TENANT_HOST") or pg.hostname or "localhost",
                tenant_port=_int(
                    "OPERATOR_PG_TENANT_PORT", get("OPERATOR_PG_TENANT_PORT") or str(pg.port or 5432)
                ),
                tenant_sslmode=_sslmode(get("OPERATOR_PG_TENANT_SSLMODE", "verify-full")),
                tenant_sslrootcert=get("OPERATOR_PG_TENANT_SSLROOTCERT"),
            ),
            redis=RedisConfig(
                admin_url=redis_url,
                tenant_host=redis_host,
                tenant_port=redis_port,
                require_acl_save=get("OPERATOR_REDIS_REQUIRE_ACL_SAVE", "true").lower()
                not in ("false", "0", "no"),
            ),
            vault=VaultConfig(
                addr=vault_addr.rstrip("/"),
                token=vault_token,
                kv_mount=get("OPERATOR_VAULT_KV_MOUNT", "secret") or "secret",
                kubernetes_auth_mount=get("OPERATOR_VAULT_K8S_AUTH_MOUNT", "kubernetes") or "kubernetes",
                token_audience=get("OPERATOR_VAULT_TOKEN_AUDIENCE") or "vault",
                ca_file=get("OPERATOR_VAULT_CA_FILE"),
                smtp_path=get("OPERATOR_VAULT_SMTP_PATH").strip("/"),
                transit_rotation_hours=_rotation_hours(get("OPERATOR_VAULT_TRANSIT_ROTATION_HOURS")),
            ),
            workload=WorkloadConfig(
                image_repository=get("OPERATOR_IMAGE_REPOSITORY") or "ghcr.io/consorcio/tenant-app",
                default_app_version=get("OPERATOR_DEFAULT_APP_VERSION") or "latest",
                base_domain=get("OPERATOR_BASE_DOMAIN") or "consorcio.localhost",
                control_plane_url=get("OPERATOR_CONTROL_PLANE_URL"),
                ingress_namespace=get("OPERATOR_INGRESS_NAMESPACE") or "ingress-nginx",
                ingress_class=get("OPERATOR_INGRESS_CLASS"),
                trusted_proxies=get("OPERATOR_APP_TRUSTED_PROXIES", "*") or "*",
                dns_namespace=get("OPERATOR_DNS_NAMESPACE") or "kube-system",
                dns_pod_labels=_labels(
                    "OPERATOR_DNS_POD_LABELS", env.get("OPERATOR_DNS_POD_LABELS", "k8s-app=kube-dns")
                ),
                vault_addr=(get("OPERATOR_VAULT_TENANT_ADDR") or vault_addr).rstrip("/"),
                vault_kv_mount=get("OPERATOR_VAULT_KV_MOUNT", "secret") or "secret",
                vault_audience=get("OPERATOR_VAULT_TOKEN_AUDIENCE") or "vault",
                vault_ca_pem=_pem_file(
                    "OPERATOR_VAULT_TENANT_CA_FILE or OPERATOR_VAULT_CA_FILE",
                    get("OPERATOR_VAULT_TENANT_CA_FILE") or get("OPERATOR_VAULT_CA_FILE"),
                ),
                egress_strict=_bool("OPERATOR_EGRESS_STRICT", get("OPERATOR_EGRESS_STRICT")),
                egress_destinations=_egress_destinations(get("OPERATOR_EGRESS_DESTINATIONS")),
                pix_webhook=_pix_webhook_config(get, get("OPERATOR_BASE_DOMAIN") or "consorcio.localhost"),
            ),
            backup_dir=Path(get("OPERATOR_BACKUP_DIR") or "/var/lib/consorcio/backups"),
            resync_interval=float(get("OPERATOR_RESYNC_INTERVAL") or 60),
            pg_bin_dir=get("OPERATOR_PG_BIN_DIR"),
            max_active_passes=max(
                1, _int("OPERATOR_MAX_ACTIVE_PASSES", get("OPERATOR_MAX_ACTIVE_PASSES") or "32")
            ),
            scheduled_backups=_bool(
                "OPERATOR_SCHEDULED_BACKUPS", get("OPERATOR_SCHEDULED_BACKUPS") or "true"
            ),
            backup_interval_seconds=_positive_or_none(
                "OPERATOR_BACKUP_INTERVAL_SECONDS", get("OPERATOR_BACKUP_INTERVAL_SECONDS")
            ),
            backup_retention=_positive_int_or_none(
                "OPERATOR_BACKUP_RETENTION", get("OPERATOR_BACKUP_RETENTION")
            ),
            redis_usage_seconds=(
                None
                if get("OPERATOR_REDIS_USAGE_SECONDS") == "0"
                else _positive_or_none(
                    "OPERATOR_REDIS_USAGE_SECONDS", get("OPERATOR_REDIS_USAGE_SECONDS") or "300"
                )
            ),
        )
        _check_egress(config)
        return config


def _s3_config(get: Callable[..., str]) -> S3Config:
    mode = get("OPERATOR_S3_MODE") or S3_MODE_ADMIN_API
    if mode not in S3_MODES:
        raise ConfigError(f"OPERATOR_S3_MODE must be one of {', '.join(S3_MODES)}: {mode!r}")
    endpoint = get("OPERATOR_S3_ENDPOINT").rstrip("/")
    for var, url in (
        ("OPERATOR_S3_ENDPOINT", endpoint),
        ("OPERATOR_S3_TENANT_ENDPOINT", get("OPERATOR_S3_TENANT_ENDPOINT")),
    ):
        if url and urlsplit(url).scheme not in ("http", "https"):
            raise ConfigError(f"{var} must be an http:// or https:// URL")
    if mode == S3_MODE_ADMIN_API and not endpoint:
        return S3Config(endpoint="")
    access, secret = get("OPERATOR_S3_ADMIN_ACCESS_KEY_ID"), get("OPERATOR_S3_ADMIN_SECRET_ACCESS_KEY")
    common = S3Config(
        endpoint=endpoint,
        admin_access_key=access,
        admin_secret_key=secret,
        region=get("OPERATOR_S3_REGION") or "us-east-1",
        tenant_endpoint=get("OPERATOR_S3_TENANT_ENDPOINT").rstrip("/"),
    )
    if mode == S3_MODE_AWS_IRSA:
        return _irsa_config(get, common)
    if not access or not secret:
        raise ConfigError(
            "OPERATOR_S3_ADMIN_ACCESS_KEY_ID and OPERATOR_S3_ADMIN_SECRET_ACCESS_KEY are required "
            "when OPERATOR_S3_ENDPOINT is set"
        )
    prefix = get("OPERATOR_S3_BUCKET_PREFIX") or "tenant-"
    # Bucket names: 3-63 lowercase letters, digits, '-' and '.'; a slug has up to 40.
    if len(prefix) > 23 or not all(ch.islower() or ch.isdigit() or ch in "-." for ch in prefix):
        raise ConfigError(
            "OPERATOR_S3_BUCKET_PREFIX must be at most 23 lowercase letters, digits, '-' or '.'"
        )
    return replace(
        common, bucket_prefix=prefix, backup_bucket=get("OPERATOR_S3_BACKUP_BUCKET") or "consorcio-backups"
    )


_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/{}-]+$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def _irsa_config(get: Callable[..., str], common: S3Config) -> S3Config:
    """aws-irsa: the shared bucket and the tenants' role ARN template, checked before any tenant sees them."""
    bucket = get("OPERATOR_S3_SHARED_BUCKET")
    if not _BUCKET.match(bucket):
        raise ConfigError(
            "OPERATOR_S3_SHARED_BUCKET is required in aws-irsa mode: the tenant bucket "
            f"(terraform output bucket_name), 3-63 lowercase letters, digits, '-' or '.': {bucket!r}"
        )
    template = get("OPERATOR_S3_TENANT_ROLE_ARN_TEMPLATE")
    # Without {tenant} every tenant would assume the same role and reach every prefix.
    if "{tenant}" not in template or not _ROLE_ARN.match(template):
        raise ConfigError(
            "OPERATOR_S3_TENANT_ROLE_ARN_TEMPLATE must be an IAM role ARN containing {tenant}, "
            f"e.g. arn:aws:iam::123456789012:role/consorcio-prod-tenant-{{tenant}}: {template!r}"
        )
    if bool(common.admin_access_key) != bool(common.admin_secret_key):
        raise ConfigError(
            "OPERATOR_S3_ADMIN_ACCESS_KEY_ID and OPERATOR_S3_ADMIN_SECRET_ACCESS_KEY go together "
            "(or neither: the operator's own IRSA role)"
        )
    return replace(
        common,
        # Terraform gives the operator's role PutObject on backups/ of the shared bucket only.
        backup_bucket=get("OPERATOR_S3_BACKUP_BUCKET") or bucket,
        backup_key_prefix=IRSA_BACKUP_KEY_PREFIX,
        mode=S3_MODE_AWS_IRSA,
        shared_bucket=bucket,
        tenant_role_arn_template=template,
    )


def _pem_file(name: str, path: str) -> str:
    """The PEM text of a CA bundle file ("" for no path); unreadable or not PEM: a ConfigError at startup."""
    if not path:
        return ""
    try:
        text = Path(path).read_text()
    except OSError as err:
        raise ConfigError(f"{name}: cannot read {path}: {err.strerror}") from err
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise ConfigError(f"{name}: {path} holds no PEM certificate")
    return text


_DNS_NAME = re.compile(r"^(?=.{1,200}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$")


def _pix_webhook_config(get: Callable[..., str], base_domain: str) -> PixWebhookConfig:
    domain = get("OPERATOR_PIX_WEBHOOK_DOMAIN").lower().strip(".")
    if not domain:
        return PixWebhookConfig()
    if not _DNS_NAME.match(domain):
        raise ConfigError(
            f"OPERATOR_PIX_WEBHOOK_DOMAIN must be a DNS name like pix.example.com, got {domain!r}"
        )
    if domain == base_domain.lower().strip("."):
        # <name>.<domain> would be another tenant's app host (a tenant may be called pix-acme).
        raise ConfigError("OPERATOR_PIX_WEBHOOK_DOMAIN must differ from OPERATOR_BASE_DOMAIN")
    ca_path = get("OPERATOR_PIX_WEBHOOK_CA_FILE")
    if not ca_path:
        raise ConfigError(
            "OPERATOR_PIX_WEBHOOK_CA_FILE (the PSPs' CA bundle) is required "
            "when OPERATOR_PIX_WEBHOOK_DOMAIN is set"
        )
    depth = _int("OPERATOR_PIX_WEBHOOK_VERIFY_DEPTH", get("OPERATOR_PIX_WEBHOOK_VERIFY_DEPTH") or "2")
    if not 1 <= depth <= 10:
        raise ConfigError(f"OPERATOR_PIX_WEBHOOK_VERIFY_DEPTH must be between 1 and 10, got {depth}")
    return PixWebhookConfig(
        domain=domain, ca_pem=_pem_file("OPERATOR_PIX_WEBHOOK_CA_FILE", ca_path), verify_depth=depth
    )


def _int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {value!r}") from None


def _rotation_hours(value: str) -> int:
    """OPERATOR_VAULT_TRANSIT_ROTATION_HOURS: Vault rotates no more often than hourly."""
    hours = _int("OPERATOR_VAULT_TRANSIT_ROTATION_HOURS", value or str(DEFAULT_ROTATION_HOURS))
    if hours < 1:
        raise ConfigError(f"OPERATOR_VAULT_TRANSIT_ROTATION_HOURS must be at least 1, got {hours}")
    return hours


def _labels(name: str, value: str) -> tuple[tuple[str, str], ...]:
    """``key=value,key=value`` as sorted pairs; empty is allowed (no label constraint)."""
    pairs = []
    for item in value.split(","):
        if not item.strip():
            continue
        key, sep, val = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{name} must be key=value pairs separated by commas, got {value!r}")
        pairs.append((key.strip(), val.strip()))
    return tuple(sorted(pairs))


def _host_port(
    value: str, default_host: str | None, default_port: int | None, fallback: int
) -> tuple[str, int]:
    """``host`` or ``host:port`` from ``value``, defaulting to the admin URL's."""
    if not value:
        return default_host or "localhost", default_port or fallback
    host, sep, port = value.rpartition(":")
    if sep and port.isdigit() and "]" not in port:
        return host, int(port)
    return value, default_port or fallback


PEER_KEYS = frozenset({"ipBlock", "namespaceSelector", "podSelector"})


def _positive_or_none(name: str, value: str) -> float | None:
    """A positive number, or None when unset."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {value!r}") from None
    if number <= 0:
        raise ConfigError(f"{name} must be positive, got {value!r}")
    return number


def _positive_int_or_none(name: str, value: str) -> int | None:
    """A positive integer, or None when unset."""
    if not value:
        return None
    number = _int(name, value)
    if number <= 0:
        raise ConfigError(f"{name} must be positive, got {value!r}")
    return number


def _bool(name: str, value: str) -> bool:
    if value.lower() in ("", "0", "false", "no", "off"):
        return False
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def _egress_destinations(raw: str) -> dict[str, tuple[dict[str, Any], ...]]:
    """``{"service": [peer, ...]}`` (JSON), each peer a NetworkPolicy peer."""
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError as err:
        raise ConfigError(f"OPERATOR_EGRESS_DESTINATIONS is not JSON: {err}") from err
    if not isinstance(parsed, dict):
        raise ConfigError("OPERATOR_EGRESS_DESTINATIONS must be a JSON object {service: [peer, ...]}")
    out: dict[str, tuple[dict[str, Any], ...]] = {}
    for service, peers in parsed.items():
        if not isinstance(peers, list) or not peers:
            raise ConfigError(f"OPERATOR_EGRESS_DESTINATIONS[{service}] must be a non-empty list of peers")
        for peer in peers:
            if not isinstance(peer, dict) or not peer or set(peer) - PEER_KEYS:
                raise ConfigError(
                    f"OPERATOR_EGRESS_DESTINATIONS[{service}]: a peer has only ipBlock, namespaceSelector "
                    f"and podSelector, not {peer!r}"
                )
        out[str(service)] = tuple(peers)
    return out


def _check_egress(config: OperatorConfig) -> None:
    """Production mode: no egress rule may be "this port, any address"."""
    if not config.workload.egress_strict:
        return
    from tenant_operator.specs.network_policies import egress_targets  # the builders import this module

    unnamed = [
        t.service
        for t in egress_targets(config)
        if t.cidr is None and t.service not in config.workload.egress_destinations
    ]
    if unnamed:
        raise ConfigError(
            "OPERATOR_EGRESS_STRICT: these shared services are named by DNS and have no destinations in "
            f"OPERATOR_EGRESS_DESTINATIONS (an ipBlock or selectors): {', '.join(unnamed)}"
        )
