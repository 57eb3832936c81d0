"""Money the group pays OUT to a consorciado: the one path for it (restitutions, shares at the closing).

``registrar_pagamento`` is the only way money comes in for a cota; this is the
only way group money leaves for one. Each call posts the cota's movements
through ``uow.lancar`` (one row per fund, carrying the cota and the document
that caused it), so the ledger shows, per cota, every centavo returned.

An amount whose recipient gave no deposit account is not paid: it leaves the
group's funds into ``Fundo.NAO_PROCURADOS`` — recursos não procurados, which
the administradora keeps apart from its own money, invested, and reports
until claimed (Lei 11.795/2008 arts. 33–34; Res. BCB 285/2023 art. 43).

When the consorciado claims it later, ``pagar_nao_procurado`` pays it out of
that fund (the only debit of ``Fundo.NAO_PROCURADOS``).

Used by the encerramento; the crédito em espécie of an unused carta (issue 16)
can use it too. The caller commits ``uow``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from tenant_app.dinheiro.centavos import ZERO
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.unit_of_work import UnitOfWork


async def registrar_devolucao(
    uow: UnitOfWork,
    grupo_id: uuid.UUID,
    cota_id: uuid.UUID,
    *,
    do_fundo_comum: Decimal,
    do_fundo_reserva: Decimal,
    conta_conhecida: bool,
    origem: OrigemLancamento,
    referencia_id: uuid.UUID,
    descricao: str,
    defer_balance: bool = True,
) -> None:
    """Take the amounts out of the group's funds for the cota: paid, or kept as não procurados.

    ``defer_balance`` as in ``UnitOfWork.lancar`` (False when the caller reads the balances after).
    """
    if do_fundo_comum < ZERO or do_fundo_reserva < ZERO:
        raise ValueError("a devolução takes money out: amounts must not be negative")
    total = do_fundo_comum + do_fundo_reserva
    if total == ZERO:
        return
    entradas = [(Fundo.FUNDO_COMUM, -do_fundo_comum), (Fundo.FUNDO_RESERVA, -do_fundo_reserva)]
    if not conta_conhecida:
        entradas.append((Fundo.NAO_PROCURADOS, total))
    await uow.lancar(
        grupo_id,
        entradas,
        origem,
        cota_id=cota_id,
        referencia_id=referencia_id,
        descricao=descricao[:200],
        defer_balance=defer_balance,
    )


async def pagar_nao_procurado(
    uow: UnitOfWork,
    grupo_id: uuid.UUID,
    cota_id: uuid.UUID,
    valor: Decimal,
    *,
    referencia_id: uuid.UUID,
    descricao: str,
) -> None:
    """Pay a claimed recurso não procurado: the amount leaves ``Fundo.NAO_PROCURADOS`` for the cota.

    Lei 11.795/2008 arts. 33-34: the amounts kept for consorciados who gave no
    account at the closing are theirs until the claim expires; the group's funds
    were already emptied at the closing, so only the não procurados fund moves.
    """
    if valor <= ZERO:
        raise ValueError("a recurso não procurado paid out must be positive")
    await uow.lancar(
        grupo_id,
        [(Fundo.NAO_PROCURADOS, -valor)],
        OrigemLancamento.ENCERRAMENTO,
        cota_id=cota_id,
        referencia_id=referencia_id,
        descricao=descricao[:200],
    )
