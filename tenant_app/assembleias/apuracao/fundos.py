"""Available funds: a contemplation happens only if the group has the money (Lei 11.795 art. 23)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Saldos:
    """Money the group can spend on contemplações in this assembleia."""

    fundo_comum: Decimal
    fundo_reserva: Decimal


@dataclass(frozen=True, slots=True)
class Debito:
    """Where one contemplação's money came from."""

    do_fundo_comum: Decimal
    do_fundo_reserva: Decimal


def debitar(
    saldos: Saldos, custo: Decimal, *, usa_comum: bool, usa_reserva: bool
) -> tuple[Saldos, Debito] | None:
    """Take ``custo`` from the allowed funds, fundo comum first; None if they do not cover it.

    Never returns a negative balance: the caller must stop awarding when
    this answers None.
    """
    if custo < ZERO:
        raise ValueError("custo negativo")
    comum = min(custo, saldos.fundo_comum) if usa_comum else ZERO
    falta = custo - comum
    if falta > ZERO and not (usa_reserva and saldos.fundo_reserva >= falta):
        return None
    reserva = falta
    return (
        Saldos(saldos.fundo_comum - comum, saldos.fundo_reserva - reserva),
        Debito(comum, reserva),
    )


def creditos_cobertos(saldo: Decimal, custo_por_credito: Decimal) -> int:
    """How many contemplações of the same net cost a balance covers."""
    if custo_por_credito <= ZERO:
        raise ValueError("custo por crédito deve ser positivo")
    return max(int(saldo // custo_por_credito), 0)
