"""The carta's value and its yield, hand-computed (Lei 11.795/2008 art. 24)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from tenant_app.credito.rendimentos import GRUPO, pesos_do_periodo
from tenant_app.credito.valores import ratear, saldo_dias, valor_da_carta

pytestmark = pytest.mark.unit
D = Decimal


def test_valor_da_carta_desconta_o_embutido() -> None:
    # Bem at the AGO 100,000.00; lance embutido of 20% of it.
    assert valor_da_carta(D("100000.00"), D("20000.00")) == D("80000.00")
    assert valor_da_carta(D("100000.00"), D("0")) == D("100000.00")
    with pytest.raises(ValueError):
        valor_da_carta(D("100000.00"), D("100000.01"))
    with pytest.raises(ValueError):
        valor_da_carta(D("0"), D("0"))


def test_saldo_dias_a_mao() -> None:
    # Period 1..10 June (10 days). 1,000 set aside on 28 May (before: all 10 days);
    # 500 more on 6 June (days 6..10 = 5 days); 300 paid out on 9 June (days 9, 10 = 2 days).
    movs = [(date(2026, 5, 28), D("1000")), (date(2026, 6, 6), D("500")), (date(2026, 6, 9), D("-300"))]
    # 1000*10 + 500*5 - 300*2 = 10000 + 2500 - 600 = 11900
    assert saldo_dias(movs, date(2026, 6, 1), date(2026, 6, 10)) == D("11900")
    # A movement after the period does not count; one on the last day counts one day.
    assert saldo_dias([(date(2026, 6, 11), D("9"))], date(2026, 6, 1), date(2026, 6, 10)) == 0
    assert saldo_dias([(date(2026, 6, 10), D("7"))], date(2026, 6, 1), date(2026, 6, 10)) == D("7")
    with pytest.raises(ValueError):
        saldo_dias([], date(2026, 6, 2), date(2026, 6, 1))


def test_rateio_maiores_restos_a_mao() -> None:
    # 100.00 over 1:1:1 → 33.333… each; floors 33.33 ×3 = 99.99, the 1 centavo left to the first
    # of the equal remainders.
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert ratear(D("100.00"), {a: D(1), b: D(1), c: D(1)}) == {a: D("33.34"), b: D("33.33"), c: D("33.33")}
    # 10.00 over 1:2:4 (7 parts): 1.428571… / 2.857142… / 5.714285… → floors 1.42 + 2.85 + 5.71 = 9.98;
    # remainders .8571, .7142, .4285 (in centavos) → +1 to the first two: 1.43, 2.86, 5.71.
    assert list(ratear(D("10.00"), {"x": D(1), "y": D(2), "z": D(4)}).values()) == [
        D("1.43"),
        D("2.86"),
        D("5.71"),
    ]


def test_pesos_do_periodo_e_parte_da_carta_a_mao() -> None:
    # A 30-day period, invested base 600,000; one carta of 100,000 available the whole period
    # and one of 50,000 from the 21st (10 days). Yield 3,000.00.
    inicio, fim = date(2026, 6, 1), date(2026, 6, 30)
    c1, c2 = uuid.uuid4(), uuid.uuid4()
    pesos = pesos_do_periodo(
        {c1: [(date(2026, 5, 1), D("100000"))], c2: [(date(2026, 6, 21), D("50000"))]},
        inicio,
        fim,
        D("600000"),
    )
    # c1: 100,000 × 30 = 3,000,000; c2: 50,000 × 10 = 500,000; group: 600,000 × 30 − 3,500,000 = 14,500,000.
    assert pesos == {c1: D("3000000"), c2: D("500000"), GRUPO: D("14500000")}
    partes = ratear(D("3000.00"), pesos)
    # 3000 × 3/18 = 500.00; 3000 × 0.5/18 = 83.333… → 83.33; group 3000 × 14.5/18 = 2416.666… → 2416.67
    # (floors 500.00 + 83.33 + 2416.66 = 2999.99; the centavo goes to the larger remainder, the group's .666).
    assert partes == {c1: D("500.00"), c2: D("83.33"), GRUPO: D("2416.67")}
    assert sum(partes.values()) == D("3000.00")


def test_base_menor_que_as_cartas_nao_da_peso_negativo() -> None:
    c1 = uuid.uuid4()
    pesos = pesos_do_periodo(
        {c1: [(date(2026, 1, 1), D("100"))]}, date(2026, 6, 1), date(2026, 6, 1), D("50")
    )
    assert pesos == {c1: D("100"), GRUPO: D("0")}
    assert ratear(D("1.00"), pesos) == {c1: D("1.00"), GRUPO: D("0.00")}
