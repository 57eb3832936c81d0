"""The lance's amortisation: the apuração's plan in percentages and the reais spread over the parcelas."""

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
    LanceNaoCabe,
    ParcelaAberta,
    alocar_lance,
    amortizar,
    distribuir_lance,
)

pytestmark = pytest.mark.unit

PRAZO = AmortizacaoLance.REDUZIR_PRAZO
PARCELA = AmortizacaoLance.REDUZIR_PARCELA


def _parcelas(n: int, valor: str = "2000.00", primeira: int = 3) -> list[ParcelaAberta]:
    return [ParcelaAberta(primeira + i, Decimal(valor)) for i in range(n)]


def test_reduzir_prazo_pays_off_last_parcelas_and_spreads_the_fraction() -> None:
    # 48 future parcelas of R$ 2,000; a R$ 40,100 lance: 20 whole ones from the end, R$ 100 over 28.
    aplicado = distribuir_lance(_parcelas(48), Decimal("40100.00"), 20, PRAZO)
    assert list(range(31, 51)) == sorted(n for n, v in aplicado.items() if v == Decimal("2000.00"))
    resto = {n: v for n, v in aplicado.items() if n < 31}
    assert len(resto) == 28
    # R$ 100.00 / 28 = 3.5714...: 4 parcelas get R$ 3.58, 24 get R$ 3.57, earliest first.
    assert [resto[n] for n in range(3, 7)] == [Decimal("3.58")] * 4
    assert {resto[n] for n in range(7, 31)} == {Decimal("3.57")}
    assert sum(aplicado.values()) == Decimal("40100.00")


def test_reduzir_prazo_never_pays_more_whole_parcelas_than_planned() -> None:
    aplicado = distribuir_lance(_parcelas(10), Decimal("6000.00"), 2, PRAZO)
    assert aplicado[12] == aplicado[11] == Decimal("2000.00")
    assert sum(v for n, v in aplicado.items() if n <= 10) == Decimal("2000.00")


def test_reduzir_parcela_spreads_evenly() -> None:
    aplicado = distribuir_lance(_parcelas(3), Decimal("100.00"), 0, PARCELA)
    assert aplicado == {3: Decimal("33.34"), 4: Decimal("33.33"), 5: Decimal("33.33")}


def test_a_share_a_parcela_cannot_absorb_moves_on() -> None:
    parcelas = [ParcelaAberta(1, Decimal("10.00")), ParcelaAberta(2, Decimal("500.00"))]
    aplicado = distribuir_lance(parcelas, Decimal("300.00"), 0, PARCELA)
    assert aplicado == {1: Decimal("10.00"), 2: Decimal("290.00")}


def test_lance_larger_than_the_future_fundo_comum_is_refused() -> None:
    with pytest.raises(LanceNaoCabe):
        distribuir_lance(_parcelas(2), Decimal("4000.01"), 2, PRAZO)


def test_zero_lance_changes_nothing() -> None:
    assert distribuir_lance(_parcelas(2), Decimal("0"), 1, PRAZO) == {}


@given(
    st.lists(st.integers(min_value=1, max_value=500_000), min_size=1, max_size=60),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(list(AmortizacaoLance)),
)
def test_cents_add_up_and_no_parcela_is_overpaid(
    capacidades: list[int], fracao: int, quitadas: int, modo: AmortizacaoLance
) -> None:
    parcelas = [ParcelaAberta(i + 1, Decimal(c).scaleb(-2)) for i, c in enumerate(capacidades)]
    total = sum(capacidades)
    valor = Decimal(total * fracao // 100).scaleb(-2)
    aplicado = distribuir_lance(parcelas, valor, quitadas, modo)
    assert sum(aplicado.values(), Decimal(0)) == valor
    por_numero = {p.numero: p.fundo_comum_em_aberto for p in parcelas}
    assert all(Decimal(0) < v <= por_numero[n] for n, v in aplicado.items())
    assert all(v == v.quantize(Decimal("0.01")) for v in aplicado.values())


def test_lance_reducing_the_term_pays_off_the_last_parcelas() -> None:
    # 60% still owed over 30 parcelas = 2% each; a 25% lance pays 12 whole parcelas.
    a = amortizar(Decimal("60"), 30, Decimal("25"), AmortizacaoLance.REDUZIR_PRAZO)
    assert (a.parcelas_quitadas, a.parcelas_restantes, a.percentual_devido) == (12, 18, Decimal("35"))
    assert a.percentual_por_parcela == Decimal("1.944444")


def test_lance_reducing_the_parcela_keeps_the_term() -> None:
    a = amortizar(Decimal("60"), 30, Decimal("25"), AmortizacaoLance.REDUZIR_PARCELA)
    assert (a.parcelas_quitadas, a.parcelas_restantes, a.percentual_devido) == (0, 30, Decimal("35"))
    assert a.percentual_por_parcela == Decimal("1.166667")


def test_lance_paying_everything_left_ends_the_plan() -> None:
    for modo in AmortizacaoLance:
        a = amortizar(Decimal("60"), 30, Decimal("60"), modo)
        assert (a.parcelas_quitadas, a.parcelas_restantes, a.percentual_devido) == (30, 0, Decimal(0))


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2),
    st.integers(1, 240),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2),
    st.sampled_from(list(AmortizacaoLance)),
)
def test_amortisation_never_loses_or_creates_balance(
    devido: Decimal, parcelas: int, lance: Decimal, modo: AmortizacaoLance
) -> None:
    a = amortizar(devido, parcelas, lance, modo)
    assert a.percentual_devido == max(devido - lance, Decimal(0))
    assert a.parcelas_quitadas + a.parcelas_restantes == parcelas or a.parcelas_restantes == 0
    assert 0 <= a.parcelas_restantes <= parcelas
    if a.parcelas_restantes:
        # the rounded per-parcela share reproduces the balance within a micro-percent per parcela
        assert (
            abs(a.percentual_por_parcela * a.parcelas_restantes - a.percentual_devido)
            <= Decimal("0.000001") * a.parcelas_restantes
        )


