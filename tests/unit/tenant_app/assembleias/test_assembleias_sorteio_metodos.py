"""Worked examples of the centena and finais methods, and the nearest-cota walk."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.assembleias.apuracao.regras import RegrasAssembleia, TipoLance
from tenant_app.assembleias.erros import RegrasInvalidas
from tenant_app.assembleias.sorteio import (
    DirecaoAproximacao,
    MetodoSorteio,
    MotivoDescarte,
    candidatos_centena,
    chave_aproximacao,
    numero_final,
    ordem_aproximacao,
    parse_extracao,
    sortear,
    tabela_equivalencia_modular,
)
from tenant_app.assembleias.sorteio.centena import validar_tabela_equivalencia

pytestmark = pytest.mark.unit

# Prizes chosen so that every kind of discard shows up.
EXTRACAO = parse_extracao(5923, ["04817", "52300", "91000", "13579", "00042"])


def test_centena_ten_candidates_in_order_for_an_800_cota_group() -> None:
    cands = candidatos_centena(EXTRACAO, 800, zero_vale_mil=True)
    assert [(c.premio, c.digitos, c.centena) for c in cands] == [
        (1, "345", "817"),
        (1, "123", "048"),
        (2, "345", "300"),
        (2, "123", "523"),
        (3, "345", "000"),
        (3, "123", "910"),
        (4, "345", "579"),
        (4, "123", "135"),
        (5, "345", "042"),
        (5, "123", "000"),
    ]
    assert [c.cota for c in cands] == [None, 48, 300, 523, None, None, 579, 135, 42, None]
    # 817 and 910 exceed the group; "000" is 1000 here, which exceeds it too.
    assert [c.descarte for c in cands if c.cota is None] == [MotivoDescarte.ACIMA_DO_GRUPO] * 4


def test_centena_zero_rule_is_a_contract_choice() -> None:
    valido = candidatos_centena(EXTRACAO, 1000, zero_vale_mil=True)
    invalido = candidatos_centena(EXTRACAO, 1000, zero_vale_mil=False)
    assert valido[4].cota == 1000 and valido[9].cota == 1000
    assert invalido[4].cota is None and invalido[4].descarte is MotivoDescarte.ZERO_INVALIDO


def test_centena_ineligible_drawn_cota_passes_to_the_next_candidate() -> None:
    sorteio = sortear(
        EXTRACAO, 800, metodo=MetodoSorteio.CENTENA, zero_vale_mil=True, direcao=DirecaoAproximacao.ALTERNADA
    )
    # 48 is the drawn number; it is in arrears so 300 is contemplated and the rest are reserves.
    elegiveis = set(range(1, 801)) - {48}
    assert sorteio.numero_sorteado == 48
    assert list(sorteio.elegiveis(elegiveis)) == [300, 523, 579, 135, 42]


def test_centena_repeated_cota_counts_once() -> None:
    extracao = parse_extracao(1, ["00101", "10100", "20202", "30303", "40404"])
    sorteio = sortear(
        extracao, 500, metodo=MetodoSorteio.CENTENA, zero_vale_mil=True, direcao=DirecaoAproximacao.ACIMA
    )
    # 101, 001, 100, 101(again), 202, 202(again) ... 303, 303 ... 404, 404
    assert list(sorteio.ordem()) == [101, 1, 100, 202, 303, 404]


def test_centena_equivalence_table_for_a_400_cota_group() -> None:
    tabela = tabela_equivalencia_modular(400)
    assert len(tabela) == 800 and tabela[401] == 1 and tabela[800] == 400
    cands = candidatos_centena(EXTRACAO, 400, zero_vale_mil=True, tabela_equivalencia=tabela)
    # 817 and 910 are past the last full round of 400 numbers; 1000 too.
    assert [c.cota for c in cands] == [None, 48, 300, 123, None, None, 179, 135, 42, None]
    assert cands[0].descarte is MotivoDescarte.FORA_DA_TABELA


def test_modular_table_gives_every_cota_the_same_count_of_numbers() -> None:
    for tamanho in (1, 7, 250, 333, 999):
        tabela = tabela_equivalencia_modular(tamanho)
        contagem = {c: 0 for c in range(1, tamanho + 1)}
        for cota in tabela.values():
            contagem[cota] += 1
        assert len(set(contagem.values())) == 1
        assert validar_tabela_equivalencia(tabela, tamanho) == []


def test_equivalence_table_errors() -> None:
    assert validar_tabela_equivalencia({1: 1}, 1000)  # only under 1,000 cotas
    assert validar_tabela_equivalencia({1: 1, 2: 2, 1001: 3}, 3)
    assert validar_tabela_equivalencia({1: 1, 2: 4}, 3)
    faltando = validar_tabela_equivalencia({1: 1, 2: 2}, 3)
    assert "3" in faltando[0].mensagem
    with pytest.raises(RegrasInvalidas):
        tabela_equivalencia_modular(1000)


def test_finais_uses_as_many_trailing_digits_as_the_group_size_has() -> None:
    extracao = parse_extracao(1, ["83127", "00001", "00002", "00003", "00004"])
    assert numero_final(extracao, 5000, zero_vale_maximo=True) == 3127
    assert numero_final(extracao, 500, zero_vale_maximo=True) == 127
    assert numero_final(extracao, 99, zero_vale_maximo=True) == 27
    assert numero_final(extracao, 10_000, zero_vale_maximo=True) == 83127


def test_finais_drawn_cota_eligible_is_contemplated_directly() -> None:
    extracao = parse_extracao(1, ["83127", "00001", "00002", "00003", "00004"])
    sorteio = sortear(
        extracao, 5000, metodo=MetodoSorteio.FINAIS, zero_vale_mil=True, direcao=DirecaoAproximacao.ALTERNADA
    )
    assert sorteio.numero_sorteado == 3127
    assert next(sorteio.elegiveis(set(range(1, 5001)))) == 3127


@pytest.mark.parametrize(
    ("direcao", "esperado"),
    [
        # 3127 and 3128 are in arrears: the walk differs by contract direction.
        (DirecaoAproximacao.ACIMA, [3129, 3130, 3131]),
        (DirecaoAproximacao.ABAIXO, [3126, 3125, 3124]),
        (DirecaoAproximacao.ALTERNADA, [3126, 3129, 3125]),
    ],
)
def test_finais_ineligible_drawn_cota_goes_to_the_nearest_eligible(
    direcao: DirecaoAproximacao, esperado: list[int]
) -> None:
    extracao = parse_extracao(1, ["83127", "00001", "00002", "00003", "00004"])
    sorteio = sortear(extracao, 5000, metodo=MetodoSorteio.FINAIS, zero_vale_mil=True, direcao=direcao)
    elegiveis = set(range(1, 5001)) - {3127, 3128}
    fila = sorteio.elegiveis(elegiveis)
    assert [next(fila) for _ in range(3)] == esperado


def test_finais_number_above_the_group_walks_down_from_the_last_cota() -> None:
    extracao = parse_extracao(1, ["19999", "00001", "00002", "00003", "00004"])
    for direcao in DirecaoAproximacao:
        sorteio = sortear(extracao, 5000, metodo=MetodoSorteio.FINAIS, zero_vale_mil=True, direcao=direcao)
        assert sorteio.numero_sorteado == 9999
        assert list(sorteio.elegiveis({1, 4999, 5000})) == [5000, 4999, 1]


def test_finais_all_zeros() -> None:
    extracao = parse_extracao(1, ["50000", "00001", "00002", "00003", "00004"])
    mil = sortear(
        extracao, 5000, metodo=MetodoSorteio.FINAIS, zero_vale_mil=True, direcao=DirecaoAproximacao.ACIMA
    )
    zero = sortear(
        extracao, 5000, metodo=MetodoSorteio.FINAIS, zero_vale_mil=False, direcao=DirecaoAproximacao.ACIMA
    )
    assert next(mil.ordem()) == 5000  # 10000 is past the group: nearest is the last cota
    assert next(zero.ordem()) == 1


def test_alternating_walk_example() -> None:
    assert list(ordem_aproximacao(3, 6, DirecaoAproximacao.ALTERNADA)) == [3, 4, 2, 5, 1, 6]
    assert list(ordem_aproximacao(3, 6, DirecaoAproximacao.ACIMA)) == [3, 4, 5, 6, 2, 1]
    assert list(ordem_aproximacao(3, 6, DirecaoAproximacao.ABAIXO)) == [3, 2, 1, 4, 5, 6]


@given(
    st.integers(1, 300),
    st.integers(-5, 400),
    st.sampled_from(list(DirecaoAproximacao)),
)
def test_walk_visits_every_cota_once_in_key_order(
    tamanho: int, referencia: int, direcao: DirecaoAproximacao
) -> None:
    ordem = list(ordem_aproximacao(referencia, tamanho, direcao))
    assert sorted(ordem) == list(range(1, tamanho + 1))
    assert ordem == sorted(ordem, key=lambda c: chave_aproximacao(c, referencia, direcao))
    # the first cota visited is always one of the nearest to the reference
    assert abs(ordem[0] - referencia) == min(abs(c - referencia) for c in range(1, tamanho + 1))


@pytest.mark.parametrize(
    ("campo", "valor"),
    [
        ("embutido_maximo_percentual", Decimal("-4.2559e176")),  # found by the 1,000-case fuzz run
        ("embutido_maximo_percentual", Decimal("100")),
        ("lance_fixo_percentual", Decimal("-1")),
        ("lance_fixo_percentual", Decimal("250")),
    ],
)
def test_a_percentage_is_bounded_even_when_its_lance_type_is_off(campo: str, valor: Decimal) -> None:
    regras = RegrasAssembleia(metodo_sorteio=MetodoSorteio.CENTENA_FINAL, **{campo: valor})
    assert TipoLance.EMBUTIDO not in regras.tipos_lance and TipoLance.FIXO not in regras.tipos_lance
    assert [e.campo for e in regras.erros(100)] == [campo]
    assert RegrasAssembleia(metodo_sorteio=MetodoSorteio.CENTENA_FINAL).erros(100) == []
