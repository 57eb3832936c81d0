"""Delivery settings from the environment (the tenant's Secret; devstack and tests set them).

* ``SMTP_HOST`` / ``SMTP_PORT`` (unset / 587): the relay; unset, e-mails stay queued (``pendente``).
* ``SMTP_USERNAME`` / ``SMTP_PASSWORD``: from Vault in production (docs/deployment.md, Amazon SES).
* ``SMTP_TLS`` (``starttls``): ``starttls``, ``tls`` (implicit, port 465) or ``none`` (devstack only).
* ``EMAIL_REMETENTE_PADRAO`` (``nao-responda@<slug>.consorcio.app``): sender until the tenant sets one.
* ``WEBHOOK_MODO`` (``producao``): https and public addresses only; ``devstack`` allows http and loopback.
* ``WEBHOOK_TIMEOUT_SECONDS`` (10): the whole request, body included.
* ``WEBHOOK_DESATIVAR_FALHAS`` / ``WEBHOOK_DESATIVAR_HORAS`` (50 / 24): disable an endpoint after this
  many consecutive failures spanning this many hours.
* ``WEBHOOK_LEASE_SECONDS`` (6 x timeout + 30): how long a claimed batch is hidden from other workers.
* ``NOTIFICACOES_CHAVE`` (derived from ``JWT_SECRET``): encrypts the webhook secrets at rest and
  signs the unsubscribe links.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from tenant_app.settings import Settings


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    tls: str = "starttls"
    timeout_seconds: float = 20.0


@dataclass(frozen=True)
class NotificacoesSettings:
    smtp: SmtpSettings | None
    remetente_padrao: str
    chave: str
    modo_webhook: str = "producao"
    webhook_timeout_seconds: float = 10.0
    #: Response bodies are read up to this size (the rest is dropped; the receiver's body is only logged).
    webhook_max_resposta_bytes: int = 64 * 1024
    desativar_apos_falhas: int = 50
    desativar_apos_horas: float = 24.0
    slug: str = "tenant"
    #: How long a claimed delivery stays invisible to other workers; a worker that dies
    #: mid-batch delays its deliveries by this much. Default: the worst batch (300 at 50
    #: concurrent, each up to the timeout) plus a margin.
    webhook_lease_seconds: float = 0.0

    @property
    def lease(self) -> float:
        return self.webhook_lease_seconds or self.webhook_timeout_seconds * 6 + 30

    @classmethod
    def of(cls, settings: Settings) -> NotificacoesSettings:
        """For one tenant's settings (process environment for SMTP and the webhook mode)."""
        return cls.from_env(slug=settings.tenant_slug, jwt_secret=settings.auth.jwt_secret)

    @property
    def producao(self) -> bool:
        return self.modo_webhook != "devstack"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, slug: str | None = None, jwt_secret: str | None = None
    ) -> NotificacoesSettings:
        """From the environment; ``slug``/``jwt_secret`` override it (an app built from a
        tenant's own settings, as tests build two tenants in one process)."""
        env = os.environ if env is None else env
        slug = slug or env.get("TENANT_SLUG", "tenant")
        jwt_secret = jwt_secret or env.get("JWT_SECRET", "")
        host = env.get("SMTP_HOST", "").strip()
        smtp = (
            SmtpSettings(
                host=host,
                port=int(env.get("SMTP_PORT", "587")),
                username=env.get("SMTP_USERNAME") or None,
                password=env.get("SMTP_PASSWORD") or None,
                tls=env.get("SMTP_TLS", "starttls"),
            )
            if host
            else None
        )
        return cls(
            smtp=smtp,
            remetente_padrao=env.get("EMAIL_REMETENTE_PADRAO") or f"nao-responda@{slug}.consorcio.app",
            chave=env.get("NOTIFICACOES_CHAVE") or "notificacoes:" + jwt_secret,
            modo_webhook=env.get("WEBHOOK_MODO", "producao"),
            webhook_timeout_seconds=float(env.get("WEBHOOK_TIMEOUT_SECONDS", "10")),
            desativar_apos_falhas=int(env.get("WEBHOOK_DESATIVAR_FALHAS", "50")),
            desativar_apos_horas=float(env.get("WEBHOOK_DESATIVAR_HORAS", "24")),
            slug=slug,
            webhook_lease_seconds=float(env.get("WEBHOOK_LEASE_SECONDS", "0")),
        )
