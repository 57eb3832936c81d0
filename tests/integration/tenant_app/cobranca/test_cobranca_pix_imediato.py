"""PIX para pagar hoje (``POST /api/cobranca/titulos/{id}/pix-imediato``) on the real app, PostgreSQL and
Vault, against the local PSP of tests/support/pix_psp.py (the published BCB Pix API contract over real
HTTP): the ``cob`` for today's amount and its expiration, the BR Code of its location, the PSP's
webhook settling the título once, the Idempotency-Key, no PSP, and another tenant."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tenant_app import calendario
from tenant_app.cobranca import emissao
from tenant_app.cobranca.cofre import CofrePsp
from tenant_app.cobranca.pix import validar_brcode
from tenant_app.cobranca.pix_imediato import EXPIRACAO_SEGUNDOS
from tenant_app.cobranca.pix_recebimento import liquidar_pendentes
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.dinheiro.encargos import encargos_devidos
from tenant_app.unit_of_work import Actor, UnitOfWork
from tenant_app.users.roles import Role
from tests.integration.tenant_app.cobranca.apoio import CONTA_BB, conta, emitir, grupo_com_parcelas, parcelas
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.pix_psp import PspLocal, psp_local
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def _no_processo(tenant: Tenant, trabalho: Any) -> Any:
    """Run ``trabalho(uow)`` in-process on the tenant's database (what the worker or an earlier day did)."""
    engine = create_engine(tenant.settings.database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "teste")) as uow:
            return await trabalho(uow)
    finally:
        await engine.dispose()


async def _conta_com_psp(tenant: Tenant, grupo_id: str, psp: PspLocal) -> tuple[dict[str, Any], str]:
    """The grupo's account at the local PSP, its secret in Vault and a webhook address: (account, path)."""
    r = await tenant.client.post(
        "/api/cobranca/contas/",
        json={
            **CONTA_BB,
            "grupo_id": grupo_id,
            "convenio": "7654329",
            "conta": "55501",  # not 99999: the retorno test names that as an account nobody has
            "psp": "bcb-token-na-raiz",
            "psp_url": psp.base_url,
            "psp_client_id": psp.estado.client_id,
        },
        headers=tenant.auth(),
    )
    assert r.status_code == 201, r.text
    c = r.json()
    r = await tenant.client.put(
        f"/api/cobranca/contas/{c['id']}/psp-segredo",
        json={"client_secret": psp.estado.client_secret},
        headers=tenant.auth(),
    )
    assert r.status_code == 204, r.text
    w = await tenant.client.post(f"/api/cobranca/contas/{c['id']}/webhook-pix", headers=tenant.auth())
    assert w.status_code == 201, w.text
    return c, w.json()["webhook_url"].split("testserver.local", 1)[-1] + "/pix"


def _pedir(tenant: Tenant, titulo_id: str, chave: str | None, role: Role = Role.FINANCEIRO) -> Any:
    headers = tenant.auth(role) | ({"Idempotency-Key": chave} if chave else {})
    return tenant.client.post(f"/api/cobranca/titulos/{titulo_id}/pix-imediato", headers=headers)


