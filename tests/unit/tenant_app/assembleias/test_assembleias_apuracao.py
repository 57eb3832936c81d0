"""Worked examples of whole apurações, for both sorteio methods."""

from __future__ import annotations

import dataclasses
import hashlib
from decimal import Decimal as D

import pytest

from tenant_app.assembleias.apuracao import (
    CotaAtiva,
    CotaExcluida,
    EntradaApuracao,
    Lance,
    Modalidade,
    MotivoNaoRealizado,
    RegrasAssembleia,
    Saldos,
    SituacaoLance,
    TipoLance,
    apurar,
    entrada_canonica,
    entrada_de_json,
    hash_entrada,
    resultado_canonico,
)
from tenant_app.assembleias.erros import RegraViolada
from tenant_app.assembleias.sorteio import DirecaoAproximacao, MetodoSorteio, parse_extracao

pytestmark = pytest.mark.unit

CREDITO = D("100000.00")
L, E, F = TipoLance.LIVRE, TipoLance.EMBUTIDO, TipoLance.FIXO


def ativas(tamanho: int, fora: set[int] = frozenset()) -> tuple[CotaAtiva, ...]:  # type: ignore[assignment]
    return tuple(CotaAtiva(n, CREDITO, D("80"), 40) for n in range(1, tamanho + 1) if n not in fora)


# --- Centena: 800 cotas, the 5923 extraction ---------------------------------------------
# Candidates: 817 (above group), 048, 300, 523, 000=1000 (above), 910 (above), 579, 135, 042, 000.
CENTENA = EntradaApuracao(
    grupo="G-800",
    assembleia=12,
    tamanho_grupo=800,
    regras=RegrasAssembleia(
        metodo_sorteio=MetodoSorteio.CENTENA,
        zero_vale_mil=True,
        direcao_aproximacao=DirecaoAproximacao.ALTERNADA,
        contemplacoes_sorteio=1,
        tipos_lance=frozenset({L, E}),
        lance_minimo_percentual=D("5"),
        embutido_maximo_percentual=D("30"),
    ),
    extracao=parse_extracao(5923, ["04817", "52300", "91000", "13579", "00042"]),
    # 48 is in arrears at the cut-off; 5 and 6 were excluded.
    cotas_ativas=ativas(800, {48, 5, 6}),
    cotas_excluidas=(CotaExcluida(5, D("7000.00")), CotaExcluida(6, D("9000.00"))),
    lances=(
        Lance(10, L, D("40")),
        Lance(20, L, D("40")),  # tie with 10: 20 is nearer the drawn 48
        Lance(301, E, D("35"), D("25")),
        Lance(48, L, D("50")),  # in arrears: does not compete
        Lance(300, L, D("60")),  # drawn by sorteio: its lance is set aside
        Lance(700, L, D("2")),  # below the 5% minimum
    ),
    saldo_fundo_comum=D("250000.00"),
    saldo_fundo_reserva=D("0"),
)


def test_centena_worked_example() -> None:
    r = apurar(CENTENA)
    assert r.numero_sorteado == 48
    assert [(c.cota, c.modalidade) for c in r.contemplacoes] == [
        (300, Modalidade.SORTEIO),  # 48 ineligible: next valid candidate
        (20, Modalidade.LANCE),
        (10, Modalidade.LANCE),
    ]
    # 250k - 100k sorteio - 2 x (100k credit - 40k lance) = 30k; 301 needs 65k net.
    assert r.saldo_final == Saldos(D("30000.00"), D("0"))
    assert r.reservas_sorteio == (523, 579, 135, 42)
    por_cota = {lance.cota: lance for lance in r.lances}
    assert [(x.cota, x.posicao, x.situacao) for x in r.lances if x.posicao] == [
        (20, 1, SituacaoLance.CONTEMPLADO),
        (10, 2, SituacaoLance.CONTEMPLADO),
        (301, 3, SituacaoLance.NAO_CONTEMPLADO),
    ]
    for cota in (48, 300, 700):
        assert por_cota[cota].situacao is SituacaoLance.DESCONSIDERADO and por_cota[cota].motivo
    assert "mínimo" in (por_cota[700].motivo or "")
    lance20 = r.contemplacoes[1]
    assert lance20.lance is not None and lance20.lance.valor_lance == D("40000.00")
    assert lance20.debito.do_fundo_comum == D("60000.00")
    assert lance20.amortizacao is not None and lance20.amortizacao.parcelas_quitadas == 20


