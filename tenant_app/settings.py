"""Settings read from the environment the operator writes into the tenant's Secret.

One frozen dataclass per concern; ``Settings.from_env()`` is the only place
that reads ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from consorcio_contract.names import (
    CONTROL_PLANE_TOKEN_ENV,
    CONTROL_PLANE_TOKEN_FILE,
    PIX_WEBHOOK_BASE_URL_ENV,
)
from consorcio_kit.database.url import InvalidDatabaseUrl
from consorcio_kit.database.url import asyncpg_url as kit_asyncpg_url


class SettingsError(ValueError):
    """A required variable is missing or malformed (the app refuses to start)."""


def asyncpg_url(libpq_url: str) -> str:
    """Turn the operator's ``postgresql://`` URL into SQLAlchemy's asyncpg form (``sslmode`` included)."""
    try:
        return kit_asyncpg_url(libpq_url)
    except InvalidDatabaseUrl as err:
        raise SettingsError(f"DATABASE_URL {err}") from None


@dataclass(frozen=True)
class DatabaseSettings:
    """Connection to the tenant's own database."""

    #: libpq form as written by the operator (``postgresql://role:pw@host:port/db``).
    url: str
    #: Connections kept per process; the tenant's role has a connection limit.
    pool_size: int = 10
    max_overflow: int = 10

    @property
    def async_url(self) -> str:
        """The URL SQLAlchemy's asyncpg dialect expects."""
        return asyncpg_url(self.url)


@dataclass(frozen=True)
class RedisSettings:
    """The tenant's Redis ACL user; every key and channel must carry ``key_prefix``."""

    url: str
    #: e.g. ``tenant:acme:``; the ACL user may only touch ``~<prefix>*`` and ``&<prefix>*``.
    key_prefix: str

    def key(self, *parts: str) -> str:
        """Build a key inside the tenant's namespace."""
        return self.key_prefix + ":".join(parts)


@dataclass(frozen=True)
class AuthSettings:
    """Token signing and login protection."""

    jwt_secret: str
    tenant_slug: str
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    #: Wrong passwords (or TOTP codes) for one account from one address before each next
    #: attempt must wait (a doubling delay, ``consorcio_kit.login_throttle``); also the wrong
    #: TOTP codes before the second factor is locked for ``lockout_minutes``.
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    #: Failed logins from one address (any accounts) before its attempts are delayed
    #: (``LOGIN_FREE_FAILURES_PER_SOURCE``).
    free_failures_per_source: int = 30
    #: How long a user's active flag and role read from the database are trusted (seconds):
    #: a deactivated user or a changed role takes effect within this, at once in the replica
    #: that made the change (``USER_CHECK_SECONDS``).
    user_check_seconds: float = 5.0

    @property
    def issuer(self) -> str:
        """``iss`` claim: names the tenant so a token of another tenant is rejected."""
        return f"consorcio:{self.tenant_slug}"

    @property
    def audience(self) -> str:
        """``aud`` claim, also tenant-specific."""
        return f"tenant-app:{self.tenant_slug}"


@dataclass(frozen=True)
class RateLimitSettings:
    """Fixed one-minute windows counted in Redis."""

    per_user_per_minute: int = 600
    per_tenant_per_minute: int = 6000
    #: Per-user limits that replace ``per_user_per_minute`` for the named accounts (e-mail ->
    #: requests per minute), e.g. an integration or a fuzzing account that is meant to send more.
    #: ``RATE_LIMIT_USER_OVERRIDES="fuzz@acme.example=100000,erp@acme.example=3000"``.
    per_user_overrides: Mapping[str, int] = field(default_factory=dict)

    def per_user_limit(self, email: str) -> int:
        """Requests per minute allowed to the account ``email``."""
        return self.per_user_overrides.get(email.lower(), self.per_user_per_minute)

    @staticmethod
    def parse_overrides(raw: str) -> dict[str, int]:
        """``email=limit`` pairs separated by commas; a malformed pair stops the app at start."""
        overrides: dict[str, int] = {}
        for pair in filter(None, (p.strip() for p in raw.split(","))):
            email, sep, limit = pair.rpartition("=")
            if not sep or "@" not in email or not limit.strip().isdigit():
                raise SettingsError(f"RATE_LIMIT_USER_OVERRIDES: expected email=limit, got {pair!r}")
            overrides[email.strip().lower()] = int(limit)
        return overrides


# Where the operator mounts the projected ServiceAccount token for the
# control plane's audience (it also sets CONTROL_PLANE_TOKEN_FILE to it). The
# pod's default API-server token is not mounted, and the control plane refuses
# such tokens unless told otherwise.
DEFAULT_TOKEN_FILE = Path(CONTROL_PLANE_TOKEN_FILE)


