"""CNAB 240 pagamentos (TED and PIX transfers to third parties): the remessa writer, pure.

Layout: FEBRABAN, "Layout Padrão de Arquivos — CNAB 240 posições", versão 10.11 (the version that
added PIX), serviço "Pagamentos": header de lote (registro 1, operação C), per payment the segment A
(favorecido's account, amount, date) and the segment B (favorecido's CPF/CNPJ and, for PIX, the
forma de iniciação, the key, txid and the message to the receiver), trailer de lote (registro 5:
records, sum of amounts) and the common header/trailer de arquivo. The bank's answer is read by
`retorno_pagamentos.py`.

Forma de lançamento (G029) and câmara centralizadora (P001) of the payments this platform makes:
41 TED to another holder (câmara 018), 43 TED same holder (018), 45 PIX transfer (câmara 009).
Banks publish their own variants (e.g. the forma de iniciação's representation in segment B,
positions 15-17): check the bank's "Particularidades" before enabling a bank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
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


class FormaLancamento(StrEnum):
    TED_OUTRA_TITULARIDADE = "41"
    TED_MESMA_TITULARIDADE = "43"
    PIX_TRANSFERENCIA = "45"


class TipoChavePix(StrEnum):
    """Forma de iniciação of a PIX transfer (segment B, positions 15-17)."""

    TELEFONE = "01"
    EMAIL = "02"
    CPF_CNPJ = "03"
    ALEATORIA = "04"
    DADOS_BANCARIOS = "05"


CAMARA = {
    FormaLancamento.TED_OUTRA_TITULARIDADE: "018",
    FormaLancamento.TED_MESMA_TITULARIDADE: "018",
    FormaLancamento.PIX_TRANSFERENCIA: "009",
}
PAGAMENTOS_POR_LOTE = 49_999  # 2 records each; the lote's sequential number has 5 digits


@dataclass(frozen=True)
class Favorecido:
    nome: str
    inscricao: str  # CPF or CNPJ
    banco: str = ""  # empty when paying a PIX key (the key identifies the account)
    agencia: str = ""
    dv_agencia: str = " "
    conta: str = ""
    dv_conta: str = " "
    dv_agencia_conta: str = " "
    ispb: str = ""  # 8 digits, optional


@dataclass(frozen=True)
class Pagamento:
    seu_numero: str  # the administradora's reference, up to 20 characters, returned in the retorno
    data: date
    valor: Decimal
    favorecido: Favorecido
    tipo_chave: TipoChavePix | None = None  # PIX only
    chave_pix: str = ""  # PIX only (not for DADOS_BANCARIOS)
    txid: str = ""  # PIX only, up to 35
    informacao: str = ""  # PIX: informação entre usuários (60); TED: outras informações (40)
    finalidade_ted: str = "00010"  # P011, TED only: 00010 crédito em conta


@dataclass(frozen=True)
class RemessaPagamentos:
    conta: ContaEmpresa  # the paying company's account and convênio
    numero: int  # NSA
    gerada_em: datetime
    forma: FormaLancamento
    pagamentos: Sequence[Pagamento]
    tipo_servico: str = "20"  # G025: 20 pagamento a fornecedor, 98 pagamentos diversos
    versao_layout_arquivo: str = "103"
    versao_layout_lote: str = "046"


def _validar(forma: FormaLancamento, p: Pagamento) -> None:
    if forma is FormaLancamento.PIX_TRANSFERENCIA:
        if p.tipo_chave is None:
            raise ValueError(f"CNAB: pagamento {p.seu_numero}: PIX sem forma de iniciação (tipo de chave)")
        if p.tipo_chave is TipoChavePix.DADOS_BANCARIOS:
            if not (p.favorecido.banco and p.favorecido.conta):
                raise ValueError(f"CNAB: pagamento {p.seu_numero}: PIX por dados bancários sem banco e conta")
        elif not p.chave_pix:
            raise ValueError(f"CNAB: pagamento {p.seu_numero}: PIX sem chave")
    else:
        if not (p.favorecido.banco and p.favorecido.agencia and p.favorecido.conta):
            raise ValueError(f"CNAB: pagamento {p.seu_numero}: TED sem banco, agência e conta do favorecido")
        if p.tipo_chave is not None or p.chave_pix:
            raise ValueError(f"CNAB: pagamento {p.seu_numero}: chave PIX numa TED")
    if p.valor <= 0:
        raise ValueError(f"CNAB: pagamento {p.seu_numero}: valor deve ser positivo")


def _conta_favorecido(f: Favorecido) -> str:
    return (
        num(f.banco or "0", 3, "banco do favorecido")
        + num(f.agencia or "0", 5, "agência do favorecido")
        + alfa(f.dv_agencia, 1)
        + num(f.conta or "0", 12, "conta do favorecido")
        + alfa(f.dv_conta, 1)
        + alfa(f.dv_agencia_conta, 1)
    )


def _segmento_a(r: RemessaPagamentos, lote: int, p: Pagamento, sequencial: int) -> str:
    pix = r.forma is FormaLancamento.PIX_TRANSFERENCIA
    return linha(
        controle(r.conta.banco, lote, "3"),  # 1-8
        num(sequencial, 5, "sequencial do registro no lote"),  # 9-13
        "A",  # 14
        "0",  # 15: tipo de movimento, 0 = inclusão
        "00",  # 16-17: instrução, 00 = inclusão de registro detalhe liberado
        CAMARA[r.forma],  # 18-20
        _conta_favorecido(p.favorecido),  # 21-43
        alfa(p.favorecido.nome, 30),  # 44-73
        alfa_exato(p.seu_numero, 20, "seu número"),  # 74-93
        data(p.data),  # 94-101
        "BRL",  # 102-104
        zeros(15),  # 105-119: quantidade de moeda
        dinheiro(p.valor, 15, "valor do pagamento"),  # 120-134
        brancos(20),  # 135-154: nosso número (the bank's, retorno)
        zeros(8),  # 155-162: data real (retorno)
        zeros(15),  # 163-177: valor real (retorno)
        brancos(40) if pix else alfa(p.informacao, 40),  # 178-217: outras informações
        brancos(2),  # 218-219: finalidade DOC
        brancos(5) if pix else num(p.finalidade_ted, 5, "finalidade da TED"),  # 220-224
        brancos(2),  # 225-226: complemento de finalidade
        brancos(3),  # 227-229
        "0",  # 230: aviso ao favorecido, 0 = não emite
        brancos(10),  # 231-240: ocorrências (retorno)
    )


def _segmento_b(r: RemessaPagamentos, lote: int, p: Pagamento, sequencial: int) -> str:
    f = p.favorecido
    inicio = controle(r.conta.banco, lote, "3") + num(sequencial, 5, "sequencial do registro no lote") + "B"
    ispb = num(f.ispb, 8, "ISPB do favorecido") if f.ispb else brancos(8)
    if r.forma is FormaLancamento.PIX_TRANSFERENCIA:
        assert p.tipo_chave is not None
        return linha(
            inicio,  # 1-14
            num(p.tipo_chave.value, 3, "forma de iniciação"),  # 15-17
            tipo_inscricao(f.inscricao),  # 18
            campo_inscricao(f.inscricao, 14),  # 19-32
            alfa_exato(p.txid, 35, "txid"),  # 33-67
            alfa(p.informacao, 60),  # 68-127
            _chave_como_digitada(p.chave_pix),  # 128-226
            brancos(6),  # 227-232
            ispb,  # 233-240
        )
    return linha(
        inicio,  # 1-14
        brancos(3),  # 15-17
        tipo_inscricao(f.inscricao),  # 18
        campo_inscricao(f.inscricao, 14),  # 19-32
        brancos(30 + 5 + 15 + 15 + 20),  # 33-117: endereço, número, complemento, bairro, cidade
        zeros(8),  # 118-125: CEP
        brancos(2),  # 126-127: UF
        zeros(8),  # 128-135: vencimento
        zeros(15 * 5),  # 136-210: valor do documento, abatimento, desconto, mora, multa
        brancos(15),  # 211-225: código do documento do favorecido
        "0",  # 226: aviso
        brancos(6),  # 227-232
        ispb,  # 233-240
    )


def _chave_como_digitada(chave: str) -> str:
    # A key goes as typed, not uppercased: random keys and e-mails are compared as the DICT holds them.
    if len(chave) > 99 or not chave.isascii():
        raise ValueError("CNAB: chave PIX deve ser ASCII com até 99 caracteres")
    return chave.ljust(99)


def _header_lote(r: RemessaPagamentos, lote: int) -> str:
    c = r.conta
    return linha(
        controle(c.banco, lote, "1"),  # 1-8
        "C",  # 9: operação crédito
        num(r.tipo_servico, 2, "tipo de serviço"),  # 10-11
        r.forma.value,  # 12-13
        num(r.versao_layout_lote, 3, "versão do layout do lote"),  # 14-16
        brancos(1),  # 17
        tipo_inscricao(c.inscricao),  # 18
        campo_inscricao(c.inscricao, 14),  # 19-32
        alfa_exato(c.convenio, 20, "convênio"),  # 33-52
        campos_conta(c),  # 53-72
        alfa(c.nome, 30),  # 73-102
        brancos(40),  # 103-142: mensagem
        brancos(30 + 5 + 15 + 20),  # 143-212: endereço da empresa
        zeros(8),  # 213-220: CEP
        brancos(2),  # 221-222: UF
        "01",  # 223-224: forma de pagamento do serviço, 01 = débito em conta corrente
        brancos(6),  # 225-230
        brancos(10),  # 231-240: ocorrências (retorno)
    )


def _trailer_lote(r: RemessaPagamentos, lote: int, quantos: int, total: Decimal) -> str:
    return linha(
        controle(r.conta.banco, lote, "5"),  # 1-8
        brancos(9),  # 9-17
        num(2 * quantos + 2, 6, "quantidade de registros do lote"),  # 18-23
        dinheiro(total, 18, "somatória dos valores"),  # 24-41
        zeros(18),  # 42-59: somatória de quantidade de moedas
        zeros(6),  # 60-65: número do aviso de débito
        brancos(165),  # 66-230
        brancos(10),  # 231-240
    )


def linhas_remessa_pagamentos(remessa: RemessaPagamentos) -> list[str]:
    """The records of a pagamentos remessa (segments A and B per payment), in order."""
    if not remessa.pagamentos:
        raise ValueError("CNAB: remessa de pagamentos sem pagamentos")
    for pagamento in remessa.pagamentos:
        _validar(remessa.forma, pagamento)
    linhas = [header_arquivo(remessa.conta, remessa.numero, remessa.gerada_em, remessa.versao_layout_arquivo)]
    todos = list(remessa.pagamentos)
    lotes = [todos[i : i + PAGAMENTOS_POR_LOTE] for i in range(0, len(todos), PAGAMENTOS_POR_LOTE)]
    for lote, do_lote in enumerate(lotes, start=1):
        linhas.append(_header_lote(remessa, lote))
        total = Decimal(0)
        for i, pagamento in enumerate(do_lote):
            linhas.append(_segmento_a(remessa, lote, pagamento, 2 * i + 1))
            linhas.append(_segmento_b(remessa, lote, pagamento, 2 * i + 2))
            total += pagamento.valor
        linhas.append(_trailer_lote(remessa, lote, len(do_lote), total))
    linhas.append(trailer_arquivo(remessa.conta.banco, len(lotes), len(linhas) + 1))
    return linhas


def escrever_remessa_pagamentos(remessa: RemessaPagamentos) -> str:
    """The pagamentos remessa as text: 240-character lines, each ending in CRLF."""
    return FIM_DE_LINHA.join(linhas_remessa_pagamentos(remessa)) + FIM_DE_LINHA
