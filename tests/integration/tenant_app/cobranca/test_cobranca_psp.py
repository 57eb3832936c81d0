"""The BCB Pix API client against a local PSP (tests/support/pix_psp.py, implementing the published BCB Pix
API contract over real HTTP — no PSP runs here): token, cob and cobv creation and query, webhook
registration, errors; and issuing with a dynamic PIX, the PSP's client secret in the real Vault."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import hvac
import pytest
from sqlalchemy import text

from consorcio_contract.names import vault_tenant_prefix
from tenant_app.cobranca.cofre import CofrePsp
from tenant_app.cobranca.pix import validar_brcode
from tenant_app.cobranca.pix_recebimento import liquidar_pendentes
from tenant_app.cobranca.psp import CredenciaisPsp, ErroPsp, cliente_para
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.unit_of_work import Actor, UnitOfWork
from tenant_app.users.roles import Role
from tests.integration.tenant_app.cobranca.apoio import CONTA_BB, emitir, parcelas
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.pix_psp import psp_local
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


def _txid() -> str:
    return uuid.uuid4().hex[:30]


async def test_client_speaks_the_bcb_pix_api() -> None:
    with psp_local() as psp:
        cred = CredenciaisPsp(psp.base_url, psp.estado.client_id, psp.estado.client_secret)
        async with cliente_para("bcb-token-na-raiz", cred) as cliente:
            txid = _txid()
            cob = await cliente.criar_cob(txid, chave="11222333000181", valor=Decimal("150.5"))
            assert cob.status == "ATIVA" and cob.txid == txid and cob.valor == Decimal("150.50")
            assert cob.location.startswith(psp.estado.host)
            assert psp.estado.cobrancas[txid]["valor"]["original"] == "150.50"  # the contract's format
            txv = _txid()
            cobv = await cliente.criar_cobv(
                txv,
                chave="11222333000181",
                valor=Decimal("1234.56"),
                vencimento=date(2027, 1, 10),
                devedor_documento="52998224725",
                devedor_nome="José da Silva",
                multa_pct=Decimal("2"),
                juros_mensal_pct=Decimal("1"),
            )
            enviado = psp.estado.cobrancas[txv]
            assert enviado["calendario"]["dataDeVencimento"] == "2027-01-10"
            assert enviado["devedor"] == {"cpf": "52998224725", "nome": "José da Silva"}
            assert enviado["valor"]["multa"] == {"modalidade": "2", "valorPerc": "2.00"}
            assert cobv.status == "ATIVA"
            psp.pagar(txv)
            assert (await cliente.consultar_cobv(txv)).status == "CONCLUIDA"
            await cliente.registrar_webhook(
                "11222333000181", "https://app.example/api/cobranca/pix/webhook/x/y"
            )
            assert (
                await cliente.consultar_webhook("11222333000181")
                == "https://app.example/api/cobranca/pix/webhook/x/y"
            )
            # The PSP's errors come back typed.
            with pytest.raises(ErroPsp) as repetido:
                await cliente.criar_cob(txid, chave="11222333000181", valor=Decimal("1"))
            assert repetido.value.status == 400 and repetido.value.tipo == "CobOperacaoInvalida"
            with pytest.raises(ErroPsp) as nao_existe:
                await cliente.consultar_cob(_txid())
            assert nao_existe.value.status == 404
            with pytest.raises(ValueError):
                await cliente.criar_cob("curto", chave="k", valor=Decimal("1"))
        # Wrong secret: the token endpoint refuses.
        async with cliente_para(
            "bcb-token-na-raiz", CredenciaisPsp(psp.base_url, "cliente-teste", "errado")
        ) as c:
            with pytest.raises(ErroPsp) as negado:
                await c.criar_cob(_txid(), chave="k", valor=Decimal("1"))
            assert negado.value.status == 401
    with pytest.raises(ValueError):
        cliente_para("psp-desconhecido", cred)


async def test_dynamic_pix_through_the_psp_with_the_secret_in_vault(
    tenant: Tenant, cofre_do_tenant: CofrePsp, vault: Any
) -> None:
    with psp_local() as psp:
        grupo, cotas = await make_running_grupo(tenant, cotas=1, data_inicio="2026-12-01")
        r = await tenant.client.post(
            "/api/cobranca/contas/",
            json={
                **CONTA_BB,
                "grupo_id": grupo["id"],
                "convenio": "7654321",
                "psp": "bcb-token-na-raiz",
                "psp_url": psp.base_url,
                "psp_client_id": psp.estado.client_id,
            },
            headers=tenant.auth(),
        )
        assert r.status_code == 201, r.text
        c = r.json()
        assert "client_secret" not in r.text
        # The secret goes to Vault only (admin; never returned, never in the database).
        url = f"/api/cobranca/contas/{c['id']}/psp-segredo"
        negado = await tenant.client.put(
            url, json={"client_secret": "x" * 12}, headers=tenant.auth(Role.FINANCEIRO)
        )
        assert negado.status_code == 403
        r = await tenant.client.put(
            url, json={"client_secret": psp.estado.client_secret}, headers=tenant.auth()
        )
        assert r.status_code == 204, r.text
        lido = hvac.Client(url=vault.addr, token=vault.token).secrets.kv.v2.read_secret_version(
            path=f"{vault_tenant_prefix(tenant.slug)}/psp/{c['id']}",
            mount_point="secret",
            raise_on_deleted_version=True,
        )
        assert lido["data"]["data"] == {"client_secret": psp.estado.client_secret}
        assert psp.estado.client_secret not in await _dump_do_banco(tenant)

        parcela = (await parcelas(tenant, cotas[0]["id"]))[0]
        t = (await emitir(tenant, parcela["id"])).json()
        # A cobv exists at the PSP for the título, and the BR Code is the dynamic one pointing at it.
        cobv = psp.estado.cobrancas[t["txid"]]
        assert (
            cobv["valor"]["original"] == t["valor"]
            and cobv["calendario"]["dataDeVencimento"] == t["vencimento"]
        )
        brcode = validar_brcode(t["brcode"])
        assert brcode["url"] == cobv["location"].split("://", 1)[1] and brcode["chave"] is None

        # The payer pays; the PSP's notification settles the título (the worker's job, run here in-process).
        w = await tenant.client.post(f"/api/cobranca/contas/{c['id']}/webhook-pix", headers=tenant.auth())
        caminho = w.json()["webhook_url"].split("testserver.local", 1)[-1] + "/pix"
        notificacao = psp.pagar(t["txid"], horario="2026-12-10T15:00:00Z")
        assert (await tenant.client.post(caminho, json=notificacao)).json()["novos"] == 1
        engine = create_engine(tenant.settings.database)
        try:
            async with UnitOfWork.start(create_session_factory(engine), Actor(None, "teste")) as uow:
                assert await liquidar_pendentes(uow) >= 1
        finally:
            await engine.dispose()
        depois = (await tenant.client.get(f"/api/cobranca/titulos/{t['id']}", headers=tenant.auth())).json()
        assert depois["status"] == "liquidado"


async def _dump_do_banco(tenant: Tenant) -> str:
    """Every text column of the cobrança tables, to show the secret is not there."""
    engine = create_engine(tenant.settings.database)
    try:
        async with engine.connect() as conn:
            linhas = await conn.execute(text("select row_to_json(c)::text from contas_cobranca c"))
            return "\n".join(r[0] for r in linhas)
    finally:
        await engine.dispose()


async def test_webhook_registered_at_the_psp_only_when_it_accepts(
    tenant: Tenant, other_tenant: Tenant, cofre_do_tenant: CofrePsp
) -> None:
    """``PUT /api/cobranca/contas/{id}/webhook-pix/psp``: the new secret address goes to the PSP (BCB Pix
    API ``PUT /webhook/{chave}``, the local PSP of tests/support/pix_psp.py) and is stored only when the
    PSP took it; a refusal keeps the current address working; another tenant cannot reach the account."""
    with psp_local() as psp:
        grupo, _ = await make_running_grupo(tenant, cotas=1, data_inicio="2026-12-01")
        sem_psp = await tenant.client.post(
            "/api/cobranca/contas/",
            json={**CONTA_BB, "grupo_id": grupo["id"], "convenio": "7654322", "conta": "22222"},
            headers=tenant.auth(),
        )
        assert sem_psp.status_code == 201, sem_psp.text
        r = await tenant.client.put(
            f"/api/cobranca/contas/{sem_psp.json()['id']}/webhook-pix/psp", headers=tenant.auth()
        )
        assert r.status_code == 422 and r.json()["type"].endswith("/psp_nao_configurado"), r.text

        grupo2, _ = await make_running_grupo(tenant, cotas=1, data_inicio="2026-12-01")
        r = await tenant.client.post(
            "/api/cobranca/contas/",
            json={
                **CONTA_BB,
                "grupo_id": grupo2["id"],
                "convenio": "7654323",
                "conta": "33333",
                "psp": "bcb-token-na-raiz",
                "psp_url": psp.base_url,
                "psp_client_id": psp.estado.client_id,
            },
            headers=tenant.auth(),
        )
        assert r.status_code == 201, r.text
        c = r.json()
        url = f"/api/cobranca/contas/{c['id']}/webhook-pix/psp"
        # The secret is not in Vault yet.
        r = await tenant.client.put(url, headers=tenant.auth())
        assert r.status_code == 422 and r.json()["errors"][0]["campo"] == "client_secret", r.text
        r = await tenant.client.put(
            f"/api/cobranca/contas/{c['id']}/psp-segredo",
            json={"client_secret": psp.estado.client_secret},
            headers=tenant.auth(),
        )
        assert r.status_code == 204, r.text
        assert (await tenant.client.put(url, headers=tenant.auth(Role.FINANCEIRO))).status_code == 403

        # A current address (made by hand), then a registration the PSP refuses (it wants https).
        atual = await tenant.client.post(f"/api/cobranca/contas/{c['id']}/webhook-pix", headers=tenant.auth())
        caminho_atual = atual.json()["webhook_url"].split("testserver.local", 1)[-1] + "/pix"
        recusado = await tenant.client.put(url, headers=tenant.auth())
        assert recusado.status_code == 422 and recusado.json()["type"].endswith("/psp_recusou"), recusado.text
        assert "https" in recusado.json()["detail"] and psp.estado.webhooks == {}
        assert (await tenant.client.post(caminho_atual, json={"pix": []})).status_code == 200

        # With the app's public https address the PSP takes it; the old address stops working.
        settings = tenant.app.state.settings
        tenant.app.state.settings = dataclasses.replace(settings, app_base_url="https://acme.example.com")
        try:
            r = await tenant.client.put(url, headers=tenant.auth())
        finally:
            tenant.app.state.settings = settings
        assert r.status_code == 200, r.text
        registrado = r.json()
        assert registrado["confirmado"] is True and registrado["chave_pix"] == CONTA_BB["chave_pix"]
        assert registrado["webhook_url"].startswith(
            f"https://acme.example.com/api/cobranca/pix/webhook/{c['id']}/"
        )
        assert psp.estado.webhooks[CONTA_BB["chave_pix"]]["webhookUrl"] == registrado["webhook_url"]
        assert (await tenant.client.post(caminho_atual, json={"pix": []})).status_code == 404
        novo = registrado["webhook_url"].removeprefix("https://acme.example.com") + "/pix"
        assert (await tenant.client.post(novo, json={"pix": []})).status_code == 200

        # Tenant B's admin cannot reach tenant A's account.
        alheio = await other_tenant.client.put(url, headers=other_tenant.auth())
        assert alheio.status_code == 404, alheio.text
    # The PSP is gone (its server stopped): 503, and the registered address stays.
    fora = await tenant.client.put(url, headers=tenant.auth())
    assert fora.status_code == 503 and fora.json()["type"].endswith("/psp_indisponivel"), fora.text
    assert (await tenant.client.post(novo, json={"pix": []})).status_code == 200
