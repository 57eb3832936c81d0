"""The paid lance in reais applied to the cota's future parcelas (pure, centavo-exact).

The apuração decides the plan as percentages of the credit (``Amortizacao``);
this turns the lance's value into amounts per parcela. The lance amortises
the fundo comum share only (the percentages the apuração works with are of
the fundo comum): taxa de administração, fundo de reserva and seguro of each
month stay due, since they are charged over the contract, not per month of
fundo comum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tenant_app.assembleias.apuracao.regras import AmortizacaoLance
from tenant_app.parcelas.money import ZERO, split_evenly, to_cents


@dataclass(frozen=True, slots=True)
class ParcelaAberta:
    """A future parcela: its number and the fundo comum share still unpaid."""

    numero: int
    fundo_comum_em_aberto: Decimal


class LanceNaoCabe(ValueError):
    """The lance exceeds what the future parcelas still owe the fundo comum."""


def distribuir_lance(
    parcelas: Sequence[ParcelaAberta], valor: Decimal, quitadas: int, modo: AmortizacaoLance
) -> dict[int, Decimal]:
    """How much of ``valor`` goes to each parcela's fundo comum share (sums to ``valor`` exactly).

    Reducing the term pays off whole parcelas from the last one backwards (at
    most ``quitadas``, the number the apuração planned, and only while the
    money covers a whole one); what is left lowers every other future parcela
    evenly. Reducing the parcela spreads the whole value evenly. Even splits
    put the leftover centavos on the earliest parcelas; a share a parcela
    cannot absorb moves on to the next ones, so nothing is ever overpaid.
    """
    valor = to_cents(valor)
    if valor < ZERO:
        raise ValueError("valor must not be negative")
    ordem = sorted(parcelas, key=lambda p: p.numero)
    aplicado = {p.numero: ZERO for p in ordem}
    if valor == ZERO:
        return {}
    if sum((p.fundo_comum_em_aberto for p in ordem), ZERO) < valor:
        raise LanceNaoCabe("o lance supera o saldo do fundo comum das parcelas futuras")
    resto = valor
    restantes = list(ordem)
    if modo is AmortizacaoLance.REDUZIR_PRAZO:
        for p in reversed(ordem[-quitadas:] if quitadas > 0 else []):
            if p.fundo_comum_em_aberto > resto:
                break
            aplicado[p.numero] = p.fundo_comum_em_aberto
            resto -= p.fundo_comum_em_aberto
            restantes.remove(p)
    # Even split with spill-over: repeat over the parcelas that still have room.
    while resto > ZERO:
        com_espaco = [p for p in restantes if aplicado[p.numero] < p.fundo_comum_em_aberto]
        partes = split_evenly(resto, len(com_espaco))
        for p, parte in zip(com_espaco, partes, strict=True):
            cabe = min(parte, p.fundo_comum_em_aberto - aplicado[p.numero])
            aplicado[p.numero] += cabe
            resto -= cabe
    return {n: v for n, v in aplicado.items() if v > ZERO}
