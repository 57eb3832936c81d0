"""The tenant app when its Vault fails (issue 21): the real Vault behind a TCP passage the test
cuts, so only this tenant loses it.

Creating a webhook endpoint stores its signing secret in Vault. With Vault resetting connections,
and with Vault hanging, the call answers 503 ``cofre_indisponivel`` (after the app's own Vault
timeout, not the client's) and nothing is half-written: no endpoint without its secret. The rest
of the API, which does not need Vault, keeps answering. Once Vault is back, the same call works.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tenant_app.cobranca.cofre import ConfigCofre
from tenant_app.notificacoes.webhooks.cofre import CofreWebhooks
from tenant_app.users.roles import Role
from tests.integration.tenant_app.notificacoes.test_tenant_app_webhooks_cofre import (  # noqa: F401
    tenant,
    token_de,
)
from tests.support.notificacoes_fixtures import Receptor
from tests.support.passagem_tcp import Passagem
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration

#: The app's Vault timeout in this test (the default is 5 s): the hung case ends in this.
TIMEOUT = 2.0


@pytest.fixture
def passagem(vault: Any) -> Iterator[Passagem]:
    destino = urlsplit(vault.addr)
    p = Passagem(destino.hostname or "127.0.0.1", destino.port or 8200)
    yield p
    p.fechar()


async def _endpoints(t: Tenant) -> list[str]:
    r = await t.client.get("/api/webhooks/endpoints", headers=t.auth(Role.ADMIN))
    assert r.status_code == 200, r.text
    corpo = r.json()
    itens = corpo["items"] if isinstance(corpo, dict) else corpo
    return sorted(str(e["id"]) for e in itens)


async def _criar(t: Tenant, receptor: Receptor, caminho: str) -> Any:
    return await t.client.post(
        "/api/webhooks/endpoints",
        json={"url": receptor.url(f"/{caminho}"), "tipos": []},
        headers=t.auth(Role.ADMIN),
        timeout=60,
    )


async def test_vault_down_or_hung_answers_503_and_writes_nothing(
    tenant: Tenant,  # noqa: F811
    token_de: Callable[[str], Path],  # noqa: F811
    passagem: Passagem,
    receptor: Receptor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_MODO", "devstack")  # the receptor listens on 127.0.0.1
    config = ConfigCofre(
        addr=passagem.url, tenant_slug=tenant.slug, token_file=str(token_de(tenant.slug)), timeout=TIMEOUT
    )
    tenant.app.state.cofre_webhooks = CofreWebhooks(config)
    assert (await _criar(tenant, receptor, "antes")).status_code == 201
    antes = await _endpoints(tenant)

    for modo in ("cortada", "buraco"):
        passagem.mudar(modo)
        r = await _criar(tenant, receptor, modo)
        assert r.status_code == 503, (modo, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["type"].endswith("/cofre_indisponivel"), r.text
        assert "Vault" in r.json()["detail"]
        assert await _endpoints(tenant) == antes, modo  # nothing half-written
        # What does not need Vault keeps working.
        assert (await tenant.client.get("/api/grupos", headers=tenant.auth(Role.GESTOR))).status_code == 200

    passagem.mudar("aberta")
    assert (await _criar(tenant, receptor, "depois")).status_code == 201
    assert len(await _endpoints(tenant)) == len(antes) + 1
