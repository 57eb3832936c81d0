"""A carta de crédito is born with the contemplação, and is funded once its money is the group's.

``abrir_cartas`` is called by the apuração (``assembleias.apuracao_service.registrar_contemplacoes``)
in its transaction, so every contemplated cota has its carta from the first moment — created
eagerly rather than on first use because the yield (art. 24 §1) counts from the day the crédito
was made available, and the back office lists the cartas waiting for análise.

A carta won by sorteio is funded at once: the apuração took its money from the funds, and the
ledger sets it aside in ``Fundo.CREDITOS_A_PAGAR`` for this carta. A lance winner's carta waits
for the lance payment (until then the award may still be disqualified): ``sincronizar`` funds it
once the lance is paid (and takes the money back if that payment is reversed), and cancels a carta
whose contemplação was disqualified. Services call
``sincronizar`` before they read or change cartas, so the state is right whatever order things
happened in (and cartas of contemplações made before this feature are created too).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

# Modalidade through the models module: the apuração calls this one, so nothing else of
# assembleias may be imported here (models are the shared bottom layer).
from tenant_app.assembleias.models import Assembleia, ContemplacaoCota, Modalidade, StatusContemplacao
from tenant_app.credito.estados import SEM_USO, StatusCarta
from tenant_app.credito.historico import registrar_transicao
from tenant_app.credito.models import CartaCredito
from tenant_app.credito.valores import valor_da_carta
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.unit_of_work import UnitOfWork


def _nova_carta(c: ContemplacaoCota, contemplada_em: date) -> CartaCredito:
    embutido = c.valor_embutido or c.valor_credito - c.valor_liberado
    return CartaCredito(
        id=uuid.uuid4(),
        grupo_id=c.grupo_id,
        cota_id=c.cota_id,
        contemplacao_id=c.id,
        status=StatusCarta.DISPONIVEL,
        contemplada_em=contemplada_em,
        valor_credito=c.valor_credito,
        valor_embutido=embutido,
        valor_carta=valor_da_carta(c.valor_credito, embutido),
    )


async def _disponibilizar(uow: UnitOfWork, carta: CartaCredito, dia: date) -> None:
    """The carta's money set aside for it in the ledger, from ``dia``."""
    uow.track(carta)
    carta.disponivel_em = dia
    await uow.lancar(
        carta.grupo_id,
        [(Fundo.CREDITOS_A_PAGAR, carta.valor_carta)],
        OrigemLancamento.DISPONIBILIZACAO,
        referencia_id=carta.id,
        descricao="Carta de crédito disponível",
    )


async def _retirar(uow: UnitOfWork, carta: CartaCredito) -> None:
    """The lance's pagamento was reversed (estorno) after the carta was funded: undo the set-aside.

    The carta goes back to waiting for its lance (funded again, from that day, once it is paid
    again); its yield so far returns to the fundo comum (it was the group's money while the lance
    stood unpaid). A carta that already paid something out (or has a payout at the bank) keeps
    its money: it stays blocked by ``lance_nao_pago`` and the administradora settles it.
    """
    if carta.valor_pago or carta.valor_reservado:
        return
    uow.track(carta)
    if carta.rendimentos:
        await uow.lancar(
            carta.grupo_id,
            [(Fundo.CREDITOS_A_PAGAR, -carta.rendimentos), (Fundo.FUNDO_COMUM, carta.rendimentos)],
            OrigemLancamento.RENDIMENTO,
            referencia_id=carta.id,
            descricao="Rendimento devolvido ao fundo comum: pagamento do lance estornado",
        )
        carta.rendimentos = Decimal("0.00")
    await uow.lancar(
        carta.grupo_id,
        [(Fundo.CREDITOS_A_PAGAR, -carta.valor_carta)],
        OrigemLancamento.DISPONIBILIZACAO,
        referencia_id=carta.id,
        descricao="Carta de crédito indisponível: pagamento do lance estornado",
    )
    carta.disponivel_em = None


async def abrir_cartas(
    uow: UnitOfWork, assembleia: Assembleia, contemplacoes: Iterable[ContemplacaoCota]
) -> None:
    """One carta per contemplação of a cota (restitutions have none); sorteio cartas funded now."""
    await uow.flush()  # the contemplações first: the cartas refer to them
    for c in contemplacoes:
        if c.modalidade is Modalidade.RESTITUICAO:
            continue
        carta = _nova_carta(c, assembleia.data_assembleia)
        uow.add(carta)
        registrar_transicao(
            uow, carta, StatusCarta.DISPONIVEL, "abertura", f"Contemplação ({c.modalidade.value})"
        )
        if c.modalidade is not Modalidade.LANCE:
            await _disponibilizar(uow, carta, assembleia.data_assembleia)
    # A disqualification calls this too (for the next bids): the disqualified award's carta is
    # cancelled in the same transaction.
    await uow.flush()
    await sincronizar(uow, grupo_id=assembleia.grupo_id)


async def sincronizar(
    uow: UnitOfWork, *, grupo_id: uuid.UUID | None = None, cota_id: uuid.UUID | None = None
) -> None:
    """Bring the cartas of a grupo / cota (or all) in line with their contemplações (the caller commits).

    Creates missing cartas, funds lance cartas whose lance was paid (from the day it was paid),
    cancels unused cartas whose contemplação was disqualified, and undoes the funding of a carta
    whose lance pagamento was reversed (``_retirar``).
    """
    session = uow.session
    stmt = (
        select(ContemplacaoCota, Assembleia.data_assembleia, CartaCredito)
        .join(Assembleia, Assembleia.id == ContemplacaoCota.assembleia_id)
        .outerjoin(CartaCredito, CartaCredito.contemplacao_id == ContemplacaoCota.id)
        .where(ContemplacaoCota.modalidade != Modalidade.RESTITUICAO)
        .options(selectinload(ContemplacaoCota.pagamento_lance))
    )
    if grupo_id is not None:
        stmt = stmt.where(ContemplacaoCota.grupo_id == grupo_id)
    if cota_id is not None:
        stmt = stmt.where(ContemplacaoCota.cota_id == cota_id)
    for contemplacao, data_ago, carta in (await session.execute(stmt)).all():
        ativa = contemplacao.status is StatusContemplacao.ATIVA
        if carta is None:
            if not ativa:
                continue
            carta = _nova_carta(contemplacao, data_ago)
            uow.add(carta)
            registrar_transicao(
                uow, carta, StatusCarta.DISPONIVEL, "abertura", "Carta de contemplação anterior"
            )
        if not ativa:
            if carta.status in SEM_USO and carta.disponivel_em is None:
                motivo = "Contemplação desclassificada (lance não pago no prazo)."
                registrar_transicao(uow, carta, StatusCarta.CANCELADA, "cancelar", motivo)
            continue
        if carta.disponivel_em is not None:
            if contemplacao.modalidade is Modalidade.LANCE and not contemplacao.lance_pago:
                await _retirar(uow, carta)
            continue
        if contemplacao.modalidade is not Modalidade.LANCE:
            await _disponibilizar(uow, carta, data_ago)
        elif contemplacao.lance_pago:
            pago = contemplacao.pagamento_lance
            dia = pago.data_pagamento if pago is not None else data_ago
            await _disponibilizar(uow, carta, dia)
