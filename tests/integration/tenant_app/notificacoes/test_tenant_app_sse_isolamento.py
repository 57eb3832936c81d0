"""Live updates (SSE) against the real app server, and isolation: tenant A never receives tenant B's
events on SSE, webhooks or e-mail (two real tenants: own databases, Redis users, channels)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import httpx
import pytest
import redis

from tenant_app.eventos.tipos import PAGAMENTO_CONFIRMADO, RELATORIO_PRONTO
from tenant_app.notificacoes.despacho import canal_sse
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.integration.tenant_app.factories import pay
from tests.integration.tenant_app.notificacoes.test_tenant_app_entrega_ponta_a_ponta import cota_de
from tests.integration.tenant_app.notificacoes.test_tenant_app_webhooks_falhas import (
    _nset,
    endpoint,
    recursos,
    rodada,
)
from tests.support.notificacoes_fixtures import Mailpit, Receptor, email_unico
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


class Stream:
    """One SSE connection; ``mensagens`` collects (id, event, data) as they arrive."""

    def __init__(self) -> None:
        self.mensagens: list[tuple[int, str, dict[str, Any]]] = []
        self.aberto = asyncio.Event()

    async def esperar(self, n: int, segundos: float = 20) -> list[tuple[int, str, dict[str, Any]]]:
        fim = asyncio.get_running_loop().time() + segundos
        while len(self.mensagens) < n:
            assert asyncio.get_running_loop().time() < fim, f"{len(self.mensagens)} of {n} SSE messages"
            await asyncio.sleep(0.05)
        return self.mensagens


@asynccontextmanager
async def sse(url: str, token: str, ultimo: int | None = None) -> AsyncIterator[Stream]:
    s = Stream()
    headers = {"Authorization": f"Bearer {token}"}
    if ultimo is not None:
        headers["Last-Event-ID"] = str(ultimo)

    async def ler() -> None:
        async with (
            httpx.AsyncClient(timeout=None) as client,
            client.stream("GET", f"{url}/api/eventos/stream", headers=headers) as r,
        ):
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            campos: dict[str, str] = {}
            async for linha in r.aiter_lines():
                if linha.startswith(":"):
                    s.aberto.set()
                    continue
                if not linha:
                    if campos.get("data"):
                        s.mensagens.append((int(campos["id"]), campos["event"], json.loads(campos["data"])))
                    campos = {}
                    continue
                k, _, v = linha.partition(":")
                campos[k] = v.lstrip(" ")

    tarefa = asyncio.create_task(ler())
    try:
        await asyncio.wait_for(s.aberto.wait(), 20)
        yield s
    finally:
        tarefa.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await tarefa


async def publicar(t: Tenant, tipo: str, dados: dict[str, Any], usuario_id: uuid.UUID | None = None) -> None:
    async with recursos(t) as (factory, _), UnitOfWork.start(factory, Actor(None, "teste")) as uow:
        uow.publicar(tipo, dados, usuario_id=usuario_id)
        await uow.commit()


async def meu_id(t: Tenant) -> uuid.UUID:
    return uuid.UUID((await t.client.get("/api/auth/me", headers=t.auth())).json()["id"])


async def test_sse_ao_vivo_por_usuario_e_reconexao_com_last_event_id(
    tenant: Tenant,
    iniciar_servidor,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    url = iniciar_servidor(tenant.env)
    eu = await meu_id(tenant)
    token = tenant.auth()["Authorization"].split()[1]
    async with sse(url, token) as s:
        await publicar(tenant, RELATORIO_PRONTO, {"relatorio_id": "r1"}, usuario_id=eu)
        await publicar(tenant, RELATORIO_PRONTO, {"relatorio_id": "de-outro"}, usuario_id=uuid.uuid4())
        await publicar(tenant, PAGAMENTO_CONFIRMADO, {"pagamento_id": "p1", "valor": "10.00"})
        await rodada(tenant, _nset(tenant))
        msgs = await s.esperar(2)
        await asyncio.sleep(0.5)
    assert [(m[1], m[2]["dados"]) for m in msgs] == [
        (RELATORIO_PRONTO, {"relatorio_id": "r1"}),
        (PAGAMENTO_CONFIRMADO, {"pagamento_id": "p1", "valor": "10.00"}),
    ]  # the report of another user was not sent
    ultimo = msgs[0][0]
    # Disconnected: two events happen; reconnecting with Last-Event-ID replays what came after it.
    await publicar(tenant, PAGAMENTO_CONFIRMADO, {"pagamento_id": "p2"})
    await rodada(tenant, _nset(tenant))
    async with sse(url, token, ultimo=ultimo) as s:
        replay = await s.esperar(2)
        assert [m[2]["dados"].get("pagamento_id") for m in replay[:2]] == ["p1", "p2"]
        await publicar(tenant, PAGAMENTO_CONFIRMADO, {"pagamento_id": "p3"})
        await rodada(tenant, _nset(tenant))
        ao_vivo = await s.esperar(3)
        assert ao_vivo[2][2]["dados"]["pagamento_id"] == "p3"
        assert [m[0] for m in ao_vivo] == sorted(m[0] for m in ao_vivo)
    # No token, no stream.
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{url}/api/eventos/stream")).status_code == 401


async def test_tenant_a_nunca_recebe_eventos_de_b(
    tenant: Tenant,
    other_tenant: Tenant,
    receptor: Receptor,
    mailpit: Mailpit,
    iniciar_servidor,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_MODO", "devstack")
    a, b = tenant, other_tenant
    ep_a = await endpoint(a, receptor.url("/ok-a"), [PAGAMENTO_CONFIRMADO])
    ep_b = await endpoint(b, receptor.url("/ok-b"), [PAGAMENTO_CONFIRMADO])
    email_a, email_b = email_unico(), email_unico()
    cota_a, cota_b = await cota_de(a, email_a), await cota_de(b, email_b)
    url_a, url_b = iniciar_servidor(a.env), iniciar_servidor(b.env)
    await rodada(a, _nset(a))  # each tenant's own earlier events out of the way
    await rodada(b, _nset(b))
    tok_a, tok_b = a.auth()["Authorization"].split()[1], b.auth()["Authorization"].split()[1]
    # A's token does not open B's stream.
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{url_b}/api/eventos/stream", headers=a.auth())).status_code == 401
    async with sse(url_a, tok_a) as sa, sse(url_b, tok_b) as sb:
        pa = await pay(a, cota_a["id"], "101.00", "2025-02-01")
        assert pa.status_code == 201
        await rodada(a, _nset(a))
        await rodada(b, _nset(b))  # B dispatches too: it must find nothing of A's
        await sa.esperar(1)
        await asyncio.sleep(1)
        assert [m[2]["dados"]["pagamento_id"] for m in sa.mensagens if m[1] == PAGAMENTO_CONFIRMADO] == [
            pa.json()["id"]
        ]
        assert sb.mensagens == []
        pb = await pay(b, cota_b["id"], "202.00", "2025-02-01")
        await rodada(b, _nset(b))
        await rodada(a, _nset(a))
        await sb.esperar(1)
        await asyncio.sleep(1)
        assert [m[2]["dados"]["pagamento_id"] for m in sb.mensagens if m[1] == PAGAMENTO_CONFIRMADO] == [
            pb.json()["id"]
        ]
        assert all(m[2]["dados"].get("pagamento_id") != pb.json()["id"] for m in sa.mensagens)
    # Webhooks: each tenant's endpoint got exactly its own payment.
    ids_a = {json.loads(r.corpo)["data"]["pagamento_id"] for r in receptor.de("/ok-a")}
    ids_b = {json.loads(r.corpo)["data"]["pagamento_id"] for r in receptor.de("/ok-b")}
    assert ids_a == {pa.json()["id"]} and ids_b == {pb.json()["id"]}
    assert ep_a["segredo"] != ep_b["segredo"]
    # B's API does not show A's endpoints or deliveries.
    assert ep_a["id"] not in {
        e["id"] for e in (await b.client.get("/api/webhooks/endpoints", headers=b.auth())).json()
    }
    r = await b.client.get(f"/api/webhooks/endpoints/{ep_a['id']}", headers=b.auth())
    assert r.status_code == 404
    # E-mail: each consorciado got only its own tenant's receipt; the logs do not cross.
    async with recursos(a) as (factory, redis_a):
        from tenant_app.notificacoes.tarefas import enviar_tudo

        await enviar_tudo(factory, a.settings, _nset(a), redis_a)
    async with recursos(b) as (factory, redis_b):
        from tenant_app.notificacoes.tarefas import enviar_tudo

        await enviar_tudo(factory, b.settings, _nset(b), redis_b)
    recibos_a = [m for m in mailpit.esperar(email_a, 2) if m["Subject"].startswith("Pagamento")]
    recibos_b = [m for m in mailpit.esperar(email_b, 2) if m["Subject"].startswith("Pagamento")]
    assert len(recibos_a) == 1 and "R$ 101,00" in recibos_a[0]["Subject"]
    assert len(recibos_b) == 1 and "R$ 202,00" in recibos_b[0]["Subject"]
    log_b = (await b.client.get("/api/notificacoes/emails?limit=200", headers=b.auth())).json()["items"]
    assert email_a not in {m["destinatario"] for m in log_b}
    # B's Redis user cannot even listen on A's live channel.
    cliente_b = redis.Redis.from_url(b.settings.redis.url)
    try:
        ps = cliente_b.pubsub()
        with pytest.raises(redis.exceptions.NoPermissionError):
            ps.subscribe(canal_sse(a.settings))
            ps.get_message(timeout=2)
    finally:
        cliente_b.close()
