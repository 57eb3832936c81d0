"""The records and fields every CNAB 240 remessa shares: the company's account, header and trailer de arquivo.

FEBRABAN, "Layout Padrão de Arquivos — CNAB 240 posições", versão 10.11: registro 0 (header de
arquivo) and registro 9 (trailer de arquivo), and the fields G005-G012 (inscrição, convênio,
agência, conta and their DVs) that the headers repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from tenant_app.cobranca.cnab240.campos import alfa, alfa_exato, brancos, data, linha, num, zeros


@dataclass(frozen=True)
class ContaEmpresa:
    """The company (the administradora: beneficiário in cobrança, payer in pagamentos) at the bank."""

    banco: str  # FEBRABAN bank code, 3 digits
    nome_banco: str
    inscricao: str  # CPF or CNPJ, digits (or alphanumeric CNPJ)
    nome: str
    convenio: str  # código do convênio no banco, up to 20 characters
    agencia: str  # up to 5 digits, without DV
    dv_agencia: str
    conta: str  # up to 12 digits, without DV
    dv_conta: str
    dv_agencia_conta: str = " "


def tipo_inscricao(inscricao: str) -> str:
    """FEBRABAN G005: "1" CPF (11 digits), "2" CNPJ (14 characters; alphanumeric from July 2026)."""
    if len(inscricao) == 11 and inscricao.isascii() and inscricao.isdigit():
        return "1"
    if len(inscricao) == 14 and inscricao.isascii() and inscricao.isalnum():
        return "2"
    raise ValueError(f"CNAB: inscrição {inscricao!r} não é CPF (11 dígitos) nem CNPJ (14 caracteres)")


def campo_inscricao(inscricao: str, tamanho: int) -> str:
    """G006: the CPF/CNPJ right-aligned and zero-filled (an alphanumeric CNPJ goes as it is)."""
    tipo_inscricao(inscricao)
    return inscricao.upper().rjust(tamanho, "0")


def campo_dv(texto: str, nome: str) -> str:
    """A one-character DV (digit, letter such as BB's "X", or space)."""
    if len(texto) > 1 or not (texto == "" or (texto.isascii() and (texto.isalnum() or texto == " "))):
        raise ValueError(f"CNAB: {nome} deve ter um caractere (dígito, letra ou espaço)")
    return texto.upper().ljust(1)


def controle(banco: str, lote: int, tipo: str) -> str:
    """Positions 1-8 of every record: bank (3), lote (4), record type (1)."""
    return num(banco, 3, "código do banco") + num(lote, 4, "lote") + tipo


@lru_cache(maxsize=32)
def campos_conta(conta: ContaEmpresa) -> str:
    """G008-G012, 20 positions: agência (5), DV, conta (12), DV, DV agência/conta."""
    return (
        num(conta.agencia, 5, "agência")
        + campo_dv(conta.dv_agencia, "DV da agência")
        + num(conta.conta, 12, "conta")
        + campo_dv(conta.dv_conta, "DV da conta")
        + campo_dv(conta.dv_agencia_conta, "DV da agência/conta")
    )


def header_arquivo(conta: ContaEmpresa, numero: int, gerada_em: datetime, versao_layout: str) -> str:
    """Registro 0 of a remessa (position 143 = 1)."""
    return linha(
        controle(conta.banco, 0, "0"),  # 1-8
        brancos(9),  # 9-17
        tipo_inscricao(conta.inscricao),  # 18
        campo_inscricao(conta.inscricao, 14),  # 19-32
        alfa_exato(conta.convenio, 20, "convênio"),  # 33-52
        campos_conta(conta),  # 53-72
        alfa(conta.nome, 30),  # 73-102
        alfa(conta.nome_banco, 30),  # 103-132
        brancos(10),  # 133-142
        "1",  # 143: 1 = remessa
        data(gerada_em.date()),  # 144-151
        f"{gerada_em:%H%M%S}",  # 152-157
        num(numero, 6, "número sequencial do arquivo"),  # 158-163
        num(versao_layout, 3, "versão do layout do arquivo"),  # 164-166
        zeros(5),  # 167-171: densidade
        brancos(20),  # 172-191: reservado ao banco
        brancos(20),  # 192-211: reservado à empresa
        brancos(29),  # 212-240
    )


def trailer_arquivo(banco: str, lotes: int, registros: int) -> str:
    """Registro 9: the number of lotes and of all records (headers and trailers included)."""
    return linha(
        controle(banco, 9999, "9"),  # 1-8
        brancos(9),  # 9-17
        num(lotes, 6, "quantidade de lotes"),  # 18-23
        num(registros, 6, "quantidade de registros"),  # 24-29
        zeros(6),  # 30-35: contas para conciliação
        brancos(205),  # 36-240
    )
