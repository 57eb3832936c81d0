"""Pure math of the lance payment: per-parcela amortisation and the business-day deadline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.assembleias.apuracao.amortizacao_parcelas import LanceNaoCabe, ParcelaAberta, distribuir_lance
from tenant_app.assembleias.apuracao.regras import AmortizacaoLance
from tenant_app.assembleias.prazo_lance import prazo_pagamento_lance, vencido

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


def test_deadline_counts_business_days_skipping_weekend_and_holidays() -> None:
    # Thursday 2026-11-19: Fri 20 is Consciência Negra (national holiday), so Mon 23, Tue 24, Wed 25.
    assert prazo_pagamento_lance(date(2026, 11, 19), 3) == date(2026, 11, 25)
    # Monday 2026-11-09: Tue, Wed, Thu.
    assert prazo_pagamento_lance(date(2026, 11, 9), 3) == date(2026, 11, 12)
    assert prazo_pagamento_lance(date(2026, 11, 13), 1) == date(2026, 11, 16)


def test_the_last_day_is_still_in_time() -> None:
    assert not vencido(date(2026, 11, 25), date(2026, 11, 25))
    assert vencido(date(2026, 11, 25), date(2026, 11, 26))


def test_deadline_needs_at_least_one_day() -> None:
    with pytest.raises(ValueError):
        prazo_pagamento_lance(date(2026, 11, 9), 0)
