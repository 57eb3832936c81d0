"""The bulk settlement of a retorno (``liquidacao_lote`` over ``pagamentos.lote``) against the one-by-one
path (``liquidacao.liquidar`` → ``registrar_pagamento``) on real PostgreSQL: two identical cotas, the
same money, one settled each way — payments, allocations, ledger rows, parcelas, títulos, the queue,
the audit entries and the events must come out the same, the funds reconcile and the chain verifies."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenant_app.audit_log import trail
from tenant_app.audit_log.models import AuditEntry
from tenant_app.auditoria import service as auditoria
from tenant_app.cobranca.liquidacao import Recebimento, liquidar
from tenant_app.cobranca.liquidacao_lote import LiquidacaoEmLote, titulos_da_conta
from tenant_app.cobranca.models import OrigemValor, Titulo, ValorAIdentificar
from tenant_app.database import copia
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.eventos.models import EventoOutbox
from tenant_app.eventos.tipos import PAGAMENTO_CONFIRMADO
from tenant_app.ledger.models import LancamentoFundo
from tenant_app.pagamentos.models import Pagamento, PagamentoAlocacao
from tenant_app.parcelas.models import Parcela
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.integration.tenant_app.cobranca.apoio import conta, emitir, parcelas
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


@pytest.fixture
async def fabrica(tenant: Tenant) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(tenant.settings.database)
    yield create_session_factory(engine)
    await engine.dispose()


async def _titulos_da_cota(tenant: Tenant, cota_id: str, quantas: int) -> list[dict[str, Any]]:
    out = []
    for p in (await parcelas(tenant, cota_id))[:quantas]:
        r = await emitir(tenant, p["id"])
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


def _recebimentos(titulos: list[dict[str, Any]], hoje: date) -> list[Recebimento]:
    """The first título paid exactly, the second with R$ 5.00 too much, then an unknown reference."""
    return [
        Recebimento(OrigemValor.RETORNO, titulos[0]["nosso_numero"], Decimal(titulos[0]["valor"]), hoje),
        Recebimento(
            OrigemValor.RETORNO,
            titulos[1]["nosso_numero"],
            Decimal(titulos[1]["valor"]) + Decimal("5.00"),
            hoje,
        ),
        Recebimento(OrigemValor.RETORNO, "9" * 17, Decimal("12.34"), hoje),
    ]


_SEM = {"id", "pagamento_id", "cota_id", "parcela_id", "referencia", "registrado_em", "registrado_por"}


def _sem_ids(linha: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in linha.items() if k not in _SEM}


async def _estado(session: AsyncSession, cota_id: uuid.UUID) -> dict[str, Any]:
    """Everything a settlement writes for one cota, ids left out."""
    pagamentos = list(
        (await session.execute(select(Pagamento).where(Pagamento.cota_id == cota_id))).scalars()
    )
    ids = [p.id for p in pagamentos]
    alocacoes = (
        await session.execute(
            select(PagamentoAlocacao)
            .where(PagamentoAlocacao.pagamento_id.in_(ids))
            .order_by(PagamentoAlocacao.parcela_numero)
        )
    ).scalars()
    ledger = (
        await session.execute(
            select(LancamentoFundo.fundo, LancamentoFundo.valor, LancamentoFundo.origem)
            .where(LancamentoFundo.pagamento_id.in_(ids))
            .order_by(LancamentoFundo.fundo, LancamentoFundo.valor)
        )
    ).all()
    parcelas_ = (
        await session.execute(select(Parcela).where(Parcela.cota_id == cota_id).order_by(Parcela.numero))
    ).scalars()
    titulos = (
        await session.execute(select(Titulo).where(Titulo.cota_id == cota_id).order_by(Titulo.parcela_numero))
    ).scalars()
    titulos_ids = [
        t.id for t in (await session.execute(select(Titulo).where(Titulo.cota_id == cota_id))).scalars()
    ]
    fila = (
        await session.execute(
            select(ValorAIdentificar.motivo, ValorAIdentificar.valor)
            .where(ValorAIdentificar.cota_id == cota_id)
            .order_by(ValorAIdentificar.valor)
        )
    ).all()
    auditoria_ = (
        await session.execute(
            select(AuditEntry.action, AuditEntry.entity, AuditEntry.before, AuditEntry.after)
            .where(AuditEntry.entity_id.in_([str(i) for i in ids] + [str(t.id) for t in titulos]))
            .order_by(AuditEntry.entity, AuditEntry.action)
        )
    ).all()
    titulos = (
        await session.execute(select(Titulo).where(Titulo.cota_id == cota_id).order_by(Titulo.parcela_numero))
    ).scalars()
    eventos = (
        await session.execute(
            select(EventoOutbox.dados).where(
                EventoOutbox.tipo == PAGAMENTO_CONFIRMADO, EventoOutbox.chave == f"cota:{cota_id}"
            )
        )
    ).scalars()
    # JSON null and SQL NULL read back alike: how each entry stored before/after, by its own query.
    nulos = await session.execute(
        text(
            "SELECT action, entity, jsonb_typeof(before), jsonb_typeof(after) FROM audit_log"
            " WHERE entity_id = ANY(:ids) ORDER BY 1, 2, 3, 4"
        ),
        {"ids": [str(i) for i in ids] + [str(i) for i in titulos_ids]},
    )
    colunas = lambda obj: {c.key: getattr(obj, c.key) for c in obj.__table__.columns}  # noqa: E731
    return {
        "pagamentos": sorted((_sem_ids(colunas(p)) for p in pagamentos), key=lambda x: x["valor"]),
        "alocacoes": [_sem_ids(colunas(a)) for a in alocacoes],
        "ledger": [tuple(r) for r in ledger],
        "parcelas": [_sem_ids(colunas(p)) for p in parcelas_],
        "titulos": [(t.status, t.liquidado_em, t.pagamento_id is not None) for t in titulos],
        "fila": [tuple(r) for r in fila],
        "auditoria": sorted(
            (
                a.action,
                a.entity,
                sorted((a.before or {}).items()),
                sorted(_sem_ids(a.after or {}).items()),
            )
            for a in auditoria_
            # The títulos' own issuance differs (nosso número, barcode): only what settling wrote.
            if not (a.action == "insert" and a.entity == Titulo.__tablename__)
        ),
        "json_das_entradas": [
            tuple(r) for r in nulos if not (r[0] == "insert" and r[1] == Titulo.__tablename__)
        ],
        "eventos": sorted(
            (
                sorted(
                    _sem_ids(
                        {k: v for k, v in e.items() if k not in ("cota_numero", "consorciado_id")}
                    ).items()
                )
                for e in eventos
            ),
        ),
    }


@pytest.mark.parametrize(
    ("so_o_que_basta", "auditoria_por_copy"),
    [(False, False), (True, False), (True, True)],
    ids=["todas-as-abertas", "so-o-que-basta", "auditoria-por-copy"],
)
async def test_bulk_settlement_writes_what_the_one_by_one_path_writes(
    tenant: Tenant,
    fabrica: async_sessionmaker[AsyncSession],
    so_o_que_basta: bool,
    auditoria_por_copy: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Also when the batch reads only the parcelas the file's money can reach (what a retorno does:
    ``em_memoria.abertas_que_bastam``): the cota has more open parcelas than the money reaches, and
    everything written must still be the same; and when the bulk side's audit entries go by COPY
    (as a big file's do), with the same hashes the chain verifies and the same JSON nulls."""
    c = await conta(tenant)
    # Started in 2025: the first parcelas are overdue, so títulos carry multa and juros.
    grupo, cotas = await make_running_grupo(tenant, cotas=2)
    hoje = date.today()
    um_a_um = await _titulos_da_cota(tenant, cotas[0]["id"], 2)
    em_lote = await _titulos_da_cota(tenant, cotas[1]["id"], 2)
    assert [t["valor"] for t in um_a_um] == [t["valor"] for t in em_lote]
    conta_id = uuid.UUID(c["id"])

    async with UnitOfWork.start(fabrica, Actor(None, "teste um a um")) as uow:
        for r in _recebimentos(um_a_um, hoje):
            titulo = (
                await uow.session.execute(
                    select(Titulo).where(Titulo.conta_id == conta_id, Titulo.nosso_numero == r.referencia)
                )
            ).scalar_one_or_none()
            await liquidar(uow, titulo, r)
        await uow.commit()

    if auditoria_por_copy:
        monkeypatch.setattr(trail, "_COPIA_A_PARTIR_DE", 1)
    async with UnitOfWork.start(fabrica, Actor(None, "teste em lote")) as uow:
        recebimentos = _recebimentos(em_lote, hoje)
        titulos = await titulos_da_conta(uow, conta_id, [r.referencia for r in recebimentos])
        dinheiro = [(titulos[r.referencia], r.valor) for r in recebimentos if r.referencia in titulos]
        lote = await LiquidacaoEmLote.abrir(uow, titulos.values(), dinheiro if so_o_que_basta else None)
        abertas = sum(p["status"] != "paga" for p in await parcelas(tenant, cotas[1]["id"]))
        lidas = len(lote.pagamentos.abertas(uuid.UUID(cotas[1]["id"])))
        assert lidas < abertas if so_o_que_basta else lidas == abertas, (lidas, abertas)
        resultados = [lote.liquidar(titulos.get(r.referencia), r) for r in recebimentos]
        await lote.gravar()
        await uow.commit()
    assert [r.pagamento is not None for r in resultados] == [True, True, False]

    async with fabrica() as session:
        a = await _estado(session, uuid.UUID(cotas[0]["id"]))
        b = await _estado(session, uuid.UUID(cotas[1]["id"]))
        assert len(a["pagamentos"]) == 2 and len(a["eventos"]) == 2 and a["ledger"] and a["fila"]
        assert [x[:2] for x in a["auditoria"]] == [
            ("insert", "pagamentos"),
            ("insert", "pagamentos"),
            ("update", "titulos_cobranca"),
            ("update", "titulos_cobranca"),
        ]
        assert any(p["pago_multa"] > 0 for p in a["parcelas"]), "the scenario should include late charges"
        for chave in a:
            assert a[chave] == b[chave], chave
        relatorio = await auditoria.verify(session)
        assert relatorio.ok, relatorio
    fundos = await tenant.client.get(f"/api/grupos/{grupo['id']}/fundos", headers=tenant.auth())
    assert fundos.status_code == 200 and fundos.json()["conciliado"] is True, fundos.text


async def test_bulk_settings_hold_for_the_import_transaction_only(
    fabrica: async_sessionmaker[AsyncSession],
) -> None:
    """``copia.ajustar_para_lote``: no JIT and a larger ``work_mem`` for the bulk job's transaction,
    then the connection's defaults again (the pool hands it to a request next)."""
    nomes = ("jit", "work_mem")

    async def valores(session: AsyncSession) -> tuple[str, ...]:
        return tuple([(await session.execute(text(f"SHOW {n}"))).scalar_one() for n in nomes])

    async with fabrica() as session, session.begin():
        antes = await valores(session)
        await copia.ajustar_para_lote(session)
        assert await valores(session) == ("off", "64MB")
    async with fabrica() as session, session.begin():
        assert await valores(session) == antes
    assert antes != ("off", "64MB")