def test_centena_disqualified_winner_passes_to_the_next_bid() -> None:
    # 20 did not pay its lance in time: the apuração is redone without it.
    r = apurar(dataclasses.replace(CENTENA, lances_desclassificados=frozenset({20})))
    assert [(c.cota, c.modalidade) for c in r.contemplacoes] == [
        (300, Modalidade.SORTEIO),
        (10, Modalidade.LANCE),
        (301, Modalidade.LANCE),  # the 60k freed covers the 65k net of the embutido lance
    ]
    embutido = r.contemplacoes[2]
    assert embutido.valor_liberado == D("75000.00")  # 25% of the credit stays as the lance
    assert embutido.debito.do_fundo_comum == D("65000.00")  # 75k paid out, 10k own money in
    assert r.saldo_final.fundo_comum == D("25000.00")
    assert {x.cota: x.situacao for x in r.lances}[20] is SituacaoLance.DESCONSIDERADO
    assert r.hash_entrada != apurar(CENTENA).hash_entrada


def test_centena_restitution_draw_with_no_excluded_candidate() -> None:
    regras = dataclasses.replace(CENTENA.regras, sorteios_restituicao=1)
    r = apurar(dataclasses.replace(CENTENA, regras=regras))
    # neither 5 nor 6 is among the ten candidates: the centena method does not walk
    assert [(n.modalidade, n.motivo) for n in r.nao_realizados] == [
        (Modalidade.RESTITUICAO, MotivoNaoRealizado.SEM_COTA_ELEGIVEL)
    ]


# --- Finais: 5,000 cotas, 1st prize 83127 -> 3127 ------------------------------------------
FINAIS = EntradaApuracao(
    grupo="G-5000",
    assembleia=3,
    tamanho_grupo=5000,
    regras=RegrasAssembleia(
        metodo_sorteio=MetodoSorteio.FINAIS,
        direcao_aproximacao=DirecaoAproximacao.ALTERNADA,
        contemplacoes_sorteio=2,
        sorteios_restituicao=1,
        tipos_lance=frozenset({L, F}),
        lance_fixo_percentual=D("30"),
    ),
    extracao=parse_extracao(6001, ["83127", "10000", "20000", "30000", "40000"]),
    cotas_ativas=ativas(5000, {3127, 3130, 10}),
    cotas_excluidas=(CotaExcluida(3130, D("12345.67")), CotaExcluida(10, D("500.00"))),
    lances=(
        Lance(3100, F, D("30")),
        Lance(3150, F, D("30")),  # all fixo lances tie: nearest to 3127 wins
        Lance(3140, F, D("30")),
        Lance(4000, L, D("20")),
    ),
    saldo_fundo_comum=D("352345.67"),
    saldo_fundo_reserva=D("150000.00"),
)


def test_finais_worked_example() -> None:
    r = apurar(FINAIS)
    assert r.numero_sorteado == 3127
    assert [(c.cota, c.modalidade) for c in r.contemplacoes] == [
        (3128, Modalidade.SORTEIO),  # 3127 in arrears: alternating, above first
        (3126, Modalidade.SORTEIO),
        (3130, Modalidade.RESTITUICAO),  # the first excluded cota in draw order
        (3140, Modalidade.LANCE),  # 13 away from 3127, 3150 is 23, 3100 is 27
        (3150, Modalidade.LANCE),
    ]
    assert r.contemplacoes[2].valor_liberado == D("12345.67")
    # 352,345.67 - 200,000 - 12,345.67 = 140,000 = two lances of 70,000 net
    assert r.saldo_final == Saldos(D("0.00"), D("150000.00"))
    assert [x.situacao for x in r.lances if x.posicao] == [
        SituacaoLance.CONTEMPLADO,
        SituacaoLance.CONTEMPLADO,
        SituacaoLance.NAO_CONTEMPLADO,
        SituacaoLance.NAO_CONTEMPLADO,
    ]
    assert r.reservas_sorteio == (3129, 3125, 3124, 3131, 3123)
    assert r.candidatos_centena == ()


