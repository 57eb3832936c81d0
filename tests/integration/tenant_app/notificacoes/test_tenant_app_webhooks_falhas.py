"""Webhook failures against a real local receiver: down, 500, timeout, slow body, redirect to a
private address, huge body; the schedule, dead-letter list, replay, rotation, auto-disable with an
e-mail (Mailpit), and the SSRF rules of production mode. The dispatcher and the delivery run
in-process here (the same functions the Celery tasks call) so each step can be checked."""

from __future__ import annotations

import dataclasses
import socket
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.eventos.tipos import COTA_ADERIDA, PAGAMENTO_CONFIRMADO
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.models import WebhookEntrega, WebhookTentativa
from tenant_app.notificacoes.tarefas import despachar_tudo, entregar_tudo, enviar_tudo
from tenant_app.notificacoes.webhooks import assinatura
from tenant_app.notificacoes.webhooks.entrega import ESPERAS, MAX_TENTATIVAS, proxima_espera
from tenant_app.system.redis_keys import create_redis
from tests.integration.tenant_app.factories import make_consorciado
from tests.support.notificacoes_fixtures import Mailpit, Receptor
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


def _nset(t: Tenant, **over: Any) -> NotificacoesSettings:
    base = NotificacoesSettings.of(t.settings)
    return dataclasses.replace(base, modo_webhook="devstack", webhook_timeout_seconds=2.0, **over)


@asynccontextmanager
async def recursos(t: Tenant) -> AsyncIterator[tuple[Any, Any]]:
    engine = create_engine(t.settings.database)
    redis = create_redis(t.settings.redis)
    try:
        yield create_session_factory(engine), redis
    finally:
        await redis.aclose()  # type: ignore[attr-defined]
        await engine.dispose()


async def rodada(t: Tenant, nset: NotificacoesSettings) -> int:
    """Dispatch everything pending, then attempt every due delivery once."""
    async with recursos(t) as (factory, redis):
        await despachar_tudo(factory, t.settings, nset, redis)
        return await entregar_tudo(factory, t.settings, nset, redis)


async def entregas_de(t: Tenant, endpoint_id: str) -> list[WebhookEntrega]:
    async with recursos(t) as (factory, _), factory() as s:
        return list(
            (
                await s.scalars(
                    select(WebhookEntrega).where(WebhookEntrega.endpoint_id == uuid.UUID(endpoint_id))
                )
            ).all()
        )


async def vencer_agora(t: Tenant, endpoint_id: str) -> None:
    """Jump the schedule: every pending delivery of the endpoint is due now."""
    async with recursos(t) as (factory, _), factory() as s:
        await s.execute(
            update(WebhookEntrega)
            .where(WebhookEntrega.endpoint_id == uuid.UUID(endpoint_id), WebhookEntrega.status == "pendente")
            .values(proxima_tentativa_em=datetime.now(UTC) - timedelta(seconds=1))
        )
        await s.commit()


async def endpoint(t: Tenant, url: str, tipos: list[str]) -> dict[str, Any]:
    r = await t.client.post("/api/webhooks/endpoints", json={"url": url, "tipos": tipos}, headers=t.auth())
    assert r.status_code == 201, r.text
    return dict(r.json())


def porta_fechada() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    porta = s.getsockname()[1]
    s.close()
    return int(porta)


