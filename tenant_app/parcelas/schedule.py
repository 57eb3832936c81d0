"""The parcel schedule of a cota: pure functions, no I/O.

Every component is a percentage of the credit (Lei 11.795 Art. 27): the fundo
comum adds up to 100 % of it, taxa de administração, fundo de reserva and
insurance to their contract percentages. Each component's total is rounded
to centavos once and then split with ``repartir``, so the parcelas of a
component always add up to its total and no parcela is off by more than one
centavo from the exact share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tenant_app.dinheiro.centavos import centavos, percentual_de, repartir
from tenant_app.dinheiro.seguro import ModoSeguro, seguro_das_parcelas
from tenant_app.parcelas.business_days import monthly_due_dates


@dataclass(frozen=True)
class PlanoCredito:
    """The contract parameters that decide parcel amounts."""

    valor_credito: Decimal
    taxa_administracao_pct: Decimal
    fundo_reserva_pct: Decimal = Decimal("0")
    seguro_pct: Decimal = Decimal("0")
    #: The contract's seguro clause (``dinheiro.seguro``); ``seguro_pct`` is monthly for MENSAL_SALDO_DEVEDOR.
    seguro_modo: ModoSeguro = ModoSeguro.PERCENTUAL_CREDITO
    #: Antecipação da taxa de administração (Lei 11.795 art. 27 §3): this part of the taxa, in %
    #: of the credit, is charged with the first parcela (the adesão) and taken off the rest.
    taxa_antecipada_pct: Decimal = Decimal("0")


@dataclass(frozen=True)
class ComponentesParcela:
    """The R$ amounts of one parcela."""

    fundo_comum: Decimal
    taxa_administracao: Decimal
    fundo_reserva: Decimal
    seguro: Decimal
    #: The part of ``taxa_administracao`` that is the antecipação (shown apart; first parcela only).
    taxa_antecipada: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        """The amount the consorciado pays."""
        return self.fundo_comum + self.taxa_administracao + self.fundo_reserva + self.seguro


@dataclass(frozen=True)
class ParcelaPlanejada:
    """One row of a schedule."""

    numero: int
    vencimento: date
    componentes: ComponentesParcela


def component_totals(plano: PlanoCredito) -> ComponentesParcela:
    """Totals over the whole plan: 100 % of the credit to the fundo comum, the rest by percentage."""
    return ComponentesParcela(
        fundo_comum=centavos(plano.valor_credito),
        taxa_administracao=percentual_de(plano.valor_credito, plano.taxa_administracao_pct),
        fundo_reserva=percentual_de(plano.valor_credito, plano.fundo_reserva_pct),
        seguro=percentual_de(plano.valor_credito, plano.seguro_pct),
    )


def schedule_amounts(plano: PlanoCredito, parcelas: int) -> list[ComponentesParcela]:
    """The component amounts of ``parcelas`` monthly parcelas (index 0 is parcela 1)."""
    if parcelas <= 0:
        raise ValueError("parcelas must be positive")
    if plano.valor_credito <= 0:
        raise ValueError("valor_credito must be positive")
    totals = component_totals(plano)
    fc = repartir(totals.fundo_comum, parcelas)
    # Art. 27 §3: the antecipação is charged at the adesão (first parcela) and deducted from the
    # taxa of the whole plan, whose total does not change.
    antecipada = min(percentual_de(plano.valor_credito, plano.taxa_antecipada_pct), totals.taxa_administracao)
    ta = repartir(totals.taxa_administracao - antecipada, parcelas)
    ta[0] += antecipada
    fr = repartir(totals.fundo_reserva, parcelas)
    devidos = [a + b + c for a, b, c in zip(fc, ta, fr, strict=True)]
    sg = seguro_das_parcelas(plano.seguro_modo, plano.seguro_pct, plano.valor_credito, devidos)
    linhas = [ComponentesParcela(*linha) for linha in zip(fc, ta, fr, sg, strict=True)]
    linhas[0] = dataclasses.replace(linhas[0], taxa_antecipada=antecipada)
    return linhas


def build_schedule(
    plano: PlanoCredito, parcelas: int, first_year: int, first_month: int, due_day: int
) -> list[ParcelaPlanejada]:
    """Full schedule: amounts plus due dates moved to business days."""
    amounts = schedule_amounts(plano, parcelas)
    dates = monthly_due_dates(first_year, first_month, due_day, parcelas)
    return [ParcelaPlanejada(i + 1, d, c) for i, (d, c) in enumerate(zip(dates, amounts, strict=True))]


def first_parcela_breakdown(plano: PlanoCredito, parcelas: int) -> dict[str, dict[str, Decimal]]:
    """The first parcela in R$ and in % of the credit (the contract must show both)."""
    first = schedule_amounts(plano, parcelas)[0]
    credit = plano.valor_credito
    names = ("fundo_comum", "taxa_administracao", "fundo_reserva", "seguro")
    values = {name: getattr(first, name) for name in names}
    # The antecipação of the taxa is shown apart from the month's taxa (Lei 11.795 art. 27 §3).
    values["taxa_administracao"] -= first.taxa_antecipada
    values["taxa_antecipada"] = first.taxa_antecipada
    values["total"] = first.total
    return {
        name: {"valor": value, "percentual": (value * 100 / credit).quantize(Decimal("0.0001"))}
        for name, value in values.items()
    }


def corrected_amounts(
    plano: PlanoCredito, parcelas: int, numeros_restantes: Sequence[int], novo_credito: Decimal
) -> dict[int, ComponentesParcela]:
    """Amounts of the remaining parcelas after the credit is corrected by an index.

    The remaining parcelas keep their share (their percentage) of the credit;
    only the R$ base changes. Computing the whole plan at the new credit and
    taking the remaining rows keeps the same rounding rule as the original plan.
    """
    if novo_credito <= 0:
        raise ValueError("novo_credito must be positive")
    corrected = PlanoCredito(
        valor_credito=novo_credito,
        taxa_administracao_pct=plano.taxa_administracao_pct,
        fundo_reserva_pct=plano.fundo_reserva_pct,
        seguro_pct=plano.seguro_pct,
        seguro_modo=plano.seguro_modo,
        taxa_antecipada_pct=plano.taxa_antecipada_pct,
    )
    amounts = schedule_amounts(corrected, parcelas)
    return {n: amounts[n - 1] for n in numeros_restantes}


def apply_index(valor: Decimal, indice_pct: Decimal) -> Decimal:
    """Credit corrected by an index variation in % (may be negative, e.g. deflation)."""
    return centavos(valor * (Decimal(100) + indice_pct) / Decimal(100))


def diferenca_de_prestacao(cobrada: ComponentesParcela, corrigida: ComponentesParcela) -> ComponentesParcela:
    """What a parcela billed before a price change lacks (or has in excess), per component.

    Res. BCB 285/2023 art. 25-A: when the bem's price changes between the issue of
    the billing documents and the period's AGO, the difference — the parcela's
    percentages applied to the price change — is charged (or credited, when
    negative) in the next parcela. ``corrigida`` is the same parcela priced at the
    new credit (``corrected_amounts``), so the difference keeps its percentages.
    """
    return ComponentesParcela(
        fundo_comum=corrigida.fundo_comum - cobrada.fundo_comum,
        taxa_administracao=corrigida.taxa_administracao - cobrada.taxa_administracao,
        fundo_reserva=corrigida.fundo_reserva - cobrada.fundo_reserva,
        seguro=corrigida.seguro - cobrada.seguro,
        taxa_antecipada=corrigida.taxa_antecipada - cobrada.taxa_antecipada,
    )
