"""The only writer of a parcela's paid amounts, interest state and status.

Every money movement that touches a parcela comes here: an ordinary payment
(manual, boleto, PIX), a lance (its amortisation is an allocation of the
fundo comum share, and the schedule change of the parcelas it pays off:
``reprogramar``), and the estorno of any of them. So there is one status
rule (``status_de``) and an estorno is the exact inverse of what was applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from tenant_app.dinheiro.alocacao import COMPONENTES, Alocacao, EstadoParcela, ValoresAlocados
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.parcelas.em_memoria import ParcelaEmMemoria
from tenant_app.parcelas.models import Parcela, StatusParcela

#: An ORM row, or the plain copy a bulk settlement works on: both are changed only here.
ParcelaEditavel = Parcela | ParcelaEmMemoria


def status_de(parcela: ParcelaEditavel) -> StatusParcela:
    """The one status rule: paga when no component is owed, parcial when some was paid, else aberta.

    Late charges do not count: they are owed on top of the parcela, so a
    parcela of which only the multa was paid is still aberta.
    """
    if parcela.saldo == ZERO:
        return StatusParcela.PAGA
    if parcela.valor_pago_principal > ZERO:
        return StatusParcela.PARCIAL
    return StatusParcela.ABERTA


def _atualizar_status(parcela: ParcelaEditavel, data: date | None) -> None:
    novo = status_de(parcela)
    if novo is StatusParcela.PAGA:
        # Paid on the day of the movement that settled it; an estorno that leaves it paid keeps the day.
        if parcela.status is not StatusParcela.PAGA or parcela.paga_em is None:
            parcela.paga_em = data
    else:
        parcela.paga_em = None
    parcela.status = novo


#: (component, its valor_ column, its pago_ column), named once (a retorno applies 100,000 payments).
_COLUNAS = tuple((c, f"valor_{c}", f"pago_{c}") for c in COMPONENTES)


def estado(parcela: ParcelaEditavel) -> EstadoParcela:
    """The allocation's view of a parcela row."""
    return EstadoParcela(
        id=parcela.id,
        numero=parcela.numero,
        vencimento=parcela.vencimento,
        valor_total=parcela.valor_total,
        devido={c: getattr(parcela, valor) - getattr(parcela, pago) for c, valor, pago in _COLUNAS},
        pago_multa=parcela.pago_multa,
        juros_pendentes=parcela.juros_pendentes,
        juros_calculados_ate=parcela.juros_calculados_ate,
        pago_ate_vencimento=parcela.pago_ate_vencimento,
    )


def aplicar(parcela: ParcelaEditavel, alocacao: Alocacao, data: date) -> None:
    """Add an allocation made on ``data`` to the parcela; never beyond what each component owes."""
    if alocacao.parcela_id != parcela.id:
        raise ValueError("allocation of another parcela")
    for c, valor, pago_c in _COLUNAS:
        pago = getattr(parcela, pago_c) + alocacao.componentes.get(c, ZERO)
        if not ZERO <= pago <= getattr(parcela, valor):
            raise ValueError(f"{c} of parcela {parcela.numero} would be paid beyond what is owed")
        setattr(parcela, pago_c, pago)
    if data <= parcela.vencimento:
        # Paid in time: not part of the multa's base (CDC art. 52 §1).
        parcela.pago_ate_vencimento += alocacao.principal
    parcela.pago_multa += alocacao.multa
    parcela.pago_juros += alocacao.juros
    parcela.juros_pendentes = alocacao.juros_pendentes_apos
    parcela.juros_calculados_ate = alocacao.juros_calculados_ate
    _atualizar_status(parcela, data)


def estornar(parcela: Parcela, alocado: ValoresAlocados, data_pagamento: date) -> None:
    """Take back what one allocation of a payment made on ``data_pagamento`` put in.

    The interest it settled is owed again; money that had been paid in time no
    longer counts as paid in time (the multa's base grows back).
    """
    principal = ZERO
    for c in COMPONENTES:
        valor = getattr(alocado, c)
        pago = getattr(parcela, f"pago_{c}") - valor
        if pago < ZERO:
            raise ValueError(f"estorno of more {c} than parcela {parcela.numero} received")
        setattr(parcela, f"pago_{c}", pago)
        principal += valor
    if data_pagamento <= parcela.vencimento:
        parcela.pago_ate_vencimento -= principal
    parcela.pago_multa -= alocado.multa
    parcela.pago_juros -= alocado.juros
    # Interest keeps accruing from juros_calculados_ate; what this payment settled is due again.
    parcela.juros_pendentes += alocado.juros
    _atualizar_status(parcela, None)


def reprogramar(parcela: Parcela, variacao: Mapping[str, Decimal], data: date | None) -> None:
    """Change what the parcela is due, per component (a lance shortening the term, or its estorno).

    Never below what was already paid of a component (``ValueError``); the
    status follows (a parcela left owing nothing is paid on ``data``).
    """
    for c, delta in variacao.items():
        if c not in COMPONENTES:
            raise ValueError(f"unknown component {c}")
        valor = getattr(parcela, f"valor_{c}") + delta
        if valor < getattr(parcela, f"pago_{c}"):
            raise ValueError(f"{c} of parcela {parcela.numero} would be due less than was paid")
        setattr(parcela, f"valor_{c}", valor)
        parcela.valor_total += delta
    _atualizar_status(parcela, data)
