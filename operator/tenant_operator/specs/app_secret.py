"""The tenant app's environment (the Secret ``tenant-app-env`` and its Vault copy)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from consorcio_contract.names import PIX_WEBHOOK_BASE_URL_ENV
from tenant_operator import names
from tenant_operator.config import OperatorConfig, S3Config
from tenant_operator.credentials import TenantCredentials
from tenant_operator.specs import pix_webhook
from tenant_operator.specs.tenant import TenantView

#: The transport security the tenant app's SMTP client knows (tenant_app.notificacoes.config).
SMTP_TLS_MODES = ("starttls", "tls", "none")


def smtp_env(relay: Mapping[str, str]) -> dict[str, str]:
    """The tenant app's SMTP_* variables from the platform relay stored in Vault.

    Raises ValueError naming the key when the stored relay cannot work (no host, a port
    that is not one, an unknown TLS mode), so the step says so instead of every tenant
    queueing e-mails nobody sends.
    """
    host = str(relay.get("host", "")).strip()
    if not host:
        raise ValueError("the SMTP relay has no 'host'")
    port = str(relay.get("port", "587")).strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"the SMTP relay's 'port' is not a port: {port!r}")
    tls = str(relay.get("tls", "starttls")).strip().lower()
    if tls not in SMTP_TLS_MODES:
        raise ValueError(f"the SMTP relay's 'tls' must be one of {', '.join(SMTP_TLS_MODES)}: {tls!r}")
    env = {"SMTP_HOST": host, "SMTP_PORT": port, "SMTP_TLS": tls}
    if relay.get("username"):
        env["SMTP_USERNAME"] = str(relay["username"])
        env["SMTP_PASSWORD"] = str(relay.get("password", ""))
    return env


def app_env(
    t: TenantView,
    creds: TenantCredentials,
    config: OperatorConfig,
    smtp: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Exactly the variables the tenant app reads (tenant_app.settings); ``smtp`` is the
    platform's SMTP relay read from Vault (``smtp_env``), None when none is configured."""
    ident = names.pg_identifier(t.name)
    pg, rd = config.postgres, config.redis
    env = {
        "TENANT_SLUG": t.name,
        "DATABASE_URL": f"postgresql://{ident}:{quote(creds.db_password, safe='')}"
        f"@{_host(pg.tenant_host)}:{pg.tenant_port}/{ident}?sslmode={pg.tenant_sslmode}",
        "REDIS_URL": f"redis://{names.redis_user(t.name)}:{quote(creds.redis_password, safe='')}"
        f"@{_host(rd.tenant_host)}:{rd.tenant_port}/0",
        "REDIS_KEY_PREFIX": names.redis_key_prefix(t.name),
        "JWT_SECRET": creds.jwt_secret,
        "APP_BASE_URL": t.url,
    }
    if pg.tenant_sslrootcert:
        env["PGSSLROOTCERT"] = pg.tenant_sslrootcert  # read by the driver (asyncpg) itself
    if config.workload.control_plane_url:
        env["CONTROL_PLANE_URL"] = config.workload.control_plane_url
    if webhook_url := pix_webhook.webhook_base_url(t):
        # The base the app registers at the PSP: the mTLS webhook host (issue 15).
        env[PIX_WEBHOOK_BASE_URL_ENV] = webhook_url
    if config.s3.enabled:
        env.update(storage_env(t.name, creds, config.s3))
    if smtp is not None:
        env.update(smtp_env(smtp))
    return env


def storage_env(name: str, creds: TenantCredentials, s3: S3Config) -> dict[str, str]:
    """The tenant's bucket and the key that reaches only it (the S3_* variables of the app).

    aws-irsa: the shared bucket, the tenant's prefix and no key at all: the app's default
    credential chain assumes the tenant's IAM role through the ServiceAccount's web identity,
    and that role's policy reaches only the prefix.
    """
    if s3.irsa:
        return {
            "S3_ENDPOINT": s3.app_endpoint,  # empty: AWS's endpoint for the region
            "S3_REGION": s3.region,
            "S3_BUCKET": s3.tenant_bucket(name),
            "S3_PREFIX": s3.tenant_prefix(name),
        }
    return {
        "S3_ENDPOINT": s3.app_endpoint,
        "S3_REGION": s3.region,
        "S3_BUCKET": names.s3_bucket(name, s3.bucket_prefix),
        "S3_ACCESS_KEY_ID": names.s3_access_key(name),
        "S3_SECRET_ACCESS_KEY": creds.s3_secret_key,
    }


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host  # IPv6 literal inside a URL


def env_hash(env: dict[str, str]) -> str:
    """Stable digest of the environment: a pod-template annotation, so pods roll on rotation."""
    digest = hashlib.sha256()
    for key in sorted(env):
        digest.update(f"{key}={env[key]}\n".encode())
    return digest.hexdigest()[:16]


def app_secret(t: TenantView, env: dict[str, str]) -> dict[str, Any]:
    """Secret ``tenant-app-env`` that the app Deployments read with envFrom."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": t.metadata(names.APP_SECRET),
        "type": "Opaque",
        # `data` (not stringData): the API stores `data`, so a comparison with
        # the live object is exact.
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in sorted(env.items())},
    }


def decode_secret_data(secret: dict[str, Any]) -> dict[str, str]:
    """The string values of a live Secret."""
    return {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
