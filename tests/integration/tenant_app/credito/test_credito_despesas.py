"""The related-expenses limit is a grupo contract parameter (despesas_relacionadas_pct, default and at most
10 % of the crédito — Circular BCB 3.084/2002, then 3.432/2009): validated on POST/PATCH /api/grupos with a
problem+json naming the field and the limit, and applied to the payouts of a cheaper bem's difference."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from tenant_app.credito.estados import StatusCarta
from tenant_app.credito.models import BemIndicado, CartaCredito, Garantia
from tenant_app.credito.tipos import DestinoDiferenca, TipoBemIndicado, TipoGarantia
from tenant_app.grupos.models import Grupo
from tests.support.tenant_app_fixtures import Tenant

from .conftest import CNPJ_VENDEDOR, assert_problem, chave, contemplar, semear_grupo, unidade

pytestmark = pytest.mark.integration

GRUPO = {
    "tipo_bem": "automovel",
    "valor_credito": "50000.00",
    "prazo_meses": 60,
    "numero_cotas": 100,
    "taxa_administracao_pct": "15",
    "dia_assembleia": 10,
    "dia_vencimento": 5,
}


async def test_parametro_do_grupo_validado(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    r = await c.post("/api/grupos/", json={**GRUPO, "codigo": f"D{uuid.uuid4().hex[:8]}"}, headers=h)
    assert r.status_code == 201, r.text
    grupo = r.json()
    assert grupo["despesas_relacionadas_pct"] == "10.0000"  # the default: the regulatory ceiling

    for valor in ("10.01", "-1"):
        body = assert_problem(
            await c.post(
                "/api/grupos/",
                json={**GRUPO, "codigo": f"D{uuid.uuid4().hex[:8]}", "despesas_relacionadas_pct": valor},
                headers=h,
            ),
            422,
        )
        [erro] = body["errors"]
        assert erro["campo"] == "despesas_relacionadas_pct", body
        assert ("10%" if valor == "10.01" else "negativo") in str(erro), body
    body = assert_problem(
        await c.patch(f"/api/grupos/{grupo['id']}", json={"despesas_relacionadas_pct": "11"}, headers=h), 422
    )
    [erro] = body["errors"]
    assert erro["campo"] == "despesas_relacionadas_pct" and "10%" in str(erro), body
    r = await c.patch(f"/api/grupos/{grupo['id']}", json={"despesas_relacionadas_pct": "2.5"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["despesas_relacionadas_pct"] == "2.5000"


async def test_limite_do_grupo_nas_despesas(tenant_a: Tenant) -> None:
    """A grupo whose contract allows 5 %: of a 100,000 crédito, expenses up to 5,000."""
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a)  # nothing owed: the bem's guarantee covers it
    await contemplar(tenant_a, grupo, 2)
    uow, engine = await unidade(tenant_a)
    try:
        await uow.session.execute(
            update(Grupo).where(Grupo.id == grupo.grupo_id).values(despesas_relacionadas_pct=Decimal("5"))
        )
        carta = (
            await uow.session.execute(select(CartaCredito).where(CartaCredito.cota_id == grupo.cotas[2]))
        ).scalar_one()
        carta.status = StatusCarta.BEM_INDICADO
        uow.add(
            BemIndicado(
                carta_id=carta.id,
                tipo=TipoBemIndicado.VEICULO,
                descricao="Carro",
                valor=Decimal("90000.00"),
                documento_fiscal="NF 1",
                vendedor_nome="Auto Loja Ltda",
                vendedor_documento=CNPJ_VENDEDOR,
                destino_diferenca=DestinoDiferenca.DESPESAS,
            )
        )
        uow.add(
            Garantia(
                carta_id=carta.id,
                tipo=TipoGarantia.ALIENACAO_FIDUCIARIA_VEICULO,
                valor=Decimal("90000.00"),
                descricao="Alienação do carro",
                registro={"renavam": "12345678901", "chassi": "9BWZZZ377VT004251", "placa": "ABC1D23"},
            )
        )
        await uow.session.commit()
        carta_id = carta.id
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]

    despachante = {
        "nome": "Despachante Ltda",
        "documento": CNPJ_VENDEDOR,
        "tipo_chave_pix": "cpf_cnpj",
        "chave_pix": CNPJ_VENDEDOR,
    }
    pagar = {"destino": "despesas", "forma": "pix", "favorecido": despachante}
    body = assert_problem(
        await c.post(
            f"/api/creditos/{carta_id}/pagamentos",
            json={**pagar, "valor": "5000.01"},
            headers={**h, **chave()},
        ),
        422,
        "despesas_acima_do_limite",
    )
    assert "5% do crédito (R$ 5.000,00)" in body["detail"], body
    r = await c.post(
        f"/api/creditos/{carta_id}/pagamentos", json={**pagar, "valor": "5000.00"}, headers={**h, **chave()}
    )
    assert r.status_code == 201, r.text
