"""Percentages owed; restitution at the current value; the diferença de prestação (issue 12, 3, 4, 7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenant_app.dinheiro.percentuais import percentual_devido, percentual_pago, valor_restituicao
from tenant_app.parcelas.schedule import (
    PlanoCredito,
    corrected_amounts,
    diferenca_de_prestacao,
    schedule_amounts,
)

pytestmark = pytest.mark.unit


def test_after_a_correction_twenty_of_a_hundred_parcelas_still_owe_eighty_percent() -> None:
    # 20 of 100 parcelas fully paid: 20 x 100 / 100 = 20 % paid, 80 % owed — whatever the credit is now.
    pago = percentual_pago(Decimal(20), 100)
    assert (pago, percentual_devido(pago)) == (Decimal("20.000000"), Decimal("80.000000"))
    # The old rule divided reais by today's credit: 20 x 1 000 / 110 000 after a +10 % correction
    # = 18.18 % paid, 81.82 % owed. Not any more.


def test_a_late_joiner_pays_its_credit_over_a_shorter_plan() -> None:
    # Joined with 80 parcelas left: each is 100 / 80 = 1.25 %; 10 paid and half of the 11th = 13.125 %.
    assert percentual_pago(Decimal("10.5"), 80) == Decimal("13.125000")


def test_restitution_at_the_current_credit_less_the_penalty() -> None:
    # 20 % paid, credit corrected from 100 000 to 110 000: 20 % x 110 000 = 22 000;
    # cláusula penal 10 %: 22 000 - 2 200 = 19 800.00.
    assert valor_restituicao(Decimal("20"), Decimal("110000.00"), Decimal("10")) == Decimal("19800.00")
    assert valor_restituicao(Decimal("20"), Decimal("110000.00"), Decimal("0")) == Decimal("22000.00")
    # 2 of 7 parcelas of a 60 000 credit: 28.571429 % -> 17 142.86 (60 000 x 2 / 7 = 17 142.857).
    assert valor_restituicao(percentual_pago(Decimal(2), 7), Decimal("60000.00"), Decimal(0)) == Decimal(
        "17142.86"
    )


def test_diferenca_de_prestacao_keeps_the_parcelas_percentages() -> None:
    # Res. BCB 285 art. 25-A. Parcela billed at credit 60 000 (12 months, taxa 15 %, reserva 2 %,
    # seguro 0.5 %): 5 000 + 750 + 100 + 25 = 5 875. The price rises 10 % before the AGO: the same
    # parcela at 66 000 is 5 500 + 825 + 110 + 27.50 = 6 462.50; the next parcela carries 587.50.
    plano = PlanoCredito(Decimal("60000"), Decimal("15"), Decimal("2"), Decimal("0.5"))
    cobrada = schedule_amounts(plano, 12)[0]
    corrigida = corrected_amounts(plano, 12, [1], Decimal("66000.00"))[1]
    d = diferenca_de_prestacao(cobrada, corrigida)
    assert (d.fundo_comum, d.taxa_administracao, d.fundo_reserva, d.seguro, d.total) == (
        Decimal("500.00"),
        Decimal("75.00"),
        Decimal("10.00"),
        Decimal("2.50"),
        Decimal("587.50"),
    )
    # A fall of the price is credited: -10 % -> 54 000: 4 500 + 675 + 90 + 22.50; difference -587.50.
    assert diferenca_de_prestacao(
        cobrada, corrected_amounts(plano, 12, [1], Decimal("54000.00"))[1]
    ).total == (Decimal("-587.50"))
