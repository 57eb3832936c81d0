"""The read side of the crédito: cartas, their parts, and the cota's saldo devedor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.cotas.models import Cota
from tenant_app.credito.estados import StatusCarta
from tenant_app.credito.models import (
    BemIndicado,
    CartaCredito,
    CartaDocumento,
    CartaTransicao,
    Garantia,
    PagamentoCredito,
)
from tenant_app.erros import NaoEncontrado
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.models import Fundo, LancamentoFundo
from tenant_app.parcelas.models import Parcela


async def get_carta(session: AsyncSession, carta_id: uuid.UUID, *, lock: bool = False) -> CartaCredito:
    """The carta or 404 (row-locked with ``lock``: every change of a carta holds its lock)."""
    stmt = select(CartaCredito).where(CartaCredito.id == carta_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    carta = (await session.execute(stmt)).scalar_one_or_none()
    if carta is None:
        raise NaoEncontrado("Carta de crédito")
    return carta


async def carta_da_cota(session: AsyncSession, cota_id: uuid.UUID) -> CartaCredito:
    """The cota's live carta (the latest one, if a cancelled one is also there), or 404."""
    carta = await session.scalar(
        select(CartaCredito)
        .where(CartaCredito.cota_id == cota_id)
        .order_by((CartaCredito.status == StatusCarta.CANCELADA).asc(), CartaCredito.created_at.desc())
        .limit(1)
    )
    if carta is None:
        raise NaoEncontrado("Carta de crédito")
    return carta


async def listar_cartas(
    session: AsyncSession, grupo_id: uuid.UUID, status: StatusCarta | None = None
) -> list[tuple[CartaCredito, int]]:
    """The grupo's cartas with their cota numbers, by cota number (404 for a grupo not of this tenant)."""
    if await session.get(Grupo, grupo_id) is None:
        raise NaoEncontrado("Grupo")
    stmt = (
        select(CartaCredito, Cota.numero)
        .join(Cota, Cota.id == CartaCredito.cota_id)
        .where(CartaCredito.grupo_id == grupo_id)
        .order_by(Cota.numero)
    )
    if status is not None:
        stmt = stmt.where(CartaCredito.status == status)
    return [(c, n) for c, n in (await session.execute(stmt)).all()]


async def saldo_devedor(session: AsyncSession, cota_id: uuid.UUID) -> Decimal:
    """What the cota still owes of its plan (every parcela's components not paid; late charges apart)."""
    pago = (
        Parcela.pago_fundo_comum
        + Parcela.pago_fundo_reserva
        + Parcela.pago_taxa_administracao
        + Parcela.pago_seguro
    )
    valor = await session.scalar(
        select(func.coalesce(func.sum(Parcela.valor_total - pago), 0)).where(Parcela.cota_id == cota_id)
    )
    return Decimal(valor or 0).quantize(Decimal("0.01"))


@dataclass
class Detalhe:
    """A carta and everything hanging on it."""

    carta: CartaCredito
    cota_numero: int
    bem: BemIndicado | None
    documentos: list[CartaDocumento]
    garantias: list[Garantia]
    pagamentos: list[PagamentoCredito]
    transicoes: list[CartaTransicao]
    saldo_devedor: Decimal


async def detalhe(session: AsyncSession, carta: CartaCredito) -> Detalhe:
    """The carta's whole file."""
    numero = await session.scalar(select(Cota.numero).where(Cota.id == carta.cota_id))
    bem = await session.scalar(select(BemIndicado).where(BemIndicado.carta_id == carta.id))
    documentos = await session.scalars(
        select(CartaDocumento).where(CartaDocumento.carta_id == carta.id).order_by(CartaDocumento.recebido_em)
    )
    garantias = await session.scalars(
        select(Garantia).where(Garantia.carta_id == carta.id).order_by(Garantia.registrada_em)
    )
    pagamentos = await session.scalars(
        select(PagamentoCredito)
        .where(PagamentoCredito.carta_id == carta.id)
        .order_by(PagamentoCredito.solicitado_em)
    )
    transicoes = await session.scalars(
        select(CartaTransicao).where(CartaTransicao.carta_id == carta.id).order_by(CartaTransicao.ocorrido_em)
    )
    return Detalhe(
        carta,
        int(numero or 0),
        bem,
        list(documentos),
        list(garantias),
        list(pagamentos),
        list(transicoes),
        await saldo_devedor(session, carta.cota_id),
    )


async def conciliar(
    session: AsyncSession, grupo_id: uuid.UUID
) -> tuple[list[tuple[CartaCredito, Decimal]], bool]:
    """Each carta's saldo against its money in the ledger (``Fundo.CREDITOS_A_PAGAR``, by ``referencia_id``).

    Funded cartas must match to the centavo; an unfunded one (a lance not paid) has nothing there.
    """
    if await session.get(Grupo, grupo_id) is None:
        raise NaoEncontrado("Grupo")
    no_razao = dict(
        (
            await session.execute(
                select(LancamentoFundo.referencia_id, func.sum(LancamentoFundo.valor))
                .where(LancamentoFundo.grupo_id == grupo_id, LancamentoFundo.fundo == Fundo.CREDITOS_A_PAGAR)
                .group_by(LancamentoFundo.referencia_id)
            )
        ).all()
    )
    cartas = (await session.scalars(select(CartaCredito).where(CartaCredito.grupo_id == grupo_id))).all()
    linhas = [(carta, Decimal(no_razao.pop(carta.id, 0))) for carta in cartas]
    ok = all(razao == (c.saldo if c.disponivel_em is not None else 0) for c, razao in linhas)
    # Ledger money of no carta of this grupo would be a hole too.
    return linhas, ok and not no_razao
