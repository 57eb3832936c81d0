"""Webhook signing secrets live in the tenant's Vault path (issue 18 item 3), on the real Vault.

The tenant's access is a Vault token whose policy is the shared tenant policy rendered for the
tenant's namespace (tenant_operator's ``tenant_policy_hcl``: what ``consorcio-tenant`` grants the
tenant's Kubernetes login; tests/k8s/tenant_operator/test_operator_vault_policy.py logs in for real),
in a token file as the app reads the projected token. A secret created before Vault was configured
(encrypted in the database) is moved by the real Celery worker's sweep; both endpoints then receive
payloads signed with their secrets, read by the worker from Vault — no copy is left in the database.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import hvac
import pytest
from sqlalchemy import select
from tenant_operator.specs.vault_policy import tenant_policy_hcl

from consorcio_contract.names import tenant_namespace, vault_tenant_prefix
from tenant_app.cobranca.cofre import ConfigCofre
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.eventos.tipos import PAGAMENTO_CONFIRMADO
from tenant_app.notificacoes.models import WebhookSegredo
from tenant_app.notificacoes.webhooks import assinatura
from tenant_app.notificacoes.webhooks.cofre import CofreWebhooks
from tests.integration.tenant_app.factories import pay
from tests.integration.tenant_app.notificacoes.test_tenant_app_entrega_ponta_a_ponta import (
    cota_de,
    criar_endpoint,
)
from tests.support.notificacoes_fixtures import Receptor, email_unico
from tests.support.tenant_app_fixtures import Tenant, provision_tenant

pytestmark = pytest.mark.integration


@pytest.fixture
async def tenant(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """A tenant of its own, not the session's shared one: this test gives the app a Vault access
    whose policy is deleted at the end, and leaves endpoints whose secrets only Vault holds, so
    the shared tenant's later webhook tests would meet a refused token (503 cofre_indisponivel)."""
    t = await provision_tenant(make_database, redis_url, f"cofre{uuid.uuid4().hex[:6]}")
    yield t
    await t.client.__aexit__(None, None, None)


@pytest.fixture
def token_de(vault: Any, tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """A token file for a tenant slug, with the operator's policy for that tenant."""
    raiz = hvac.Client(url=vault.addr, token=vault.token)
    politicas: list[str] = []

    def para(slug: str) -> Path:
        nome = f"webhooks-teste-{slug}"
        raiz.sys.create_or_update_policy(nome, tenant_policy_hcl("secret", tenant_namespace(slug)))
        politicas.append(nome)
        arquivo = tmp_path / f"vault-token-{slug}"
        arquivo.write_text(raiz.auth.token.create(policies=[nome], ttl="1h")["auth"]["client_token"])
        return arquivo

    yield para
    for nome in politicas:
        raiz.sys.delete_policy(nome)


def no_vault(vault: Any, caminho: str) -> str:
    raiz = hvac.Client(url=vault.addr, token=vault.token)
    lido = raiz.secrets.kv.v2.read_secret_version(
        path=caminho, mount_point="secret", raise_on_deleted_version=True
    )
    return str(lido["data"]["data"]["segredo"])


async def linhas(tenant: Tenant) -> list[WebhookSegredo]:
    engine = create_engine(tenant.settings.database)  # this test's event loop, not the app's
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.scalars(select(WebhookSegredo))).all())
    finally:
        await engine.dispose()


async def test_segredos_no_vault_movidos_e_assinando_as_entregas(
    tenant: Tenant,
    vault: Any,
    token_de: Callable[[str], Path],
    receptor: Receptor,
    iniciar_worker,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_MODO", "devstack")
    # Before Vault: a secret encrypted in the database (what every existing endpoint has).
    tenant.app.state.cofre_webhooks = None
    antigo = await criar_endpoint(tenant, receptor.url("/ok-antigo"), [PAGAMENTO_CONFIRMADO])
    # (the tenant may carry other tests' endpoints: this test looks at its own)
    [legado] = [s for s in await linhas(tenant) if str(s.endpoint_id) == antigo["id"]]
    assert legado.segredo_cifrado is not None

    arquivo = token_de(tenant.slug)
    cofre = CofreWebhooks(ConfigCofre(addr=vault.addr, tenant_slug=tenant.slug, token_file=str(arquivo)))
    tenant.app.state.cofre_webhooks = cofre
    novo = await criar_endpoint(tenant, receptor.url("/ok-novo"), [PAGAMENTO_CONFIRMADO])
    [linha_nova] = [s for s in await linhas(tenant) if str(s.endpoint_id) == novo["id"]]
    assert linha_nova.segredo_cifrado is None  # nothing of it in the tenant database
    assert no_vault(vault, f"{vault_tenant_prefix(tenant.slug)}/webhooks/{linha_nova.id}") == novo["segredo"]

    # Rotation writes the new secret to Vault too.
    rot = await tenant.client.post(
        f"/api/webhooks/endpoints/{novo['id']}/rotacao", json={"sobreposicao_horas": 1}, headers=tenant.auth()
    )
    assert rot.status_code == 200, rot.text
    rotacionado = [
        s for s in await linhas(tenant) if str(s.endpoint_id) == novo["id"] and s.expira_em is None
    ]
    assert [s.segredo_cifrado for s in rotacionado] == [None]
    assert (
        no_vault(vault, f"{vault_tenant_prefix(tenant.slug)}/webhooks/{rotacionado[0].id}")
        == rot.json()["segredo"]
    )

    # Another tenant's role reaches none of it.
    outro = hvac.Client(url=vault.addr, token=token_de(f"outro{uuid.uuid4().hex[:8]}").read_text())
    with pytest.raises(hvac.exceptions.Forbidden):
        outro.secrets.kv.v2.read_secret_version(
            path=f"{vault_tenant_prefix(tenant.slug)}/webhooks/{linha_nova.id}", mount_point="secret"
        )

    # The worker, with the tenant's Vault access, moves the old secret (beat's sweep) and signs with both.
    cota = await cota_de(tenant, email_unico())
    iniciar_worker(
        {
            **tenant.env,
            "VAULT_ADDR": vault.addr,
            "TENANT_SLUG": tenant.slug,
            "VAULT_TOKEN_FILE": str(arquivo),
        }
    )
    fim = time.monotonic() + 60
    while any(s.segredo_cifrado is not None for s in await linhas(tenant)):
        assert time.monotonic() < fim, "the sweep did not move the old secret to Vault"
        await asyncio.sleep(0.5)
    assert no_vault(vault, f"{vault_tenant_prefix(tenant.slug)}/webhooks/{legado.id}") == antigo["segredo"]

    paid = await pay(tenant, cota["id"], "80.00", "2025-02-01")
    assert paid.status_code == 201, paid.text
    [para_antigo] = receptor.esperar("/ok-antigo", 1, timeout=60)
    [para_novo] = receptor.esperar("/ok-novo", 1, timeout=60)
    agora = int(time.time())
    assert assinatura.verificar(antigo["segredo"], para_antigo.headers, para_antigo.corpo, agora)
    # Both of the rotated endpoint's secrets sign during the overlap.
    assert assinatura.verificar(novo["segredo"], para_novo.headers, para_novo.corpo, agora)
    assert assinatura.verificar(rot.json()["segredo"], para_novo.headers, para_novo.corpo, agora)
