"""The sorteio clause as the contract says (issue 12, 8): centena final 1st..5th prize, the interleaved
variant, dezena/milhar final; "000" as the highest cota; approximation that always reaches a cota."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal as D

import pytest

from tenant_app.assembleias.apuracao import (
    CotaAtiva,
    CotaExcluida,
    EntradaApuracao,
    RegrasAssembleia,
    apurar,
    entrada_canonica,
    entrada_de_json,
    hash_entrada,
)
from tenant_app.assembleias.apuracao.resultado import Modalidade
from tenant_app.assembleias.sorteio import (
    DirecaoAproximacao,
    MetodoSorteio,
    chave_aproximacao,
    numero_final,
    ordem_aproximacao,
    parse_extracao,
    sortear,
)

pytestmark = pytest.mark.unit

EXTRACAO = parse_extracao(6005, ["83127", "10450", "22222", "31415", "40404"])


def _sorteio(extracao: object, tamanho: int, metodo: MetodoSorteio, **kw: object):  # type: ignore[no-untyped-def]
    opcoes: dict[str, object] = {"zero_vale_mil": True, "direcao": DirecaoAproximacao.ALTERNADA, **kw}
    return sortear(extracao, tamanho, metodo=metodo, **opcoes)  # type: ignore[arg-type]


def test_centena_final_reads_the_last_three_digits_of_each_prize_in_order() -> None:
    # 300 cotas: 127 (1st prize), 450 (2nd, above the group), 222 (3rd), 415 and 404 (above).
    s = _sorteio(EXTRACAO, 300, MetodoSorteio.CENTENA_FINAL)
    assert [(c.premio, c.centena, c.cota) for c in s.candidatos] == [
        (1, "127", 127),
        (2, "450", None),
        (3, "222", 222),
        (4, "415", None),
        (5, "404", None),
    ]
    assert s.numero_sorteado == 127
    # 127 already contemplated: the 3rd prize's 222 is next (the 2nd prize's 450 is no cota).
    assert next(s.elegiveis(set(range(1, 301)) - {127})) == 222


def test_interleaved_centena_reads_other_windows() -> None:
    # Per prize 3-4-5 then 1-2-3: 127, 831, 450, 104, 222, 222, 415, 314, 404, 404.
    s = _sorteio(EXTRACAO, 300, MetodoSorteio.CENTENA)
    assert [c.centena for c in s.candidatos] == [
        "127",
        "831",
        "450",
        "104",
        "222",
        "222",
        "415",
        "314",
        "404",
        "404",
    ]
    # Without 127 the interleaved clause picks 104 (1st prize, digits 1-2-3), the common one 222.
    assert next(s.elegiveis(set(range(1, 301)) - {127})) == 104


def test_zero_names_the_highest_cota_when_the_contract_says_so() -> None:
    extracao = parse_extracao(6006, ["12000", "10450", "22222", "31415", "40404"])
    # 500 cotas. "000 is 1000": 1000 is above the group, so the 2nd prize's 450 is drawn.
    assert _sorteio(extracao, 500, MetodoSorteio.CENTENA_FINAL).numero_sorteado == 450
    # "000 is the highest cota": cota 500.
    assert (
        _sorteio(extracao, 500, MetodoSorteio.CENTENA_FINAL, zero_vale_maior_cota=True).numero_sorteado == 500
    )
    # Dezena final of a 75-cota group: "00" is cota 75; milhar final of 5 000 cotas: "0000" is 5 000.
    assert numero_final(extracao, 75, zero_vale_maximo=True, zero_vale_maior_cota=True) == 75
    assert (
        numero_final(
            parse_extracao(1, ["10000", "00001", "00002", "00003", "00004"]),
            5000,
            zero_vale_maximo=True,
            zero_vale_maior_cota=True,
        )
        == 5000
    )
    assert numero_final(extracao, 75, zero_vale_maximo=True) == 100  # the old "000 is 1000" rule: walk
    # A group of exactly 100 cotas: the dezena final is enough when "00" is cota 100.
    assert (
        numero_final(
            parse_extracao(2, ["12345", "00001", "00002", "00003", "00004"]),
            100,
            zero_vale_maximo=True,
            zero_vale_maior_cota=True,
        )
        == 45
    )
    assert numero_final(extracao, 100, zero_vale_maximo=True, zero_vale_maior_cota=True) == 100


def test_approximation_after_the_candidates_always_reaches_a_cota() -> None:
    # 100 cotas, every centena above the group: 950, 870, 777, 666, 555.
    extracao = parse_extracao(6007, ["00950", "11870", "22777", "33666", "44555"])
    excluidas = {17, 42}
    sem = _sorteio(extracao, 100, MetodoSorteio.CENTENA_FINAL)
    assert list(sem.elegiveis(excluidas)) == []  # format-1 behaviour: nobody restituted
    com = _sorteio(extracao, 100, MetodoSorteio.CENTENA_FINAL, aproximar_sem_candidato=True)
    # Walk from 950, nearest first: 100, 99, ..., so 42 comes before 17.
    assert list(com.elegiveis(excluidas)) == [42, 17]
    # Next lower from 950 also starts at the top cota, 100, and walks down to 42.
    assert (
        next(
            _sorteio(
                extracao,
                100,
                MetodoSorteio.CENTENA_FINAL,
                aproximar_sem_candidato=True,
                direcao=DirecaoAproximacao.ABAIXO,
            ).elegiveis(excluidas)
        )
        == 42
    )


def test_nearest_with_ties_below_first() -> None:
    # Drawn 50: nearest first, at equal distance the lower cota first.
    assert list(ordem_aproximacao(50, 100, DirecaoAproximacao.ALTERNADA_ABAIXO))[:5] == [50, 49, 51, 48, 52]
    assert list(ordem_aproximacao(50, 100, DirecaoAproximacao.ALTERNADA))[:5] == [50, 51, 49, 52, 48]
    for direcao in DirecaoAproximacao:
        ordem = list(ordem_aproximacao(37, 60, direcao))
        assert sorted(ordem) == list(range(1, 61))
        assert ordem == sorted(range(1, 61), key=lambda c: chave_aproximacao(c, 37, direcao))


def _entrada(regras: RegrasAssembleia) -> EntradaApuracao:
    return EntradaApuracao(
        grupo="G-100",
        assembleia=3,
        tamanho_grupo=100,
        regras=regras,
        extracao=parse_extracao(6007, ["00950", "11870", "22777", "33666", "44555"]),
        cotas_ativas=tuple(
            CotaAtiva(n, D("10000.00"), D("90"), 30) for n in range(1, 101) if n not in (17, 42)
        ),
        cotas_excluidas=(CotaExcluida(17, D("700.00")), CotaExcluida(42, D("900.00"))),
        lances=(),
        saldo_fundo_comum=D("50000.00"),
        saldo_fundo_reserva=D("0"),
    )


def test_the_clause_is_part_of_the_canonical_inputs_and_the_hash() -> None:
    antiga = RegrasAssembleia(metodo_sorteio=MetodoSorteio.CENTENA_FINAL, sorteios_restituicao=1)
    nova = dataclasses.replace(antiga, aproximar_sem_candidato=True)
    e_antiga, e_nova = _entrada(antiga), _entrada(nova)
    # A rule at its format-1 value is not written (older stored inputs keep their bytes and hash) ...
    assert "aproximar_sem_candidato" not in json.loads(entrada_canonica(e_antiga))["regras"]
    # ... one that changes the draw is, and so changes the hash.
    assert json.loads(entrada_canonica(e_nova))["regras"]["aproximar_sem_candidato"] is True
    assert hash_entrada(e_nova) != hash_entrada(e_antiga)
    assert entrada_de_json(entrada_canonica(e_nova)) == e_nova.normalizada()
    assert entrada_de_json(entrada_canonica(e_antiga)).regras.aproximar_sem_candidato is False
    # The apuração follows the clause: with approximation the restitution draw reaches cota 42
    # (walk from 950: 100, 99, ... 42); without, nobody is restituted.
    r = apurar(e_nova)
    assert [(c.modalidade, c.cota) for c in r.contemplacoes if c.modalidade is Modalidade.RESTITUICAO] == [
        (Modalidade.RESTITUICAO, 42)
    ]
    assert not [c for c in apurar(e_antiga).contemplacoes if c.modalidade is Modalidade.RESTITUICAO]
