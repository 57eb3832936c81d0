"""Lance rules: what the contract accepts, ranking, money parts, amortisation."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tenant_app.assembleias.apuracao import (
    Lance,
    RegrasAssembleia,
    TipoLance,
    classificar_lances,
    erros_lance,
    valores_lance,
)
from tenant_app.assembleias.sorteio import DirecaoAproximacao, MetodoSorteio

pytestmark = pytest.mark.unit

REGRAS = RegrasAssembleia(
    metodo_sorteio=MetodoSorteio.FINAIS,
    tipos_lance=frozenset(TipoLance),
    lance_minimo_percentual=D("5"),
    lance_fixo_percentual=D("25"),
    embutido_maximo_percentual=D("30"),
)


def campos(lance: Lance, regras: RegrasAssembleia = REGRAS, devido: D | None = None) -> list[str]:
    return [e.campo for e in erros_lance(lance, regras, percentual_devido=devido)]


@pytest.mark.parametrize(
    "lance",
    [
        Lance(1, TipoLance.LIVRE, D("5")),
        Lance(1, TipoLance.LIVRE, D("37.1234")),
        Lance(1, TipoLance.FIXO, D("25.00")),
        Lance(1, TipoLance.EMBUTIDO, D("30"), D("30")),
        Lance(1, TipoLance.EMBUTIDO, D("55"), D("20")),
    ],
)
def test_acceptable_lances(lance: Lance) -> None:
    assert campos(lance) == []


@pytest.mark.parametrize(
    ("lance", "campo"),
    [
        (Lance(1, TipoLance.LIVRE, D("4.99")), "percentual"),  # below the minimum
        (Lance(1, TipoLance.LIVRE, D("100")), "percentual"),
        (Lance(1, TipoLance.LIVRE, D("0")), "percentual"),
        (Lance(1, TipoLance.LIVRE, D("10.12345")), "percentual"),  # 5 decimal places
        (Lance(1, TipoLance.LIVRE, D("NaN")), "percentual"),
        (Lance(1, TipoLance.LIVRE, D("10"), D("1")), "percentual_embutido"),
        (Lance(1, TipoLance.FIXO, D("26")), "percentual"),
        (Lance(1, TipoLance.EMBUTIDO, D("40"), D("30.01")), "percentual_embutido"),  # above the cap
        (Lance(1, TipoLance.EMBUTIDO, D("10"), D("0")), "percentual_embutido"),
        (Lance(1, TipoLance.EMBUTIDO, D("10"), D("20")), "percentual_embutido"),  # part above the whole
    ],
)
def test_lances_the_contract_rejects(lance: Lance, campo: str) -> None:
    assert campo in campos(lance)


def test_kind_not_in_the_contract() -> None:
    regras = RegrasAssembleia(metodo_sorteio=MetodoSorteio.FINAIS)
    erros = erros_lance(Lance(1, TipoLance.EMBUTIDO, D("30"), D("10")), regras)
    assert [e.campo for e in erros] == ["tipo"]
    assert "não aceita lance embutido" in erros[0].mensagem


def test_lance_cannot_exceed_what_the_cota_still_owes() -> None:
    assert campos(Lance(1, TipoLance.LIVRE, D("60")), devido=D("55")) == ["percentual"]
    assert campos(Lance(1, TipoLance.LIVRE, D("55")), devido=D("55")) == []


def test_ranking_highest_percentage_first_then_nearest_to_the_drawn_number() -> None:
    lances = [
        Lance(100, TipoLance.LIVRE, D("30")),
        Lance(480, TipoLance.LIVRE, D("45")),
        Lance(505, TipoLance.LIVRE, D("45")),
        Lance(495, TipoLance.LIVRE, D("45")),
        Lance(7, TipoLance.LIVRE, D("45.0001")),
    ]
    # Drawn 500: 495 and 505 are equally near; the contract direction decides.
    alternada = classificar_lances(lances, 500, DirecaoAproximacao.ALTERNADA)
    assert [lance.cota for lance in alternada] == [7, 505, 495, 480, 100]
    abaixo = classificar_lances(lances, 500, DirecaoAproximacao.ABAIXO)
    assert [lance.cota for lance in abaixo] == [7, 495, 480, 505, 100]
    acima = classificar_lances(lances, 500, DirecaoAproximacao.ACIMA)
    assert [lance.cota for lance in acima] == [7, 505, 495, 480, 100]


def test_ranking_without_a_drawn_number_falls_back_to_cota_number() -> None:
    lances = [Lance(9, TipoLance.LIVRE, D("20")), Lance(3, TipoLance.LIVRE, D("20"))]
    assert [lance.cota for lance in classificar_lances(lances, None, DirecaoAproximacao.ACIMA)] == [3, 9]


def test_embutido_is_deducted_from_the_credit_paid_out() -> None:
    v = valores_lance(Lance(1, TipoLance.EMBUTIDO, D("40"), D("25")), D("80000.00"))
    assert v.valor_lance == D("32000.00")
    assert v.valor_embutido == D("20000.00")
    assert v.valor_recursos_proprios == D("12000.00")
    assert v.valor_liberado == D("60000.00")
    # the group pays 60,000 out and receives 12,000 in
    assert v.custo_liquido == D("48000.00")


def test_money_is_rounded_half_up_to_cents() -> None:
    v = valores_lance(Lance(1, TipoLance.LIVRE, D("33.3333")), D("1000.05"))
    assert v.valor_lance == D("333.35")  # 333.34999... half up only at the third decimal
    assert valores_lance(Lance(1, TipoLance.LIVRE, D("50")), D("0.05")).valor_lance == D("0.03")