def test_reserve_tops_up_a_sorteio_only_when_the_contract_allows() -> None:
    curta = dataclasses.replace(FINAIS, saldo_fundo_comum=D("150000.00"), lances=())
    sem = apurar(curta)
    assert [c.cota for c in sem.contemplacoes] == [3128, 3130]
    assert sem.nao_realizados[0].motivo is MotivoNaoRealizado.FUNDOS_INSUFICIENTES
    assert sem.nao_realizados[0].cota == 3126
    # the restitution (12,345.67) still fits in the 50k left of the fundo comum
    assert sem.nao_realizados[1:] == ()

    regras = dataclasses.replace(FINAIS.regras, fundo_reserva_completa_sorteios=True, sorteios_restituicao=0)
    com = apurar(dataclasses.replace(curta, regras=regras))
    assert [c.cota for c in com.contemplacoes] == [3128, 3126]
    assert com.contemplacoes[1].debito.do_fundo_comum == D("50000.00")
    assert com.contemplacoes[1].debito.do_fundo_reserva == D("50000.00")
    assert com.saldo_final == Saldos(D("0"), D("100000.00"))


def test_reserve_funds_extra_sorteios_up_to_its_balance() -> None:
    regras = dataclasses.replace(FINAIS.regras, fundo_reserva_sorteios_extras=3, sorteios_restituicao=0)
    r = apurar(dataclasses.replace(FINAIS, regras=regras, lances=(), saldo_fundo_comum=D("200000")))
    assert [(c.cota, c.modalidade) for c in r.contemplacoes] == [
        (3128, Modalidade.SORTEIO),
        (3126, Modalidade.SORTEIO),
        (3129, Modalidade.SORTEIO_FUNDO_RESERVA),
    ]
    # 150k covers one extra; the second would overdraw the fundo de reserva.
    assert [(n.motivo, n.cota) for n in r.nao_realizados] == [
        (MotivoNaoRealizado.FUNDOS_INSUFICIENTES, 3125),
        (MotivoNaoRealizado.FUNDOS_INSUFICIENTES, None),
    ]
    assert r.saldo_final == Saldos(D("0"), D("50000.00"))


def test_lance_contemplations_cap() -> None:
    regras = dataclasses.replace(FINAIS.regras, contemplacoes_lance_maximo=1)
    r = apurar(dataclasses.replace(FINAIS, regras=regras))
    assert [c.cota for c in r.contemplacoes if c.modalidade is Modalidade.LANCE] == [3140]


def test_lance_from_a_cota_that_owes_less_than_its_bid_is_set_aside() -> None:
    cotas = tuple(
        dataclasses.replace(c, percentual_devido=D("20")) if c.numero == 3140 else c
        for c in FINAIS.cotas_ativas
    )
    r = apurar(dataclasses.replace(FINAIS, cotas_ativas=cotas))
    lance = {x.cota: x for x in r.lances}[3140]
    assert lance.situacao is SituacaoLance.DESCONSIDERADO and "saldo devedor" in (lance.motivo or "")


def test_hash_and_result_are_byte_for_byte_reproducible() -> None:
    embaralhada = dataclasses.replace(
        CENTENA,
        cotas_ativas=tuple(reversed(CENTENA.cotas_ativas)),
        lances=tuple(reversed(CENTENA.lances)),
        lances_desclassificados=frozenset(),
    )
    assert entrada_canonica(embaralhada) == entrada_canonica(CENTENA)
    assert resultado_canonico(apurar(embaralhada)) == resultado_canonico(apurar(CENTENA))
    relida = entrada_de_json(entrada_canonica(CENTENA))
    assert relida == CENTENA.normalizada()
    assert resultado_canonico(apurar(relida)) == resultado_canonico(apurar(CENTENA))


def test_equal_values_written_differently_hash_the_same() -> None:
    outra = dataclasses.replace(CENTENA, saldo_fundo_comum=D("250000"), saldo_fundo_reserva=D("0.00"))
    assert hash_entrada(outra) == hash_entrada(CENTENA)


