"""A lance that pays whole parcelas (issue 12 item 10; contract clause ``lance_paga``).

Res. BCB 285/2023 art. 12: the lance amortises prestações vincendas; what a lance
pays of each parcela is the contrato de adesão's clause (Lei 11.795/2008 art. 10 §1).
``parcela_integral``: the lance pays fundo comum, taxa de administração, fundo de
reserva and seguro of the parcelas it covers, so those parcelas owe nothing and
nothing moves onto the others. Every number below is computed by hand.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.dinheiro.alocacao import EstadoParcela
from tenant_app.dinheiro.amortizacao import (
    AmortizacaoLance,
    LancePaga,
    alocar_lance,
    amortizar,
    reprogramar_quitadas,
)
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.pagamentos.lancamentos import lancamentos_do_estorno, lancamentos_do_pagamento
from tenant_app.pagamentos.models import FormaPagamento

pytestmark = pytest.mark.unit

D = Decimal
HOJE = date(2026, 12, 6)
PRAZO = AmortizacaoLance.REDUZIR_PRAZO
PARCELA = AmortizacaoLance.REDUZIR_PARCELA
INTEGRAL = LancePaga.PARCELA_INTEGRAL


def _futuras(seguros: list[Decimal]) -> list[EstadoParcela]:
    """Parcelas not yet due: 1 000 fundo comum + 100 taxa + 50 reserva + the given seguro."""
    return [
        EstadoParcela(
            id=uuid.uuid4(),
            numero=i,
            vencimento=HOJE + timedelta(days=30 * i),
            valor_total=D("1150.00") + s,
            devido={
                "fundo_comum": D("1000.00"),
                "taxa_administracao": D("100.00"),
                "fundo_reserva": D("50.00"),
                "seguro": s,
            },
        )
        for i, s in enumerate(seguros, start=1)
    ]


FIXO = [D("10.00")] * 4  # seguro a fixed share of the credit: 1 160.00 a parcela


def test_reducing_the_term_pays_the_last_parcelas_whole() -> None:
    parcelas = _futuras(FIXO)
    alocacoes = alocar_lance(D("2400.00"), parcelas, HOJE, 2, PRAZO, INTEGRAL)
    por = {a.numero: a for a in alocacoes}
    # 2 400.00 = parcela 4 (1 160.00) + parcela 3 (1 160.00) + 80.00 left,
    # split evenly over parcelas 1 and 2: 40.00 each, fundo comum first.
    for n in (3, 4):
        assert por[n].componentes == {
            "fundo_comum": D("1000.00"),
            "fundo_reserva": D("50.00"),
            "taxa_administracao": D("100.00"),
            "seguro": D("10.00"),
        }
        assert por[n].quitada
    for n in (1, 2):
        assert por[n].componentes["fundo_comum"] == D("40.00")
        assert por[n].principal == D("40.00") and not por[n].quitada
    assert sum((a.principal for a in alocacoes), D(0)) == D("2400.00")
    # Nothing to move: the parcelas paid off owe no taxa, reserva or seguro any more.
    assert reprogramar_quitadas(parcelas, alocacoes, HOJE, 2, PRAZO, paga=INTEGRAL) == []


def test_the_default_clause_pays_the_fundo_comum_only_and_moves_the_rest() -> None:
    parcelas = _futuras(FIXO)
    alocacoes = alocar_lance(D("2000.00"), parcelas, HOJE, 2, PRAZO)
    assert {a.numero: a.principal for a in alocacoes} == {3: D("1000.00"), 4: D("1000.00")}
    assert all(a.componentes["taxa_administracao"] == 0 for a in alocacoes)
    variacoes = {r.numero: r.variacao for r in reprogramar_quitadas(parcelas, alocacoes, HOJE, 2, PRAZO)}
    # Taxa 2 x 100 = 200 moves onto parcelas 1 and 2: 100 each; reserva 2 x 50 -> 50; seguro 2 x 10 -> 10.
    assert variacoes[1] == {
        "fundo_reserva": D("50.00"),
        "taxa_administracao": D("100.00"),
        "seguro": D("10.00"),
    }


def test_reducing_the_parcela_spreads_the_lance_over_whole_parcelas() -> None:
    parcelas = _futuras(FIXO)
    alocacoes = alocar_lance(D("4500.00"), parcelas, HOJE, 0, PARCELA, INTEGRAL)
    # 4 500.00 / 4 = 1 125.00 a parcela: 1 000.00 fundo comum, 50.00 reserva, 75.00 of the 100.00 taxa.
    for a in alocacoes:
        assert a.componentes == {
            "fundo_comum": D("1000.00"),
            "fundo_reserva": D("50.00"),
            "taxa_administracao": D("75.00"),
            "seguro": D("0.00"),
        }
    # Each parcela still owes 1 160.00 - 1 125.00 = 35.00 (25.00 taxa + 10.00 seguro).
    assert reprogramar_quitadas(parcelas, alocacoes, HOJE, 0, PARCELA, paga=INTEGRAL) == []


def test_a_monthly_seguro_is_recomputed_on_the_saldo_left() -> None:
    # Seguro 0.1 % a month of the saldo devedor: saldos 4 600, 3 450, 2 300, 1 150 -> 4.60, 3.45, 2.30, 1.15.
    parcelas = _futuras([D("4.60"), D("3.45"), D("2.30"), D("1.15")])
    # Parcela 4 (1 151.15) + parcela 3 (1 152.30) = 2 303.45: both paid whole.
    alocacoes = alocar_lance(D("2303.45"), parcelas, HOJE, 2, PRAZO, INTEGRAL)
    assert {a.numero for a in alocacoes} == {3, 4} and all(a.quitada for a in alocacoes)
    variacoes = {
        r.numero: r.variacao
        for r in reprogramar_quitadas(
            parcelas, alocacoes, HOJE, 2, PRAZO, seguro_mensal_pct=D("0.1"), paga=INTEGRAL
        )
    }
    # Saldo before parcela 1 is now 1 150 + 1 150 = 2 300 -> 2.30 (was 4.60: -2.30);
    # before parcela 2, 1 150 -> 1.15 (was 3.45: -2.30). Parcelas 3 and 4 are paid: untouched.
    assert variacoes == {1: {"seguro": D("-2.30")}, 2: {"seguro": D("-2.30")}}


def test_the_apuracao_plans_whole_parcelas_in_percentages() -> None:
    # 8 parcelas left, 80 % of the credit owed to the fundo comum, components 1.16 x the fundo comum:
    # 92.8 % in whole parcelas, 11.6 % each. A 30 % lance pays int(30 / 11.6) = 2 whole parcelas;
    # 62.8 % is left over 6 parcelas.
    a = amortizar(D("92.8"), 8, D("30"), PRAZO)
    assert (a.parcelas_quitadas, a.parcelas_restantes, a.percentual_devido) == (2, 6, D("62.8"))


def test_the_ledger_carta_covers_the_whole_lance_and_the_funds_balance() -> None:
    parcelas = _futuras(FIXO)
    alocacoes = alocar_lance(D("2400.00"), parcelas, HOJE, 2, PRAZO, INTEGRAL)

    class _Guardada:
        def __init__(self, c: dict[str, Decimal]) -> None:
            self.fundo_comum, self.fundo_reserva = c["fundo_comum"], c["fundo_reserva"]
            self.taxa_administracao, self.seguro = c["taxa_administracao"], c["seguro"]
            self.multa = self.juros = self.encargos_administradora = D(0)

    guardadas = [_Guardada(a.componentes) for a in alocacoes]
    movimentos = dict(lancamentos_do_pagamento(FormaPagamento.LANCE, guardadas))
    # Into the funds: fundo comum 2 x 1 000 + 2 x 40 = 2 080, reserva 100, taxa 200, seguro 20 (= 2 400).
    assert dict(movimentos[OrigemLancamento.LANCE]) == {
        Fundo.FUNDO_COMUM: D("2080.00"),
        Fundo.FUNDO_RESERVA: D("100.00"),
        Fundo.TAXA_ADMINISTRACAO: D("200.00"),
        Fundo.SEGURO: D("20.00"),
    }
    # The carta part the lance covers is the whole 2 400.00 (the apuração debited the credit less it).
    assert movimentos[OrigemLancamento.CONTEMPLACAO] == [(Fundo.FUNDO_COMUM, D("-2400.00"))]
    estorno = dict(lancamentos_do_estorno(FormaPagamento.LANCE, guardadas))
    # The estorno: 2 400.00 back out of the four funds, the carta's 2 400.00 back into the fundo comum.
    assert sum((v for _, v in estorno[OrigemLancamento.ESTORNO]), D(0)) == D("-2400.00")
    assert estorno[OrigemLancamento.CONTEMPLACAO] == [(Fundo.FUNDO_COMUM, D("2400.00"))]


@given(
    st.lists(
        st.tuples(
            st.integers(1, 300_000), st.integers(0, 50_000), st.integers(0, 10_000), st.integers(0, 5_000)
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=40),
    st.sampled_from(list(AmortizacaoLance)),
)
def test_whole_parcela_lance_adds_up_and_never_overpays(
    componentes: list[tuple[int, int, int, int]], fracao: int, quitadas: int, modo: AmortizacaoLance
) -> None:
    parcelas = [
        EstadoParcela(
            id=uuid.uuid4(),
            numero=i,
            vencimento=HOJE + timedelta(days=30 * i),
            valor_total=D(sum(c)).scaleb(-2),
            devido={
                "fundo_comum": D(c[0]).scaleb(-2),
                "taxa_administracao": D(c[1]).scaleb(-2),
                "fundo_reserva": D(c[2]).scaleb(-2),
                "seguro": D(c[3]).scaleb(-2),
            },
        )
        for i, c in enumerate(componentes, start=1)
    ]
    valor = D(sum(sum(c) for c in componentes) * fracao // 100).scaleb(-2)
    alocacoes = alocar_lance(valor, parcelas, HOJE, quitadas, modo, INTEGRAL)
    # Every centavo of the lance lands in some component, none beyond what that component owes.
    assert sum((a.principal for a in alocacoes), D(0)) == valor
    por = {p.numero: p for p in parcelas}
    for a in alocacoes:
        assert all(D(0) <= v <= por[a.numero].devido[c] for c, v in a.componentes.items())
        assert a.quitada == (a.principal == por[a.numero].saldo)
    # Nothing moves onto the other parcelas when the lance pays whole parcelas (fixed seguro).
    assert reprogramar_quitadas(parcelas, alocacoes, HOJE, quitadas, modo, paga=INTEGRAL) == []
