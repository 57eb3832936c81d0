"""Encargos and the oldest-first allocation of a payment: every centavo accounted for."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_app.dinheiro.alocacao import COMPONENTES, EstadoParcela, alocar, total_devido
from tenant_app.dinheiro.encargos import encargos_devidos, juros_pro_rata

pytestmark = pytest.mark.unit


def test_multa_and_pro_rata_juros():
    enc = encargos_devidos(
        valor_total=Decimal("1000.00"),
        saldo_principal=Decimal("1000.00"),
        vencimento=date(2026, 1, 10),
        data=date(2026, 2, 9),
        multa_pct=Decimal("2"),
        juros_mensal_pct=Decimal("1"),
    )
    assert enc.multa == Decimal("20.00") and enc.juros == Decimal("10.00")
    on_time = encargos_devidos(
        valor_total=Decimal("1000.00"),
        saldo_principal=Decimal("1000.00"),
        vencimento=date(2026, 1, 10),
        data=date(2026, 1, 10),
        multa_pct=Decimal("2"),
        juros_mensal_pct=Decimal("1"),
    )
    assert on_time.total == 0


def _parcelas(n, valor=Decimal("100.00"), start=date(2026, 1, 10)):
    out = []
    for i in range(n):
        out.append(
            EstadoParcela(
                id=uuid.uuid4(),
                numero=i + 1,
                vencimento=date(start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1, 10),
                valor_total=valor,
                devido={
                    "fundo_comum": valor - Decimal("12.00"),
                    "fundo_reserva": Decimal("2.00"),
                    "taxa_administracao": Decimal("10.00"),
                    "seguro": Decimal("0.00"),
                },
            )
        )
    return out


@given(
    valor=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2000.00"), places=2),
    paid_on=st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 6, 1)),
)
@settings(max_examples=200, deadline=None)
def test_allocation_conserves_money_and_goes_oldest_first(valor, paid_on):
    parcelas = _parcelas(12)
    result = alocar(valor, parcelas, paid_on, Decimal("2"), Decimal("1"))
    moved = sum((a.total for a in result.alocacoes), Decimal(0))
    assert moved + result.sobra == valor
    assert result.sobra >= 0
    by_id = {p.id: p for p in parcelas}
    for a in result.alocacoes:
        p = by_id[a.parcela_id]
        for name, v in a.componentes.items():
            assert 0 <= v <= p.devido[name]
        assert a.multa >= 0 and a.juros >= 0 and a.juros_pendentes_apos >= 0
    # Oldest first: only the last touched parcela may be left partially paid.
    assert all(a.quitada for a in result.alocacoes[:-1])
    if result.sobra > 0:
        assert valor > total_devido(parcelas, paid_on, Decimal("2"), Decimal("1")) - Decimal("0.00")


def test_allocation_rejects_non_positive():
    with pytest.raises(ValueError):
        alocar(Decimal("0"), _parcelas(1), date(2026, 1, 1), Decimal("2"), Decimal("1"))


def test_juros_pro_rata_die_on_a_30_day_month() -> None:
    # 1 % a month on R$ 1,000.00 for 15 days = 1000 x 0.01 x 15 / 30 = R$ 5.00.
    assert juros_pro_rata(Decimal("1000.00"), Decimal("1"), date(2026, 1, 10), date(2026, 1, 25)) == Decimal(
        "5.00"
    )
    # 7 days: 1000 x 0.01 x 7 / 30 = 2.3333... -> R$ 2.33.
    assert juros_pro_rata(Decimal("1000.00"), Decimal("1"), date(2026, 1, 10), date(2026, 1, 17)) == Decimal(
        "2.33"
    )
    assert juros_pro_rata(Decimal("1000.00"), Decimal("1"), date(2026, 1, 10), date(2026, 1, 10)) == 0


def test_partial_payment_neither_loses_nor_doubles_interest() -> None:
    # Parcela of R$ 1,000.00 due 10/01, paid on 09/02 (30 days): multa 2 % = 20.00, juros 1 % = 10.00.
    antes = dict(
        valor_total=Decimal("1000.00"),
        vencimento=date(2026, 1, 10),
        multa_pct=Decimal("2"),
        juros_mensal_pct=Decimal("1"),
    )
    enc = encargos_devidos(saldo_principal=Decimal("1000.00"), data=date(2026, 2, 9), **antes)
    assert (enc.multa, enc.juros) == (Decimal("20.00"), Decimal("10.00"))
    # R$ 530.00 paid then: multa 20 + juros 10 + 500 of principal; 500 still owed, interest booked to 09/02.
    depois = encargos_devidos(
        saldo_principal=Decimal("500.00"),
        data=date(2026, 3, 11),  # 30 days later
        pago_multa=Decimal("20.00"),
        juros_pendentes=Decimal("0.00"),
        juros_calculados_ate=date(2026, 2, 9),
        **antes,
    )
    # No second multa; 1 % of the R$ 500 still owed for 30 days = 5.00.
    assert (depois.multa, depois.juros) == (Decimal("0.00"), Decimal("5.00"))


def test_late_charges_come_before_principal_and_fundo_comum_first() -> None:
    p = _parcelas(1)[0]  # R$ 100.00: FC 88, FR 2, TA 10, due 10/01/2026
    # On 09/02 (30 days late): multa 2.00, juros 1.00; R$ 50.00 pays 2 + 1 + 47 of fundo comum.
    r = alocar(Decimal("50.00"), [p], date(2026, 2, 9), Decimal("2"), Decimal("1"))
    (a,) = r.alocacoes
    assert (a.multa, a.juros, a.componentes["fundo_comum"], a.componentes["fundo_reserva"]) == (
        Decimal("2.00"),
        Decimal("1.00"),
        Decimal("47.00"),
        Decimal("0.00"),
    )
    assert a.juros_pendentes_apos == 0 and a.juros_calculados_ate == date(2026, 2, 9) and not a.quitada


@given(
    pagamentos=st.lists(st.integers(min_value=1, max_value=40_000), min_size=1, max_size=8),
    paid_on=st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 6, 1)),
)
@settings(max_examples=200, deadline=None)
def test_successive_payments_never_allocate_more_than_owed(pagamentos: list[int], paid_on: date) -> None:
    """Payment after payment on the updated state: no component ever overpaid, every centavo placed."""
    estados = {p.id: p for p in _parcelas(6)}
    devido_inicial = {p.id: dict(p.devido) for p in estados.values()}
    for centavos_pagos in pagamentos:
        valor = Decimal(centavos_pagos).scaleb(-2)
        r = alocar(valor, list(estados.values()), paid_on, Decimal("2"), Decimal("1"))
        assert sum((a.total for a in r.alocacoes), Decimal(0)) + r.sobra == valor
        assert r.sobra == 0 or all(a.quitada for a in r.alocacoes)
        for a in r.alocacoes:
            e = estados[a.parcela_id]
            assert all(Decimal(0) <= a.componentes[c] <= e.devido[c] for c in COMPONENTES)
            assert all(v == v.quantize(Decimal("0.01")) for v in a.componentes.values())
            estados[a.parcela_id] = EstadoParcela(
                id=e.id,
                numero=e.numero,
                vencimento=e.vencimento,
                valor_total=e.valor_total,
                devido={c: e.devido[c] - a.componentes[c] for c in COMPONENTES},
                pago_multa=e.pago_multa + a.multa,
                juros_pendentes=a.juros_pendentes_apos,
                juros_calculados_ate=a.juros_calculados_ate,
            )
    for e in estados.values():
        assert all(Decimal(0) <= e.devido[c] <= devido_inicial[e.id][c] for c in COMPONENTES)
