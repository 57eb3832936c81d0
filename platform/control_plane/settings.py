"""Control-plane settings, read from environment variables (one dataclass per concern).

| variable | default | meaning |
|---|---|---|
| ``CONTROL_PLANE_DATABASE_URL`` | required | the control plane's own database (libpq or asyncpg URL) |
| ``CONTROL_PLANE_DB_POOL_SIZE`` | 10 | connections per process |
| ``CONTROL_PLANE_REDIS_URL`` | required for worker/beat | Celery broker, flag-change notifications |
| ``KUBECONFIG`` | in-cluster config | where the Kubernetes API is |
| ``CONTROL_PLANE_TOKEN_AUDIENCE`` | consorcio-control-plane | audience of tenant-app tokens (projected) |
| ``CONTROL_PLANE_ACCEPT_API_SERVER_TOKENS`` | false | migration only: accept API-server tokens too |
| ``CONTROL_PLANE_OPERATOR_INSTANCE`` | unset | label new tenants for that operator instance (canary, tests) |
| ``CONTROL_PLANE_TOKEN_REVIEW_CACHE_SECONDS`` | 30 | how long a TokenReview result is trusted |
| ``CONTROL_PLANE_SECRET_KEY`` | generated once, kept in the database | HMAC key for admin access tokens |
| ``CONTROL_PLANE_ADMIN_TOKEN_TTL_SECONDS`` | 28800 | lifetime of an admin access token |
| ``CONTROL_PLANE_REQUIRE_TOTP_FOR_ADMINS`` | false | a platform-admin without TOTP may only enrol it |
| ``CONTROL_PLANE_PAYMENT_TERMS_DAYS`` | 10 | days from issue to due date |
| ``CONTROL_PLANE_DUNNING_REMINDER_DAYS`` | ``1,7`` | days past due when reminders go out |
| ``CONTROL_PLANE_DUNNING_GRACE_DAYS`` | 15 | days past due before automatic suspension |
| ``CONTROL_PLANE_AUTO_FINALIZE_INVOICES`` | true | the monthly run opens invoices instead of leaving drafts |
| ``CONTROL_PLANE_HOST`` / ``CONTROL_PLANE_PORT`` | 127.0.0.1 / 8100 | ``serve`` bind address |
| ``CONTROL_PLANE_CELERY_QUEUE`` | control-plane | queue the worker consumes (Redis may be shared) |
| ``CONTROL_PLANE_BEAT_SCHEDULE_FILE`` | ``$TMPDIR/control-plane-celerybeat-schedule`` | beat's state file |
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field

from consorcio_contract.names import CONTROL_PLANE_TOKEN_AUDIENCE
from consorcio_kit.database.url import InvalidDatabaseUrl
from consorcio_kit.database.url import asyncpg_url as kit_asyncpg_url


class SettingsError(ValueError):
    """A required variable is missing or malformed."""


def asyncpg_url(url: str) -> str:
    """libpq URL -> SQLAlchemy asyncpg URL (``sslmode`` becomes asyncpg's ``ssl``)."""
    try:
        return kit_asyncpg_url(url)
    except InvalidDatabaseUrl as err:
        raise SettingsError(f"CONTROL_PLANE_DATABASE_URL {err}") from None


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be >= {minimum}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    """SQLAlchemy asyncpg URL of the control plane's own database."""
    pool_size: int = 10
    """Connections kept per process."""


@dataclass(frozen=True)
class RedisSettings:
    url: str | None
    """Celery broker and pub/sub for flag changes; None disables notifications."""


@dataclass(frozen=True)
class KubernetesSettings:
    kubeconfig: str | None
    """Path of a kubeconfig; None means in-cluster configuration."""
    token_audience: str | None = CONTROL_PLANE_TOKEN_AUDIENCE
    """Audience of tokens minted for the control plane (a projected token, ``kubectl create token``)."""
    accept_api_server_tokens: bool = False
    """Also accept tokens for the API server's own audience (a pod's default token).

    Off by default: such a token also works against the API server, so one
    stolen on either side would work on the other. Turn it on only while
    tenant pods without the projected control-plane token are still running.
    """
    operator_instance: str | None = None
    """``consorcio.io/operator-instance`` label put on new tenants; None: the default operator."""
    token_review_cache_seconds: int = 30
    """Successful reviews are cached this long; revoked tokens stop working after it."""
    watch_tenants: bool = True
    """Watch the ConsorcioTenants and follow them in the registry (tenants/watcher.py)."""


@dataclass(frozen=True)
class AuthSettings:
    secret_key: str | None = None
    """HMAC key for admin tokens; None means the key generated at migrate time."""
    admin_token_ttl_seconds: int = 8 * 3600
    """Lifetime of an admin access token."""
    login_free_failures_per_source: int = 30
    """Failed staff logins from one address (any accounts) before its attempts are delayed."""
    require_totp_for_admins: bool = False
    """A ``platform-admin`` who has not enrolled TOTP gets a token that only enrols it (and
    ``/api/auth/me``), and may not disable it. Off locally so ``make up`` logs in with a
    password; the chart's production values turn it on."""


@dataclass(frozen=True)
class BillingSettings:
    payment_terms_days: int = 10
    """Days between issuing an invoice and its due date."""
    reminder_days: tuple[int, ...] = (1, 7)
    """Days past due on which a reminder is recorded (once each)."""
    grace_days: int = 15
    """Days past due after which the tenant is suspended automatically."""
    auto_finalize: bool = True
    """Whether the monthly run moves new invoices from draft to open."""


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8100
    shutdown_grace_seconds: int = 20
    """On SIGTERM the server stops accepting and lets the requests in flight finish for at most
    this long (below the pod's 30 s grace period), then closes what is left."""


@dataclass(frozen=True)
class WorkerSettings:
    beat_schedule_file: str = field(
        default_factory=lambda: os.path.join(tempfile.gettempdir(), "control-plane-celerybeat-schedule")
    )
    """Where celery beat keeps its last-run times."""
    queue: str = "control-plane"
    """Celery queue of the control plane's tasks, so a Redis shared with other apps never mixes them."""


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings
    redis: RedisSettings
    kubernetes: KubernetesSettings
    auth: AuthSettings = AuthSettings()
    billing: BillingSettings = BillingSettings()
    server: ServerSettings = ServerSettings()
    worker: WorkerSettings = field(default_factory=WorkerSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every setting; SettingsError names the offending variable."""
        env = os.environ if env is None else env
        db_url = env.get("CONTROL_PLANE_DATABASE_URL")
        if not db_url:
            raise SettingsError("CONTROL_PLANE_DATABASE_URL is required")
        reminders_raw = env.get("CONTROL_PLANE_DUNNING_REMINDER_DAYS", "1,7")
        try:
            reminders = tuple(sorted({int(x) for x in reminders_raw.split(",") if x.strip()}))
        except ValueError:
            raise SettingsError(
                "CONTROL_PLANE_DUNNING_REMINDER_DAYS must be comma-separated integers"
            ) from None
        token_audience = env.get("CONTROL_PLANE_TOKEN_AUDIENCE", CONTROL_PLANE_TOKEN_AUDIENCE) or None
        accept_api_server_tokens = _bool(env, "CONTROL_PLANE_ACCEPT_API_SERVER_TOKENS", False)
        if token_audience is None and not accept_api_server_tokens:
            # Tenant apps could not authenticate at all; say so now, not at the first request.
            raise SettingsError(
                "CONTROL_PLANE_TOKEN_AUDIENCE is empty and CONTROL_PLANE_ACCEPT_API_SERVER_TOKENS is off: "
                "no tenant-app token would be accepted"
            )
        beat_file = env.get("CONTROL_PLANE_BEAT_SCHEDULE_FILE")
        worker = WorkerSettings(queue=env.get("CONTROL_PLANE_CELERY_QUEUE") or "control-plane")
        if beat_file:
            worker = WorkerSettings(beat_schedule_file=beat_file, queue=worker.queue)
        return cls(
            database=DatabaseSettings(
                url=asyncpg_url(db_url),
                pool_size=_int(env, "CONTROL_PLANE_DB_POOL_SIZE", 10, minimum=1),
            ),
            redis=RedisSettings(url=env.get("CONTROL_PLANE_REDIS_URL") or None),
            kubernetes=KubernetesSettings(
                kubeconfig=env.get("KUBECONFIG") or None,
                token_audience=token_audience,
                accept_api_server_tokens=accept_api_server_tokens,
                operator_instance=env.get("CONTROL_PLANE_OPERATOR_INSTANCE") or None,
                token_review_cache_seconds=_int(env, "CONTROL_PLANE_TOKEN_REVIEW_CACHE_SECONDS", 30),
                watch_tenants=_bool(env, "CONTROL_PLANE_WATCH_TENANTS", True),
            ),
            auth=AuthSettings(
                secret_key=env.get("CONTROL_PLANE_SECRET_KEY") or None,
                admin_token_ttl_seconds=_int(env, "CONTROL_PLANE_ADMIN_TOKEN_TTL_SECONDS", 8 * 3600, 60),
                login_free_failures_per_source=_int(
                    env, "CONTROL_PLANE_LOGIN_FREE_FAILURES_PER_SOURCE", 30, 1
                ),
                require_totp_for_admins=_bool(env, "CONTROL_PLANE_REQUIRE_TOTP_FOR_ADMINS", False),
            ),
            billing=BillingSettings(
                payment_terms_days=_int(env, "CONTROL_PLANE_PAYMENT_TERMS_DAYS", 10),
                reminder_days=reminders,
                grace_days=_int(env, "CONTROL_PLANE_DUNNING_GRACE_DAYS", 15),
                auto_finalize=_bool(env, "CONTROL_PLANE_AUTO_FINALIZE_INVOICES", True),
            ),
            server=ServerSettings(
                host=env.get("CONTROL_PLANE_HOST", "127.0.0.1"),
                port=_int(env, "CONTROL_PLANE_PORT", 8100, 1),
                shutdown_grace_seconds=_int(env, "CONTROL_PLANE_SHUTDOWN_GRACE_SECONDS", 20, 1),
            ),
            worker=worker,
        )
