"""CNAB 240 remessa de cobrança: the file the beneficiário sends the bank to register (or cancel) títulos.

Layout: FEBRABAN, "Layout Padrão de Arquivos — CNAB 240 posições", versão 10.11 (2023) — header de arquivo
(registro 0), header de lote de cobrança (registro 1, serviço 01), per título the segments P (the
título), Q (the pagador) and R (multa, further discounts, messages) (registro 3), trailer de lote
(registro 5) and trailer de arquivo (registro 9). Each bank publishes its own variant ("Particularidades
CNAB 240"): what differs here is a parameter (layout versions, convênio, the nosso número's composition).

Up to 33,333 títulos per lote (further lotes when more); lines of exactly 240 characters
separated by CRLF (the file ends with CRLF).
The trailer de lote carries, besides its record count, the count and total of the títulos
(cobrança simples); the trailer de arquivo counts the lotes and all records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from tenant_app.cobranca.cnab240.campos import (
    FIM_DE_LINHA,
    alfa,
    alfa_exato,
    brancos,
    data,
    dinheiro,
    linha,
    num,
    zeros,
)
from tenant_app.cobranca.cnab240.empresa import (
    ContaEmpresa,
    campo_inscricao,
    campos_conta,
    controle,
    header_arquivo,
    tipo_inscricao,
    trailer_arquivo,
)

ZERO = Decimal("0")
TITULOS_POR_LOTE = 33_333  # 3 records each; the lote's sequential number (G038) has 5 digits


@dataclass(frozen=True)
class Pagador:
    inscricao: str
    nome: str
    endereco: str
    bairro: str
    cep: str  # 8 digits
    cidade: str
    uf: str


class Movimento(StrEnum):
    """Código de movimento remessa (FEBRABAN C004), the ones this platform sends."""

    ENTRADA = "01"
    BAIXA = "02"
    ALTERACAO_VENCIMENTO = "06"


@dataclass(frozen=True)
class TituloRemessa:
    nosso_numero: str  # as the bank composes it, up to 20 characters
    seu_numero: str  # número do documento (the beneficiário's reference), up to 15
    vencimento: date
    valor: Decimal
    emissao: date
    pagador: Pagador
    movimento: Movimento = Movimento.ENTRADA
    carteira: str = "1"  # C006: 1 = cobrança simples
    especie: str = "99"  # C015: 99 = outros (02 duplicata mercantil, 04 duplicata de serviço)
    juros_por_dia: Decimal = ZERO  # C021 code 1 (valor por dia) when positive, else 3 (isento)
    multa_percentual: Decimal = ZERO  # C018 code 2 (percentual) when positive, else 0 (isento)
    uso_empresa: str = ""  # G072, 25 characters returned untouched in the retorno (e.g. the parcela id)
    mensagem: str = ""  # segment R, mensagem 3 (40)


@dataclass(frozen=True)
class Remessa:
    conta: ContaEmpresa
    numero: int  # número sequencial do arquivo (NSA), G018
    gerada_em: datetime
    titulos: Sequence[TituloRemessa]
    versao_layout_arquivo: str = "103"  # G019; each bank states its own
    versao_layout_lote: str = "060"  # G030
    # The count and total of títulos in the trailer de lote (24-115). FEBRABAN fills them in the retorno;
    # most banks accept them in the remessa too, a bank whose manual asks for blanks there sets False.
    totais_no_trailer_de_lote: bool = True


def _header_lote(r: Remessa, lote: int) -> str:
    c = r.conta
    return linha(
        controle(c.banco, lote, "1"),  # 1-8
        "R",  # 9: operação remessa
        "01",  # 10-11: serviço cobrança
        brancos(2),  # 12-13
        num(r.versao_layout_lote, 3, "versão do layout do lote"),  # 14-16
        brancos(1),  # 17
        tipo_inscricao(c.inscricao),  # 18
        campo_inscricao(c.inscricao, 15),  # 19-33
        alfa_exato(c.convenio, 20, "convênio"),  # 34-53
        campos_conta(c),  # 54-73
        alfa(c.nome, 30),  # 74-103
        brancos(40),  # 104-143: mensagem 1
        brancos(40),  # 144-183: mensagem 2
        num(r.numero, 8, "número da remessa"),  # 184-191
        data(r.gerada_em.date()),  # 192-199: data de gravação
        zeros(8),  # 200-207: data do crédito (retorno only)
        brancos(33),  # 208-240
    )


def _segmento_p(r: Remessa, lote: int, t: TituloRemessa, sequencial: int) -> str:
    juros = t.juros_por_dia > 0
    return linha(
        controle(r.conta.banco, lote, "3"),  # 1-8
        num(sequencial, 5, "sequencial do registro no lote"),  # 9-13
        "P",  # 14
        brancos(1),  # 15
        t.movimento.value,  # 16-17
        campos_conta(r.conta),  # 18-37
        alfa_exato(t.nosso_numero, 20, "nosso número"),  # 38-57
        num(t.carteira, 1, "carteira"),  # 58
        "1",  # 59: forma de cadastramento, 1 = com cadastramento (registrada)
        "1",  # 60: tipo de documento, 1 = tradicional
        "2",  # 61: emissão do boleto, 2 = pelo beneficiário
        "2",  # 62: distribuição, 2 = pelo beneficiário
        alfa_exato(t.seu_numero, 15, "seu número"),  # 63-77
        data(t.vencimento),  # 78-85
        dinheiro(t.valor, 15, "valor nominal do título"),  # 86-100
        zeros(5),  # 101-105: agência cobradora (the bank chooses)
        brancos(1),  # 106
        num(t.especie, 2, "espécie do título"),  # 107-108
        "N",  # 109: aceite
        data(t.emissao),  # 110-117
        "1" if juros else "3",  # 118: código de juros de mora (1 valor por dia, 3 isento)
        data(t.vencimento + timedelta(days=1)) if juros else zeros(8),  # 119-126
        dinheiro(t.juros_por_dia, 15, "juros de mora por dia"),  # 127-141
        "0",  # 142: código do desconto 1, sem desconto
        zeros(8),  # 143-150
        zeros(15),  # 151-165
        zeros(15),  # 166-180: IOF
        zeros(15),  # 181-195: abatimento
        alfa_exato(t.uso_empresa, 25, "uso da empresa"),  # 196-220
        "3",  # 221: código para protesto, 3 = não protestar
        "00",  # 222-223
        "0",  # 224: código para baixa/devolução, 0 = the bank's default
        brancos(3),  # 225-227
        "09",  # 228-229: moeda, 09 = Real
        zeros(10),  # 230-239: número do contrato
        brancos(1),  # 240
    )


def _segmento_q(r: Remessa, lote: int, t: TituloRemessa, sequencial: int) -> str:
    p = t.pagador
    cep = num(p.cep, 8, "CEP do pagador")
    return linha(
        controle(r.conta.banco, lote, "3"),  # 1-8
        num(sequencial, 5, "sequencial do registro no lote"),  # 9-13
        "Q",  # 14
        brancos(1),  # 15
        t.movimento.value,  # 16-17
        tipo_inscricao(p.inscricao),  # 18
        campo_inscricao(p.inscricao, 15),  # 19-33
        alfa(p.nome, 40),  # 34-73
        alfa(p.endereco, 40),  # 74-113
        alfa(p.bairro, 15),  # 114-128
        cep,  # 129-136: CEP (5) + sufixo (3)
        alfa(p.cidade, 15),  # 137-151
        alfa(p.uf, 2),  # 152-153
        "0",  # 154: sacador/avalista, none
        zeros(15),  # 155-169
        brancos(40),  # 170-209
        zeros(3),  # 210-212: banco correspondente
        brancos(20),  # 213-232
        brancos(8),  # 233-240
    )


def _segmento_r(r: Remessa, lote: int, t: TituloRemessa, sequencial: int) -> str:
    multa = t.multa_percentual > 0
    return linha(
        controle(r.conta.banco, lote, "3"),  # 1-8
        num(sequencial, 5, "sequencial do registro no lote"),  # 9-13
        "R",  # 14
        brancos(1),  # 15
        t.movimento.value,  # 16-17
        "0",  # 18: desconto 2, none
        zeros(8),  # 19-26
        zeros(15),  # 27-41
        "0",  # 42: desconto 3, none
        zeros(8),  # 43-50
        zeros(15),  # 51-65
        "2" if multa else "0",  # 66: código da multa (2 percentual, 0 isento)
        data(t.vencimento + timedelta(days=1)) if multa else zeros(8),  # 67-74
        dinheiro(t.multa_percentual, 15, "percentual de multa"),  # 75-89
        brancos(10),  # 90-99: informação ao pagador
        alfa(t.mensagem, 40),  # 100-139: mensagem 3
        brancos(40),  # 140-179: mensagem 4
        brancos(20),  # 180-199
        zeros(8),  # 200-207: código de ocorrência do pagador
        zeros(3),  # 208-210: débito automático, banco
        zeros(5),  # 211-215: agência
        brancos(1),  # 216
        zeros(12),  # 217-228: conta
        brancos(1),  # 229
        brancos(1),  # 230
        "0",  # 231: aviso de débito automático
        brancos(9),  # 232-240
    )


def _trailer_lote(r: Remessa, lote: int, titulos: int, total: Decimal) -> str:
    if r.totais_no_trailer_de_lote:
        totais = (
            num(titulos, 6, "quantidade de títulos")  # 24-29: cobrança simples
            + dinheiro(total, 17, "valor total dos títulos")  # 30-46
            + zeros(6 + 17)  # 47-69: cobrança vinculada
            + zeros(6 + 17)  # 70-92: caucionada
            + zeros(6 + 17)  # 93-115: descontada
        )
    else:
        totais = brancos(92)  # 24-115
    return linha(
        controle(r.conta.banco, lote, "5"),  # 1-8
        brancos(9),  # 9-17
        num(3 * titulos + 2, 6, "quantidade de registros do lote"),  # 18-23
        totais,  # 24-115
        brancos(8),  # 116-123: número do aviso de lançamento
        brancos(117),  # 124-240
    )


def linhas_remessa(remessa: Remessa) -> list[str]:
    """The records of the remessa, in order (each exactly 240 characters).

    A lote holds at most 33,333 títulos (its sequential record number has 5 digits and each título
    takes 3 records); more títulos go into further lotes of the same file.
    """
    if not remessa.titulos:
        raise ValueError("CNAB: remessa sem títulos")
    linhas = [header_arquivo(remessa.conta, remessa.numero, remessa.gerada_em, remessa.versao_layout_arquivo)]
    titulos = list(remessa.titulos)
    lotes = [titulos[i : i + TITULOS_POR_LOTE] for i in range(0, len(titulos), TITULOS_POR_LOTE)]
    for lote, do_lote in enumerate(lotes, start=1):
        linhas.append(_header_lote(remessa, lote))
        sequencial = 0
        total = ZERO
        for titulo in do_lote:
            linhas.append(_segmento_p(remessa, lote, titulo, sequencial + 1))
            linhas.append(_segmento_q(remessa, lote, titulo, sequencial + 2))
            linhas.append(_segmento_r(remessa, lote, titulo, sequencial + 3))
            sequencial += 3
            total += titulo.valor
        linhas.append(_trailer_lote(remessa, lote, len(do_lote), total))
    linhas.append(trailer_arquivo(remessa.conta.banco, len(lotes), len(linhas) + 1))
    return linhas


def escrever_remessa(remessa: Remessa) -> str:
    """The remessa file as text: 240-character lines, each ending in CRLF (ASCII only)."""
    return FIM_DE_LINHA.join(linhas_remessa(remessa)) + FIM_DE_LINHA
