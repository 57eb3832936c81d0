"""The unit of work against the real database: the only place that commits, audit registered explicitly."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tenant_app.audit_log.models import AuditEntry
from tenant_app.audit_log.trail import UnregisteredChange
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
from tenant_app.ledger.models import Fundo, LancamentoFundo, OrigemLancamento
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


@asynccontextmanager
async def unidade(tenant: Tenant) -> AsyncIterator[UnitOfWork]:
    engine = create_engine(tenant.settings.database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "teste-uow", "req-1")) as uow:
            yield uow
    finally:
        await engine.dispose()


def _grupo() -> Grupo:
    return Grupo(
        codigo=f"U{uuid.uuid4().hex[:8]}",
        tipo_bem=TipoBem.AUTOMOVEL,
        valor_credito=Decimal("50000.00"),
        prazo_meses=50,
        numero_cotas=100,
        taxa_administracao_pct=Decimal("15"),
        fundo_reserva_pct=Decimal("2"),
        dia_assembleia=10,
        dia_vencimento=5,
        status=StatusGrupo.EM_FORMACAO,
    )


async def _trail(uow: UnitOfWork, entity_id: uuid.UUID) -> list[AuditEntry]:
    rows = await uow.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == str(entity_id)).order_by(AuditEntry.seq)
    )
    return list(rows)


async def test_commit_writes_the_change_and_its_audit_entries_with_the_actor(tenant: Tenant) -> None:
    grupo = _grupo()
    async with unidade(tenant) as uow:
        uow.add(grupo)
        await uow.commit()
        uow.track(grupo)
        grupo.prazo_meses = 60
        uow.auditar("conferencia", "grupos", str(grupo.id), depois={"ok": True})
        await uow.commit()
    async with unidade(tenant) as uow:
        entries = await _trail(uow, grupo.id)
    # An explicit entry is queued when made; ORM changes when the unit of work flushes.
    assert [e.action for e in entries] == ["insert", "conferencia", "update"]
    assert entries[0].after is not None and entries[0].after["codigo"] == grupo.codigo
    assert entries[2].before == {"prazo_meses": 50} and entries[2].after == {"prazo_meses": 60}
    assert {(e.actor_email, e.request_id) for e in entries} == {("teste-uow", "req-1")}


async def test_nothing_is_written_unless_committed(tenant: Tenant) -> None:
    grupo = _grupo()
    async with unidade(tenant) as uow:
        uow.add(grupo)
        uow.auditar("nunca", "grupos", str(grupo.id))
        await uow.flush()  # written inside the transaction, then rolled back at close
    async with unidade(tenant) as uow:
        assert await uow.session.get(Grupo, grupo.id) is None
        assert await _trail(uow, grupo.id) == []


async def test_an_unregistered_change_fails_the_flush(tenant: Tenant) -> None:
    grupo = _grupo()
    async with unidade(tenant) as uow:
        uow.session.add(grupo)  # bypasses uow.add: it would not be audited
        with pytest.raises(UnregisteredChange):
            await uow.commit()
    async with unidade(tenant) as uow:
        uow.add(grupo := _grupo())
        await uow.commit()
        grupo.prazo_meses = 24  # changed after the commit without uow.track
        with pytest.raises(UnregisteredChange):
            await uow.commit()
    async with unidade(tenant) as uow:
        row = await uow.session.get(Grupo, grupo.id)
        assert row is not None and row.prazo_meses == 50


async def test_one_transaction_commits_once_and_deferred_balances_move_at_commit(tenant: Tenant) -> None:
    grupo = _grupo()
    async with unidade(tenant) as uow:
        async with uow.one_transaction():
            uow.add(grupo)
            await uow.commit()  # inside the block: only a flush
            for valor in (Decimal("10.00"), Decimal("5.50")):
                await uow.lancar(
                    grupo.id, [(Fundo.FUNDO_COMUM, valor)], OrigemLancamento.AJUSTE, defer_balance=True
                )
            await uow.commit()
            saldo = await uow.session.scalar(select(Grupo.saldo_fundo_comum).where(Grupo.id == grupo.id))
            assert saldo == Decimal("0.00")  # deferred: moved only when the block commits
        fora = create_session_factory(uow.session.bind)  # type: ignore[arg-type]
        async with fora() as other:
            assert await other.scalar(select(Grupo.saldo_fundo_comum).where(Grupo.id == grupo.id)) == Decimal(
                "15.50"
            )
            assert (
                await other.scalar(
                    select(func.count(LancamentoFundo.id)).where(LancamentoFundo.grupo_id == grupo.id)
                )
                == 2
            )
