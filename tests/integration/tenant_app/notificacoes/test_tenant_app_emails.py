"""E-mails: due-date reminders from the daily scan (once per parcela), LGPD consent for marketing with
the unsubscribe link working end to end (Mailpit), nothing for anonymised consorciados."""

from __future__ import annotations

import urllib.request
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tenant_app.eventos.models import EventoOutbox
from tenant_app.eventos.tipos import PARCELA_VENCENDO, PARCELA_VENCIDA
from tenant_app.notificacoes.tarefas import despachar_tudo, enviar_tudo
from tenant_app.notificacoes.vencimentos import emitir_vencimentos
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.integration.tenant_app.factories import make_consorciado
from tests.integration.tenant_app.notificacoes.test_tenant_app_entrega_ponta_a_ponta import cota_de
from tests.integration.tenant_app.notificacoes.test_tenant_app_webhooks_falhas import _nset, recursos
from tests.support.notificacoes_fixtures import Mailpit, email_unico
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def _enviar(t: Tenant) -> None:
    async with recursos(t) as (factory, redis):
        await despachar_tudo(factory, t.settings, _nset(t), redis)
        await enviar_tudo(factory, t.settings, _nset(t), redis)


async def test_lembrete_de_vencimento_uma_vez_por_parcela(tenant: Tenant, mailpit: Mailpit) -> None:
    endereco = email_unico()
    cota = await cota_de(tenant, endereco)
    parcelas = (await tenant.client.get(f"/api/cotas/{cota['id']}/parcelas", headers=tenant.auth())).json()
    itens = parcelas["items"] if isinstance(parcelas, dict) else parcelas
    primeira = min(itens, key=lambda p: p["numero"])
    vencimento = date.fromisoformat(primeira["vencimento"])
    hoje = vencimento - timedelta(days=3)  # the default notice is 3 days
    async with recursos(tenant) as (factory, _):
        for _ in range(2):  # a second run the same day emits nothing new
            async with UnitOfWork.start(factory, Actor(None, "teste")) as uow:
                await emitir_vencimentos(uow, _nset(tenant), hoje)
        async with factory() as s:
            evs = (await s.scalars(select(EventoOutbox).where(EventoOutbox.tipo == PARCELA_VENCENDO))).all()
    minhas = [e for e in evs if e.dados["cota_id"] == cota["id"]]
    assert len(minhas) == 1 and minhas[0].dados["parcela_numero"] == primeira["numero"]
    await _enviar(tenant)
    msgs = [m for m in mailpit.esperar(endereco, 2) if m["Subject"].startswith("Sua parcela vence")]
    assert len(msgs) == 1 and vencimento.strftime("%d/%m/%Y") in msgs[0]["Subject"]
    # The day after the due date, unpaid: parcela.vencida (once).
    async with recursos(tenant) as (factory, _):
        for _ in range(2):
            async with UnitOfWork.start(factory, Actor(None, "teste")) as uow:
                await emitir_vencimentos(uow, _nset(tenant), vencimento + timedelta(days=1))
        async with factory() as s:
            vencidas = [
                e
                for e in (
                    await s.scalars(select(EventoOutbox).where(EventoOutbox.tipo == PARCELA_VENCIDA))
                ).all()
                if e.dados["cota_id"] == cota["id"]
            ]
    assert len(vencidas) == 1


async def test_marketing_so_com_consentimento_e_descadastro_funciona(
    tenant: Tenant, mailpit: Mailpit
) -> None:
    com, sem, revogou = email_unico(), email_unico(), email_unico()
    p_com = await make_consorciado(
        tenant, email=com, consentimentos=[{"finalidade": "marketing", "concedido": True}]
    )
    await make_consorciado(
        tenant, email=sem, consentimentos=[{"finalidade": "comunicacoes", "concedido": True}]
    )
    p_rev = await make_consorciado(
        tenant, email=revogou, consentimentos=[{"finalidade": "marketing", "concedido": True}]
    )
    r = await tenant.client.post(
        f"/api/consorciados/{p_rev['id']}/consentimentos",
        json={"finalidade": "marketing", "concedido": False},
        headers=tenant.auth(),
    )
    assert r.status_code in (200, 201), r.text
    r = await tenant.client.post(
        "/api/notificacoes/comunicados",
        json={
            "assunto": "Novos grupos de imóveis",
            "paragrafos": ["Conheça os grupos abertos este mês."],
            "consorciado_ids": [p_com["id"], p_rev["id"]],
        },
        headers=tenant.auth(),
    )
    assert r.status_code == 428, r.text  # a sent e-mail cannot be recalled: the key is required
    corpo = {
        "assunto": "Novos grupos de imóveis",
        "paragrafos": ["Conheça os grupos abertos este mês."],
        "consorciado_ids": [p_com["id"], p_rev["id"]],
    }
    for _ in range(2):  # the retry answers the first result and queues nothing more
        r = await tenant.client.post(
            "/api/notificacoes/comunicados",
            json=corpo,
            headers={**tenant.auth(), "Idempotency-Key": "comunicado-novos-grupos"},
        )
        assert r.status_code == 202 and r.json() == {"enfileirados": 1}, r.text
    await _enviar(tenant)
    [msg] = [m for m in mailpit.esperar(com, 1) if m["Subject"].startswith("Novos grupos")]
    assert not [m for m in mailpit.para(sem) if m["Subject"].startswith("Novos grupos")]
    assert not [m for m in mailpit.para(revogou) if m["Subject"].startswith("Novos grupos")]
    cab = mailpit.cabecalhos(msg["ID"])
    link = cab["List-Unsubscribe"][0].strip("<>")
    assert cab["List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"]
    texto = mailpit.mensagem(msg["ID"])["Text"]
    assert link in texto
    # The link works without login (public path) and withdraws the consent.
    caminho = link.split("/publico/", 1)[1]
    r = await tenant.client.get(f"/publico/{caminho}")
    assert r.status_code == 200 and "não receberá mais" in r.text
    r = await tenant.client.get(f"/publico/{caminho[:-2]}xx")  # a forged token
    assert r.status_code == 404
    r = await tenant.client.post(
        "/api/notificacoes/comunicados",
        json={"assunto": "Outra oferta", "paragrafos": ["x"], "consorciado_ids": [p_com["id"]]},
        headers={**tenant.auth(), "Idempotency-Key": "comunicado-outra-oferta"},
    )
    assert r.json() == {"enfileirados": 0}
    consent = (
        await tenant.client.get(f"/api/consorciados/{p_com['id']}/consentimentos", headers=tenant.auth())
    ).json()
    assert any(c["finalidade"] == "marketing" and c["concedido"] is False for c in consent)
    assert urllib.request  # (the same page is served by the real server: /publico/ is public)
