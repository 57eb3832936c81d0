"""Delinquency report and the daily default-exclusion routine."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.consorciados.models import Consorciado
from tenant_app.cotas.models import Cota, MotivoExclusao, StatusCota
from tenant_app.cotas.service import exclusao
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.inadimplencia.rules import longest_unpaid_run, must_exclude
from tenant_app.inadimplencia.schemas import ContatoCobranca, InadimplenteOut
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.unit_of_work import UnitOfWork


async def delinquents(
    session: AsyncSession, ref: date, grupo_id: uuid.UUID | None = None
) -> list[InadimplenteOut]:
    """Active cotas with parcelas overdue on ``ref``, with multa and juros accrued to that date."""
    stmt = (
        select(Parcela, Cota, Grupo)
        .join(Cota, Cota.id == Parcela.cota_id)
        .join(Grupo, Grupo.id == Parcela.grupo_id)
        .where(
            Parcela.vencimento < ref,
            Parcela.status != StatusParcela.PAGA,
            Cota.status == StatusCota.ATIVA,
            Grupo.status == StatusGrupo.EM_ANDAMENTO,
        )
        .order_by(Grupo.codigo, Cota.numero, Parcela.numero)
    )
    if grupo_id is not None:
        stmt = stmt.where(Parcela.grupo_id == grupo_id)
    per_cota: dict[uuid.UUID, list[tuple[Parcela, Cota, Grupo]]] = defaultdict(list)
    for p, c, g in await session.execute(stmt):
        per_cota[c.id].append((p, c, g))
    out = []
    for rows in per_cota.values():
        _, cota, grupo = rows[0]
        principal = multa = juros = ZERO
        for p, _, _ in rows:
            enc = p.encargos(ref, grupo.multa_pct, grupo.juros_mensal_pct)
            principal += p.saldo
            multa += enc.multa
            juros += enc.juros
        out.append(
            InadimplenteOut(
                cota_id=cota.id,
                grupo_id=grupo.id,
                numero_cota=cota.numero,
                consorciado_id=cota.consorciado_id,
                contemplada=cota.contemplada,
                parcelas_vencidas=len(rows),
                parcelas_consecutivas=longest_unpaid_run(p.numero for p, _, _ in rows),
                dias_atraso=(ref - min(p.vencimento for p, _, _ in rows)).days,
                principal_vencido=principal,
                multa=multa,
                juros=juros,
                total=principal + multa + juros,
            )
        )
    return out


async def run_automatic_exclusions(uow: UnitOfWork, ref: date) -> list[uuid.UUID]:
    """Exclude every non-contemplated cota at or past its group's threshold, in one transaction."""
    excluded = []
    async with uow.one_transaction():
        thresholds = dict((await uow.session.execute(select(Grupo.id, Grupo.parcelas_para_exclusao))).all())
        for item in await delinquents(uow.session, ref):
            if must_exclude(item.parcelas_consecutivas, thresholds[item.grupo_id], item.contemplada):
                await exclusao(
                    uow,
                    item.cota_id,
                    MotivoExclusao.INADIMPLENCIA,
                    ref,
                    f"{item.parcelas_consecutivas} parcelas consecutivas em atraso",
                )
                excluded.append(item.cota_id)
    return excluded


async def relatorio(
    session: AsyncSession, ref: date, grupo_id: uuid.UUID | None, minimo_parcelas: int
) -> tuple[list[InadimplenteOut], Decimal]:
    """The report's cotas (at least ``minimo_parcelas`` overdue) and what they owe in total."""
    items = [i for i in await delinquents(session, ref, grupo_id) if i.parcelas_vencidas >= minimo_parcelas]
    return await _com_contatos(session, items), total_devido(items)


async def _com_contatos(session: AsyncSession, items: list[InadimplenteOut]) -> list[InadimplenteOut]:
    """Each line with the consorciado's name, document and contacts, and the grupo's code (two queries)."""
    if not items:
        return items
    pessoas = {
        c.id: c
        for c in await session.scalars(
            select(Consorciado).where(Consorciado.id.in_({i.consorciado_id for i in items}))
        )
    }
    codigos = dict(
        (
            await session.execute(
                select(Grupo.id, Grupo.codigo).where(Grupo.id.in_({i.grupo_id for i in items}))
            )
        ).all()
    )
    out = []
    for item in items:
        pessoa = pessoas.get(item.consorciado_id)
        if pessoa is None:
            out.append(msgspec.structs.replace(item, grupo_codigo=codigos.get(item.grupo_id)))
            continue
        out.append(
            msgspec.structs.replace(
                item,
                grupo_codigo=codigos.get(item.grupo_id),
                consorciado_nome=pessoa.nome,
                consorciado_documento=pessoa.documento,
                email=pessoa.email,
                telefone=pessoa.telefone,
                contatos=[
                    ContatoCobranca(tipo=c.tipo, valor=c.valor, principal=c.principal)
                    for c in sorted(pessoa.contatos, key=lambda c: (not c.principal, c.tipo))
                ],
            )
        )
    return out


def total_devido(items: list[InadimplenteOut]) -> Decimal:
    """Sum of what the listed cotas owe."""
    return sum((i.total for i in items), ZERO)
