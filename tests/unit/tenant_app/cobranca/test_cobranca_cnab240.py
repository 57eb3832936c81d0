"""CNAB 240 cobrança: remessa writer, retorno parser, and the round trip through a synthetic bank retorno.

Positions are those of FEBRABAN's "Layout Padrão de Arquivos — CNAB 240 posições" (versão 10.11),
1-based and inclusive; `_campo(linha, inicio, fim)` reads them the way the manual prints them.
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
    Movimento,
    Ocorrencia,
    Pagador,
    Remessa,
    TituloRemessa,
    escrever_remessa,
    ler_retorno,
    linhas_remessa,
)

pytestmark = pytest.mark.unit

CONTA = ContaEmpresa(
    banco="001",
    nome_banco="Banco do Brasil S.A.",
    inscricao="11222333000181",
    nome="Administradora de Consórcios Ação Ltda",
    convenio="1234567",
    agencia="1606",
    dv_agencia="3",
    conta="68093",
    dv_conta="X",
)

PAGADOR = Pagador(
    inscricao="52998224725",
    nome="José da Conceição Araújo",
    endereco="Rua São João, 123 — apto 4",
    bairro="Centro",
    cep="01001000",
    cidade="São Paulo",
    uf="sp",
)


def _titulo(n: int, valor: str = "350.75", **outros: object) -> TituloRemessa:
    base = TituloRemessa(
        nosso_numero=f"1234567{n:010d}",
        seu_numero=f"PARC{n:06d}",
        vencimento=date(2026, 12, 10),
        valor=Decimal(valor),
        emissao=date(2026, 11, 20),
        pagador=PAGADOR,
        juros_por_dia=Decimal("0.12"),
        multa_percentual=Decimal("2.00"),
        uso_empresa=f"parcela-{n}",
    )
    return replace(base, **outros)  # type: ignore[arg-type]


def _remessa(titulos: list[TituloRemessa]) -> Remessa:
    return Remessa(conta=CONTA, numero=17, gerada_em=datetime(2026, 12, 6, 14, 30, 5), titulos=titulos)


def _campo(linha: str, inicio: int, fim: int) -> str:
    return linha[inicio - 1 : fim]


# --- a synthetic bank: the retorno the bank would send for a remessa ------------------------------


def retorno_sintetico(
    remessa: str,
    ocorrencias: dict[str, tuple[str, Decimal, Decimal]],
    data_credito: date = date(2026, 12, 11),
    banco_errado_na_linha: int | None = None,
) -> str:
    """Build, from a remessa's text, the retorno a bank would answer: per título (keyed by nosso número)
    (código de movimento, valor pago, tarifa). Written independently of the production writer, from the
    FEBRABAN positions, so that a misplaced field in either shows up."""
    linhas = remessa.split("\r\n")[:-1]
    header = linhas[0]
    banco = header[0:3]
    saida = [header[:142] + "2" + header[143:]]  # 143: 2 = retorno
    saida.append(linhas[1][:8] + "T" + linhas[1][9:])
    sequencial = 0
    quantidade = 0
    total = 0
    for p in (x for x in linhas if x[7] == "3" and x[13] == "P"):
        nosso = p[37:57].rstrip()
        if nosso not in ocorrencias:
            continue
        codigo, pago, tarifa = ocorrencias[nosso]
        valor_nominal = int(p[85:100])
        quantidade += 1
        total += valor_nominal
        sequencial += 1
        t = (
            f"{banco}00013{sequencial:05d}T {codigo}"
            + p[17:37]  # agência, conta and DVs
            + p[37:57]  # nosso número
            + p[57]  # carteira
            + p[62:77]  # seu número
            + p[77:85]  # vencimento
            + p[85:100]  # valor nominal
            + "341"
            + "01234"
            + " "
            + p[195:220]  # uso da empresa
            + "09"
            + "1"
            + "000052998224725"
            + "JOSE DA CONCEICAO ARAUJO".ljust(40)
            + "0" * 10
            + f"{int(tarifa * 100):015d}"
            + ("A1" if codigo == "03" else "00").ljust(10)
            + " " * 17
        )
        sequencial += 1
        liquido = pago - tarifa if codigo in ("06", "17") else Decimal(0)
        ocorrido = "06122026" if codigo != "02" else "07122026"
        credito = f"{data_credito:%d%m%Y}" if codigo in ("06", "17") else "00000000"
        u = (
            f"{banco}00013{sequencial:05d}U {codigo}"
            + "0" * 15 * 4
            + f"{int(pago * 100):015d}"
            + f"{int(liquido * 100):015d}"
            + "0" * 15 * 2
            + ocorrido
            + credito
            + "0000"
            + "00000000"
            + "0" * 15
            + " " * 30
            + "000"
            + " " * 20
            + " " * 7
        )
        saida.extend([t, u])
    saida.append(
        f"{banco}00015"
        + " " * 9
        + f"{sequencial + 2:06d}"
        + f"{quantidade:06d}"
        + f"{total:017d}"
        + "0" * 69
        + " " * 8
        + " " * 117
    )
    saida.append(f"{banco}99999" + " " * 9 + "000001" + f"{len(saida) + 1:06d}" + "000000" + " " * 205)
    if banco_errado_na_linha is not None:
        i = banco_errado_na_linha - 1
        saida[i] = "999" + saida[i][3:]
    for linha in saida:
        assert len(linha) == 240, (len(linha), linha[:20])
    return "\r\n".join(saida) + "\r\n"


# --- remessa ---------------------------------------------------------------------------------------


def test_remessa_layout() -> None:
    texto = escrever_remessa(_remessa([_titulo(1), _titulo(2, "1000.00")]))
    assert texto.endswith("\r\n")
    assert texto.isascii()
    linhas = texto.split("\r\n")[:-1]
    assert all(len(linha) == 240 for linha in linhas)
    tipos = [linha[7] + (linha[13] if linha[7] == "3" else "") for linha in linhas]
    assert tipos == ["0", "1", "3P", "3Q", "3R", "3P", "3Q", "3R", "5", "9"]

    header, lote, p, q, r = linhas[:5]
    assert _campo(header, 1, 8) == "00100000"
    assert _campo(header, 18, 32) == "211222333000181"
    assert _campo(header, 33, 52) == "1234567".ljust(20)
    assert _campo(header, 53, 72) == "016063000000068093X "
    assert _campo(header, 73, 102) == "ADMINISTRADORA DE CONSORCIOS A"
    assert _campo(header, 143, 163) == "1" + "06122026" + "143005" + "000017"
    assert _campo(header, 164, 166) == "103"

    assert _campo(lote, 9, 17) == "R01  060 "
    assert _campo(lote, 184, 199) == "00000017" + "06122026"

    assert _campo(p, 9, 17) == "00001P 01"
    assert _campo(p, 38, 57) == "12345670000000001".ljust(20)
    assert _campo(p, 63, 77) == "PARC000001".ljust(15)
    assert _campo(p, 78, 85) == "10122026"
    assert _campo(p, 86, 100) == "000000000035075"
    assert _campo(p, 118, 141) == "1" + "11122026" + "000000000000012"
    assert _campo(p, 196, 220) == "PARCELA-1".ljust(25)
    assert _campo(p, 228, 229) == "09"

    assert _campo(q, 18, 33) == "1" + "000052998224725"
    assert _campo(q, 34, 73) == "JOSE DA CONCEICAO ARAUJO".ljust(40)
    assert _campo(q, 74, 113) == "RUA SAO JOAO, 123 - APTO 4".ljust(40)
    assert _campo(q, 129, 153) == "01001000" + "SAO PAULO".ljust(15) + "SP"

    assert _campo(r, 66, 89) == "2" + "11122026" + "000000000000200"

    trailer_lote, trailer_arquivo = linhas[-2:]
    assert _campo(trailer_lote, 18, 23) == "000008"  # header + 6 segments + trailer
    assert _campo(trailer_lote, 24, 46) == "000002" + "00000000000135075"
    assert _campo(trailer_arquivo, 1, 8) == "00199999"
    assert _campo(trailer_arquivo, 18, 29) == "000001" + "000010"


def test_remessa_trailer_without_totals() -> None:
    linhas = linhas_remessa(replace(_remessa([_titulo(1)]), totais_no_trailer_de_lote=False))
    assert _campo(linhas[-2], 18, 23) == "000005"
    assert _campo(linhas[-2], 24, 240) == " " * 217


def test_remessa_without_interest_or_fine() -> None:
    p, _, r = linhas_remessa(
        _remessa(
            [_titulo(1, juros_por_dia=Decimal(0), multa_percentual=Decimal(0), movimento=Movimento.BAIXA)]
        )
    )[2:5]
    assert _campo(p, 16, 17) == "02"
    assert _campo(p, 118, 126) == "3" + "00000000"
    assert _campo(r, 66, 74) == "0" + "00000000"


@pytest.mark.parametrize(
    ("titulo", "mensagem"),
    [
        (_titulo(1, nosso_numero="1" * 21), "nosso número"),
        (_titulo(1, seu_numero="X" * 16), "seu número"),
        (_titulo(1, valor="-1.00"), "negativo"),
        (_titulo(1, valor="1.005"), "duas casas"),
        (_titulo(1, valor="1" * 14), "comporta"),
        (_titulo(1, pagador=replace(PAGADOR, cep="1001-000")), "CEP"),
        (_titulo(1, pagador=replace(PAGADOR, inscricao="123")), "CPF"),
        (_titulo(1, juros_por_dia=Decimal("0.001")), "juros"),
    ],
)
def test_remessa_rejects(titulo: TituloRemessa, mensagem: str) -> None:
    with pytest.raises(ValueError, match=mensagem):
        escrever_remessa(_remessa([titulo]))


def test_remessa_needs_titulos_and_a_valid_account() -> None:
    with pytest.raises(ValueError, match="sem títulos"):
        escrever_remessa(_remessa([]))
    with pytest.raises(ValueError, match="agência"):
        escrever_remessa(replace(_remessa([_titulo(1)]), conta=replace(CONTA, agencia="123456")))
    with pytest.raises(ValueError, match="número sequencial"):
        escrever_remessa(replace(_remessa([_titulo(1)]), numero=10**6))


def test_alphanumeric_cnpj_is_written() -> None:
    conta = replace(CONTA, inscricao="12ABC34501DE35")
    header = linhas_remessa(replace(_remessa([_titulo(1)]), conta=conta))[0]
    assert _campo(header, 18, 32) == "212ABC34501DE35"


# --- retorno ---------------------------------------------------------------------------------------


def _retorno_exemplo() -> str:
    remessa = escrever_remessa(
        _remessa([_titulo(1), _titulo(2, "99.90"), _titulo(3), _titulo(4), _titulo(5)])
    )
    return retorno_sintetico(
        remessa,
        {
            "12345670000000001": ("02", Decimal(0), Decimal("1.50")),
            "12345670000000002": ("06", Decimal("101.90"), Decimal("1.50")),
            "12345670000000003": ("09", Decimal(0), Decimal(0)),
            "12345670000000004": ("03", Decimal(0), Decimal(0)),
            "12345670000000005": ("28", Decimal(0), Decimal("2.35")),
        },
    )


def test_retorno_is_parsed_into_typed_records() -> None:
    retorno = ler_retorno(_retorno_exemplo())
    assert (retorno.banco, retorno.numero, retorno.inscricao) == ("001", 17, "11222333000181")
    assert retorno.convenio == "1234567"
    assert retorno.gerado_em == datetime(2026, 12, 6, 14, 30, 5)
    assert [t.ocorrencia for t in retorno.titulos] == [
        Ocorrencia.ENTRADA_CONFIRMADA,
        Ocorrencia.LIQUIDACAO,
        Ocorrencia.BAIXA,
        Ocorrencia.ENTRADA_REJEITADA,
        Ocorrencia.TARIFA,
    ]
    liquidado = retorno.titulos[1]
    assert liquidado.nosso_numero == "12345670000000002"
    assert liquidado.seu_numero == "PARC000002"
    assert liquidado.uso_empresa == "PARCELA-2"
    assert liquidado.valor_nominal == Decimal("99.90")
    assert liquidado.valor_pago == Decimal("101.90")
    assert liquidado.valor_tarifa == Decimal("1.50")
    assert liquidado.valor_liquido == Decimal("100.40")
    assert liquidado.vencimento == date(2026, 12, 10)
    assert liquidado.data_ocorrencia == date(2026, 12, 6)
    assert liquidado.data_credito == date(2026, 12, 11)
    assert liquidado.pagador_inscricao == "52998224725"
    assert liquidado.linha == 5
    assert retorno.titulos[0].data_credito is None
    assert retorno.titulos[3].motivos == ("A1",)
    assert retorno.titulos[4].valor_tarifa == Decimal("2.35")


def test_retorno_accepts_bytes_and_bare_lf() -> None:
    texto = _retorno_exemplo()
    assert ler_retorno(texto.encode("ascii")) == ler_retorno(texto)
    assert ler_retorno(texto.replace("\r\n", "\n")) == ler_retorno(texto)


def test_unknown_movement_code_is_kept() -> None:
    remessa = escrever_remessa(_remessa([_titulo(1)]))
    retorno = ler_retorno(retorno_sintetico(remessa, {"12345670000000001": ("14", Decimal(0), Decimal(0))}))
    assert retorno.titulos[0].codigo_movimento == "14"
    assert retorno.titulos[0].ocorrencia is None


def _trocar(texto: str, numero_linha: int, inicio: int, novo: str) -> str:
    linhas = texto.split("\r\n")
    alvo = linhas[numero_linha - 1]
    linhas[numero_linha - 1] = alvo[: inicio - 1] + novo + alvo[inicio - 1 + len(novo) :]
    return "\r\n".join(linhas)


def _sem_linha(texto: str, numero_linha: int) -> str:
    linhas = texto.split("\r\n")
    del linhas[numero_linha - 1]
    return "\r\n".join(linhas)


# The example retorno: 1 header, 2 lote header, 3..12 five T/U pairs (T on odd lines), 13 trailer de
# lote, 14 trailer de arquivo.
@pytest.mark.parametrize(
    ("alterar", "linha", "motivo"),
    [
        (lambda t: _trocar(t, 6, 240, "X"), 6, None),  # a filler is not checked
        (lambda t: t.replace("\r\n", "\r\nX", 1), 2, "241 caracteres"),
        (lambda t: _trocar(t, 3, 82, "00000000000A"), 3, "valor nominal"),
        (lambda t: _trocar(t, 4, 93, "-"), 4, "valor líquido"),
        (lambda t: _trocar(t, 3, 74, "31022026"), 3, "data DDMMAAAA"),
        (lambda t: _trocar(t, 3, 9, "00009"), 3, "sequencial"),
        (lambda t: _trocar(t, 3, 14, "U"), 3, "sem o segmento T"),
        (lambda t: _trocar(t, 4, 14, "T"), 4, "seguido do segmento U"),
        (lambda t: _trocar(t, 4, 16, "09"), 4, "código de movimento"),
        (lambda t: _trocar(t, 13, 18, "000013"), 13, "informa 13 registros"),
        (lambda t: _trocar(t, 13, 24, "000004"), 13, "informa 4 títulos"),
        (lambda t: _trocar(t, 13, 30, "00000000000000001"), 13, "valor total"),
        (lambda t: _trocar(t, 14, 18, "000002"), 14, "2 lotes"),
        (lambda t: _trocar(t, 14, 24, "000015"), 14, "15 registros"),
        (lambda t: _trocar(t, 1, 143, "1"), 1, "não é um retorno"),
        (lambda t: _trocar(t, 1, 8, "1"), 1, "header de arquivo"),
        (lambda t: _trocar(t, 2, 9, "R"), 2, "operação T"),
        (lambda t: _trocar(t, 2, 10, "03"), 2, "cobrança"),
        (lambda t: _trocar(t, 2, 4, "0002"), 2, "fora de ordem"),
        (lambda t: _trocar(t, 7, 1, "237"), 7, "código do banco"),
        (lambda t: _trocar(t, 7, 4, "0002"), 7, "dentro do lote"),
        (lambda t: _trocar(t, 7, 8, "7"), 7, "tipo 3"),
        (lambda t: _sem_linha(t, 14), 13, "trailer de arquivo"),
        (lambda t: _sem_linha(_sem_linha(t, 14), 13), 12, "sem trailer de lote"),
        (lambda t: _sem_linha(t, 12), 12, "informa 12 registros, o lote tem 11"),
        (
            lambda t: _trocar(_trocar(_sem_linha(t, 12), 12, 18, "000011"), 13, 24, "000013"),
            12,
            "sem o segmento U",
        ),
        (lambda t: _trocar(t, 12, 14, "Y"), 12, "seguido do segmento U"),
        (lambda t: t + t.split("\r\n")[13] + "\r\n", 15, "depois do trailer"),
        (lambda t: _trocar(t, 1, 152, "256000"), 1, "hora"),
    ],
)
def test_malformed_retorno_names_the_line(
    alterar: Callable[[str], str], linha: int, motivo: str | None
) -> None:
    texto = alterar(_retorno_exemplo())
    if motivo is None:
        ler_retorno(texto)
        return
    with pytest.raises(ErroCnab, match=motivo) as erro:
        ler_retorno(texto)
    assert erro.value.linha == linha
    assert str(erro.value).startswith(f"linha {linha}: ")


def test_empty_file() -> None:
    with pytest.raises(ErroCnab, match="vazio"):
        ler_retorno("")


def test_totals_check_can_be_relaxed_for_banks_reporting_the_carteira() -> None:
    texto = _trocar(_retorno_exemplo(), 13, 24, "000999")
    with pytest.raises(ErroCnab):
        ler_retorno(texto)
    assert len(ler_retorno(texto, conferir_totais_cobranca=False).titulos) == 5


def test_wrong_bank_on_a_detail_line_is_caught() -> None:
    remessa = escrever_remessa(_remessa([_titulo(1)]))
    texto = retorno_sintetico(
        remessa, {"12345670000000001": ("06", Decimal(1), Decimal(0))}, banco_errado_na_linha=4
    )
    with pytest.raises(ErroCnab, match="código do banco") as erro:
        ler_retorno(texto)
    assert erro.value.linha == 4


# --- the round trip ----------------------------------------------------------------------------------

_texto = st.text(alphabet=st.characters(codec="latin-1", exclude_categories=["Cc"]), max_size=50)
_titulos = st.lists(
    st.builds(
        TituloRemessa,
        nosso_numero=st.from_regex(r"[0-9]{1,20}", fullmatch=True),
        seu_numero=st.from_regex(r"[A-Z0-9]{1,15}", fullmatch=True),
        vencimento=st.dates(min_value=date(2024, 1, 1), max_value=date(2099, 12, 31)),
        valor=st.integers(min_value=1, max_value=10**13 - 1).map(lambda c: Decimal(c).scaleb(-2)),
        emissao=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
        pagador=st.builds(
            Pagador,
            inscricao=st.from_regex(r"[0-9]{11}|[0-9]{14}", fullmatch=True),
            nome=_texto,
            endereco=_texto,
            bairro=_texto,
            cep=st.from_regex(r"[0-9]{8}", fullmatch=True),
            cidade=_texto,
            uf=st.sampled_from(["SP", "RJ", "MG", "ba"]),
        ),
        juros_por_dia=st.integers(min_value=0, max_value=10**6).map(lambda c: Decimal(c).scaleb(-2)),
        multa_percentual=st.sampled_from([Decimal(0), Decimal("2.00"), Decimal("1.5")]),
        uso_empresa=st.from_regex(r"[A-Z0-9-]{0,25}", fullmatch=True),
        mensagem=_texto,
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda t: t.nosso_numero,
)


@settings(max_examples=40, deadline=None)
@given(titulos=_titulos, data=st.data())
def test_round_trip_remessa_retorno(titulos: list[TituloRemessa], data: st.DataObject) -> None:
    remessa = escrever_remessa(_remessa(titulos))
    linhas = remessa.split("\r\n")[:-1]
    assert all(len(linha) == 240 and linha.isascii() for linha in linhas)
    assert len(linhas) == 3 * len(titulos) + 4
    assert int(_campo(linhas[-2], 30, 46)) == sum(int(t.valor * 100) for t in titulos)

    codigos = data.draw(
        st.lists(
            st.sampled_from(["02", "03", "06", "09", "17", "28"]),
            min_size=len(titulos),
            max_size=len(titulos),
        )
    )
    ocorrencias = {
        t.nosso_numero: (codigo, t.valor if codigo in ("06", "17") else Decimal(0), Decimal("0.01"))
        for t, codigo in zip(titulos, codigos, strict=True)
    }
    retorno = ler_retorno(retorno_sintetico(remessa, ocorrencias))
    assert len(retorno.titulos) == len(titulos)
    for enviado, recebido, codigo in zip(titulos, retorno.titulos, codigos, strict=True):
        assert recebido.nosso_numero == enviado.nosso_numero
        assert recebido.seu_numero == enviado.seu_numero
        assert recebido.vencimento == enviado.vencimento
        assert recebido.valor_nominal == enviado.valor
        assert recebido.uso_empresa == enviado.uso_empresa
        assert recebido.ocorrencia == Ocorrencia(codigo)
        if codigo in ("06", "17"):
            assert recebido.valor_pago == enviado.valor
            assert recebido.valor_liquido == enviado.valor - Decimal("0.01")
            assert recebido.data_credito == date(2026, 12, 11)
        else:
            assert recebido.data_credito is None


def test_large_remessa_counts() -> None:
    titulos = [_titulo(n, valor=f"{n}.{n % 100:02d}") for n in range(1, 1001)]
    linhas = linhas_remessa(_remessa(titulos))
    assert _campo(linhas[-2], 18, 23) == f"{3 * 1000 + 2:06d}"
    assert _campo(linhas[-1], 24, 29) == f"{3 * 1000 + 4:06d}"
    assert [int(_campo(x, 9, 13)) for x in linhas[2:-2]] == list(range(1, 3001))
    assert Decimal(int(_campo(linhas[-2], 30, 46))).scaleb(-2) == sum((t.valor for t in titulos), Decimal(0))


def test_fast_and_field_by_field_readings_agree() -> None:
    # ler_retorno reads well-formed T/U pairs in one go and falls back to the field-by-field reading
    # (which names the bad field) when anything is off: both must give the same título.
    from tenant_app.cobranca.cnab240.campos import Leitor
    from tenant_app.cobranca.cnab240.retorno import _titulo, _titulo_rapido

    linhas = _retorno_exemplo().split("\r\n")
    for indice in range(2, 12, 2):
        t, u = linhas[indice], linhas[indice + 1]
        rapido = _titulo_rapido(t, u, indice + 1, 1)
        assert rapido is not None
        assert rapido == _titulo(Leitor(t, indice + 1), Leitor(u, indice + 2), 1)


def test_remessa_splits_into_lotes(monkeypatch: pytest.MonkeyPatch) -> None:
    from tenant_app.cobranca.cnab240 import remessa as modulo

    monkeypatch.setattr(modulo, "TITULOS_POR_LOTE", 2)
    linhas = linhas_remessa(_remessa([_titulo(n) for n in range(1, 6)]))
    tipos = "".join(linha[7] for linha in linhas)
    assert tipos == "0" + "1333333" + "5" + "1333333" + "5" + "1333" + "5" + "9"
    assert [_campo(linha, 4, 7) for linha in linhas if linha[7] == "1"] == ["0001", "0002", "0003"]
    trailers = [linha for linha in linhas if linha[7] == "5"]
    assert [_campo(t, 18, 29) for t in trailers] == ["000008000002", "000008000002", "000005000001"]
    assert _campo(linhas[-1], 18, 29) == "000003" + f"{len(linhas):06d}"


def test_retorno_with_two_lotes() -> None:
    linhas = _retorno_exemplo().split("\r\n")[:-1]
    segundo = [linha[:3] + "0002" + linha[7:] for linha in linhas[1:-1]]
    trailer = linhas[-1][:17] + "000002" + f"{len(linhas) + len(segundo):06d}" + linhas[-1][29:]
    texto = "\r\n".join([*linhas[:-1], *segundo, trailer]) + "\r\n"
    retorno = ler_retorno(texto)
    assert [t.lote for t in retorno.titulos] == [1] * 5 + [2] * 5
    assert retorno.titulos[5].linha == 3 + 13 - 1


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_corruption_raises_only_erro_cnab(data: st.DataObject) -> None:
    # Whatever byte a bank (or a disk) garbles, the answer is the parsed file or an ErroCnab with a line.
    texto = _retorno_exemplo()
    posicao = data.draw(st.integers(min_value=0, max_value=len(texto) - 1))
    novo = data.draw(st.characters(codec="latin-1"))
    alterado = texto[:posicao] + novo + texto[posicao + 1 :]
    try:
        ler_retorno(alterado)
    except ErroCnab as erro:
        assert erro.linha >= 0 and erro.motivo
