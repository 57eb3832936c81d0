"""A recurso não procurado paid when the consorciado claims it (Lei 11.795 arts. 33-34; issue 12 item 5).

Real PostgreSQL and Redis; the closed group comes from conftest.semear and the closing route. Cota 2
gave no account at the closing, so its share was kept in Fundo.NAO_PROCURADOS. Claimed later,
it is paid out of that fund (pagamentos.devolucoes.pagar_nao_procurado) once an account is on file,
once, and leaves the report; the closing's accounts still reconcile.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.encerramento.models import Encerramento
from tenant_app.ledger.models import Fundo, LancamentoFundo
from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import Tenant

from .conftest import semear

pytestmark = pytest.mark.integration

HOJE = date.today()
D = Decimal


def _chave() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def _problema(r: object, status: int, code: str) -> dict:  # type: ignore[type-arg]
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body = dict(r.json())  # type: ignore[attr-defined]
    assert body["type"].endswith(f"/{code}"), body
    return body


async def _nao_procurados(tenant: Tenant, grupo_id: uuid.UUID) -> Decimal:
    engine = create_engine(tenant.settings.database)
    try:
        async with create_session_factory(engine)() as s:
            soma = await s.scalar(
                select(func.coalesce(func.sum(LancamentoFundo.valor), 0)).where(
                    LancamentoFundo.grupo_id == grupo_id, LancamentoFundo.fundo == Fundo.NAO_PROCURADOS
                )
            )
            return D(soma or 0)
    finally:
        await engine.dispose()


async def _encerrado(tenant: Tenant) -> tuple[uuid.UUID, dict]:  # type: ignore[type-arg]
    c, gestor = tenant.client, tenant.auth(Role.GESTOR)
    g = await semear(tenant)
    base = f"/api/grupos/{g.grupo_id}/encerramento"
    comunicacao = {"data_comunicacao": (HOJE - timedelta(days=40)).isoformat()}
    r = await c.post(f"{base}/comunicacao", json=comunicacao, headers={**gestor, **_chave()})
    assert r.status_code == 201, r.text
    r = await c.post(f"{base}/", headers={**gestor, **_chave()})
    assert r.status_code == 200, r.text
    r = await c.get(f"/api/recursos-nao-procurados/?grupo_id={g.grupo_id}", headers=gestor)
    (item,) = r.json()["items"]
    return g.grupo_id, item


async def test_a_claimed_amount_is_paid_once_from_the_nao_procurados(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    c, fin = tenant.client, tenant.auth(Role.FINANCEIRO)
    grupo_id, item = await _encerrado(tenant)
    # Cota 2's share (no yield recorded here): fundo comum 3 000.00 - 1 800.00 restituted to cota 3 =
    # 1 200.00 as 10 000 : 9 000 paid -> 1 200 x 9/19 = 568.42; reserva 1 050.00 as 500 : 450 ->
    # 497.37 (largest remainder, as in test_encerramento_grupo); 568.42 + 497.37 = 1 065.79.
    assert (item["cota_numero"], item["valor"], item["pago_em"]) == (2, "1065.79", None)
    assert await _nao_procurados(tenant, grupo_id) == D("1065.79")
    url = f"/api/recursos-nao-procurados/{item['id']}/pagamento"

    _problema(await c.post(url, headers=fin), 428, "idempotency_key_obrigatoria")
    # Money out is the financeiro's: the gestor may close groups but not pay.
    assert (await c.post(url, headers={**tenant.auth(Role.GESTOR), **_chave()})).status_code == 403
    # Still no account on file: nothing is paid.
    body = _problema(await c.post(url, headers={**fin, **_chave()}), 422, "regra_violada")
    assert "chave PIX" in body["detail"] or "chave PIX" in str(body.get("errors"))
    assert await _nao_procurados(tenant, grupo_id) == D("1065.79")
    # Another tenant's financeiro cannot reach the line.
    outro = await other_tenant.client.post(url, headers={**other_tenant.auth(Role.FINANCEIRO), **_chave()})
    assert outro.status_code == 404

    # The consorciado gives a PIX key and claims: 1 065.79 leaves the não procurados fund (to 0.00).
    r = await c.post(
        f"/api/consorciados/{item['consorciado_id']}/contatos",
        json={"tipo": "pix", "valor": "cota2@example.com"},
        headers=tenant.auth(Role.ADMIN),
    )
    assert r.status_code in (200, 201), r.text
    chave = _chave()
    r = await c.post(url, headers={**fin, **chave})
    assert r.status_code == 200, r.text
    pago = r.json()
    assert (pago["valor"], pago["cota_numero"]) == ("1065.79", 2) and pago["pago_em"] is not None
    assert await _nao_procurados(tenant, grupo_id) == D("0.00")
    # A replay answers the same; a new request finds it paid.
    again = await c.post(url, headers={**fin, **chave})
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == pago
    _problema(await c.post(url, headers={**fin, **_chave()}), 409, "transicao_invalida")
    assert await _nao_procurados(tenant, grupo_id) == D("0.00")
    # The report lists only what is still kept; the closing's accounts still reconcile.
    relatorio = (await c.get(f"/api/recursos-nao-procurados/?grupo_id={grupo_id}", headers=fin)).json()
    assert (relatorio["total"], relatorio["valor_total"]) == (0, "0.00")
    encerramento = (await c.get(f"/api/grupos/{grupo_id}/encerramento/", headers=fin)).json()
    assert encerramento["conciliacao"]["conciliado"] and encerramento["total_nao_procurado"] == "1065.79"


async def test_after_five_years_the_claim_has_expired(tenant: Tenant) -> None:
    c, fin = tenant.client, tenant.auth(Role.FINANCEIRO)
    grupo_id, item = await _encerrado(tenant)
    r = await c.post(
        f"/api/consorciados/{item['consorciado_id']}/contatos",
        json={"tipo": "conta_deposito", "valor": "001 1234 56789-0"},
        headers=tenant.auth(Role.ADMIN),
    )
    assert r.status_code in (200, 201), r.text
    # The test plays the clock: the group closed 5 years and 1 day ago (the claim expires on the
    # closing date + 5 years).
    engine = create_engine(tenant.settings.database)
    try:
        async with create_session_factory(engine)() as s:
            fechado = HOJE.replace(year=HOJE.year - 5) - timedelta(days=1)
            await s.execute(
                update(Encerramento)
                .where(Encerramento.grupo_id == grupo_id)
                .values(data_encerramento=fechado)
            )
            await s.commit()
    finally:
        await engine.dispose()
    url = f"/api/recursos-nao-procurados/{item['id']}/pagamento"
    body = _problema(await c.post(url, headers={**fin, **_chave()}), 422, "regra_violada")
    assert "prescreveu" in body["detail"]
    assert await _nao_procurados(tenant, grupo_id) == D("1065.79")
