"""CNAB 240 retorno de cobrança: what the bank reports on each título (segments T and U), pure.

Layout: FEBRABAN, "Layout Padrão de Arquivos — CNAB 240 posições", versão 10.11 (2023) — header de arquivo
(registro 0, código 2 = retorno), lotes of cobrança (header 1 with operação "T", detail records 3
with segment T — the título, its ocorrência, tarifa and motivos — immediately followed by segment U
— amounts paid and credited, dates of ocorrência and crédito — trailer 5), trailer de arquivo 9.

Everything is checked: line length (240), record order, bank code, lote numbers, sequential
numbers in the lote, T followed by U, numeric fields and dates, and the trailers' counts and
totals. The first problem found raises `ErroCnab` with the line number and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from tenant_app.cobranca.cnab240.arquivo import Lote, dividir_linhas, inscricao, ler_header_arquivo, ler_lotes
from tenant_app.cobranca.cnab240.campos import ErroCnab, Leitor


class Ocorrencia(StrEnum):
    """Código de movimento retorno (FEBRABAN C044) that the settlement acts on."""

    ENTRADA_CONFIRMADA = "02"
    ENTRADA_REJEITADA = "03"
    LIQUIDACAO = "06"
    BAIXA = "09"
    LIQUIDACAO_APOS_BAIXA = "17"  # paid after a baixa, or a título the bank had not registered
    TARIFA = "28"  # débito de tarifas/custas


_OCORRENCIAS = {o.value: o for o in Ocorrencia}


class TituloRetorno(NamedTuple):
    """One título's ocorrência: segments T and U together (a tuple: cheap to build by the 100,000)."""

    linha: int  # line of the segment T
    lote: int
    codigo_movimento: str  # C044, kept as sent (also codes this platform does not act on)
    nosso_numero: str
    carteira: str
    seu_numero: str
    vencimento: date | None
    valor_nominal: Decimal
    banco_cobrador: str
    agencia_cobradora: str
    uso_empresa: str
    pagador_inscricao: str
    pagador_nome: str
    valor_tarifa: Decimal
    motivos: tuple[str, ...]  # C047: up to five 2-character codes (reasons of a rejeição, baixa, tarifa)
    juros_multa: Decimal
    desconto: Decimal
    abatimento: Decimal
    iof: Decimal
    valor_pago: Decimal
    valor_liquido: Decimal
    outras_despesas: Decimal
    outros_creditos: Decimal
    data_ocorrencia: date | None
    data_credito: date | None

    @property
    def ocorrencia(self) -> Ocorrencia | None:
        return _OCORRENCIAS.get(self.codigo_movimento)


@dataclass(frozen=True)
class Retorno:
    banco: str
    inscricao: str
    convenio: str
    agencia: str
    conta: str
    nome_empresa: str
    numero: int  # NSA
    gerado_em: datetime | None
    titulos: tuple[TituloRetorno, ...]


def _motivos(bruto: str) -> tuple[str, ...]:
    """C047, positions 214-223 of segment T: up to five 2-character codes; blanks and 00 are no code."""
    if not bruto.strip(" 0"):
        return ()
    return tuple(m for m in (bruto[i : i + 2] for i in range(0, 10, 2)) if m.strip() and m != "00")


@lru_cache(maxsize=65536)
def _centavos(texto: str) -> Decimal:
    # Amounts repeat a lot in a retorno (parcelas of one plan, zeros): one Decimal per distinct field.
    return Decimal(int(texto)).scaleb(-2)


@lru_cache(maxsize=4096)
def _data(texto: str) -> date | None:
    if texto in ("00000000", "        "):
        return None
    if not (texto.isascii() and texto.isdigit()):
        raise ValueError(texto)
    return date(int(texto[4:8]), int(texto[2:4]), int(texto[0:2]))


def _titulo_rapido(t: str, u: str, numero: int, lote: int) -> TituloRetorno | None:
    """The título of a well-formed T/U pair, or None when anything is off (then `_titulo` says what)."""
    codigo = t[15:17]
    numericos = codigo + t[81:96] + t[198:213] + u[17:137]
    if u[15:17] != codigo or not (numericos.isascii() and numericos.isdigit()):
        return None
    try:
        vencimento = _data(t[73:81])
        data_ocorrencia = _data(u[137:145])
        data_credito = _data(u[145:153])
    except ValueError:
        return None
    return TituloRetorno(
        numero,
        lote,
        codigo,
        t[37:57].rstrip(),
        t[57],
        t[58:73].rstrip(),
        vencimento,
        _centavos(t[81:96]),
        t[96:99],
        t[99:104],
        t[105:130].rstrip(),
        inscricao(t[132], t[133:148]),
        t[148:188].rstrip(),
        _centavos(t[198:213]),
        _motivos(t[213:223]),
        _centavos(u[17:32]),
        _centavos(u[32:47]),
        _centavos(u[47:62]),
        _centavos(u[62:77]),
        _centavos(u[77:92]),
        _centavos(u[92:107]),
        _centavos(u[107:122]),
        _centavos(u[122:137]),
        data_ocorrencia,
        data_credito,
    )


