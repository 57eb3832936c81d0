"""Multa on what was unpaid at the due date, juros pro rata, the split of the charges (issue 12, 1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.dinheiro.encargos import encargos_devidos, repartir_encargos
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.pagamentos.lancamentos import lancamentos_do_estorno, lancamentos_do_pagamento
from tenant_app.pagamentos.models import FormaPagamento

pytestmark = pytest.mark.unit


def test_multa_on_the_part_unpaid_at_the_due_date() -> None:
    # The case: parcela 1 220.00, 1 000.00 paid on time; 30 days late.
    enc = encargos_devidos(
        valor_total=Decimal("1220.00"),
        saldo_principal=Decimal("220.00"),
        vencimento=date(2026, 1, 10),
        data=date(2026, 2, 9),
        multa_pct=Decimal("2"),
        juros_mensal_pct=Decimal("1"),
        pago_ate_vencimento=Decimal("1000.00"),
    )
    # multa 2 % x 220 = 4.40 (not 2 % x 1 220 = 24.40); juros 1 % x 220 x 30/30 = 2.20.
    assert (enc.multa, enc.juros) == (Decimal("4.40"), Decimal("2.20"))


def test_multa_base_does_not_shrink_with_late_payments() -> None:
    # 220.00 unpaid at the due date; 100.00 paid late (after a multa of 1.00 was already paid).
    enc = encargos_devidos(
        valor_total=Decimal("1220.00"),
        saldo_principal=Decimal("120.00"),
        vencimento=date(2026, 1, 10),
        data=date(2026, 1, 25),
        multa_pct=Decimal("2"),
        juros_mensal_pct=Decimal("1"),
        pago_multa=Decimal("1.00"),
        pago_ate_vencimento=Decimal("1000.00"),
    )
    # multa still owed 2 % x 220 - 1.00 = 3.40; juros 1 % x 120 x 15/30 = 0.60.
    assert (enc.multa, enc.juros) == (Decimal("3.40"), Decimal("0.60"))


def test_juros_pro_rata_die() -> None:
    enc = encargos_devidos(
        valor_total=Decimal("1000.00"),
        saldo_principal=Decimal("1000.00"),
        vencimento=date(2026, 1, 10),
        data=date(2026, 1, 17),
        multa_pct=Decimal("2"),
        juros_mensal_pct=Decimal("0.9"),
    )
    # multa 2 % x 1 000 = 20.00; juros 0.9 % x 1 000 x 7/30 = 2.10.
    assert (enc.multa, enc.juros) == (Decimal("20.00"), Decimal("2.10"))


def test_split_of_the_charges() -> None:
    # 4.40 + 2.20 = 6.60; 50 % = 3.30 each.
    r = repartir_encargos(Decimal("4.40"), Decimal("2.20"), Decimal("50"))
    assert (r.fundo_comum, r.administradora) == (Decimal("3.30"), Decimal("3.30"))
    # 0.01 + 0.02 = 0.03 at 50 %: 0.015 rounds half up to 0.02 for the group, 0.01 for the administradora.
    r = repartir_encargos(Decimal("0.01"), Decimal("0.02"), Decimal("50"))
    assert (r.fundo_comum, r.administradora) == (Decimal("0.02"), Decimal("0.01"))
    r = repartir_encargos(Decimal("117.50"), Decimal("58.75"), Decimal("100"))
    assert (r.fundo_comum, r.administradora) == (Decimal("176.25"), Decimal("0.00"))


@given(
    multa=st.integers(min_value=0, max_value=10**7),
    juros=st.integers(min_value=0, max_value=10**7),
    pct=st.integers(min_value=0, max_value=1_000_000),
)
def test_split_always_adds_up(multa: int, juros: int, pct: int) -> None:
    m, j, p = Decimal(multa).scaleb(-2), Decimal(juros).scaleb(-2), Decimal(pct).scaleb(-4)
    r = repartir_encargos(m, j, p)
    assert r.fundo_comum + r.administradora == m + j
    assert r.fundo_comum >= 0 and r.administradora >= 0


@dataclass(frozen=True)
class _Guardada:
    fundo_comum: Decimal
    fundo_reserva: Decimal
    taxa_administracao: Decimal
    seguro: Decimal
    multa: Decimal
    juros: Decimal
    encargos_administradora: Decimal


def test_ledger_books_the_administradoras_part_with_the_taxa() -> None:
    a = _Guardada(
        fundo_comum=Decimal("0.00"),
        fundo_reserva=Decimal("0.00"),
        taxa_administracao=Decimal("195.00"),
        seguro=Decimal("25.00"),
        multa=Decimal("4.40"),
        juros=Decimal("2.20"),
        encargos_administradora=Decimal("3.30"),
    )
    ((origem, entradas),) = lancamentos_do_pagamento(FormaPagamento.PIX, [a])
    assert origem is OrigemLancamento.PAGAMENTO
    # fundo comum 0 + 4.40 + 2.20 - 3.30 = 3.30; taxa 195 + 3.30 = 198.30; total = 226.60 received.
    assert dict(entradas) == {
        Fundo.FUNDO_COMUM: Decimal("3.30"),
        Fundo.FUNDO_RESERVA: Decimal("0.00"),
        Fundo.TAXA_ADMINISTRACAO: Decimal("198.30"),
        Fundo.SEGURO: Decimal("25.00"),
    }
    ((origem, opostas),) = lancamentos_do_estorno(FormaPagamento.PIX, [a])
    assert origem is OrigemLancamento.ESTORNO
    assert dict(opostas) == {f: -v for f, v in entradas}