@dataclass(frozen=True)
class PlatformClientSettings:
    """The tenant app's link to the control plane (absent: no flags from it, no usage reported).

    Used by ``tenant_app.platform_client``; the variables:

    | variable | default | meaning |
    |---|---|---|
    | ``CONTROL_PLANE_URL`` | unset: client disabled | base URL of the control-plane API |
    | ``CONTROL_PLANE_TOKEN_FILE`` | the projected control-plane token | file holding the bearer token |
    | ``TENANT_SLUG`` | derived from the token's namespace | the tenant this app serves |
    | ``CONTROL_PLANE_FLAG_WAIT_SECONDS`` | 20 | long-poll duration for flag snapshots |
    | ``CONTROL_PLANE_USAGE_SPOOL_SECONDS`` | 1 | how often measured usage is written to the spool table |
    | ``CONTROL_PLANE_USAGE_FLUSH_SECONDS`` | 10 | how often the spool is sent to the control plane |
    """

    #: Base URL of the control-plane API.
    url: str
    #: File holding the projected ServiceAccount token (re-read when the kubelet rotates it).
    token_file: Path = DEFAULT_TOKEN_FILE
    #: The tenant this app serves; from the token's namespace when unset.
    tenant: str | None = None
    #: Long-poll duration of the flag snapshot request.
    flag_wait_seconds: int = 20
    #: Period of the usage sends (the spool is also sent on shutdown).
    usage_flush_seconds: float = 10.0
    #: Period of the meter -> spool writes: the most counts a crash can lose.
    usage_spool_seconds: float = 1.0
    #: Events per usage request (the control plane takes up to 5,000).
    usage_batch_size: int = 1000
    request_timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PlatformClientSettings | None:
        """None when ``CONTROL_PLANE_URL`` is unset (e.g. a developer's laptop without a platform)."""
        env = os.environ if env is None else env
        url = env.get("CONTROL_PLANE_URL", "").strip()
        if not url:
            return None
        return cls(
            url=url.rstrip("/"),
            token_file=Path(env.get(CONTROL_PLANE_TOKEN_ENV) or DEFAULT_TOKEN_FILE),
            tenant=env.get("TENANT_SLUG") or None,
            flag_wait_seconds=int(env.get("CONTROL_PLANE_FLAG_WAIT_SECONDS", "20")),
            usage_flush_seconds=float(env.get("CONTROL_PLANE_USAGE_FLUSH_SECONDS", "10")),
            usage_spool_seconds=float(env.get("CONTROL_PLANE_USAGE_SPOOL_SECONDS", "1")),
        )


@dataclass(frozen=True)
class ObjectStoreSettings:
    """The tenant's object storage, as the operator wrote it into the tenant's Secret.

    Either the tenant's own bucket on an S3 server with the key that reaches only it
    (``S3_ENDPOINT``, ``S3_REGION``, ``S3_BUCKET``, ``S3_ACCESS_KEY_ID``, ``S3_SECRET_ACCESS_KEY``),
    or, on AWS (operator mode aws-irsa), the shared bucket and the tenant's ``S3_PREFIX`` with no
    key: boto3's default chain then assumes the tenant's IAM role from the web identity EKS injects
    (``AWS_ROLE_ARN``, ``AWS_WEB_IDENTITY_TOKEN_FILE``); ``S3_ENDPOINT`` may be empty there (AWS's
    own endpoint for ``S3_REGION``). Optional ``S3_PUBLIC_ENDPOINT`` (the address browsers use for
    presigned URLs, default the endpoint) and ``S3_PRESIGN_SECONDS`` (how long a download link
    lives, default 300).
    """

    #: The S3 server's URL; empty: AWS's endpoint for ``region``.
    endpoint: str
    region: str
    bucket: str
    #: Static key; both empty: the default AWS credential chain (IRSA web identity).
    access_key_id: str
    secret_access_key: str = field(repr=False)
    public_endpoint: str | None = None
    presign_seconds: int = 300
    #: Every key the app writes, reads, lists or presigns lives under it ("" or ``.../``).
    prefix: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ObjectStoreSettings | None:
        """None when the operator gave the tenant no storage (neither ``S3_ENDPOINT`` nor ``S3_BUCKET``)."""
        endpoint = env.get("S3_ENDPOINT", "").strip().rstrip("/")
        bucket = env.get("S3_BUCKET", "").strip()
        if not endpoint and not bucket:
            return None
        if not bucket:
            raise SettingsError("S3_ENDPOINT is set but S3_BUCKET missing")
        access, secret = env.get("S3_ACCESS_KEY_ID", "").strip(), env.get("S3_SECRET_ACCESS_KEY", "").strip()
        if bool(access) != bool(secret):
            missing = "S3_SECRET_ACCESS_KEY" if access else "S3_ACCESS_KEY_ID"
            raise SettingsError(f"S3_BUCKET is set with half a key: {missing} missing")
        prefix = env.get("S3_PREFIX", "").strip().lstrip("/")
        if prefix and not prefix.endswith("/"):
            # "tenants/a" would also match "tenants/ab/...": always a whole folder.
            prefix += "/"
        return cls(
            endpoint=endpoint,
            region=env.get("S3_REGION", "").strip() or "us-east-1",
            bucket=bucket,
            access_key_id=access,
            secret_access_key=secret,
            public_endpoint=env.get("S3_PUBLIC_ENDPOINT", "").strip().rstrip("/") or None,
            presign_seconds=int(env.get("S3_PRESIGN_SECONDS", "300")),
            prefix=prefix,
        )