def _titulo(t: Leitor, u: Leitor, lote: int) -> TituloRetorno:
    """The título of a T/U pair, field by field, raising `ErroCnab` on the first bad field."""
    codigo = t.bruto(16, 17)
    if u.bruto(16, 17) != codigo:
        raise u.erro(f"segmento U com código de movimento {u.bruto(16, 17)!r}, o segmento T tem {codigo!r}")
    return TituloRetorno(
        linha=t.numero,
        lote=lote,
        codigo_movimento=t.digitos(16, 17, "código de movimento"),
        nosso_numero=t.texto(38, 57),
        carteira=t.bruto(58, 58),
        seu_numero=t.texto(59, 73),
        vencimento=t.data(74, 81, "data de vencimento"),
        valor_nominal=t.dinheiro(82, 96, "valor nominal"),
        banco_cobrador=t.bruto(97, 99),
        agencia_cobradora=t.bruto(100, 104),
        uso_empresa=t.texto(106, 130),
        pagador_inscricao=inscricao(t.bruto(133, 133), t.bruto(134, 148)),
        pagador_nome=t.texto(149, 188),
        valor_tarifa=t.dinheiro(199, 213, "valor da tarifa"),
        motivos=_motivos(t.bruto(214, 223)),
        juros_multa=u.dinheiro(18, 32, "juros/multa"),
        desconto=u.dinheiro(33, 47, "desconto"),
        abatimento=u.dinheiro(48, 62, "abatimento"),
        iof=u.dinheiro(63, 77, "IOF"),
        valor_pago=u.dinheiro(78, 92, "valor pago"),
        valor_liquido=u.dinheiro(93, 107, "valor líquido"),
        outras_despesas=u.dinheiro(108, 122, "outras despesas"),
        outros_creditos=u.dinheiro(123, 137, "outros créditos"),
        data_ocorrencia=u.data(138, 145, "data da ocorrência"),
        data_credito=u.data(146, 153, "data do crédito"),
    )


def ler_retorno(conteudo: str | bytes, *, conferir_totais_cobranca: bool = True) -> Retorno:
    """Parse a CNAB 240 retorno de cobrança, or raise `ErroCnab` (line number and reason, in Portuguese).

    `conferir_totais_cobranca=False` skips comparing the trailer de lote's count and total of títulos
    with the segments T, for banks that report there the whole carteira instead of the file's títulos
    (the record counts are always checked).
    """
    linhas = dividir_linhas(conteudo)
    cabecalho = ler_header_arquivo(linhas, "2")
    titulos: list[TituloRetorno] = []
    for lote in ler_lotes(linhas, cabecalho.banco):
        _ler_lote(linhas, lote, titulos, conferir_totais_cobranca)
    return Retorno(
        banco=cabecalho.banco,
        inscricao=cabecalho.inscricao,
        convenio=cabecalho.convenio,
        agencia=cabecalho.agencia,
        conta=cabecalho.conta,
        nome_empresa=cabecalho.nome_empresa,
        numero=cabecalho.numero,
        gerado_em=cabecalho.gerado_em,
        titulos=tuple(titulos),
    )


def _ler_lote(linhas: list[str], lote: Lote, titulos: list[TituloRetorno], conferir_totais: bool) -> None:
    """Pair the lote's segments T and U into títulos (appended to `titulos`) and check its totals."""
    header = lote.header
    if header.bruto(9, 9) != "T":
        raise header.erro("header de lote de retorno deve ter operação T (posição 9)")
    if header.bruto(10, 11) != "01":
        raise header.erro(f"serviço {header.bruto(10, 11)!r} não é cobrança (01)")
    quantos_t = 0
    soma_t = Decimal(0)
    pendente = -1  # index of a segment T waiting for its U
    for indice in lote.detalhes:
        registro = linhas[indice]
        segmento = registro[13]
        if pendente >= 0:
            if segmento != "U":
                raise ErroCnab(
                    indice + 1, f"segmento T da linha {pendente + 1} deve ser seguido do segmento U"
                )
            titulo = _titulo_rapido(linhas[pendente], registro, pendente + 1, lote.numero)
            if titulo is None:
                titulo = _titulo(
                    Leitor(linhas[pendente], pendente + 1), Leitor(registro, indice + 1), lote.numero
                )
            titulos.append(titulo)
            quantos_t += 1
            soma_t += titulo.valor_nominal
            pendente = -1
        elif segmento == "T":
            pendente = indice
        elif segmento == "U":
            raise ErroCnab(indice + 1, "segmento U sem o segmento T antes dele")
        # Other segments (e.g. Y, optional per bank) are counted and otherwise ignored.
    trailer = lote.trailer
    if pendente >= 0:
        raise trailer.erro(f"segmento T da linha {pendente + 1} sem o segmento U")
    if conferir_totais:
        quantidade = trailer.inteiro(24, 29, "quantidade de títulos em cobrança simples")
        if quantidade != quantos_t:
            raise trailer.erro(f"trailer de lote informa {quantidade} títulos, o lote tem {quantos_t}")
        valor = trailer.dinheiro(30, 46, "valor total dos títulos")
        if valor != soma_t:
            raise trailer.erro(f"trailer de lote informa valor total {valor}, a soma dos títulos é {soma_t}")
