"""The final accounts of a group's closing, by hand (Lei 11.795 arts. 30-32; issue 12, item 5)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.encerramento.calculo import CotaNoEncerramento, DestinoValor, SaldoInsuficiente, encerrar

pytestmark = pytest.mark.unit

D = Decimal
ZERO = D("0.00")


def _cota(numero: int, **kw: object) -> CotaNoEncerramento:
    base = {
        "excluida": False,
        "restituida": False,
        "percentual_pago": D(100),
        "pago_fundo_comum": ZERO,
        "pago_fundo_reserva": ZERO,
        "rendimento": ZERO,
        "a_receber": ZERO,
        "conta_conhecida": True,
    }
    return CotaNoEncerramento(numero=numero, **{**base, **kw})  # type: ignore[arg-type]


COTAS = [
    _cota(1, pago_fundo_comum=D("50000.00"), pago_fundo_reserva=D("1000.00")),
    _cota(
        2,
        pago_fundo_comum=D("30000.00"),
        pago_fundo_reserva=D("600.00"),
        a_receber=D("2340.00"),
        conta_conhecida=False,
    ),
    _cota(
        3,
        excluida=True,
        percentual_pago=D(10),
        pago_fundo_comum=D("10000.00"),
        pago_fundo_reserva=D("200.00"),
        rendimento=D("123.45"),
    ),
    _cota(4, excluida=True, restituida=True, percentual_pago=D(5), pago_fundo_comum=D("5000.00")),
]


def test_restitution_then_the_remainder_pro_rata_and_the_funds_end_at_zero() -> None:
    d = encerrar(
        COTAS,
        valor_credito=D("100000.00"),
        clausula_penal_pct=D(10),
        saldo_fundo_comum=D("20000.00"),
        saldo_fundo_reserva=D("3000.00"),
    )
    l1, l2, l3, l4 = d.linhas
    # Cota 3 (excluded, 10 % paid): 10 % x 100 000 = 10 000; cláusula penal 10 % = 1 000 -> 9 000;
    # plus its yield 123.45 = 9 123.45, all from the fundo comum (20 000 covers it).
    assert (l3.restituicao, l3.rendimento, l3.do_fundo_comum) == (D("9123.45"), D("123.45"), D("9123.45"))
    # Fundo comum left: 20 000 - 9 123.45 = 10 876.55, to the active cotas as 50 000 : 30 000 (5/8, 3/8):
    # 6 797.84375 and 4 078.70625 -> 6 797.84 and 4 078.71 (the larger dropped fraction gets the centavo).
    assert (l1.rateio_fundo_comum, l2.rateio_fundo_comum) == (D("6797.84"), D("4078.71"))
    # Fundo de reserva 3 000 as 1 000 : 600 (5/8, 3/8): 1 875.00 and 1 125.00.
    assert (l1.rateio_fundo_reserva, l2.rateio_fundo_reserva) == (D("1875.00"), D("1125.00"))
    # Excluded cotas share no remainder; cota 4 was restituted in a draw already: nothing.
    assert (l3.rateio_fundo_comum, l3.rateio_fundo_reserva, l4.total) == (ZERO, ZERO, ZERO)
    # Totals: 8 672.84 paid to cota 1; 5 203.71 kept for cota 2 (no account): recursos não procurados;
    # 9 123.45 paid to cota 3. 8 672.84 + 5 203.71 + 9 123.45 = 23 000.00 = 20 000 + 3 000: nothing left.
    assert [(x.total, x.destino) for x in d.linhas] == [
        (D("8672.84"), DestinoValor.PAGO),
        (D("5203.71"), DestinoValor.NAO_PROCURADO),
        (D("9123.45"), DestinoValor.PAGO),
        (ZERO, DestinoValor.NENHUM),
    ]
    assert d.soma("do_fundo_comum") == D("20000.00") and d.soma("do_fundo_reserva") == D("3000.00")
    assert (d.destinado(DestinoValor.PAGO), d.destinado(DestinoValor.NAO_PROCURADO)) == (
        D("17796.29"),
        D("5203.71"),
    )
    # Cota 2 still owes 2 340.00: listed as receivable (art. 32 II), not netted.
    assert (d.soma("a_receber"), l2.a_receber) == (D("2340.00"), D("2340.00"))


def test_the_fundo_de_reserva_completes_a_restitution_the_fundo_comum_cannot_pay() -> None:
    d = encerrar(
        COTAS,
        valor_credito=D("100000.00"),
        clausula_penal_pct=D(10),
        saldo_fundo_comum=D("5000.00"),
        saldo_fundo_reserva=D("6000.00"),
    )
    l1, l2, l3, _ = d.linhas
    # 9 123.45 owed: 5 000 from the fundo comum, 4 123.45 from the fundo de reserva.
    assert (l3.do_fundo_comum, l3.do_fundo_reserva) == (D("5000.00"), D("4123.45"))
    # Fundo de reserva left 6 000 - 4 123.45 = 1 876.55 as 5/8, 3/8:
    # 1 172.84375 -> 1 172.84 and 703.70625 -> 703.71.
    assert (l1.rateio_fundo_reserva, l2.rateio_fundo_reserva) == (D("1172.84"), D("703.71"))
    assert (l1.rateio_fundo_comum, l2.rateio_fundo_comum) == (ZERO, ZERO)
    assert d.soma("total") == D("11000.00")


def test_a_group_that_cannot_pay_its_excluded_cannot_close() -> None:
    # 9 123.45 owed, 5 000 + 4 000 = 9 000 available.
    with pytest.raises(SaldoInsuficiente) as e:
        encerrar(
            COTAS,
            valor_credito=D("100000.00"),
            clausula_penal_pct=D(10),
            saldo_fundo_comum=D("5000.00"),
            saldo_fundo_reserva=D("4000.00"),
        )
    assert (e.value.devido, e.value.disponivel) == (D("9123.45"), D("9000.00"))


def test_with_no_active_cota_the_remainder_goes_to_every_cota() -> None:
    # Only excluded cotas (3 and 4). Cota 3 restituted 9 000 (no yield now); 1 000 left in the fundo comum
    # as 10 000 : 5 000 -> 666.67 and 333.33 (66.6667 % of 1 000 = 666.666..., the first gets the centavo).
    cotas = [replace(COTAS[2], rendimento=ZERO), COTAS[3]]
    d = encerrar(
        cotas,
        valor_credito=D("100000.00"),
        clausula_penal_pct=D(10),
        saldo_fundo_comum=D("10000.00"),
        saldo_fundo_reserva=ZERO,
    )
    assert [(x.restituicao, x.rateio_fundo_comum) for x in d.linhas] == [
        (D("9000.00"), D("666.67")),
        (ZERO, D("333.33")),
    ]


_dinheiro = st.integers(min_value=0, max_value=10**9).map(lambda c: D(c).scaleb(-2))
_cota_aleatoria = st.builds(
    lambda excluida, restituida, pct, fc, fr, rend, receber, conta: (
        excluida,
        restituida and excluida,
        D(pct).scaleb(-4),
        fc,
        fr,
        rend,
        receber,
        conta,
    ),
    st.booleans(),
    st.booleans(),
    st.integers(min_value=0, max_value=1_000_000),
    _dinheiro,
    _dinheiro,
    st.integers(min_value=0, max_value=10**6).map(lambda c: D(c).scaleb(-2)),
    _dinheiro,
    st.booleans(),
)


@given(
    st.lists(_cota_aleatoria, min_size=1, max_size=25),
    _dinheiro,
    _dinheiro,
    st.integers(min_value=1, max_value=10**10).map(lambda c: D(c).scaleb(-2)),
    st.integers(min_value=0, max_value=500_000).map(lambda c: D(c).scaleb(-4)),
)
def test_the_funds_always_end_at_zero_or_the_group_cannot_close(
    cotas: list[tuple], saldo_fc: Decimal, saldo_fr: Decimal, credito: Decimal, penal: Decimal
) -> None:  # type: ignore[type-arg]
    entrada = [
        CotaNoEncerramento(n, e, r, pct, fc, fr, rend, receber, conta)
        for n, (e, r, pct, fc, fr, rend, receber, conta) in enumerate(cotas, start=1)
    ]
    try:
        d = encerrar(
            entrada,
            valor_credito=credito,
            clausula_penal_pct=penal,
            saldo_fundo_comum=saldo_fc,
            saldo_fundo_reserva=saldo_fr,
        )
    except SaldoInsuficiente as e:
        assert e.devido > e.disponivel == saldo_fc + saldo_fr
        return
    # Every centavo of each fund leaves, to someone, never a negative amount.
    assert d.soma("do_fundo_comum") == saldo_fc and d.soma("do_fundo_reserva") == saldo_fr
    assert all(x.do_fundo_comum >= 0 and x.do_fundo_reserva >= 0 for x in d.linhas)
    assert d.destinado(DestinoValor.PAGO) + d.destinado(DestinoValor.NAO_PROCURADO) == saldo_fc + saldo_fr
    for c, x in zip(entrada, d.linhas, strict=True):
        assert (x.restituicao > 0) <= (c.excluida and not c.restituida)
        assert x.destino is (
            DestinoValor.NENHUM
            if x.total == 0
            else DestinoValor.PAGO
            if c.conta_conhecida
            else DestinoValor.NAO_PROCURADO
        )


def test_the_contract_may_share_the_remainder_with_the_excluded_too() -> None:
    # rateio_inclui_excluidas: the fundo comum's 10 876.55 left goes to cotas 1..4 as
    # 50 000 : 30 000 : 10 000 : 5 000 (10/19, 6/19, 2/19, 1/19 of 95 000):
    # 1 087 655 centavos x 10/19 = 572 450.00 (exact), x 6/19 = 343 470.00, x 2/19 = 114 490.00,
    # x 1/19 = 57 245.00 -> 5 724.50, 3 434.70, 1 144.90, 572.45 (sum 10 876.55).
    # Fundo de reserva 3 000 as 1 000 : 600 : 200 : 0 -> 1 666.67, 1 000.00, 333.33, 0
    # (300 000 x 10/18 = 166 666.67, x 6/18 = 100 000, x 2/18 = 33 333.33; the .67 fraction wins the centavo).
    d = encerrar(
        COTAS,
        valor_credito=D("100000.00"),
        clausula_penal_pct=D(10),
        saldo_fundo_comum=D("20000.00"),
        saldo_fundo_reserva=D("3000.00"),
        rateio_inclui_excluidas=True,
    )
    assert [(x.rateio_fundo_comum, x.rateio_fundo_reserva) for x in d.linhas] == [
        (D("5724.50"), D("1666.67")),
        (D("3434.70"), D("1000.00")),
        (D("1144.90"), D("333.33")),
        (D("572.45"), ZERO),
    ]
    assert d.soma("total") == D("23000.00")
