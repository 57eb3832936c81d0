"""A paid lance applied to the cota's future parcelas (Res. BCB 285/2023 art. 12), pure and centavo-exact.

Two levels: the apuração plans the amortisation as percentages of the credit
(``amortizar``); when the winner pays, the lance's value in reais is spread
over the future parcelas (``distribuir_lance``) and turned into the same
``Alocacao`` an ordinary payment makes (``alocar_lance``), so the one writer of
paid amounts applies it and an estorno undoes it exactly.

The lance amortises the fundo comum share only (the percentages the apuração
works with are of the fundo comum). Taxa de administração, fundo de reserva
and seguro are charged over the contract, not per month of fundo comum: when
reducing the term, the parcelas whose fundo comum the lance paid off no longer
fall due (Res. BCB 285/2023 art. 12 parágrafo único: the lance "quita"
prestações vincendas), so what they still owe of those components moves
evenly onto the parcelas that remain (``reprogramar_quitadas``). The
apuração's ``parcelas_quitadas``, the schedule (those parcelas ``paga``) and
the cota's saldo then say the same thing, and the contract's total is unchanged.

What a lance pays is a contract clause (``LancePaga``; Res. BCB 285/2023 art. 12
leaves it to the contrato de adesão, Lei 11.795/2008 art. 10 §1 makes the
contract the rule of the group): ``fundo_comum`` (the default above) or
``parcela_integral`` — the lance pays whole parcelas, fundo comum, taxa de
administração, fundo de reserva and seguro of each parcela it covers, so the
parcelas it pays off owe nothing and nothing moves onto the others. The
apuração then works with the cota's whole-parcela balance
(``CotaAtiva.percentual_devido_integral``) instead of its fundo comum balance.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from tenant_app.dinheiro.alocacao import COMPONENTES, Alocacao, EstadoParcela
from tenant_app.dinheiro.centavos import ZERO, centavos, percentual_por_parcela, repartir
from tenant_app.dinheiro.seguro import ModoSeguro, seguro_das_parcelas

#: What a lance does not pay: these components of the parcelas it pays off move to the others.
COMPONENTES_DO_CONTRATO = ("fundo_reserva", "taxa_administracao", "seguro")
#: What the saldo devedor of the seguro prestamista is made of (``dinheiro.seguro``).
_SEM_SEGURO = ("fundo_comum", "taxa_administracao", "fundo_reserva")


class LancePaga(StrEnum):
    """What a paid lance pays of each parcela it covers (contract clause; default ``fundo_comum``)."""

    FUNDO_COMUM = "fundo_comum"  #: the fundo comum share only; the rest moves onto the other parcelas
    PARCELA_INTEGRAL = "parcela_integral"  #: the whole parcela: fundo comum, taxa, fundo de reserva, seguro


class AmortizacaoLance(StrEnum):
    """What the paid lance does to the parcelas still due (contract choice)."""

    REDUZIR_PRAZO = "reduzir_prazo"  #: pays off the last parcelas
    REDUZIR_PARCELA = "reduzir_parcela"  #: lowers every remaining parcela


@dataclass(frozen=True, slots=True)
class Amortizacao:
    """The cota's plan after the lance pays off future parcelas, in percentages of the credit."""

    parcelas_quitadas: int
    parcelas_restantes: int
    #: Of the credit, still owed to the fundo comum (``parcela_integral``: still owed of the whole parcelas).
    percentual_devido: Decimal
    #: The fundo comum share (``parcela_integral``: the whole share) of each remaining parcela.
    percentual_por_parcela: Decimal