@dataclass(frozen=True)
class ShutdownSettings:
    """How the processes stop: Kubernetes sends SIGTERM, then SIGKILL after the pod's grace period.

    The HTTP server stops accepting connections and lets the requests already received finish
    (an open SSE stream never finishes: it is closed after ``http_grace_seconds``, below the
    pod's 30 s). The Celery worker finishes its running task and acknowledges a task only
    after it ran: a worker killed mid-task leaves the message unacknowledged in Redis, and
    kombu puts it back in the queue after ``task_visibility_seconds`` (longer than any task,
    or a slow task would be handed to a second worker while it runs).
    """

    http_grace_seconds: int = 20
    task_visibility_seconds: int = 3600


def _non_negative_int(name: str, value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise SettingsError(f"{name} must be a whole number >= 0, got {value!r}")
    return n


def _https_url(name: str, value: str) -> str | None:
    """An ``https://host`` base URL (no path), or None when unset."""
    value = value.strip().rstrip("/")
    if not value:
        return None
    scheme, sep, rest = value.partition("://")
    if scheme != "https" or not sep or not rest or "/" in rest:
        raise SettingsError(f"{name} must be an https:// URL without a path, got {value!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the tenant app needs, grouped by concern."""

    tenant_slug: str
    database: DatabaseSettings
    redis: RedisSettings
    auth: AuthSettings
    rate_limit: RateLimitSettings = field(default_factory=RateLimitSettings)
    app_base_url: str | None = None
    #: The PIX webhook host with mutual TLS at the ingress (``PIX_WEBHOOK_BASE_URL``, written by the
    #: operator when it runs one): the base registered at the PSP, and the only host the webhook
    #: answers on. None: ``app_base_url`` (or the request's host), as before.
    pix_webhook_base_url: str | None = None
    initial_admin_email: str | None = None
    initial_admin_password: str | None = None
    #: Time zone for "today" (due dates, delinquency); Brazil has one legal capital zone for this.
    time_zone: str = "America/Sao_Paulo"
    #: The control plane (flags, usage); None without ``CONTROL_PLANE_URL``.
    control_plane: PlatformClientSettings | None = None
    #: The tenant's bucket (documents, reports, bank files); None without ``S3_ENDPOINT``.
    object_store: ObjectStoreSettings | None = None
    shutdown: ShutdownSettings = field(default_factory=ShutdownSettings)
    #: A retorno with more títulos than this is settled by the worker (202, then ``processando`` →
    #: ``processado``); smaller ones within the request (201). 100,000 títulos take over a minute,
    #: longer than an ingress or a browser waits (``COBRANCA_RETORNO_SINCRONO_MAX``).
    retorno_sincrono_max: int = 5000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the operator's contract variables (see module docstring)."""
        env = os.environ if env is None else env

        def required(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise SettingsError(f"environment variable {name} is required")
            return value

        slug = required("TENANT_SLUG")
        prefix = env.get("REDIS_KEY_PREFIX", "").strip() or f"tenant:{slug}:"
        database = DatabaseSettings(url=required("DATABASE_URL"))
        asyncpg_url(database.url)  # validate early
        return cls(
            tenant_slug=slug,
            database=database,
            redis=RedisSettings(url=required("REDIS_URL"), key_prefix=prefix),
            auth=AuthSettings(
                jwt_secret=required("JWT_SECRET"),
                tenant_slug=slug,
                free_failures_per_source=int(env.get("LOGIN_FREE_FAILURES_PER_SOURCE", "30")),
                user_check_seconds=float(env.get("USER_CHECK_SECONDS", "5")),
            ),
            rate_limit=RateLimitSettings(
                per_user_per_minute=int(env.get("RATE_LIMIT_PER_USER_PER_MINUTE", "600")),
                per_tenant_per_minute=int(env.get("RATE_LIMIT_PER_TENANT_PER_MINUTE", "6000")),
                per_user_overrides=RateLimitSettings.parse_overrides(
                    env.get("RATE_LIMIT_USER_OVERRIDES", "")
                ),
            ),
            app_base_url=env.get("APP_BASE_URL") or None,
            pix_webhook_base_url=_https_url(PIX_WEBHOOK_BASE_URL_ENV, env.get(PIX_WEBHOOK_BASE_URL_ENV, "")),
            initial_admin_email=env.get("INITIAL_ADMIN_EMAIL") or None,
            initial_admin_password=env.get("INITIAL_ADMIN_PASSWORD") or None,
            control_plane=PlatformClientSettings.from_env(env),
            object_store=ObjectStoreSettings.from_env(env),
            shutdown=ShutdownSettings(
                http_grace_seconds=int(env.get("SHUTDOWN_GRACE_SECONDS", "20")),
                task_visibility_seconds=int(env.get("TASK_VISIBILITY_TIMEOUT_SECONDS", "3600")),
            ),
            retorno_sincrono_max=_non_negative_int(
                "COBRANCA_RETORNO_SINCRONO_MAX", env.get("COBRANCA_RETORNO_SINCRONO_MAX", "5000")
            ),
        )
