"""LGPD anonymisation of a contemplated consorciado (art. 18 IV) clears the personal data his carta keeps
about other people — payouts' favorecidos (name, CPF/CNPJ, account, PIX key), the bem's seller, a fiador —
and keeps ids and amounts; the export (art. 18 V) lists them and says what anonymisation does to each."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from tenant_app.credito.models import BemIndicado, CartaCredito, Garantia, PagamentoCredito
from tenant_app.credito.tipos import (
    DestinoPagamento,
    FormaPagamentoCredito,
    StatusPagamentoCredito,
    TipoBemIndicado,
    TipoGarantia,
)
from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import Tenant

from .conftest import assert_problem, chave, contemplar, novo_cpf, semear_grupo, unidade

pytestmark = pytest.mark.integration

CPF_VENDEDOR = novo_cpf()
CPF_FIADOR = novo_cpf()


async def _semear_carta(tenant: Tenant, cota_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """The carta's bem, a fiador and two payouts (one settled, one pending), as the flow leaves them."""
    uow, engine = await unidade(tenant)
    try:
        carta = (
            await uow.session.execute(select(CartaCredito).where(CartaCredito.cota_id == cota_id))
        ).scalar_one()
        uow.add(
            BemIndicado(
                carta_id=carta.id,
                tipo=TipoBemIndicado.VEICULO,
                descricao="Carro usado",
                valor=Decimal("50000.00"),
                documento_fiscal="NF 123",
                vendedor_nome="Joao Vendedor",
                vendedor_documento=CPF_VENDEDOR,
            )
        )
        fiador = Garantia(
            carta_id=carta.id,
            tipo=TipoGarantia.FIADOR,
            valor=Decimal("9000.00"),
            descricao="Fiador Maria Silva",
            registro={"nome": "Maria Silva", "cpf": CPF_FIADOR, "renda_mensal": "8000.00"},
        )
        uow.add(fiador)
        comuns = {
            "carta_id": carta.id,
            "grupo_id": carta.grupo_id,
            "destino": DestinoPagamento.BEM,
            "favorecido_nome": "Joao Vendedor",
            "favorecido_documento": CPF_VENDEDOR,
        }
        efetivado = PagamentoCredito(
            **comuns,
            forma=FormaPagamentoCredito.PIX,
            valor=Decimal("30000.00"),
            status=StatusPagamentoCredito.EFETIVADO,
            seu_numero=uuid.uuid4().hex[:20],
            tipo_chave_pix="cpf_cnpj",
            chave_pix=CPF_VENDEDOR,
            efetivado_em=date.today(),
        )
        pendente = PagamentoCredito(
            **comuns,
            forma=FormaPagamentoCredito.TED,
            valor=Decimal("20000.00"),
            status=StatusPagamentoCredito.PENDENTE,
            seu_numero=uuid.uuid4().hex[:20],
            banco="341",
            agencia="1234",
            dv_agencia="0",
            conta="55555",
            dv_conta="1",
        )
        uow.add(efetivado)
        uow.add(pendente)
        await uow.commit()
        return fiador.id, efetivado.id, pendente.id
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def test_anonimizacao_limpa_favorecidos_vendedor_e_fiador(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a)
    await contemplar(tenant_a, grupo, 1)
    fiador_id, efetivado_id, pendente_id = await _semear_carta(tenant_a, grupo.cotas[1])
    pessoa = grupo.consorciados[1]
    lgpd = tenant_a.auth(Role.GESTOR)

    export = (await c.get(f"/api/consorciados/{pessoa}/exportacao", headers=lgpd)).json()
    [credito] = export["creditos"]
    assert credito["bem"]["vendedor_documento"] == CPF_VENDEDOR
    assert {p["favorecido_documento"] for p in credito["pagamentos"]} == {CPF_VENDEDOR}
    assert credito["garantias"][0]["registro"]["cpf"] == CPF_FIADOR

    # A payout still waiting for the bank needs its account: anonymisation waits for it.
    problem = assert_problem(
        await c.post(f"/api/consorciados/{pessoa}/anonimizacao", headers={**lgpd, **chave()}), 409
    )
    assert "pendente" in problem["detail"]
    uow, engine = await unidade(tenant_a)
    try:
        await uow.session.execute(
            update(PagamentoCredito)
            .where(PagamentoCredito.id == pendente_id)
            .values(status=StatusPagamentoCredito.REJEITADO)
        )
        await uow.session.commit()
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]

    r = await c.post(f"/api/consorciados/{pessoa}/anonimizacao", headers={**lgpd, **chave()})
    assert r.status_code == 200, r.text

    uow, engine = await unidade(tenant_a)
    try:
        pagamentos = {
            p.id: p
            for p in (
                await uow.session.execute(
                    select(PagamentoCredito).where(PagamentoCredito.id.in_([efetivado_id, pendente_id]))
                )
            ).scalars()
        }
        for p in pagamentos.values():
            assert (p.favorecido_nome, p.favorecido_documento) == ("Anonimizado", "")
            assert (p.banco, p.agencia, p.conta, p.dv_conta, p.chave_pix, p.tipo_chave_pix) == (None,) * 6
        assert pagamentos[efetivado_id].valor == Decimal("30000.00")
        assert pagamentos[efetivado_id].status == StatusPagamentoCredito.EFETIVADO
        assert pagamentos[pendente_id].valor == Decimal("20000.00")
        bem = (
            await uow.session.execute(
                select(BemIndicado).join(CartaCredito).where(CartaCredito.cota_id == grupo.cotas[1])
            )
        ).scalar_one()
        assert (bem.vendedor_nome, bem.vendedor_documento, bem.valor) == (
            "Anonimizado",
            "",
            Decimal("50000.00"),
        )
        fiador = await uow.session.get(Garantia, fiador_id)
        assert fiador is not None and fiador.registro == {} and "Maria" not in fiador.descricao
        assert fiador.valor == Decimal("9000.00")
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]

    export = (await c.get(f"/api/consorciados/{pessoa}/exportacao", headers=lgpd)).json()
    texto = str(export)
    assert CPF_VENDEDOR not in texto and CPF_FIADOR not in texto and "Maria" not in texto
    [credito] = export["creditos"]
    assert {p["id"] for p in credito["pagamentos"]} == {str(efetivado_id), str(pendente_id)}
    assert all("apagado na anonimização" in p["tratamento_na_anonimizacao"] for p in credito["pagamentos"])
    assert credito["garantias"][0]["valor"] == "9000.00"
    # The other consorciados' cartas are untouched (h: the default admin reads them).
    outro = (await c.get(f"/api/consorciados/{grupo.consorciados[2]}", headers=h)).json()
    assert outro["nome"] == "Consorciado 2"