def amortizar(
    percentual_devido: Decimal, parcelas_restantes: int, percentual_lance: Decimal, modo: AmortizacaoLance
) -> Amortizacao:
    """Apply a paid lance to what the cota still owes (percentages of the credit).

    ``percentual_devido`` is the balance the lance pays: the fundo comum's, or the
    whole parcelas' when the contract's lance pays whole parcelas. Reducing the
    term pays off whole parcelas from the last one backwards; the fraction left
    over lowers the remaining parcelas. Reducing the
    parcela keeps the term and spreads the new balance evenly.
    """
    saldo = max(percentual_devido - percentual_lance, Decimal(0))
    if parcelas_restantes <= 0 or saldo == 0:
        return Amortizacao(max(parcelas_restantes, 0), 0, Decimal(0), Decimal(0))
    if modo is AmortizacaoLance.REDUZIR_PARCELA:
        return Amortizacao(0, parcelas_restantes, saldo, percentual_por_parcela(saldo, parcelas_restantes))
    por_parcela = percentual_devido / parcelas_restantes
    quitadas = min(int(percentual_lance / por_parcela), parcelas_restantes - 1)
    restantes = parcelas_restantes - quitadas
    return Amortizacao(quitadas, restantes, saldo, percentual_por_parcela(saldo, restantes))


@dataclass(frozen=True, slots=True)
class ParcelaAberta:
    """A future parcela: its number and what the lance may still pay of it.

    The fundo comum share still unpaid, or (``parcela_integral``) all it still owes.
    """

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
    valor = centavos(valor)
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
        partes = repartir(resto, len(com_espaco))
        for p, parte in zip(com_espaco, partes, strict=True):
            cabe = min(parte, p.fundo_comum_em_aberto - aplicado[p.numero])
            aplicado[p.numero] += cabe
            resto -= cabe
    return {n: v for n, v in aplicado.items() if v > ZERO}


def _componentes(parte: Decimal, p: EstadoParcela, paga: LancePaga) -> dict[str, Decimal]:
    """One parcela's part of the lance by component: all to the fundo comum, or in ``COMPONENTES`` order."""
    if paga is LancePaga.FUNDO_COMUM:
        return {c: parte if c == "fundo_comum" else ZERO for c in COMPONENTES}
    # Whole parcelas: a parcela paid off gets each component in full; a part of one covers the
    # components in the order an ordinary payment does (dinheiro.alocacao: fundo comum first).
    resto, pagos = parte, {}
    for c in COMPONENTES:
        pagos[c] = min(resto, p.devido.get(c, ZERO))
        resto -= pagos[c]
    return pagos


def alocar_lance(
    valor: Decimal,
    parcelas: Sequence[EstadoParcela],
    data: date,
    quitadas: int,
    modo: AmortizacaoLance,
    paga: LancePaga = LancePaga.FUNDO_COMUM,
) -> list[Alocacao]:
    """The lance as allocations to the parcelas not yet due on ``data``.

    ``paga`` is the contract's clause: the fundo comum share only, or the whole
    parcelas. Raises ``LanceNaoCabe`` when those parcelas do not owe ``valor``
    (to the fundo comum, or in all). Interest state is untouched: a parcela not
    yet due has none.
    """
    futuras = {p.numero: p for p in parcelas if p.vencimento > data}
    integral = paga is LancePaga.PARCELA_INTEGRAL
    plano = distribuir_lance(
        [
            ParcelaAberta(p.numero, p.saldo if integral else p.devido.get("fundo_comum", ZERO))
            for p in futuras.values()
        ],
        valor,
        quitadas,
        modo,
    )
    alocacoes = []
    for numero, parte in sorted(plano.items()):
        p = futuras[numero]
        alocacoes.append(
            Alocacao(
                parcela_id=p.id,
                numero=numero,
                componentes=_componentes(parte, p, paga),
                multa=ZERO,
                juros=ZERO,
                juros_pendentes_apos=p.juros_pendentes,
                juros_calculados_ate=p.juros_calculados_ate,
                quitada=parte == p.saldo,
            )
        )
    return alocacoes


@dataclass(frozen=True, slots=True)
class Reprogramacao:
    """A change of what one parcela is due, per component (signed; a lance's estorno negates it)."""

    parcela_id: uuid.UUID
    numero: int
    variacao: dict[str, Decimal]