def test_any_input_change_changes_the_hash() -> None:
    base = hash_entrada(CENTENA)
    lances = (*CENTENA.lances[:-1], Lance(700, L, D("2.0001")))
    variantes = [
        dataclasses.replace(CENTENA, lances=lances),
        dataclasses.replace(CENTENA, assembleia=13),
        dataclasses.replace(CENTENA, grupo="G-801"),
        dataclasses.replace(CENTENA, saldo_fundo_comum=D("250000.01")),
        dataclasses.replace(CENTENA, extracao=parse_extracao(5924, list(CENTENA.extracao.premios))),
        dataclasses.replace(CENTENA, regras=dataclasses.replace(CENTENA.regras, zero_vale_mil=False)),
        dataclasses.replace(CENTENA, cotas_ativas=CENTENA.cotas_ativas[1:]),
    ]
    hashes = {hash_entrada(v) for v in variantes}
    assert base not in hashes and len(hashes) == len(variantes)


CANONICA = (
    '{"assembleia":12,"cotas_ativas":[{"numero":1,"parcelas_restantes":40,"percentual_devido":"80",'
    '"valor_credito":"100000"},{"numero":2,"parcelas_restantes":40,"percentual_devido":"80",'
    '"valor_credito":"100000"}],"cotas_excluidas":[{"numero":5,"valor_restituicao":"7000"}],'
    '"extracao":{"concurso":5923,"premios":["04817","52300","91000","13579","00042"]},"grupo":"G-800",'
    '"lances":[{"cota":48,"percentual":"50","percentual_embutido":"0","tipo":"livre"},'
    '{"cota":301,"percentual":"35","percentual_embutido":"25","tipo":"embutido"}],'
    '"lances_desclassificados":[],"regras":{"amortizacao_lance":"reduzir_prazo",'
    '"contemplacoes_lance_maximo":null,"contemplacoes_sorteio":1,"direcao_aproximacao":"alternada",'
    '"embutido_maximo_percentual":"30","fundo_reserva_completa_sorteios":false,'
    '"fundo_reserva_sorteios_extras":0,"lance_fixo_percentual":null,"lance_minimo_percentual":"5",'
    '"metodo_sorteio":"centena","sorteios_restituicao":0,"tabela_equivalencia":null,'
    '"tipos_lance":["embutido","livre"],"zero_vale_mil":true},"saldo_fundo_comum":"250000",'
    '"saldo_fundo_reserva":"0","tamanho_grupo":800,"versao_formato":1}'
)


def test_canonical_form_is_pinned() -> None:
    # Anyone re-running a stored apuração must get the same bytes: if this
    # changes, the canonical format changed and VERSAO_FORMATO must be bumped.
    pequena = dataclasses.replace(
        CENTENA,
        cotas_ativas=CENTENA.cotas_ativas[:2],
        cotas_excluidas=CENTENA.cotas_excluidas[:1],
        lances=(CENTENA.lances[3], CENTENA.lances[2]),
    )
    assert entrada_canonica(pequena) == CANONICA.encode()
    assert hash_entrada(pequena) == hashlib.sha256(CANONICA.encode()).hexdigest()


@pytest.mark.parametrize(
    "mudanca",
    [
        {"cotas_ativas": ativas(3) + ativas(1)},  # cota 1 twice
        {"cotas_excluidas": (CotaExcluida(1, D(1)),)},  # both active and excluded
        {"cotas_ativas": (CotaAtiva(801, CREDITO, D(80), 40),)},  # outside the group
        {"lances": (Lance(1, L, D(10)), Lance(1, L, D(20)))},
        {"saldo_fundo_comum": D("-1")},
        {"tamanho_grupo": 1200},  # centena method cannot draw above 1000
    ],
)
def test_unusable_inputs_are_rejected(mudanca: dict[str, object]) -> None:
    campos: dict[str, object] = {"cotas_ativas": ativas(3), "lances": (), **mudanca}
    entrada = dataclasses.replace(CENTENA, **campos)  # type: ignore[arg-type]
    with pytest.raises(RegraViolada):
        apurar(entrada)
