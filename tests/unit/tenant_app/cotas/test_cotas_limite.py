"""The 10 % cap of a consorciado with its cônjuge, over the ACTIVE cotas on the date of sale (issue 12, 2)."""

from __future__ import annotations

from datetime import date

import pytest

from tenant_app.cotas.limite import limite_de_cotas, medir_venda

pytestmark = pytest.mark.unit

DIA = date(2026, 3, 2)


def test_ten_percent_of_the_active_cotas_rounded_down_at_least_one() -> None:
    assert limite_de_cotas(0) == 1  # a group in formation: the first buyer may join
    assert limite_de_cotas(19) == 1  # 10 % x 19 = 1.9 -> 1
    assert limite_de_cotas(20) == 2  # 10 % x 20 = 2
    assert limite_de_cotas(31) == 3  # 3.1 -> 3


def test_adesao_counts_the_new_cota_on_both_sides() -> None:
    # Consorciado 2 + cônjuge 1 = 3 held, 30 active; the sale makes 4 of 31: limit 10 % x 31 = 3.1 -> 3.
    m = medir_venda(DIA, detidas_antes=3, ativas_antes=30)
    assert (m.detidas, m.ativas, m.limite, m.permitido) == (4, 31, 3, False)
    assert m.explicacao() == (
        "Com esta cota o consorciado e seu cônjuge/companheiro teriam 4 cota(s) ativa(s) no grupo; "
        "o limite é 3 (10% das 31 cotas ativas em 02/03/2026, contando esta)."
    )
    # With 39 active the sale makes 4 of 40: 10 % x 40 = 4, allowed.
    assert medir_venda(DIA, detidas_antes=3, ativas_antes=39).permitido


def test_cessao_does_not_add_an_active_cota() -> None:
    # 1 held, 20 active: the ceded cota is already active, 2 of 20 (limit 2) is allowed; 3 of 20 is not.
    assert medir_venda(DIA, 1, 20, cota_ja_ativa=True).permitido
    m = medir_venda(DIA, 2, 20, cota_ja_ativa=True)
    assert (m.detidas, m.ativas, m.limite, m.permitido) == (3, 20, 2, False)