HOJE = date(2026, 12, 6)


def _estados(n: int, fc: str = "2000.00") -> list[EstadoParcela]:
    """Parcela 1 is overdue, 2 is due today, 3.. are future."""
    return [
        EstadoParcela(
            id=uuid.uuid4(),
            numero=i,
            vencimento=HOJE + timedelta(days=30 * (i - 2)),
            valor_total=Decimal(fc) + Decimal("340.00"),
            devido={
                "fundo_comum": Decimal(fc),
                "fundo_reserva": Decimal("40.00"),
                "taxa_administracao": Decimal("300.00"),
                "seguro": Decimal("0.00"),
            },
        )
        for i in range(1, n + 1)
    ]


def test_the_lance_pays_only_the_fundo_comum_of_parcelas_not_yet_due() -> None:
    # 4 future parcelas (3..6) of R$ 2,000 fundo comum; R$ 4,100 reducing the term, 1 planned:
    # parcela 6 whole (2,000), then 2,100 / 3 = 700.00 each on 3, 4, 5.
    alocacoes = alocar_lance(Decimal("4100.00"), _estados(6), HOJE, 1, AmortizacaoLance.REDUZIR_PRAZO)
    assert [(a.numero, a.componentes["fundo_comum"]) for a in alocacoes] == [
        (3, Decimal("700.00")),
        (4, Decimal("700.00")),
        (5, Decimal("700.00")),
        (6, Decimal("2000.00")),
    ]
    for a in alocacoes:
        assert a.multa == a.juros == Decimal("0.00")
        assert {c: v for c, v in a.componentes.items() if c != "fundo_comum"} == {
            "fundo_reserva": Decimal("0.00"),
            "taxa_administracao": Decimal("0.00"),
            "seguro": Decimal("0.00"),
        }
        # Taxa and fundo de reserva of the month stay due: no parcela is settled by a lance.
        assert not a.quitada
    assert sum(a.total for a in alocacoes) == Decimal("4100.00")


def test_a_lance_larger_than_the_future_parcelas_owe_is_refused() -> None:
    with pytest.raises(LanceNaoCabe):
        # Parcelas 1 and 2 (overdue / due today) do not count: 4 x 2,000 is the most.
        alocar_lance(Decimal("8000.01"), _estados(6), HOJE, 4, AmortizacaoLance.REDUZIR_PRAZO)


@given(
    st.integers(min_value=1, max_value=800_000),
    st.integers(min_value=0, max_value=4),
    st.sampled_from(list(AmortizacaoLance)),
)
def test_lance_allocations_add_up_and_never_exceed_what_is_owed(
    centavos: int, quitadas: int, modo: AmortizacaoLance
) -> None:
    estados = {e.id: e for e in _estados(6)}
    valor = Decimal(centavos).scaleb(-2)
    alocacoes = alocar_lance(valor, list(estados.values()), HOJE, quitadas, modo)
    assert sum((a.total for a in alocacoes), Decimal(0)) == valor
    for a in alocacoes:
        e = estados[a.parcela_id]
        assert e.vencimento > HOJE
        assert all(Decimal(0) <= v <= e.devido[c] for c, v in a.componentes.items())
