"""Resolving valores a identificar: apply the money to a cota (the one money path) or record that it
was returned to the payer. Each item is resolved once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from tenant_app.cobranca.models import OrigemValor, StatusValor, ValorAIdentificar
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.pagamentos.models import FormaPagamento
from tenant_app.pagamentos.service import registrar_pagamento
from tenant_app.unit_of_work import UnitOfWork


async def _pendente(uow: UnitOfWork, item_id: uuid.UUID) -> ValorAIdentificar:
    item = (
        await uow.session.execute(
            select(ValorAIdentificar).where(ValorAIdentificar.id == item_id).with_for_update()
        )
    ).scalar_one_or_none()
    if item is None:
        raise NaoEncontrado("Valor a identificar")
    if item.status is not StatusValor.PENDENTE:
        raise ConflitoError(f"Este valor já foi {item.status.value}.", code="transicao_invalida")
    return item


async def aplicar(
    uow: UnitOfWork, item_id: uuid.UUID, cota_id: uuid.UUID, observacao: str | None
) -> ValorAIdentificar:
    """Pay the whole amount into ``cota_id`` (``registrar_pagamento``, forma of the origin, credit date)."""
    item = await _pendente(uow, item_id)
    uow.track(item)
    forma = FormaPagamento.PIX if item.origem is OrigemValor.PIX else FormaPagamento.BOLETO
    pagamento = await registrar_pagamento(
        uow, cota_id, item.valor, item.data_credito, forma, f"identificado {item.referencia}"[:100]
    )
    item.status = StatusValor.APLICADO
    item.pagamento_id = pagamento.id
    item.cota_id = cota_id
    item.resolvido_em = datetime.now(UTC)
    item.resolvido_por = uow.actor.user_id
    item.observacao = observacao
    await uow.commit()
    return item


async def devolver(uow: UnitOfWork, item_id: uuid.UUID, observacao: str) -> ValorAIdentificar:
    """Record that the money went back to the payer (outside the platform); no parcela changes."""
    if len(observacao.strip()) < 5:
        raise RegraVioladaError("Descreva a devolução (ao menos 5 caracteres).", campo="observacao")
    item = await _pendente(uow, item_id)
    uow.track(item)
    item.status = StatusValor.DEVOLVIDO
    item.resolvido_em = datetime.now(UTC)
    item.resolvido_por = uow.actor.user_id
    item.observacao = observacao
    await uow.commit()
    return item


async def listar(
    uow: UnitOfWork, status: StatusValor | None, desde: date | None, ate: date | None, limit: int, offset: int
) -> tuple[list[ValorAIdentificar], int]:
    filtros = []
    if status is not None:
        filtros.append(ValorAIdentificar.status == status)
    if desde is not None:
        filtros.append(ValorAIdentificar.data_credito >= desde)
    if ate is not None:
        filtros.append(ValorAIdentificar.data_credito <= ate)
    total = (
        await uow.session.execute(select(func.count()).select_from(ValorAIdentificar).where(*filtros))
    ).scalar_one()
    rows = await uow.session.execute(
        select(ValorAIdentificar)
        .where(*filtros)
        .order_by(ValorAIdentificar.data_credito, ValorAIdentificar.criado_em)
        .limit(limit)
        .offset(offset)
    )
    return list(rows.scalars()), int(total)


def total(itens: list[ValorAIdentificar]) -> Decimal:
    return sum((i.valor for i in itens), Decimal("0.00"))