async def test_pix_para_pagar_hoje_cobra_o_dia_e_liquida_uma_vez(
    tenant: Tenant, other_tenant: Tenant, cofre_do_tenant: CofrePsp
) -> None:
    hoje = calendario.hoje()
    with psp_local() as psp:
        grupo, cotas = await make_running_grupo(tenant, cotas=1, data_inicio="2026-09-01")
        _, caminho_webhook = await _conta_com_psp(tenant, grupo["id"], psp)
        vencida = next(
            p for p in await parcelas(tenant, cotas[0]["id"]) if p["vencimento"] < hoje.isoformat()
        )
        vencimento = date.fromisoformat(vencida["vencimento"])

        # The título was issued on its due date (an earlier day): it charges no multa nor juros.
        async def emitir_no_vencimento(uow: UnitOfWork) -> str:
            t, _ = await emissao.emitir(uow, uuid.UUID(vencida["id"]), hoje=vencimento)
            return str(t.id)

        titulo_id = await _no_processo(tenant, emitir_no_vencimento)
        antes = (await tenant.client.get(f"/api/cobranca/titulos/{titulo_id}", headers=tenant.auth())).json()
        assert Decimal(antes["multa"]) == 0 and antes["vencimento"] == vencida["vencimento"]

        # Without the Idempotency-Key: 428, nothing at the PSP.
        assert (await _pedir(tenant, titulo_id, None)).status_code == 428
        assert psp.estado.cobrancas == {}
        # Read-only roles may not create charges.
        assert (await _pedir(tenant, titulo_id, uuid.uuid4().hex, Role.AUDITOR)).status_code == 403

        chave = uuid.uuid4().hex
        r = await _pedir(tenant, titulo_id, chave)
        assert r.status_code == 201, r.text
        pix = r.json()
        # Today's amount: the open principal plus multa and juros up to today (dinheiro.encargos).
        principal = Decimal(vencida["valor_total"])
        esperado = encargos_devidos(
            valor_total=principal,
            saldo_principal=principal,
            vencimento=vencimento,
            data=hoje,
            multa_pct=Decimal(grupo["multa_pct"]),
            juros_mensal_pct=Decimal(grupo["juros_mensal_pct"]),
        )
        assert esperado.multa > 0 and esperado.juros > 0
        assert Decimal(pix["multa"]) == esperado.multa and Decimal(pix["juros"]) == esperado.juros
        assert Decimal(pix["valor"]) == principal + esperado.multa + esperado.juros
        assert pix["data"] == hoje.isoformat() and pix["expiracao"] == EXPIRACAO_SEGUNDOS == 3600
        # At the PSP: a cob (not a cobv) for that amount, expiring in an hour, with the account's key.
        cob = psp.estado.cobrancas[pix["txid"]]
        assert ("PUT", f"/cob/{pix['txid']}") in psp.estado.chamadas
        assert cob["valor"]["original"] == pix["valor"] and cob["calendario"]["expiracao"] == 3600
        assert cob["chave"] == CONTA_BB["chave_pix"] and cob["loc"]["tipoCob"] == "cob"
        brcode = validar_brcode(pix["brcode"])
        assert brcode["url"] == cob["location"].split("://", 1)[1] == pix["location"].split("://", 1)[1]
        # The título itself is unchanged: its boleto and BR Code still pay it.
        assert (
            await tenant.client.get(f"/api/cobranca/titulos/{titulo_id}", headers=tenant.auth())
        ).json() == antes

        # The same key again: the same charge, nothing new at the PSP.
        repetido = await _pedir(tenant, titulo_id, chave)
        assert repetido.status_code == 201 and repetido.headers["Idempotent-Replayed"] == "true"
        assert repetido.json() == pix and len(psp.estado.cobrancas) == 1

        # Tenant B can neither create a charge for A's título nor see it.
        assert (await _pedir(other_tenant, titulo_id, uuid.uuid4().hex)).status_code == 404
        alheio = await other_tenant.client.get(
            f"/api/cobranca/titulos/{titulo_id}", headers=other_tenant.auth()
        )
        assert alheio.status_code == 404 and len(psp.estado.cobrancas) == 1

        # The payer pays the cob; the PSP's webhook settles the título through the one money path.
        notificacao = psp.pagar(pix["txid"])
        assert (await tenant.client.post(caminho_webhook, json=notificacao)).json()["novos"] == 1
        assert await _no_processo(tenant, liquidar_pendentes) == 1
        depois = (await tenant.client.get(f"/api/cobranca/titulos/{titulo_id}", headers=tenant.auth())).json()
        assert depois["status"] == "liquidado" and depois["liquidado_em"] == hoje.isoformat()
        pagamentos = (
            await tenant.client.get(f"/api/cotas/{cotas[0]['id']}/pagamentos", headers=tenant.auth())
        ).json()["items"]
        assert [(Decimal(p["valor"]), p["forma"]) for p in pagamentos] == [(Decimal(pix["valor"]), "pix")]
        # Nothing of this cota waits to be identified (the shared tenant holds other tests' entries).
        a_identificar = await tenant.client.get(
            "/api/cobranca/valores-a-identificar?limit=200", headers=tenant.auth()
        )
        assert not [i for i in a_identificar.json()["items"] if i["cota_id"] == cotas[0]["id"]], (
            a_identificar.text
        )

        # The same notification again (same endToEndId): nothing changes.
        assert (await tenant.client.post(caminho_webhook, json=notificacao)).json()["novos"] == 0
        assert await _no_processo(tenant, liquidar_pendentes) == 0
        de_novo = (
            await tenant.client.get(f"/api/cotas/{cotas[0]['id']}/pagamentos", headers=tenant.auth())
        ).json()["items"]
        assert len(de_novo) == 1

        # A settled título gets no new charge.
        r = await _pedir(tenant, titulo_id, uuid.uuid4().hex)
        assert r.status_code == 409 and r.json()["type"].endswith("/titulo_inativo"), r.text


async def test_sem_psp_responde_problema_em_portugues(tenant: Tenant) -> None:
    """An account without PSP: 422 ``psp_nao_configurado`` pointing at the reemissão, nothing created."""
    await conta(tenant)
    _, cotas = await grupo_com_parcelas(tenant)
    p = (await parcelas(tenant, cotas[0]["id"]))[0]
    t = (await emitir(tenant, p["id"])).json()
    r = await _pedir(tenant, t["id"], uuid.uuid4().hex)
    assert r.status_code == 422 and r.json()["type"].endswith("/psp_nao_configurado"), r.text
    assert "reemita o título com vencimento hoje" in r.json()["detail"]
    assert r.headers["content-type"].startswith("application/problem+json")
