"""Schedule writing against the real database: ids, the composite cota/grupo key, atomic start."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import asyncpg
import pytest

from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.grupos.models import StatusGrupo
from tenant_app.grupos.service import get_grupo
from tenant_app.parcelas.ordered_ids import ordered_id
from tenant_app.parcelas.service import generate_schedules_for
from tenant_app.settings import DatabaseSettings
from tenant_app.unit_of_work import Actor, UnitOfWork
from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_consorciado, make_grupo, make_running_grupo
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def _rows(tenant: Tenant, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(tenant.env["DATABASE_URL"])
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def test_ids_are_time_ordered_and_follow_cota_and_numero(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=4, prazo_meses=12)
    rows = await _rows(
        tenant,
        "SELECT id, cota_id, numero, valor_fundo_comum, valor_taxa_administracao, valor_fundo_reserva,"
        " valor_seguro, valor_total FROM parcelas WHERE grupo_id = $1 ORDER BY cota_id, numero",
        uuid.UUID(grupo["id"]),
    )
    assert len(rows) == 4 * 12
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)  # (cota_id, numero) order is id order: the key is written front to back
    assert all(i.version == 7 for i in ids)
    # One statement: one prefix, and the database's id expression is ``ordered_id``.
    prefix = ids[0].hex[:24]
    assert ids == [ordered_id(prefix, k) for k in range(1, len(ids) + 1)]
    # Money: every cota's parcelas add up to the plan's totals to the centavo.
    for cota in cotas:
        mine = [r for r in rows if r["cota_id"] == uuid.UUID(cota["id"])]
        assert sum(r["valor_fundo_comum"] for r in mine) == Decimal("60000.00")
        assert sum(r["valor_taxa_administracao"] for r in mine) == Decimal("9000.00")
        assert sum(r["valor_fundo_reserva"] for r in mine) == Decimal("1200.00")
        assert sum(r["valor_seguro"] for r in mine) == Decimal("300.00")
        assert sum(r["valor_total"] for r in mine) == Decimal("70500.00")


async def test_a_parcela_must_belong_to_its_cotas_grupo(tenant: Tenant) -> None:
    grupo_a, cotas_a = await make_running_grupo(tenant, cotas=1)
    grupo_b, _ = await make_running_grupo(tenant, cotas=1)
    insert = (
        "INSERT INTO parcelas (id, cota_id, grupo_id, numero, vencimento, valor_fundo_comum,"
        " valor_taxa_administracao, valor_fundo_reserva, valor_seguro, valor_total, pago_fundo_comum,"
        " pago_taxa_administracao, pago_fundo_reserva, pago_seguro, pago_multa, pago_juros, status,"
        " juros_pendentes) VALUES ($1, $2, $3, 99, '2030-01-10', 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,"
        " 'aberta', 0)"
    )
    # Filed under another grupo than its cota's: refused (the old separate keys accepted it).
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await _rows(tenant, insert, uuid.uuid4(), uuid.UUID(cotas_a[0]["id"]), uuid.UUID(grupo_b["id"]))
    # A cota that does not exist: refused.
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await _rows(tenant, insert, uuid.uuid4(), uuid.uuid4(), uuid.UUID(grupo_a["id"]))
    # The right grupo: accepted (so the refusals above are about the key, not the row).
    await _rows(tenant, insert, uuid.uuid4(), uuid.UUID(cotas_a[0]["id"]), uuid.UUID(grupo_a["id"]))


async def _cota_em_formacao(tenant: Tenant, grupo: dict[str, object]) -> uuid.UUID:
    pessoa = await make_consorciado(tenant)
    r = await tenant.client.post(
        f"/api/grupos/{grupo['id']}/cotas",
        json={"consorciado_id": pessoa["id"], "data_adesao": "2025-01-05"},
        headers=tenant.auth(Role.OPERADOR),
    )
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["id"])


async def test_start_is_all_or_nothing(tenant: Tenant) -> None:
    """A schedule that fails part-way leaves the grupo em formação without a single parcela."""
    grupo = await make_grupo(tenant)
    propria = await _cota_em_formacao(tenant, grupo)
    alheia = await _cota_em_formacao(tenant, await make_grupo(tenant))
    grupo_id = uuid.UUID(grupo["id"])

    engine = create_engine(DatabaseSettings(url=tenant.env["DATABASE_URL"]))
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "teste")) as uow:
            g = await get_grupo(uow.session, grupo_id, lock=True)
            uow.track(g)
            g.status = StatusGrupo.EM_ANDAMENTO
            g.data_inicio = date(2025, 1, 15)
            await uow.flush()
            # A cota of another grupo breaks the key for its rows only, but the
            # statement (and with it the transaction) fails as a whole.
            with pytest.raises(asyncpg.ForeignKeyViolationError):
                await generate_schedules_for(uow, g, [propria, alheia], date(2025, 1, 15))
            await uow.rollback()
    finally:
        await engine.dispose()

    assert await _rows(tenant, "SELECT 1 FROM parcelas WHERE grupo_id = $1", grupo_id) == []
    r = await tenant.client.get(f"/api/grupos/{grupo['id']}", headers=tenant.auth())
    assert r.json()["status"] == "em_formacao"
    # And the start then runs normally, once.
    inicio = {"data_inicio": "2025-01-15"}
    r = await tenant.client.post(
        f"/api/grupos/{grupo['id']}/inicio", json=inicio, headers=tenant.auth(Role.GESTOR)
    )
    assert r.status_code == 200, r.text
    r = await tenant.client.post(
        f"/api/grupos/{grupo['id']}/inicio", json=inicio, headers=tenant.auth(Role.GESTOR)
    )
    assert r.status_code == 409  # a state conflict: already started
    rows = await _rows(tenant, "SELECT cota_id FROM parcelas WHERE grupo_id = $1", grupo_id)
    assert len(rows) == 12 and {r["cota_id"] for r in rows} == {propria}