def reprogramar_quitadas(
    parcelas: Sequence[EstadoParcela],
    alocacoes: Sequence[Alocacao],
    data: date,
    quitadas: int,
    modo: AmortizacaoLance,
    *,
    seguro_mensal_pct: Decimal | None = None,
    paga: LancePaga = LancePaga.FUNDO_COMUM,
) -> list[Reprogramacao]:
    """The schedule change that makes the parcelas a ``reduzir_prazo`` lance paid off really paid.

    ``parcelas`` are the cota's open parcelas before the lance, ``alocacoes``
    the lance's. The last ``quitadas`` parcelas not yet due whose fundo comum
    the lance paid in full stop owing taxa, fundo de reserva and seguro; the
    same amounts, component by component, are added to the other parcelas not
    yet due, split evenly (leftover centavos to the earliest). Nothing moves
    when reducing the parcela, when nothing was paid off, or when no parcela
    would remain.

    ``seguro_mensal_pct``: the contract's seguro is a monthly percentage of the
    saldo devedor (``dinheiro.seguro``, ``mensal_saldo_devedor``). Then the seguro
    is not moved: the lance lowered the saldo devedor, so the paid-off parcelas
    owe none and every other parcela not yet due owes the percentage of what the
    cota still owes from it on, after the lance (reducing the parcela too) —
    Res. CNSP 439/2022: the insured capital is the saldo devedor.

    ``paga`` ``parcela_integral``: the lance paid the parcelas it paid off in
    full, so nothing moves; only a monthly seguro is recomputed on the new saldo.
    """
    mensal = seguro_mensal_pct is not None
    integral = paga is LancePaga.PARCELA_INTEGRAL
    # What the lance paid of each parcela's saldo devedor (the seguro's base: everything but the seguro).
    pago = {a.numero: sum((a.componentes.get(c, ZERO) for c in _SEM_SEGURO), ZERO) for a in alocacoes}
    pago_seguro = {a.numero: a.componentes.get("seguro", ZERO) for a in alocacoes}
    futuras = sorted((p for p in parcelas if p.vencimento > data), key=lambda p: p.numero)
    variacoes: dict[int, dict[str, Decimal]] = {}
    pagas: list[EstadoParcela] = []
    if integral:
        pagas = [p for p in futuras if any(a.numero == p.numero and a.quitada for a in alocacoes)]
    elif modo is AmortizacaoLance.REDUZIR_PRAZO and quitadas > 0:
        fim = futuras[-quitadas:]
        pagas = [
            p
            for p in fim
            if p.devido.get("fundo_comum", ZERO) > ZERO and pago.get(p.numero) == p.devido["fundo_comum"]
        ]
        numeros = {p.numero for p in pagas}
        receptoras = [p for p in futuras if p.numero not in numeros]
        if not receptoras:
            pagas = []
        for c in COMPONENTES_DO_CONTRATO:
            if not pagas:
                break
            for p in pagas:
                variacoes.setdefault(p.numero, {})[c] = -p.devido.get(c, ZERO)
            if c == "seguro" and mensal:
                continue  # recomputed below on the new saldo, not moved
            total = sum((p.devido.get(c, ZERO) for p in pagas), ZERO)
            for p, parte in zip(receptoras, repartir(total, len(receptoras)), strict=True):
                variacoes.setdefault(p.numero, {})[c] = parte
    if mensal and seguro_mensal_pct is not None:
        quitadas_agora = {p.numero for p in pagas}
        restantes = [p for p in futuras if p.numero not in quitadas_agora]
        devidos = [
            sum(
                (p.devido.get(c, ZERO) + variacoes.get(p.numero, {}).get(c, ZERO) for c in _SEM_SEGURO),
                ZERO,
            )
            - pago.get(p.numero, ZERO)
            for p in restantes
        ]
        novos = seguro_das_parcelas(ModoSeguro.MENSAL_SALDO_DEVEDOR, seguro_mensal_pct, ZERO, devidos)
        for p, novo in zip(restantes, novos, strict=True):
            # Never below what the lance itself already paid of this parcela's seguro.
            delta = max(novo, pago_seguro.get(p.numero, ZERO)) - p.devido.get("seguro", ZERO)
            if delta != ZERO:
                variacoes.setdefault(p.numero, {})["seguro"] = delta
    por_numero = {p.numero: p for p in futuras}
    return [
        Reprogramacao(por_numero[n].id, n, v)
        for n, v in sorted(variacoes.items())
        if any(x != ZERO for x in v.values())
    ]
