"""CNAB 240 pagamentos (segments A and B, TED and PIX by key): remessa positions, retorno, round trip.

Positions: FEBRABAN "Layout Padrão de Arquivos — CNAB 240 posições", versão 10.11, serviço Pagamentos.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_app.cobranca.cnab240 import (
    ContaEmpresa,
    ErroCnab,
    Favorecido,
    FormaLancamento,
    Pagamento,
    RemessaPagamentos,
    TipoChavePix,
    escrever_remessa_pagamentos,
    ler_retorno_pagamentos,
    linhas_remessa_pagamentos,
)

pytestmark = pytest.mark.unit

CONTA = ContaEmpresa(
    banco="341",
    nome_banco="Banco Itaú S.A.",
    inscricao="11222333000181",
    nome="Administradora de Consórcios Ação Ltda",
    convenio="",
    agencia="0293",
    dv_agencia=" ",
    conta="1328",
    dv_conta="1",
)

CONTEMPLADO = Favorecido(nome="Maria Antônia Gonçalves", inscricao="52998224725")


def _pix(n: int, valor: str = "45000.00", **outros: object) -> Pagamento:
    base = Pagamento(
        seu_numero=f"CREDITO{n:05d}",
        data=date(2026, 12, 7),
        valor=Decimal(valor),
        favorecido=CONTEMPLADO,
        tipo_chave=TipoChavePix.EMAIL,
        chave_pix="Maria.Antonia@example.com",
        txid=f"CARTA{n:05d}",
        informacao="Carta de crédito — cota 045",
    )
    return replace(base, **outros)  # type: ignore[arg-type]


def _ted(n: int, valor: str = "1200.50") -> Pagamento:
    return Pagamento(
        seu_numero=f"TED{n:05d}",
        data=date(2026, 12, 7),
        valor=Decimal(valor),
        favorecido=Favorecido(
            nome="Concessionária Boa Viagem Ltda",
            inscricao="11444777000161",
            banco="001",
            agencia="1606",
            dv_agencia="3",
            conta="68093",
            dv_conta="X",
            ispb="00000000",
        ),
        informacao="Pagamento do bem",
    )


def _remessa(forma: FormaLancamento, pagamentos: list[Pagamento]) -> RemessaPagamentos:
    return RemessaPagamentos(
        conta=CONTA, numero=3, gerada_em=datetime(2026, 12, 6, 9, 0, 0), forma=forma, pagamentos=pagamentos
    )


def _campo(linha: str, inicio: int, fim: int) -> str:
    return linha[inicio - 1 : fim]


def test_pix_remessa_layout() -> None:
    texto = escrever_remessa_pagamentos(
        _remessa(FormaLancamento.PIX_TRANSFERENCIA, [_pix(1), _pix(2, "10.01")])
    )
    linhas = texto.split("\r\n")[:-1]
    assert texto.isascii() and all(len(linha) == 240 for linha in linhas)
    assert [linha[7] + (linha[13] if linha[7] == "3" else "") for linha in linhas] == [
        "0", "1", "3A", "3B", "3A", "3B", "5", "9",
    ]  # fmt: skip
    lote, a, b = linhas[1:4]
    assert _campo(lote, 9, 16) == "C2045046"
    assert _campo(lote, 223, 224) == "01"
    assert _campo(a, 15, 20) == "000009"  # inclusão, câmara 009 (PIX)
    assert _campo(a, 21, 43) == "000" + "00000" + " " + "000000000000" + "  "  # paid by key: no account
    assert _campo(a, 44, 73) == "MARIA ANTONIA GONCALVES".ljust(30)
    assert _campo(a, 74, 93) == "CREDITO00001".ljust(20)
    assert _campo(a, 94, 134) == "07122026" + "BRL" + "0" * 15 + "000000004500000"
    assert _campo(b, 15, 32) == "002" + "1" + "00052998224725"
    assert _campo(b, 33, 67) == "CARTA00001".ljust(35)
    assert _campo(b, 68, 127) == "CARTA DE CREDITO - COTA 045".ljust(60)
    assert _campo(b, 128, 226) == "Maria.Antonia@example.com".ljust(99)  # the key as typed
    trailer = linhas[-2]
    assert _campo(trailer, 18, 41) == "000006" + "000000000004501001"
    assert _campo(linhas[-1], 18, 29) == "000001" + "000008"


def test_ted_remessa_layout() -> None:
    a, b = linhas_remessa_pagamentos(_remessa(FormaLancamento.TED_OUTRA_TITULARIDADE, [_ted(1)]))[2:4]
    assert _campo(a, 18, 43) == "018" + "001" + "01606" + "3" + "000000068093" + "X" + " "
    assert _campo(a, 178, 217) == "PAGAMENTO DO BEM".ljust(40)
    assert _campo(a, 220, 224) == "00010"
    assert _campo(b, 15, 32) == "   " + "2" + "11444777000161"
    assert _campo(b, 233, 240) == "00000000"


@pytest.mark.parametrize(
    ("forma", "pagamento", "mensagem"),
    [
        (FormaLancamento.PIX_TRANSFERENCIA, _pix(1, tipo_chave=None), "forma de iniciação"),
        (FormaLancamento.PIX_TRANSFERENCIA, _pix(1, chave_pix=""), "sem chave"),
        (
            FormaLancamento.PIX_TRANSFERENCIA,
            _pix(1, tipo_chave=TipoChavePix.DADOS_BANCARIOS),
            "dados bancários",
        ),
        (FormaLancamento.PIX_TRANSFERENCIA, _pix(1, chave_pix="x" * 100), "99 caracteres"),
        (FormaLancamento.PIX_TRANSFERENCIA, _pix(1, txid="T" * 36), "txid"),
        (FormaLancamento.PIX_TRANSFERENCIA, _pix(1, valor="0"), "positivo"),
        (FormaLancamento.PIX_TRANSFERENCIA, _pix(1, seu_numero="S" * 21), "seu número"),
        (FormaLancamento.TED_OUTRA_TITULARIDADE, _pix(1), "TED sem banco"),
        (FormaLancamento.TED_OUTRA_TITULARIDADE, replace(_ted(1), chave_pix="a@b.c"), "chave PIX numa TED"),
    ],
)
def test_remessa_rejects(forma: FormaLancamento, pagamento: Pagamento, mensagem: str) -> None:
    with pytest.raises(ValueError, match=mensagem):
        escrever_remessa_pagamentos(_remessa(forma, [pagamento]))


def test_pix_by_bank_details() -> None:
    pagamento = _pix(
        1,
        tipo_chave=TipoChavePix.DADOS_BANCARIOS,
        chave_pix="",
        favorecido=replace(CONTEMPLADO, banco="260", agencia="1", conta="123456", dv_conta="7"),
    )
    a, b = linhas_remessa_pagamentos(_remessa(FormaLancamento.PIX_TRANSFERENCIA, [pagamento]))[2:4]
    assert _campo(a, 21, 43) == "260" + "00001" + " " + "000000123456" + "7" + " "
    assert _campo(b, 15, 17) == "005"


# --- retorno: the bank's answer, built from the remessa --------------------------------------------


def retorno_do_banco(
    remessa: str, ocorrencias: dict[str, str], efetivado_em: date = date(2026, 12, 7)
) -> str:
    """What the bank answers for a pagamentos remessa: per seu número, the ocorrência codes (G059);
    "00" pays the full amount on `efetivado_em`. Written from the FEBRABAN positions, independently of
    the production writer."""
    linhas = remessa.split("\r\n")[:-1]
    saida = []
    for linha in linhas:
        if linha[7] == "0":
            linha = linha[:142] + "2" + linha[143:]
        elif linha[7] == "3" and linha[13] == "A":
            seu = linha[73:93].rstrip()
            codigos = ocorrencias[seu]
            pago = codigos.startswith("00")
            linha = (
                linha[:134]
                + f"BANCO{seu}".ljust(20)[:20]
                + (f"{efetivado_em:%d%m%Y}" if pago else "00000000")
                + (linha[119:134] if pago else "0" * 15)
                + linha[177:230]
                + codigos.ljust(10)
            )
        saida.append(linha)
    for linha in saida:
        assert len(linha) == 240
    return "\r\n".join(saida) + "\r\n"


def test_retorno_pix() -> None:
    remessa = escrever_remessa_pagamentos(
        _remessa(FormaLancamento.PIX_TRANSFERENCIA, [_pix(1), _pix(2, "10.01"), _pix(3, "7.00")])
    )
    retorno = ler_retorno_pagamentos(
        retorno_do_banco(remessa, {"CREDITO00001": "00", "CREDITO00002": "BD", "CREDITO00003": "AGAP"})
    )
    assert (retorno.banco, retorno.numero, retorno.inscricao) == ("341", 3, "11222333000181")
    pago, agendado, rejeitado = retorno.pagamentos
    assert pago.efetivado and not pago.rejeitado
    assert pago.valor_efetivado == Decimal("45000.00")
    assert pago.data_efetivacao == date(2026, 12, 7)
    assert pago.nosso_numero == "BANCOCREDITO00001"
    assert pago.chave_pix == "Maria.Antonia@example.com"
    assert pago.favorecido_inscricao == "52998224725"
    assert pago.linha == 3
    assert agendado.agendado and agendado.valor_efetivado == Decimal(0)
    assert rejeitado.rejeitado and rejeitado.ocorrencias == ("AG", "AP")


def test_retorno_ted_without_segment_b() -> None:
    remessa = escrever_remessa_pagamentos(_remessa(FormaLancamento.TED_OUTRA_TITULARIDADE, [_ted(1)]))
    texto = retorno_do_banco(remessa, {"TED00001": "00"})
    linhas = texto.split("\r\n")[:-1]
    del linhas[3]  # the B
    linhas[3] = linhas[3][:17] + "000003" + linhas[3][23:]  # trailer de lote: 3 records
    linhas[4] = linhas[4][:23] + "000005" + linhas[4][29:]  # trailer de arquivo: 5 records
    pagamento = ler_retorno_pagamentos("\r\n".join(linhas) + "\r\n").pagamentos[0]
    assert pagamento.favorecido_inscricao == ""
    assert pagamento.efetivado


@pytest.mark.parametrize(
    ("alterar", "linha", "motivo"),
    [
        (lambda t: t.replace("TED00001  ", "TED00001 X", 1), 0, None),  # a changed seu número still reads
        (lambda t: _trocar(t, 3, 231, "          "), 3, "sem ocorrência"),
        (lambda t: _trocar(t, 3, 120, "00000000000000X"), 3, "valor do pagamento"),
        (lambda t: _trocar(t, 3, 155, "32122026"), 3, "data real"),
        (lambda t: _trocar(t, 5, 24, "000000000000000001"), 5, "somatória"),
        (lambda t: _trocar(t, 2, 9, "D"), 2, "operação C"),
        (lambda t: _trocar(t, 3, 14, "B"), 3, "antes de qualquer segmento A"),
        (lambda t: _trocar(t, 5, 18, "000005"), 5, "registros"),
    ],
)
def test_malformed_retorno(alterar: Callable[[str], str], linha: int, motivo: str | None) -> None:
    remessa = escrever_remessa_pagamentos(_remessa(FormaLancamento.TED_OUTRA_TITULARIDADE, [_ted(1)]))
    texto = alterar(retorno_do_banco(remessa, {"TED00001": "00"}))
    if motivo is None:
        ler_retorno_pagamentos(texto)
        return
    with pytest.raises(ErroCnab, match=motivo) as erro:
        ler_retorno_pagamentos(texto)
    assert erro.value.linha == linha


def _trocar(texto: str, numero_linha: int, inicio: int, novo: str) -> str:
    linhas = texto.split("\r\n")
    alvo = linhas[numero_linha - 1]
    linhas[numero_linha - 1] = alvo[: inicio - 1] + novo + alvo[inicio - 1 + len(novo) :]
    return "\r\n".join(linhas)


@settings(max_examples=30, deadline=None)
@given(
    valores=st.lists(st.integers(min_value=1, max_value=10**13 - 1), min_size=1, max_size=15),
    codigos=st.lists(st.sampled_from(["00", "BD", "AG", "00BD"]), min_size=15, max_size=15),
    pix=st.booleans(),
)
def test_round_trip(valores: list[int], codigos: list[str], pix: bool) -> None:
    forma = FormaLancamento.PIX_TRANSFERENCIA if pix else FormaLancamento.TED_OUTRA_TITULARIDADE
    criar = _pix if pix else _ted
    pagamentos = [criar(n, str(Decimal(c).scaleb(-2))) for n, c in enumerate(valores)]
    remessa = escrever_remessa_pagamentos(_remessa(forma, pagamentos))
    ocorrencias = {p.seu_numero: codigo for p, codigo in zip(pagamentos, codigos, strict=False)}
    retorno = ler_retorno_pagamentos(retorno_do_banco(remessa, ocorrencias))
    assert [r.seu_numero for r in retorno.pagamentos] == [p.seu_numero for p in pagamentos]
    for enviado, recebido in zip(pagamentos, retorno.pagamentos, strict=True):
        assert recebido.valor == enviado.valor
        assert recebido.data_pagamento == enviado.data
        assert recebido.efetivado == ocorrencias[enviado.seu_numero].startswith("00")
        assert recebido.valor_efetivado == (enviado.valor if recebido.efetivado else Decimal(0))
        assert recebido.forma == forma.value


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_any_corruption_raises_only_erro_cnab(data: st.DataObject) -> None:
    remessa = escrever_remessa_pagamentos(_remessa(FormaLancamento.PIX_TRANSFERENCIA, [_pix(1), _pix(2)]))
    texto = retorno_do_banco(remessa, {"CREDITO00001": "00", "CREDITO00002": "BD"})
    posicao = data.draw(st.integers(min_value=0, max_value=len(texto) - 1))
    alterado = texto[:posicao] + data.draw(st.characters(codec="latin-1")) + texto[posicao + 1 :]
    try:
        ler_retorno_pagamentos(alterado)
    except ErroCnab as erro:
        assert erro.motivo
