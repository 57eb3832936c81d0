"""Issue 15: with the operator's mTLS webhook host (``PIX_WEBHOOK_BASE_URL``) the address registered
at the PSP is on that host and the webhook answers only there; without it nothing changes."""

from __future__ import annotations

import pytest

from tenant_app.cobranca.webhook_host import base_do_webhook, host_aceito
from tenant_app.settings import Settings, SettingsError

pytestmark = pytest.mark.unit

ENV = {
    "TENANT_SLUG": "acme",
    "DATABASE_URL": "postgresql://u:p@db/acme",
    "REDIS_URL": "redis://u:p@redis/0",
    "JWT_SECRET": "x" * 64,
    "APP_BASE_URL": "https://acme.tenants.example.com.br",
}


def _settings(**env: str) -> Settings:
    return Settings.from_env({**ENV, **env})


def test_without_the_variable_the_apps_own_base_and_any_host() -> None:
    s = _settings()
    assert s.pix_webhook_base_url is None
    assert base_do_webhook(s, "https://acme.tenants.example.com.br/") == "https://acme.tenants.example.com.br"
    assert host_aceito(s, "acme.tenants.example.com.br") and host_aceito(s, None)


def test_with_the_variable_the_webhook_host() -> None:
    s = _settings(PIX_WEBHOOK_BASE_URL="https://acme.pix.example.com.br/")
    assert s.pix_webhook_base_url == "https://acme.pix.example.com.br"
    assert base_do_webhook(s, "https://acme.tenants.example.com.br") == "https://acme.pix.example.com.br"


@pytest.mark.parametrize(
    ("host", "aceito"),
    [
        ("acme.pix.example.com.br", True),
        ("ACME.pix.example.com.br:443", True),
        ("acme.tenants.example.com.br", False),  # the users' host routes /api too: no way around mTLS
        ("acme.pix.example.com.br.evil.example", False),
        ("", False),
        (None, False),
    ],
)
def test_only_the_webhook_host_is_served(host: str | None, aceito: bool) -> None:
    s = _settings(PIX_WEBHOOK_BASE_URL="https://acme.pix.example.com.br")
    assert host_aceito(s, host) is aceito


@pytest.mark.parametrize(
    "value", ["http://acme.pix.example.com.br", "acme.pix.example.com.br", "https://acme.pix.example/x"]
)
def test_a_bad_base_url_stops_the_app_at_startup(value: str) -> None:
    with pytest.raises(SettingsError, match="PIX_WEBHOOK_BASE_URL"):
        _settings(PIX_WEBHOOK_BASE_URL=value)
