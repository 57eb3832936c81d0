"""Property tests of the apuração: funds, purity, one contemplação per cota for life."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenant_app.assembleias.apuracao import (
    AmortizacaoLance,
    CotaAtiva,
    CotaExcluida,
    EntradaApuracao,
    Lance,
    Modalidade,
    RegrasAssembleia,
    TipoLance,
    apurar,
    entrada_canonica,
    entrada_de_json,
    resultado_canonico,
)
from tenant_app.assembleias.sorteio import DirecaoAproximacao, ExtracaoLoteria, MetodoSorteio
from tenant_app.assembleias.sorteio.centena import tabela_equivalencia_modular

pytestmark = pytest.mark.unit

dinheiro = st.decimals(min_value=D(0), max_value=D("2000000"), places=2)
percentual = st.decimals(min_value=D("0.01"), max_value=D("99.99"), places=2)


@st.composite
def extracoes(draw: st.DrawFn) -> ExtracaoLoteria:
    premios = draw(st.lists(st.integers(0, 99_999), min_size=5, max_size=5, unique=True))
    return ExtracaoLoteria(draw(st.integers(1, 9999)), tuple(f"{p:05d}" for p in premios))


@st.composite
def regras_de(draw: st.DrawFn, tamanho: int) -> RegrasAssembleia:
    metodo = draw(st.sampled_from(list(MetodoSorteio)) if tamanho <= 1000 else st.just(MetodoSorteio.FINAIS))
    tabela = None
    if metodo is MetodoSorteio.CENTENA and tamanho < 1000 and draw(st.booleans()):
        tabela = tabela_equivalencia_modular(tamanho)
    return RegrasAssembleia(
        metodo_sorteio=metodo,
        zero_vale_mil=draw(st.booleans()),
        tabela_equivalencia=tabela,
        direcao_aproximacao=draw(st.sampled_from(list(DirecaoAproximacao))),
        contemplacoes_sorteio=draw(st.integers(0, 4)),
        sorteios_restituicao=draw(st.integers(0, 2)),
        tipos_lance=frozenset(TipoLance),
        lance_minimo_percentual=D(draw(st.integers(0, 10))),
        lance_fixo_percentual=D("25"),
        embutido_maximo_percentual=D("30"),
        contemplacoes_lance_maximo=draw(st.none() | st.integers(0, 5)),
        fundo_reserva_completa_sorteios=draw(st.booleans()),
        fundo_reserva_sorteios_extras=draw(st.integers(0, 2)),
        amortizacao_lance=draw(st.sampled_from(list(AmortizacaoLance))),
    )


@st.composite
def lances_para(draw: st.DrawFn, cotas: list[int]) -> tuple[Lance, ...]:
    quem = draw(st.lists(st.sampled_from(cotas), unique=True, max_size=25)) if cotas else []
    lances = []
    for cota in quem:
        tipo = draw(st.sampled_from(list(TipoLance)))
        pct = D("25") if tipo is TipoLance.FIXO else draw(percentual)
        emb = (
            draw(st.decimals(min_value=D("0.01"), max_value=D("40"), places=2))
            if tipo is TipoLance.EMBUTIDO
            else D(0)
        )
        lances.append(Lance(cota, tipo, pct, emb))
    return tuple(lances)


@st.composite
def entradas(draw: st.DrawFn) -> EntradaApuracao:
    tamanho = draw(st.integers(1, 1500))
    # A sample of the group is enough: the rest are contemplated or in arrears.
    numeros = draw(st.lists(st.integers(1, tamanho), unique=True, max_size=60))
    corte = draw(st.integers(0, len(numeros)))
    ativas = tuple(
        CotaAtiva(
            n,
            draw(st.decimals(min_value=D("1000"), max_value=D("300000"), places=2)),
            draw(st.decimals(min_value=D("0"), max_value=D("100"), places=2)),
            draw(st.integers(0, 200)),
        )
        for n in numeros[:corte]
    )
    excluidas = tuple(CotaExcluida(n, draw(dinheiro)) for n in numeros[corte:])
    # Lances may come from any cota: ineligible ones must be set aside.
    lances = draw(lances_para(numeros + draw(st.lists(st.integers(1, tamanho), max_size=5))))
    return EntradaApuracao(
        grupo=draw(st.sampled_from(["G1", "G2"])),
        assembleia=draw(st.integers(1, 200)),
        tamanho_grupo=tamanho,
        regras=draw(regras_de(tamanho)),
        extracao=draw(extracoes()),
        cotas_ativas=ativas,
        cotas_excluidas=excluidas,
        lances=lances,
        saldo_fundo_comum=draw(dinheiro),
        saldo_fundo_reserva=draw(dinheiro),
        lances_desclassificados=frozenset(
            draw(st.lists(st.sampled_from(numeros), max_size=3)) if numeros else ()
        ),
    )


PROPRIEDADE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPRIEDADE
@given(entradas())
def test_contemplations_never_exceed_available_funds(entrada: EntradaApuracao) -> None:
    r = apurar(entrada)
    do_comum = sum((c.debito.do_fundo_comum for c in r.contemplacoes), D(0))
    da_reserva = sum((c.debito.do_fundo_reserva for c in r.contemplacoes), D(0))
    assert do_comum <= entrada.saldo_fundo_comum and da_reserva <= entrada.saldo_fundo_reserva
    assert r.saldo_final.fundo_comum == entrada.saldo_fundo_comum - do_comum >= 0
    assert r.saldo_final.fundo_reserva == entrada.saldo_fundo_reserva - da_reserva >= 0
    regras = entrada.regras
    for c in r.contemplacoes:
        # money leaves the funds only as the contract allows
        if c.modalidade is Modalidade.SORTEIO_FUNDO_RESERVA:
            assert c.debito.do_fundo_comum == 0
        if c.modalidade in (Modalidade.LANCE, Modalidade.RESTITUICAO) or (
            c.modalidade is Modalidade.SORTEIO and not regras.fundo_reserva_completa_sorteios
        ):
            assert c.debito.do_fundo_reserva == 0
        custo = c.valor_credito if c.lance is None else c.valor_credito - c.lance.valor_lance
        assert c.debito.do_fundo_comum + c.debito.do_fundo_reserva == custo
    contagem = {m: sum(1 for c in r.contemplacoes if c.modalidade is m) for m in Modalidade}
    assert contagem[Modalidade.SORTEIO] <= regras.contemplacoes_sorteio
    assert contagem[Modalidade.SORTEIO_FUNDO_RESERVA] <= regras.fundo_reserva_sorteios_extras
    assert contagem[Modalidade.RESTITUICAO] <= regras.sorteios_restituicao
    if regras.contemplacoes_lance_maximo is not None:
        assert contagem[Modalidade.LANCE] <= regras.contemplacoes_lance_maximo


@PROPRIEDADE
@given(entradas())
def test_only_eligible_cotas_are_contemplated_and_each_once(entrada: EntradaApuracao) -> None:
    r = apurar(entrada)
    ativas = {c.numero for c in entrada.cotas_ativas}
    excluidas = {c.numero for c in entrada.cotas_excluidas}
    cotas = [c.cota for c in r.contemplacoes]
    assert len(cotas) == len(set(cotas))
    for c in r.contemplacoes:
        assert c.cota in (excluidas if c.modalidade is Modalidade.RESTITUICAO else ativas)
        if c.modalidade is Modalidade.LANCE:
            assert c.cota not in entrada.lances_desclassificados
    assert len(r.lances) == len(entrada.lances)
    # lance winners are a prefix of the ranking: nobody jumps a higher bid
    situacoes = [lance.situacao.value for lance in r.lances if lance.posicao is not None]
    assert situacoes == sorted(situacoes)  # "contemplado" < "nao_contemplado"
    percentuais = [lance.percentual for lance in r.lances if lance.posicao is not None]
    assert percentuais == sorted(percentuais, reverse=True)


@PROPRIEDADE
@given(entradas(), st.randoms(use_true_random=False))
def test_result_is_a_pure_function_of_the_stored_inputs(entrada: EntradaApuracao, rnd: random.Random) -> None:
    esperado = resultado_canonico(apurar(entrada))
    assert resultado_canonico(apurar(entrada)) == esperado
    ativas, excluidas, lances = (
        list(entrada.cotas_ativas),
        list(entrada.cotas_excluidas),
        list(entrada.lances),
    )
    for lista in (ativas, excluidas, lances):
        rnd.shuffle(lista)
    embaralhada = dataclasses.replace(
        entrada, cotas_ativas=tuple(ativas), cotas_excluidas=tuple(excluidas), lances=tuple(lances)
    )
    assert entrada_canonica(embaralhada) == entrada_canonica(entrada)
    assert resultado_canonico(apurar(embaralhada)) == esperado
    relida = entrada_de_json(entrada_canonica(entrada))
    assert resultado_canonico(apurar(relida)) == esperado


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(5, 400),
    st.lists(st.tuples(extracoes(), st.integers(0, 10**9)), min_size=1, max_size=25),
    st.data(),
)
def test_each_cota_is_contemplated_at_most_once_over_the_life_of_the_group(
    tamanho: int, assembleias: list[tuple[ExtracaoLoteria, int]], data: st.DataObject
) -> None:
    regras = data.draw(regras_de(tamanho))
    contempladas: dict[int, int] = {}
    excluidas: set[int] = set(data.draw(st.lists(st.integers(1, tamanho), max_size=10)))
    restituidas: set[int] = set()
    credito = D("50000")
    for numero, (extracao, semente) in enumerate(assembleias, start=1):
        rnd = random.Random(semente)
        livres = [n for n in range(1, tamanho + 1) if n not in contempladas and n not in excluidas]
        # some members are in arrears this month and sit this assembleia out
        adimplentes = [n for n in livres if rnd.random() > 0.1]
        lances = tuple(
            Lance(n, TipoLance.LIVRE, D(rnd.randint(1, 60))) for n in rnd.sample(livres, min(len(livres), 8))
        )
        entrada = EntradaApuracao(
            grupo="G",
            assembleia=numero,
            tamanho_grupo=tamanho,
            regras=regras,
            extracao=extracao,
            cotas_ativas=tuple(CotaAtiva(n, credito, D("90"), 50) for n in adimplentes),
            cotas_excluidas=tuple(CotaExcluida(n, D("1000")) for n in sorted(excluidas - restituidas)),
            lances=lances,
            saldo_fundo_comum=D(rnd.randint(0, 400_000)),
            saldo_fundo_reserva=D(rnd.randint(0, 100_000)),
        )
        for c in apurar(entrada).contemplacoes:
            if c.modalidade is Modalidade.RESTITUICAO:
                assert c.cota not in restituidas
                restituidas.add(c.cota)
            else:
                assert c.cota not in contempladas, (
                    f"cota {c.cota} já contemplada na assembleia {contempladas[c.cota]}"
                )
                contempladas[c.cota] = numero
