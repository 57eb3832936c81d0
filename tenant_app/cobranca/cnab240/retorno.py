"""CNAB 240 retorno de cobrança: what the bank reports on each título (segments T and U), pure.

Layout: FEBRABAN, "Layout Padrão de Arquivos — CNAB 240 posições", versão 10 — header de arquivo
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

from tenant_app.cobranca.cnab240.campos import TAMANHO_LINHA, ErroCnab, Leitor


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


def _linhas(conteudo: str | bytes) -> list[str]:
    if isinstance(conteudo, bytes):
        # CNAB files are ASCII; latin-1 never fails, so a stray byte shows up as a field error with its line.
        conteudo = conteudo.decode("latin-1")
    linhas = conteudo.split("\n")
    if linhas and linhas[-1] == "":
        linhas.pop()
    return [linha[:-1] if linha.endswith("\r") else linha for linha in linhas]


def _inscricao(tipo: str, numero: str) -> str:
    """CPF (tipo 1) as its 11 digits, CNPJ (tipo 2) as its 14 characters; otherwise as sent, unpadded."""
    if tipo == "1":
        return numero[-11:]
    if tipo == "2":
        return numero[-14:]
    return numero.strip()


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
        _inscricao(t[132], t[133:148]),
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
        pagador_inscricao=_inscricao(t.bruto(133, 133), t.bruto(134, 148)),
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
    linhas = _linhas(conteudo)
    if not linhas:
        raise ErroCnab(0, "arquivo vazio")
    for numero, texto in enumerate(linhas, start=1):
        if len(texto) != TAMANHO_LINHA:
            raise ErroCnab(numero, f"registro com {len(texto)} caracteres, esperado {TAMANHO_LINHA}")

    header = Leitor(linhas[0], 1)
    if header.bruto(8, 8) != "0":
        raise header.erro("o primeiro registro deve ser o header de arquivo (tipo 0)")
    banco = header.digitos(1, 3, "código do banco")
    if header.bruto(4, 7) != "0000":
        raise header.erro("header de arquivo deve ter lote 0000")
    if header.bruto(143, 143) != "2":
        raise header.erro("o arquivo não é um retorno (posição 143 deve ser 2)")
    data_geracao = header.data(144, 151, "data de geração")
    hora = header.digitos(152, 157, "hora de geração")
    gerado_em = None
    if data_geracao is not None:
        try:
            gerado_em = datetime(
                data_geracao.year,
                data_geracao.month,
                data_geracao.day,
                int(hora[:2]),
                int(hora[2:4]),
                int(hora[4:]),
            )
        except ValueError:
            raise header.erro(f"hora de geração inválida: {hora}") from None
    nsa = header.inteiro(158, 163, "número sequencial do arquivo")

    titulos: list[TituloRetorno] = []
    lotes = 0
    indice = 1
    total_linhas = len(linhas)
    while True:
        if indice >= total_linhas:
            raise ErroCnab(total_linhas, "falta o trailer de arquivo (tipo 9)")
        leitor = Leitor(linhas[indice], indice + 1)
        if leitor.bruto(1, 3) != banco:
            raise leitor.erro(f"código do banco {leitor.bruto(1, 3)!r} difere do header ({banco})")
        tipo = leitor.bruto(8, 8)
        if tipo == "9":
            break
        if tipo != "1":
            raise leitor.erro(
                f"esperado header de lote (tipo 1) ou trailer de arquivo (tipo 9), encontrado tipo {tipo!r}"
            )
        lotes += 1
        indice = _ler_lote(linhas, indice, banco, lotes, titulos, conferir_totais_cobranca)

    trailer = Leitor(linhas[indice], indice + 1)
    if indice != total_linhas - 1:
        raise ErroCnab(indice + 2, "registro depois do trailer de arquivo")
    if trailer.bruto(4, 7) != "9999":
        raise trailer.erro("trailer de arquivo deve ter lote 9999")
    informados_lotes = trailer.inteiro(18, 23, "quantidade de lotes")
    if informados_lotes != lotes:
        raise trailer.erro(f"trailer de arquivo informa {informados_lotes} lotes, o arquivo tem {lotes}")
    informados_registros = trailer.inteiro(24, 29, "quantidade de registros")
    if informados_registros != total_linhas:
        raise trailer.erro(
            f"trailer de arquivo informa {informados_registros} registros, o arquivo tem {total_linhas}"
        )
    return Retorno(
        banco=banco,
        inscricao=_inscricao(header.bruto(18, 18), header.bruto(19, 32)),
        convenio=header.texto(33, 52),
        agencia=header.bruto(53, 57),
        conta=header.bruto(59, 70),
        nome_empresa=header.texto(73, 102),
        numero=nsa,
        gerado_em=gerado_em,
        titulos=tuple(titulos),
    )


def _ler_lote(
    linhas: list[str],
    inicio: int,
    banco: str,
    numero_lote: int,
    titulos: list[TituloRetorno],
    conferir_totais: bool,
) -> int:
    """Read the lote whose header is at index `inicio`, append its títulos, return the index after it."""
    header = Leitor(linhas[inicio], inicio + 1)
    lote = header.inteiro(4, 7, "lote")
    if lote != numero_lote:
        raise header.erro(f"lote {lote} fora de ordem, esperado {numero_lote}")
    if header.bruto(9, 9) != "T":
        raise header.erro("header de lote de retorno deve ter operação T (posição 9)")
    if header.bruto(10, 11) != "01":
        raise header.erro(f"serviço {header.bruto(10, 11)!r} não é cobrança (01)")
    prefixo = banco + header.bruto(4, 7)
    quantos_t = 0
    soma_t = Decimal(0)
    sequencial = 0
    indice = inicio + 1
    total = len(linhas)
    pendente = -1  # index of a segment T waiting for its U
    while True:
        if indice >= total:
            raise ErroCnab(total, f"lote {lote} sem trailer de lote (tipo 5)")
        registro = linhas[indice]
        if registro[:7] != prefixo or registro[7] != "3":
            leitor = Leitor(registro, indice + 1)
            if registro[:3] != banco:
                raise leitor.erro(f"código do banco {registro[:3]!r} difere do header ({banco})")
            if registro[3:7] != prefixo[3:]:
                raise leitor.erro(f"registro do lote {registro[3:7]!r} dentro do lote {prefixo[3:]}")
            if registro[7] == "5":
                break
            raise leitor.erro(
                f"esperado detalhe (tipo 3) ou trailer de lote (tipo 5), encontrado tipo {registro[7]!r}"
            )
        sequencial += 1
        if registro[8:13] != f"{sequencial:05d}":
            leitor = Leitor(registro, indice + 1)
            informado = leitor.inteiro(9, 13, "sequencial do registro no lote")
            raise leitor.erro(f"sequencial do registro no lote {informado}, esperado {sequencial}")
        segmento = registro[13]
        if pendente >= 0:
            if segmento != "U":
                raise ErroCnab(
                    indice + 1, f"segmento T da linha {pendente + 1} deve ser seguido do segmento U"
                )
            titulo = _titulo_rapido(linhas[pendente], registro, pendente + 1, lote)
            if titulo is None:
                titulo = _titulo(Leitor(linhas[pendente], pendente + 1), Leitor(registro, indice + 1), lote)
            titulos.append(titulo)
            quantos_t += 1
            soma_t += titulo.valor_nominal
            pendente = -1
        elif segmento == "T":
            pendente = indice
        elif segmento == "U":
            raise ErroCnab(indice + 1, "segmento U sem o segmento T antes dele")
        # Other segments (e.g. Y, optional per bank) are counted and otherwise ignored.
        indice += 1
    trailer = leitor
    if pendente >= 0:
        raise trailer.erro(f"segmento T da linha {pendente + 1} sem o segmento U")
    registros = sequencial + 2
    informados = trailer.inteiro(18, 23, "quantidade de registros do lote")
    if informados != registros:
        raise trailer.erro(f"trailer de lote informa {informados} registros, o lote tem {registros}")
    if conferir_totais:
        quantidade = trailer.inteiro(24, 29, "quantidade de títulos em cobrança simples")
        if quantidade != quantos_t:
            raise trailer.erro(f"trailer de lote informa {quantidade} títulos, o lote tem {quantos_t}")
        valor = trailer.dinheiro(30, 46, "valor total dos títulos")
        if valor != soma_t:
            raise trailer.erro(f"trailer de lote informa valor total {valor}, a soma dos títulos é {soma_t}")
    return indice + 1
