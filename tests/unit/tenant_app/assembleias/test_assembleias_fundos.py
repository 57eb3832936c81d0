"""Available funds: debits never overdraw and respect which fund may pay."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.assembleias.apuracao import Debito, Saldos, creditos_cobertos, debitar

pytestmark = pytest.mark.unit


def test_fundo_comum_pays_first() -> None:
    saldos, debito = debitar(Saldos(D(150), D(50)), D(100), usa_comum=True, usa_reserva=True) or (None, None)
    assert saldos == Saldos(D(50), D(50)) and debito == Debito(D(100), D(0))


def test_reserve_tops_up_only_the_shortfall() -> None:
    pago = debitar(Saldos(D(70), D(50)), D(100), usa_comum=True, usa_reserva=True)
    assert pago == (Saldos(D(0), D(20)), Debito(D(70), D(30)))


def test_not_covered_returns_none() -> None:
    assert debitar(Saldos(D(70), D(50)), D(100), usa_comum=True, usa_reserva=False) is None
    assert debitar(Saldos(D(70), D(20)), D(100), usa_comum=True, usa_reserva=True) is None
    assert debitar(Saldos(D(500), D(20)), D(100), usa_comum=False, usa_reserva=True) is None


def test_reserve_only() -> None:
    assert debitar(Saldos(D(500), D(120)), D(100), usa_comum=False, usa_reserva=True) == (
        Saldos(D(500), D(20)),
        Debito(D(0), D(100)),
    )


def test_credits_covered() -> None:
    assert creditos_cobertos(D("250000"), D("100000")) == 2
    assert creditos_cobertos(D("99999.99"), D("100000")) == 0
    with pytest.raises(ValueError):
        creditos_cobertos(D(1), D(0))


money = st.decimals(min_value=D(0), max_value=D("1e7"), places=2)


@given(money, money, money, st.booleans(), st.booleans())
def test_debit_conserves_money_and_never_overdraws(
    comum: D, reserva: D, custo: D, uc: bool, ur: bool
) -> None:
    pago = debitar(Saldos(comum, reserva), custo, usa_comum=uc, usa_reserva=ur)
    disponivel = (comum if uc else D(0)) + (reserva if ur else D(0))
    if pago is None:
        assert custo > disponivel
        return
    saldos, debito = pago
    assert custo <= disponivel
    assert debito.do_fundo_comum + debito.do_fundo_reserva == custo
    assert saldos.fundo_comum == comum - debito.do_fundo_comum >= 0
    assert saldos.fundo_reserva == reserva - debito.do_fundo_reserva >= 0
    assert uc or debito.do_fundo_comum == 0
    assert ur or debito.do_fundo_reserva == 0
