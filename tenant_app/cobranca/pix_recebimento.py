"""PIX received (the PSP's webhook, BCB Pix API "Webhook" callback): store first, settle later.

``receber`` only checks the path secret and stores each notified PIX once (``end_to_end_id`` unique),
so the PSP gets its answer in milliseconds; ``liquidar_pendentes`` (a Celery task) settles them:
the título with the PIX's ``txid`` (or the one an immediate cob's txid names, ``pix_imediato``)
through ``liquidacao.liquidar`` (forma PIX, the date of the PIX in Brasília), or the queue of valores
a identificar. Repeats of a notification change nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, or_, select
from sqlalchemy.dialects.postgresql import insert

from tenant_app.cobranca.liquidacao import Recebimento, Resultado, a_identificar, liquidar
from tenant_app.cobranca.models import ContaCobranca, MotivoValor, OrigemValor, PixRecebido, StatusPix, Titulo
from tenant_app.cobranca.pix_imediato import titulo_do_txid
from tenant_app.erros import ErroDominio, NaoEncontrado
from tenant_app.unit_of_work import UnitOfWork

BRASILIA = ZoneInfo("America/Sao_Paulo")


@dataclass(frozen=True)
class PixNotificado:
    end_to_end_id: str
    txid: str | None
    valor: Decimal
    horario: datetime


def segredo_confere(conta: ContaCobranca | None, segredo: str) -> bool:
    """Constant-time check of the webhook path's secret against the stored SHA-256."""
    if conta is None or not conta.webhook_segredo_sha256:
        return False
    return hmac.compare_digest(hashlib.sha256(segredo.encode()).hexdigest(), conta.webhook_segredo_sha256)


async def receber(
    uow: UnitOfWork, conta_id: uuid.UUID, segredo: str, pix: Sequence[PixNotificado]
) -> list[uuid.UUID]:
    """Store the notified PIX of this account (each endToEndId once); the ids stored now.

    A wrong account or secret is "not found" (the caller learns nothing about which was wrong).
    """
    conta = await uow.session.get(ContaCobranca, conta_id)
    if not segredo_confere(conta, segredo):
        raise NaoEncontrado("Webhook")
    novos: list[uuid.UUID] = []
    if pix:
        tabela = cast(Table, PixRecebido.__table__)
        agora = datetime.now(UTC)
        linhas = [
            {
                "id": uuid.uuid4(),
                "conta_id": conta_id,
                "end_to_end_id": p.end_to_end_id,
                "txid": p.txid,
                "valor": p.valor,
                "horario": p.horario,
                "recebido_em": agora,
                "status": StatusPix.PENDENTE.value,
            }
            for p in pix
        ]
        resultado = await uow.session.execute(
            insert(tabela)
            .values(linhas)
            .on_conflict_do_nothing(index_elements=["end_to_end_id"])
            .returning(tabela.c.id)
        )
        novos = list(resultado.scalars())
    await uow.commit()
    return novos


async def liquidar_pendentes(uow: UnitOfWork, limite: int = 500) -> int:
    """Settle stored PIX not yet settled, each in its own transaction; how many were settled.

    Rows are claimed with ``FOR UPDATE SKIP LOCKED``: two workers never settle the same PIX.
    """
    feitos = 0
    while feitos < limite:
        pix = (
            await uow.session.execute(
                select(PixRecebido)
                .where(PixRecebido.status == StatusPix.PENDENTE)
                .order_by(PixRecebido.recebido_em)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
        ).scalar_one_or_none()
        if pix is None:
            break
        titulo = None if pix.txid is None else await _titulo_do_txid(uow, pix.conta_id, pix.txid)
        recebimento = Recebimento(
            OrigemValor.PIX,
            pix.txid or pix.end_to_end_id,
            pix.valor,
            pix.horario.astimezone(BRASILIA).date(),
            pix_id=pix.id,
        )
        try:
            resultado = await liquidar(uow, titulo, recebimento)
        except ErroDominio as erro:
            # The money path refused it (e.g. the cota changed meanwhile): keep the money, queue it.
            await uow.rollback()
            pix = await _de_novo(uow, pix.id)
            titulo = None
            resultado = Resultado(
                None, [a_identificar(uow, recebimento, pix.valor, MotivoValor.NAO_APLICAVEL, None, str(erro))]
            )
        pix.titulo_id = None if titulo is None else titulo.id
        if resultado.pagamento is not None:
            pix.status = StatusPix.LIQUIDADO
            pix.pagamento_id = resultado.pagamento.id
        else:
            pix.status = StatusPix.A_IDENTIFICAR
        await uow.commit()
        feitos += 1
    return feitos


async def _titulo_do_txid(uow: UnitOfWork, conta_id: uuid.UUID, txid: str) -> Titulo | None:
    """The account's título this txid pays, locked: the one whose BR Code carries it (static or cobv),
    or the one an immediate cob's txid names (``pix_imediato.titulo_do_txid``)."""
    criterio = Titulo.txid == txid
    titulo_id = titulo_do_txid(txid)
    if titulo_id is not None:
        criterio = or_(criterio, Titulo.id == titulo_id)
    return (
        await uow.session.execute(
            select(Titulo).where(Titulo.conta_id == conta_id, criterio).with_for_update()
        )
    ).scalar_one_or_none()


async def _de_novo(uow: UnitOfWork, pix_id: uuid.UUID) -> PixRecebido:
    return (
        await uow.session.execute(select(PixRecebido).where(PixRecebido.id == pix_id).with_for_update())
    ).scalar_one()