async def test_cada_falha_fica_no_log_e_volta_ao_cronograma(
    tenant: Tenant, receptor: Receptor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_MODO", "devstack")
    casos = {
        "fora do ar": f"http://127.0.0.1:{porta_fechada()}/x",
        "500": receptor.url("/erro"),
        "timeout": receptor.url("/lento"),
        "corpo lento": receptor.url("/corpo-lento"),
        "redirect privado": receptor.url("/redireciona"),
    }
    eps = {nome: await endpoint(tenant, url, [COTA_ADERIDA]) for nome, url in casos.items()}
    ok = await endpoint(tenant, receptor.url("/grande"), [COTA_ADERIDA])
    await make_consorciado(tenant)  # consorciado.criado: no endpoint subscribes to it
    evento = await _aderir(tenant)
    inicio = time.monotonic()
    await rodada(tenant, _nset(tenant))
    decorrido = time.monotonic() - inicio
    # Everything ran concurrently within the 2 s limit (the slow ones were cut, not awaited).
    assert decorrido < 8, decorrido
    esperado = {
        "fora do ar": (None, "ConnectionRefusedError"),
        "500": (500, "HTTP 500"),
        "timeout": (None, "tempo esgotado"),
        "corpo lento": (None, "tempo esgotado"),
        "redirect privado": (302, "redirecionamento não seguido"),
    }
    for nome, ep in eps.items():
        [e] = [x for x in await entregas_de(tenant, ep["id"]) if str(x.evento_id) == evento]
        status, erro = esperado[nome]
        assert e.status == "pendente" and e.tentativas == 1, nome
        assert e.ultimo_status_http == status and erro in (e.ultimo_erro or ""), (nome, e.ultimo_erro)
        # Rescheduled by the first wait (5 s ± 20 %).
        falta = (e.proxima_tentativa_em - datetime.now(UTC)).total_seconds()
        assert -10 < falta <= ESPERAS[0] * 1.2, (nome, falta)
    # The redirect was not followed: nothing reached the metadata address (and the receiver saw one POST).
    assert len(receptor.de("/redireciona")) == 1
    # A 5 MB answer is read only up to the limit and counts as delivered.
    [grande] = [x for x in await entregas_de(tenant, ok["id"]) if str(x.evento_id) == evento]
    assert grande.status == "entregue" and grande.ultimo_status_http == 200
    # Not subscribed: no delivery for consorciado.criado anywhere.
    for ep in eps.values():
        assert {x.tipo for x in await entregas_de(tenant, ep["id"])} == {COTA_ADERIDA}


async def _aderir(t: Tenant) -> str:
    """A cota sold (cota.aderida); returns the event id."""
    from tenant_app.users.roles import Role
    from tests.integration.tenant_app.factories import make_grupo

    pessoa = await make_consorciado(t)
    grupo = await make_grupo(t)
    r = await t.client.post(
        f"/api/grupos/{grupo['id']}/cotas",
        json={"consorciado_id": pessoa["id"], "data_adesao": "2025-01-05"},
        headers=t.auth(Role.OPERADOR),
    )
    assert r.status_code == 201, r.text
    from tenant_app.eventos.models import EventoOutbox

    async with recursos(t) as (factory, _), factory() as s:
        ev = (
            await s.scalars(
                select(EventoOutbox)
                .where(EventoOutbox.tipo == COTA_ADERIDA)
                .order_by(EventoOutbox.seq.desc())
            )
        ).first()
    assert ev is not None and ev.dados["cota_id"] == r.json()["id"]
    return str(ev.id)


async def test_dead_letter_reenvio_desativacao_e_email(
    tenant: Tenant, receptor: Receptor, mailpit: Mailpit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_MODO", "devstack")
    alerta = f"alertas-{uuid.uuid4().hex[:8]}@exemplo.com.br"
    r = await tenant.client.put(
        "/api/notificacoes/configuracao",
        json={
            "nome_administradora": "Consórcio Teste",
            "remetente_nome": "Consórcio Teste",
            "remetente_email": "avisos@teste.example",
            "email_alertas": alerta,
        },
        headers=tenant.auth(),
    )
    assert r.status_code == 200
    receptor.falhar = True  # every path answers 500
    ep = await endpoint(tenant, receptor.url("/ok"), [COTA_ADERIDA])
    evento = await _aderir(tenant)
    # Every attempt of the schedule fails (the waits are skipped by moving the due time).
    nset = _nset(tenant, desativar_apos_falhas=10_000)
    for _ in range(MAX_TENTATIVAS):
        await rodada(tenant, nset)
        await vencer_agora(tenant, ep["id"])
    [e] = [x for x in await entregas_de(tenant, ep["id"]) if str(x.evento_id) == evento]
    assert e.status == "falhou" and e.tentativas == MAX_TENTATIVAS and e.ultimo_status_http == 500
    falhas = (
        await tenant.client.get(
            f"/api/webhooks/entregas?endpoint_id={ep['id']}&status=falhou", headers=tenant.auth()
        )
    ).json()
    assert [x["id"] for x in falhas["items"]] == [str(e.id)]
    log = (await tenant.client.get(f"/api/webhooks/entregas/{e.id}", headers=tenant.auth())).json()["log"]
    assert [x["status_http"] for x in log] == [500] * MAX_TENTATIVAS
    # Replay after the receiver is fixed: delivered with the same webhook-id.
    receptor.falhar = False
    r = await tenant.client.post(f"/api/webhooks/entregas/{e.id}/reenvio", headers=tenant.auth())
    assert r.status_code == 200 and r.json()["status"] == "pendente"
    assert (
        await tenant.client.post(f"/api/webhooks/entregas/{e.id}/reenvio", headers=tenant.auth())
    ).status_code == 409
    await rodada(tenant, nset)
    assert receptor.de("/ok")[-1].headers["webhook-id"] == evento
    [e] = [x for x in await entregas_de(tenant, ep["id"]) if str(x.evento_id) == evento]
    assert e.status == "entregue"

    # Persistent failure: 3 failures in a row (over >= 0 h) disable the endpoint and e-mail the alert address.
    receptor.falhar = True
    for _ in range(3):
        await _aderir(tenant)
    # A failing endpoint gets one attempt per round (the rest of its batch waits for the next).
    for _ in range(3):
        await rodada(tenant, _nset(tenant, desativar_apos_falhas=3, desativar_apos_horas=0))
        await vencer_agora(tenant, ep["id"])
    atual = (await tenant.client.get(f"/api/webhooks/endpoints/{ep['id']}", headers=tenant.auth())).json()
    assert atual["ativo"] is False and atual["motivo_desativacao"] == "falhas persistentes"
    pendentes = [x for x in await entregas_de(tenant, ep["id"]) if x.status == "pendente"]
    assert pendentes == []  # moved to the dead-letter list
    async with recursos(tenant) as (factory, redis):
        await enviar_tudo(factory, tenant.settings, _nset(tenant), redis)
    # (other tests' failing endpoints of this shared tenant may be disabled in the same round)
    avisos = mailpit.esperar(alerta, 1)
    assert all("Webhook desativado" in a["Subject"] for a in avisos)
    assert any(ep["url"] in mailpit.mensagem(a["ID"])["Text"] for a in avisos)
    # Replaying the dead letters of a disabled endpoint is refused until it is enabled again.
    r = await tenant.client.post(f"/api/webhooks/endpoints/{ep['id']}/reenvio", headers=tenant.auth())
    assert r.status_code == 409 and r.json()["type"].endswith("/endpoint_inativo")
    r = await tenant.client.patch(
        f"/api/webhooks/endpoints/{ep['id']}", json={"ativo": True}, headers=tenant.auth()
    )
    assert r.status_code == 200 and r.json()["ativo"] and r.json()["falhas_consecutivas"] == 0
    receptor.falhar = False
    r = await tenant.client.post(f"/api/webhooks/endpoints/{ep['id']}/reenvio", headers=tenant.auth())
    assert r.status_code == 200 and r.json()["reenviadas"] == 3
    await rodada(tenant, nset)
    assert all(x.status == "entregue" for x in await entregas_de(tenant, ep["id"]))


async def test_rotacao_assina_com_os_dois_segredos_durante_a_sobreposicao(
    tenant: Tenant, receptor: Receptor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_MODO", "devstack")
    ep = await endpoint(tenant, receptor.url("/ok-rotacao"), [COTA_ADERIDA])
    r = await tenant.client.post(
        f"/api/webhooks/endpoints/{ep['id']}/rotacao", json={"sobreposicao_horas": 24}, headers=tenant.auth()
    )
    assert r.status_code == 200, r.text
    novo = r.json()["segredo"]
    assert novo != ep["segredo"]
    await _aderir(tenant)
    await rodada(tenant, _nset(tenant))
    chegou = receptor.de("/ok-rotacao")[-1]
    assert len(chegou.headers["webhook-signature"].split()) == 2
    agora = int(time.time())
    assert assinatura.verificar(novo, chegou.headers, chegou.corpo, agora)
    assert assinatura.verificar(ep["segredo"], chegou.headers, chegou.corpo, agora)
    # Without overlap the old secret stops signing at once.
    r = await tenant.client.post(
        f"/api/webhooks/endpoints/{ep['id']}/rotacao", json={"sobreposicao_horas": 0}, headers=tenant.auth()
    )
    ultimo = r.json()["segredo"]
    await _aderir(tenant)
    await rodada(tenant, _nset(tenant))
    chegou = receptor.de("/ok-rotacao")[-1]
    assert chegou.headers["webhook-signature"].count("v1,") == 1
    assert assinatura.verificar(ultimo, chegou.headers, chegou.corpo, int(time.time()))
    assert not assinatura.verificar(novo, chegou.headers, chegou.corpo, int(time.time()))


async def test_producao_so_https_publico_e_confere_o_endereco_na_conexao(
    tenant: Tenant, receptor: Receptor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_MODO", "producao")
    for url in (
        receptor.url("/ok"),  # http
        "https://127.0.0.1/x",  # loopback
        "https://localhost/x",
        "https://10.1.2.3/x",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://[::1]/x",
        "https://[::ffff:127.0.0.1]/x",  # IPv4-mapped loopback
        "https://usuario:senha@example.com/x",
        "ftp://example.com/x",
    ):
        r = await tenant.client.post("/api/webhooks/endpoints", json={"url": url}, headers=tenant.auth())
        assert r.status_code == 422, (url, r.text)
        assert r.json()["type"].endswith("/url_proibida") and r.json()["errors"][0]["campo"] == "url"
    # Registered while allowed (devstack), delivered in production mode: the address is checked again
    # at connect time (as after a DNS change) and nothing reaches the receiver.
    monkeypatch.setenv("WEBHOOK_MODO", "devstack")
    ep = await endpoint(tenant, receptor.url("/ok-prod"), [COTA_ADERIDA])
    evento = await _aderir(tenant)
    await rodada(tenant, dataclasses.replace(_nset(tenant), modo_webhook="producao"))
    [e] = [x for x in await entregas_de(tenant, ep["id"]) if str(x.evento_id) == evento]
    assert e.status == "pendente" and "https" in (e.ultimo_erro or "")
    assert receptor.de("/ok-prod") == []
    async with recursos(tenant) as (factory, _), factory() as s:
        log = (await s.scalars(select(WebhookTentativa).where(WebhookTentativa.entrega_id == e.id))).all()
    assert len(log) == 1 and log[0].status_http is None


def test_cronograma_cobre_24_horas_com_jitter() -> None:
    import random

    rng = random.Random(7)
    total = sum(proxima_espera(n, rng) or 0 for n in range(1, MAX_TENTATIVAS))
    assert total >= 24 * 3600 * 0.8 * (sum(ESPERAS) / sum(ESPERAS))  # jitter never shortens below 80 %
    assert sum(ESPERAS) >= 24 * 3600 * 1.1
    assert proxima_espera(MAX_TENTATIVAS) is None
    assert len({round(proxima_espera(1, rng) or 0, 3) for _ in range(20)}) > 1  # jittered
    assert PAGAMENTO_CONFIRMADO  # the type list is importable by receivers' docs


async def test_cada_endpoint_recebe_na_ordem_e_um_receptor_fora_do_ar_custa_uma_tentativa(
    tenant: Tenant, receptor: Receptor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per endpoint, one request at a time in the order the events were recorded (a slow receiver
    too); a receiver that is down gets one attempt per round, the rest of its batch waits
    uncounted while the other endpoints are served."""
    from tenant_app.unit_of_work import Actor, UnitOfWork

    monkeypatch.setenv("WEBHOOK_MODO", "devstack")
    await endpoint(tenant, receptor.url("/ok-ordem"), [PAGAMENTO_CONFIRMADO])
    await endpoint(tenant, receptor.url("/ok-lento"), [PAGAMENTO_CONFIRMADO])  # 50 ms per answer
    fora = await endpoint(tenant, f"http://127.0.0.1:{porta_fechada()}/x", [PAGAMENTO_CONFIRMADO])
    async with recursos(tenant) as (factory, _), UnitOfWork.start(factory, Actor(None, "teste")) as uow:
        ids = [str(uow.publicar(PAGAMENTO_CONFIRMADO, {"i": i, "valor": "1.00"})) for i in range(20)]
        await uow.commit()
    await rodada(tenant, _nset(tenant))
    for caminho in ("/ok-ordem", "/ok-lento"):
        chegadas = [r.headers["webhook-id"] for r in receptor.de(caminho)]
        assert [i for i in chegadas if i in ids] == ids, caminho
    entregas = await entregas_de(tenant, fora["id"])
    assert sorted(e.tentativas for e in entregas) == [0] * 19 + [1]
    assert all(e.status == "pendente" for e in entregas)
    agora = datetime.now(UTC)
    assert all(0 < (e.proxima_tentativa_em - agora).total_seconds() <= ESPERAS[0] * 1.2 for e in entregas)
