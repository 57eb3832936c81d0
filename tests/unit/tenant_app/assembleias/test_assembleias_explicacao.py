"""Self-explaining apurações (issue 13 item 6): every contemplação, lance and sorteio not held
carries a stable code and a Portuguese sentence with the amounts; the canonical result is unchanged."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from tenant_app.assembleias.apuracao import Lance, apurar, resultado_canonico
from tenant_app.assembleias.apuracao.apurar import apurar_explicado
from tenant_app.assembleias.apuracao.explicacao import CODIGOS, pct, reais

from .test_assembleias_apuracao import CENTENA, L

pytestmark = pytest.mark.unit


def test_every_line_has_a_reason_and_the_canonical_result_does_not_change() -> None:
    resultado, _, porque = apurar_explicado(CENTENA)
    assert resultado_canonico(resultado) == resultado_canonico(apurar(CENTENA))
    assert len(porque.contemplacoes) == len(resultado.contemplacoes)
    assert len(porque.nao_realizados) == len(resultado.nao_realizados)
    assert set(porque.lances) == {lance.cota for lance in resultado.lances}
    for motivo in (*porque.contemplacoes, *porque.lances.values(), *porque.nao_realizados):
        assert motivo.codigo in CODIGOS and motivo.texto
    por_cota = porque.lances
    assert por_cota[300].codigo == "ja_contemplada"  # drawn by sorteio first
    assert por_cota[48].codigo == "cota_inapta"
    assert por_cota[700].codigo == "percentual_abaixo_do_minimo"
    assert "5% do crédito" in por_cota[700].texto
    assert por_cota[20].codigo == por_cota[10].codigo == "contemplado"
    assert [m.codigo for m in porque.contemplacoes] == ["sorteio", "lance", "lance"]
    assert "número sorteado 48" in porque.contemplacoes[0].texto
    assert reais(D("100000")) in porque.contemplacoes[0].texto


def test_a_fundo_comum_too_small_says_how_much_there_was_and_how_much_was_needed() -> None:
    # R$ 30.000 in the fundo comum: the sorteio (R$ 100.000) cannot be held; a 40% lance needs
    # R$ 60.000 from the fundo comum (credit minus the lance) and does not fit either.
    pobre = dataclasses.replace(
        CENTENA,
        saldo_fundo_comum=D("30000.00"),
        lances=(Lance(10, L, D("40")), Lance(20, L, D("30")), Lance(30, L, D("20"))),
    )
    resultado, _, porque = apurar_explicado(pobre)
    assert resultado.contemplacoes == ()
    (nao,) = porque.nao_realizados
    assert nao.codigo == "fundos_insuficientes"
    assert reais(D("100000")) in nao.texto and reais(D("30000")) in nao.texto
    primeiro = porque.lances[10]
    assert primeiro.codigo == "fundo_insuficiente"
    assert reais(D("60000")) in primeiro.texto and reais(D("30000")) in primeiro.texto
    assert pct(D("40")) == "40%" and "40% do crédito (1º na classificação)" in primeiro.texto
    # The lower lances would cost the fundo comum even more; strict rank names the one that failed.
    for cota in (20, 30):
        assert porque.lances[cota].codigo == "fundo_esgotado_antes"
        assert "1º colocado" in porque.lances[cota].texto


def test_the_lance_limit_of_the_rules_is_named() -> None:
    regras = dataclasses.replace(CENTENA.regras, contemplacoes_lance_maximo=1)
    _, _, porque = apurar_explicado(dataclasses.replace(CENTENA, regras=regras))
    assert porque.lances[20].codigo == "contemplado"
    assert porque.lances[10].codigo == "limite_lances" and "até 1 contemplação" in porque.lances[10].texto


def test_money_and_percentages_in_portuguese() -> None:
    assert reais(D("1234567.5")) == "R$ 1.234.567,50"
    assert pct(D("12.5000")) == "12,5%" and pct(D("5")) == "5%" and pct(D("0.0001")) == "0,0001%"
