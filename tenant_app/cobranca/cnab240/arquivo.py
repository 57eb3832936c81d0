"""The structure every CNAB 240 file shares, read and checked once for all services (cobrança, pagamentos).

FEBRABAN, "Layout Padrão de Arquivos — CNAB 240 posições", versão 10.11, "Estrutura do arquivo":
header de arquivo (registro 0, lote 0000), lotes (header 1, details 3 numbered 1, 2, … in positions
9-13, trailer 5 counting the lote's records), trailer de arquivo (registro 9, lote 9999, counting
lotes and records). Bank code (1-3) and lote number (4-7) repeat on every record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tenant_app.cobranca.cnab240.campos import TAMANHO_LINHA, ErroCnab, Leitor


@dataclass(frozen=True)
class CabecalhoArquivo:
    banco: str
    inscricao: str
    convenio: str
    agencia: str
    conta: str
    nome_empresa: str
    numero: int  # NSA
    gerado_em: datetime | None


@dataclass(frozen=True)
class Lote:
    numero: int
    header: Leitor
    detalhes: list[int]  # indices (0-based) of the detail records, in order
    trailer: Leitor


def dividir_linhas(conteudo: str | bytes) -> list[str]:
    """The records of a file (CRLF or LF), each checked to be exactly 240 characters."""
    if isinstance(conteudo, bytes):
        # CNAB files are ASCII; latin-1 never fails, so a stray byte shows up as a field error with its line.
        conteudo = conteudo.decode("latin-1")
    # CRLF is the standard; a file with bare LF is read too. A mix leaves a CR on some lines, which then
    # fail the length check with their line number.
    linhas = conteudo.split("\r\n" if "\r\n" in conteudo else "\n")
    if linhas and linhas[-1] == "":
        linhas.pop()
    if not linhas:
        raise ErroCnab(0, "arquivo vazio")
    if set(map(len, linhas)) != {TAMANHO_LINHA}:
        for numero, texto in enumerate(linhas, start=1):
            if len(texto) != TAMANHO_LINHA:
                raise ErroCnab(numero, f"registro com {len(texto)} caracteres, esperado {TAMANHO_LINHA}")
    return linhas


def inscricao(tipo: str, numero: str) -> str:
    """CPF (tipo 1) as its 11 digits, CNPJ (tipo 2) as its 14 characters; otherwise as sent, unpadded."""
    if tipo == "1":
        return numero[-11:]
    if tipo == "2":
        return numero[-14:]
    return numero.strip()


def ler_header_arquivo(linhas: list[str], codigo: str) -> CabecalhoArquivo:
    """Check and read the header de arquivo; `codigo` (position 143) is "1" remessa, "2" retorno."""
    header = Leitor(linhas[0], 1)
    if header.bruto(8, 8) != "0":
        raise header.erro("o primeiro registro deve ser o header de arquivo (tipo 0)")
    banco = header.digitos(1, 3, "código do banco")
    if header.bruto(4, 7) != "0000":
        raise header.erro("header de arquivo deve ter lote 0000")
    if header.bruto(143, 143) != codigo:
        nome = "um retorno" if codigo == "2" else "uma remessa"
        raise header.erro(f"o arquivo não é {nome} (posição 143 deve ser {codigo})")
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
    return CabecalhoArquivo(
        banco=banco,
        inscricao=inscricao(header.bruto(18, 18), header.bruto(19, 32)),
        convenio=header.texto(33, 52),
        agencia=header.bruto(53, 57),
        conta=header.bruto(59, 70),
        nome_empresa=header.texto(73, 102),
        numero=header.inteiro(158, 163, "número sequencial do arquivo"),
        gerado_em=gerado_em,
    )


def ler_lotes(linhas: list[str], banco: str) -> list[Lote]:
    """Split the records after the header de arquivo into lotes, checking the structure and every count.

    Checked here: bank code and lote number on every record, lotes numbered 1, 2, …, record types in
    order, sequential numbers of the details, each trailer de lote's record count, and the trailer de
    arquivo (last record, lote 9999, its lote and record counts).
    """
    lotes: list[Lote] = []
    indice = 1
    total = len(linhas)
    while True:
        if indice >= total:
            raise ErroCnab(total, "falta o trailer de arquivo (tipo 9)")
        registro = linhas[indice]
        leitor = Leitor(registro, indice + 1)
        if registro[:3] != banco:
            raise leitor.erro(f"código do banco {registro[:3]!r} difere do header ({banco})")
        if registro[7] == "9":
            break
        if registro[7] != "1":
            raise leitor.erro(
                f"esperado header de lote (tipo 1) ou trailer de arquivo (tipo 9), encontrado {registro[7]!r}"
            )
        numero = leitor.inteiro(4, 7, "lote")
        if numero != len(lotes) + 1:
            raise leitor.erro(f"lote {numero} fora de ordem, esperado {len(lotes) + 1}")
        lote = _ler_lote(linhas, indice, banco, numero)
        lotes.append(lote)
        indice = lote.trailer.numero  # the index after the trailer de lote

    trailer = Leitor(linhas[indice], indice + 1)
    if indice != total - 1:
        raise ErroCnab(indice + 2, "registro depois do trailer de arquivo")
    if trailer.bruto(4, 7) != "9999":
        raise trailer.erro("trailer de arquivo deve ter lote 9999")
    informados_lotes = trailer.inteiro(18, 23, "quantidade de lotes")
    if informados_lotes != len(lotes):
        raise trailer.erro(f"trailer de arquivo informa {informados_lotes} lotes, o arquivo tem {len(lotes)}")
    informados_registros = trailer.inteiro(24, 29, "quantidade de registros")
    if informados_registros != total:
        raise trailer.erro(
            f"trailer de arquivo informa {informados_registros} registros, o arquivo tem {total}"
        )
    return lotes


def _ler_lote(linhas: list[str], inicio: int, banco: str, numero: int) -> Lote:
    header = Leitor(linhas[inicio], inicio + 1)
    prefixo = linhas[inicio][:7]
    detalhes: list[int] = []
    sequencial = 0
    indice = inicio + 1
    total = len(linhas)
    while True:
        if indice >= total:
            raise ErroCnab(total, f"lote {numero} sem trailer de lote (tipo 5)")
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
        detalhes.append(indice)
        indice += 1
    trailer = leitor
    informados = trailer.inteiro(18, 23, "quantidade de registros do lote")
    if informados != sequencial + 2:
        raise trailer.erro(f"trailer de lote informa {informados} registros, o lote tem {sequencial + 2}")
    return Lote(numero=numero, header=header, detalhes=detalhes, trailer=trailer)
