"""A payment spread over a cota's open parcelas, oldest first (pure).

Within a parcela the money covers, in order: multa, juros, then the
components fundo comum, fundo de reserva, taxa de administração, seguro.
Late charges first because they are due on top of the parcela (Código Civil
art. 354: a payment goes to the interest due before the capital); the fundo
comum first among components because it is the group's money that funds
contemplações.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from tenant_app.dinheiro.centavos import ZERO
from tenant_app.dinheiro.encargos import Encargos, encargos_devidos

#: Components of a parcela in the order a payment covers them (after late charges).
COMPONENTES = ("fundo_comum", "fundo_reserva", "taxa_administracao", "seguro")


@dataclass(frozen=True)
class EstadoParcela:
    """What allocation needs to know about one open parcela."""

    id: uuid.UUID
    numero: int
    vencimento: date
    valor_total: Decimal
    #: Still owed per component, keyed by ``COMPONENTES`` names.
    devido: dict[str, Decimal]
    pago_multa: Decimal = ZERO
    juros_pendentes: Decimal = ZERO
    juros_calculados_ate: date | None = None
    #: Principal paid on or before the due date (the multa is charged on the rest).
    pago_ate_vencimento: Decimal = ZERO

    @property
    def saldo(self) -> Decimal:
        """Principal still owed."""
        return sum(self.devido.values(), ZERO)

    def encargos(self, data: date, multa_pct: Decimal, juros_mensal_pct: Decimal) -> Encargos:
        """Late charges owed on ``data``."""
        return encargos_devidos(
            valor_total=self.valor_total,
            saldo_principal=self.saldo,
            vencimento=self.vencimento,
            data=data,
            multa_pct=multa_pct,
            juros_mensal_pct=juros_mensal_pct,
            pago_multa=self.pago_multa,
            juros_pendentes=self.juros_pendentes,
            juros_calculados_ate=self.juros_calculados_ate,
            pago_ate_vencimento=self.pago_ate_vencimento,
        )


@dataclass(frozen=True)
class Alocacao:
    """Money applied to one parcela and the parcela's interest state afterwards."""

    parcela_id: uuid.UUID
    numero: int
    componentes: dict[str, Decimal]
    multa: Decimal
    juros: Decimal
    juros_pendentes_apos: Decimal
    juros_calculados_ate: date | None
    quitada: bool

    @property
    def principal(self) -> Decimal:
        """What was applied to the components (late charges excluded)."""
        return sum(self.componentes.values(), ZERO)

    @property
    def total(self) -> Decimal:
        """Everything applied to this parcela."""
        return self.principal + self.multa + self.juros


class ValoresAlocados(Protocol):
    """What one stored allocation moved into one parcela (``PagamentoAlocacao`` has these)."""

    @property
    def fundo_comum(self) -> Decimal: ...
    @property
    def fundo_reserva(self) -> Decimal: ...
    @property
    def taxa_administracao(self) -> Decimal: ...
    @property
    def seguro(self) -> Decimal: ...
    @property
    def multa(self) -> Decimal: ...
    @property
    def juros(self) -> Decimal: ...


@dataclass(frozen=True)
class ResultadoAlocacao:
    """Allocations in order and what did not fit (the caller decides what to do with it)."""

    alocacoes: list[Alocacao]
    sobra: Decimal


def total_devido(
    parcelas: Sequence[EstadoParcela], data: date, multa_pct: Decimal, juros_mensal_pct: Decimal
) -> Decimal:
    """Everything that would settle all given parcelas on ``data`` (principal + late charges)."""
    return sum((p.saldo + p.encargos(data, multa_pct, juros_mensal_pct).total for p in parcelas), ZERO)


def alocar(
    valor: Decimal,
    parcelas: Sequence[EstadoParcela],
    data_pagamento: date,
    multa_pct: Decimal,
    juros_mensal_pct: Decimal,
) -> ResultadoAlocacao:
    """Apply ``valor`` to ``parcelas`` oldest first; never more than is owed on any of them."""
    if valor <= 0:
        raise ValueError("valor must be positive")
    restante = valor
    alocacoes: list[Alocacao] = []
    for p in sorted(parcelas, key=lambda x: (x.vencimento, x.numero)):
        if restante <= 0:
            break
        if p.saldo <= 0:
            continue
        enc = p.encargos(data_pagamento, multa_pct, juros_mensal_pct)
        multa = min(restante, enc.multa)
        restante -= multa
        juros = min(restante, enc.juros)
        restante -= juros
        pagos: dict[str, Decimal] = {}
        for nome in COMPONENTES:
            parte = min(restante, p.devido.get(nome, ZERO))
            pagos[nome] = parte
            restante -= parte
        atrasada = data_pagamento > p.vencimento
        alocacoes.append(
            Alocacao(
                parcela_id=p.id,
                numero=p.numero,
                componentes=pagos,
                multa=multa,
                juros=juros,
                juros_pendentes_apos=enc.juros - juros,
                # Interest is now computed up to the payment date; on time, nothing accrued.
                juros_calculados_ate=max(data_pagamento, p.juros_calculados_ate or data_pagamento)
                if atrasada
                else p.juros_calculados_ate,
                quitada=sum(pagos.values(), ZERO) == p.saldo,
            )
        )
    return ResultadoAlocacao(alocacoes=alocacoes, sobra=restante)
