"""The tenant's generated credentials, and how to recover them from its env.

Credentials are generated once and then read back from where they were
stored (the Kubernetes Secret, else Vault), so re-running the operator never
rotates a password unless rotation is requested.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class TenantCredentials:
    """Secrets the operator invents for a tenant."""

    db_password: str
    redis_password: str
    jwt_secret: str
    #: Secret of the tenant's S3 user (its access key id is names.s3_access_key);
    #: empty when read from an env that has none (see :func:`completed`).
    s3_secret_key: str = ""


def generate() -> TenantCredentials:
    """Fresh strong random credentials (256 bits each; URL-safe characters)."""
    return TenantCredentials(
        db_password=secrets.token_urlsafe(32),
        redis_password=secrets.token_urlsafe(32),
        jwt_secret=secrets.token_urlsafe(48),
        s3_secret_key=_s3_secret(),
    )


def _s3_secret() -> str:
    return secrets.token_urlsafe(30)  # 40 characters, like an AWS secret key


def from_app_env(env: Mapping[str, str]) -> TenantCredentials | None:
    """The credentials inside a tenant's app environment, or None if any is missing."""
    try:
        db = urlsplit(env["DATABASE_URL"]).password
        redis = urlsplit(env["REDIS_URL"]).password
        jwt = env["JWT_SECRET"]
    except (KeyError, ValueError):
        return None
    if not db or not redis or not jwt:
        return None
    return TenantCredentials(
        db_password=unquote(db),
        redis_password=unquote(redis),
        jwt_secret=jwt,
        s3_secret_key=env.get("S3_SECRET_ACCESS_KEY", ""),
    )


def completed(creds: TenantCredentials) -> TenantCredentials:
    """``creds`` with an S3 secret: a tenant provisioned before object storage
    (or with it disabled) gets one without rotating its other credentials."""
    return creds if creds.s3_secret_key else replace(creds, s3_secret_key=_s3_secret())
