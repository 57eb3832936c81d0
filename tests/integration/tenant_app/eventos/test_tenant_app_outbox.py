"""The outbox: events are rows of the same transaction as the change that causes them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import select

from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.eventos import sinal
from tenant_app.eventos.models import EventoOutbox
from tenant_app.eventos.outbox import TipoDesconhecido, publicar_unico
from tenant_app.eventos.tipos import CONSORCIADO_CRIADO, COTA_ADERIDA, PAGAMENTO_CONFIRMADO, PARCELA_VENCENDO
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.integration.tenant_app.factories import make_consorciado, make_running_grupo, pay
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


@asynccontextmanager
async def unidade(tenant: Tenant) -> AsyncIterator[UnitOfWork]:
    engine = create_engine(tenant.settings.database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "teste-eventos")) as uow:
            yield uow
    finally:
        await engine.dispose()


async def _eventos(tenant: Tenant, tipo: str, **campo: str) -> list[EventoOutbox]:
    async with unidade(tenant) as uow:
        rows = (
            await uow.session.scalars(
                select(EventoOutbox).where(EventoOutbox.tipo == tipo).order_by(EventoOutbox.seq)
            )
        ).all()
    return [r for r in rows if all(r.dados.get(k) == v for k, v in campo.items())]


async def test_payment_consorciado_and_adesao_write_their_events(tenant: Tenant) -> None:
    _, cotas = await make_running_grupo(tenant, cotas=1)
    cota = cotas[0]
    r = await pay(tenant, cota["id"], "100.00", "2025-02-01")
    assert r.status_code == 201, r.text
    pagos = await _eventos(tenant, PAGAMENTO_CONFIRMADO, pagamento_id=r.json()["id"])
    assert len(pagos) == 1
    evento = pagos[0]
    assert evento.dados["valor"] == "100.00" and evento.dados["cota_id"] == cota["id"]
    assert evento.dados["forma"] and evento.chave == f"cota:{cota['id']}"
    assert evento.despachado_em is None and evento.seq > 0
    assert await _eventos(tenant, COTA_ADERIDA, cota_id=cota["id"])
    pessoa = await make_consorciado(tenant)
    criado = await _eventos(tenant, CONSORCIADO_CRIADO, consorciado_id=pessoa["id"])
    # No personal data in events (LGPD): consumers read the member by id.
    assert len(criado) == 1 and "nome" not in criado[0].dados and "documento" not in criado[0].dados


async def test_a_rejected_payment_writes_no_event(tenant: Tenant) -> None:
    _, cotas = await make_running_grupo(tenant, cotas=1)
    r = await pay(tenant, cotas[0]["id"], "99999999.00", "2025-02-01")
    assert r.status_code == 422
    assert await _eventos(tenant, PAGAMENTO_CONFIRMADO, cota_id=cotas[0]["id"]) == []


async def test_rollback_drops_the_event_and_commit_nudges_once(tenant: Tenant) -> None:
    avisos: list[int] = []
    remover = sinal.registrar(lambda: avisos.append(1))
    try:
        marca = uuid.uuid4().hex
        async with unidade(tenant) as uow:
            uow.publicar(CONSORCIADO_CRIADO, {"consorciado_id": uuid.uuid4(), "marca": marca})
            await uow.flush()
            await uow.rollback()
        assert await _eventos(tenant, CONSORCIADO_CRIADO, marca=marca) == []
        assert avisos == []
        async with unidade(tenant) as uow, uow.one_transaction():
            uow.publicar(CONSORCIADO_CRIADO, {"consorciado_id": uuid.uuid4(), "marca": marca})
            await uow.commit()  # inside the block: only a flush, no nudge yet
            assert avisos == []
            ident = uow.publicar(CONSORCIADO_CRIADO, {"consorciado_id": uuid.uuid4(), "marca": marca})
        assert avisos == [1]
        rows = await _eventos(tenant, CONSORCIADO_CRIADO, marca=marca)
        assert len(rows) == 2 and rows[1].id == ident and rows[0].seq < rows[1].seq
    finally:
        remover()


async def test_unknown_type_is_refused_and_scans_deduplicate(tenant: Tenant) -> None:
    async with unidade(tenant) as uow:
        with pytest.raises(TipoDesconhecido):
            uow.publicar("nao.existe", {})
    chave = f"parcela:{uuid.uuid4()}:vencendo:2025-03-05"
    dados: dict[str, Any] = {"parcela_id": chave}
    async with unidade(tenant) as uow:
        assert await publicar_unico(uow.session, PARCELA_VENCENDO, dados, deduplicacao=chave)
        assert not await publicar_unico(uow.session, PARCELA_VENCENDO, dados, deduplicacao=chave)
        await uow.commit()
    assert len(await _eventos(tenant, PARCELA_VENCENDO, parcela_id=chave)) == 1
