"""PIX BR Code (the "Pix copia e cola" payload and the QR code's content), pure.

Source: Banco Central do Brasil, "Manual de Padrões para Iniciação do Pix" (anexo do Regulamento
Pix), section on the BR Code, which profiles EMVCo's "QR Code Specification for Payment Systems —
Merchant-Presented Mode": fields `ID(2) LEN(2) VALUE`, the Pix merchant account template with GUI
`br.gov.bcb.pix` (00), key (01), description (02) or the location URL of a dynamic charge (25),
and CRC-16/CCITT-FALSE in field 63.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from tenant_app.cobranca.texto import sem_acentos

GUI_PIX = "br.gov.bcb.pix"

NOME_MAXIMO = 25  # field 59, Merchant Name
CIDADE_MAXIMA = 15  # field 60, Merchant City
TXID_MAXIMO = 25  # field 62-05, Reference Label (static BR Code)
CHAVE_MAXIMA = 77  # field 26-01: the longest key form (e-mail) allowed by the DICT
URL_MAXIMA = 77  # field 26-25
VALOR_MAXIMO = 13  # field 54, Transaction Amount: up to 13 characters ("9999999999.99")

_TXID = re.compile(r"[A-Za-z0-9]{1,25}")
_VALOR = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,2})?")


def _tabela_crc() -> tuple[int, ...]:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection, no final xor), per byte."""
    tabela = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        tabela.append(crc & 0xFFFF)
    return tuple(tabela)


_TABELA_CRC = _tabela_crc()


def crc16(payload: str) -> str:
    """CRC-16/CCITT-FALSE of the UTF-8 bytes of `payload`, as 4 uppercase hex digits.

    For a BR Code the input is everything up to and including "6304". Check value: "123456789" -> "29B1".
    """
    crc = 0xFFFF
    tabela = _TABELA_CRC
    for byte in payload.encode("utf-8"):
        crc = ((crc << 8) & 0xFFFF) ^ tabela[((crc >> 8) ^ byte) & 0xFF]
    return f"{crc:04X}"


def _campo(identificador: str, valor: str) -> str:
    if not valor:
        raise ValueError(f"BR Code: o campo {identificador} não pode ser vazio")
    if len(valor) > 99:
        raise ValueError(f"BR Code: o campo {identificador} tem {len(valor)} caracteres (máximo 99)")
    return f"{identificador}{len(valor):02d}{valor}"


def _texto_permitido(texto: str, maximo: int, nome: str) -> str:
    """Transliterated to the EMV "ans" charset, spaces collapsed, cut to `maximo` characters."""
    limpo = " ".join(sem_acentos(texto).split())[:maximo].rstrip()
    if not limpo:
        raise ValueError(f"BR Code: {nome} não pode ser vazio")
    return limpo


def _formatar_valor(valor: Decimal) -> str:
    if not isinstance(valor, Decimal):
        raise ValueError("BR Code: o valor deve ser Decimal")
    if not valor.is_finite() or valor <= 0:
        raise ValueError("BR Code: o valor deve ser positivo")
    if valor != valor.quantize(Decimal("0.01")):
        raise ValueError("BR Code: o valor tem mais de duas casas decimais")
    texto = f"{valor:.2f}"
    if len(texto) > VALOR_MAXIMO:
        raise ValueError(f"BR Code: o valor ocupa {len(texto)} caracteres (máximo {VALOR_MAXIMO})")
    return texto


def montar_brcode(
    chave: str | None = None,
    *,
    nome: str,
    cidade: str,
    valor: Decimal | None = None,
    txid: str | None = None,
    descricao: str | None = None,
    url: str | None = None,
    unico: bool = False,
    cep: str | None = None,
) -> str:
    """Build a BR Code with its CRC.

    Static (`chave` given): the key, optional description, optional amount, txid up to 25
    alphanumerics (or "***", the default). Dynamic (`url` given, no key): the PSP location of the
    charge in field 26-25 without scheme, point of initiation "12", and txid "***" (the charge's txid
    lives at the location). `unico=True` marks a static code as single use ("12").
    The name (25) and city (15) are transliterated to ASCII and cut to their maximum lengths.
    """
    if (chave is None) == (url is None):
        raise ValueError("BR Code: informe a chave (estático) ou a URL (dinâmico), não ambos")
    conta = _campo("00", GUI_PIX)
    if chave is not None:
        chave = chave.strip()
        if not chave or len(chave) > CHAVE_MAXIMA or not chave.isascii():
            raise ValueError(f"BR Code: chave Pix inválida (ASCII, 1 a {CHAVE_MAXIMA} caracteres)")
        conta += _campo("01", chave)
        if descricao:
            conta += _campo("02", " ".join(sem_acentos(descricao).split()))
        referencia = "***" if txid is None else txid
        if referencia != "***" and not _TXID.fullmatch(referencia):
            raise ValueError("BR Code: txid deve ter de 1 a 25 letras ou dígitos (ou ser ***)")
        iniciacao = "12" if unico else None
    else:
        assert url is not None
        endereco = re.sub(r"^https?://", "", url.strip())
        if not endereco or len(endereco) > URL_MAXIMA or not endereco.isascii() or " " in endereco:
            raise ValueError(f"BR Code: URL inválida (ASCII sem espaços, até {URL_MAXIMA} caracteres)")
        if descricao:
            raise ValueError("BR Code: o BR Code dinâmico não leva descrição (ela fica na cobrança)")
        if txid not in (None, "***"):
            raise ValueError("BR Code: no BR Code dinâmico o txid fica na cobrança; o campo 62-05 é ***")
        conta += _campo("25", endereco)
        referencia = "***"
        iniciacao = "12"

    partes = [_campo("00", "01")]
    if iniciacao:
        partes.append(_campo("01", iniciacao))
    partes.append(_campo("26", conta))
    partes.append(_campo("52", "0000"))
    partes.append(_campo("53", "986"))
    if valor is not None:
        partes.append(_campo("54", _formatar_valor(valor)))
    partes.append(_campo("58", "BR"))
    partes.append(_campo("59", _texto_permitido(nome, NOME_MAXIMO, "o nome do recebedor")))
    partes.append(_campo("60", _texto_permitido(cidade, CIDADE_MAXIMA, "a cidade do recebedor")))
    if cep is not None:
        if not (cep.isascii() and cep.isdigit() and len(cep) == 8):
            raise ValueError("BR Code: CEP deve ter 8 dígitos")
        partes.append(_campo("61", cep))
    partes.append(_campo("62", _campo("05", referencia)))
    sem_crc = "".join(partes) + "6304"
    return sem_crc + crc16(sem_crc)


def _ler_tlv(texto: str, onde: str) -> dict[str, str]:
    """Split `ID(2) LEN(2) VALUE` fields; raise on truncation, bad lengths or repeated IDs."""
    campos: dict[str, str] = {}
    posicao = 0
    while posicao < len(texto):
        cabecalho = texto[posicao : posicao + 4]
        if len(cabecalho) < 4 or not (cabecalho.isascii() and cabecalho.isdigit()):
            raise ValueError(f"BR Code: estrutura inválida em {onde}, posição {posicao}: faltam ID e tamanho")
        identificador, tamanho = cabecalho[:2], int(cabecalho[2:])
        if tamanho == 0:
            raise ValueError(f"BR Code: campo {identificador} de {onde} com tamanho zero")
        valor = texto[posicao + 4 : posicao + 4 + tamanho]
        if len(valor) < tamanho:
            raise ValueError(
                f"BR Code: campo {identificador} de {onde} declara {tamanho} caracteres, há {len(valor)}"
            )
        if identificador in campos:
            raise ValueError(f"BR Code: campo {identificador} repetido em {onde}")
        campos[identificador] = valor
        posicao += 4 + tamanho
    return campos


def validar_brcode(payload: str) -> dict[str, Any]:
    """Parse and check a BR Code; return its fields, or raise ValueError saying (in Portuguese) what is wrong.

    Checked: the CRC (field 63, last), the TLV structure and lengths (nested 26-51 Pix template and 62),
    the fixed values (00 "01", 52, 53 "986", 58 "BR"), the Pix GUI, key or URL, name ≤ 25, city ≤ 15,
    amount format and txid. Returned keys: versao, iniciacao, chave, descricao, url, mcc, moeda,
    valor (Decimal or None), pais, nome, cidade, cep, txid, crc, and `campos` (every field, the
    templates as nested dicts).
    """
    if not isinstance(payload, str):
        raise ValueError("BR Code: o payload deve ser texto")
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise ValueError("BR Code: o CRC (campo 63, 4 caracteres) deve ser o último campo")
    informado = payload[-4:]
    calculado = crc16(payload[:-4])
    if informado.upper() != calculado:
        raise ValueError(f"BR Code: CRC inválido (informado {informado}, calculado {calculado})")
    campos: dict[str, Any] = dict(_ler_tlv(payload, "BR Code"))
    if list(campos)[-1] != "63":
        raise ValueError("BR Code: o CRC (campo 63) deve ser o último campo")
    if next(iter(campos)) != "00" or campos["00"] != "01":
        raise ValueError('BR Code: o primeiro campo deve ser 00 (Payload Format Indicator) igual a "01"')

    conta: dict[str, str] | None = None
    for identificador in [f"{n:02d}" for n in range(26, 52)]:
        if identificador in campos:
            modelo = _ler_tlv(campos[identificador], f"campo {identificador}")
            campos[identificador] = modelo
            if modelo.get("00", "").lower() == GUI_PIX:
                if conta is not None:
                    raise ValueError("BR Code: mais de um modelo de conta Pix (br.gov.bcb.pix)")
                conta = modelo
    if conta is None:
        raise ValueError("BR Code: falta o modelo de conta Pix (campos 26-51 com GUI br.gov.bcb.pix)")
    if ("01" in conta) == ("25" in conta):
        raise ValueError("BR Code: a conta Pix deve ter a chave (01) ou a URL (25), uma delas")
    if "62" not in campos:
        raise ValueError("BR Code: falta o campo 62 (dados adicionais, txid)")
    adicionais = _ler_tlv(campos["62"], "campo 62")
    campos["62"] = adicionais

    esperados = {"52": None, "53": "986", "58": "BR", "59": None, "60": None}
    for identificador, fixo in esperados.items():
        if identificador not in campos:
            raise ValueError(f"BR Code: falta o campo obrigatório {identificador}")
        if fixo is not None and campos[identificador] != fixo:
            raise ValueError(f"BR Code: campo {identificador} deve ser {fixo}, é {campos[identificador]}")
    iniciacao = campos.get("01")
    if iniciacao not in (None, "11", "12"):
        raise ValueError("BR Code: campo 01 (método de iniciação) deve ser 11 ou 12")
    if len(campos["59"]) > NOME_MAXIMO:
        raise ValueError(f"BR Code: nome do recebedor com mais de {NOME_MAXIMO} caracteres")
    if len(campos["60"]) > CIDADE_MAXIMA:
        raise ValueError(f"BR Code: cidade do recebedor com mais de {CIDADE_MAXIMA} caracteres")
    valor: Decimal | None = None
    if "54" in campos:
        texto_valor = campos["54"]
        if not _VALOR.fullmatch(texto_valor):
            raise ValueError(f"BR Code: valor (campo 54) mal formado: {texto_valor!r}")
        try:
            valor = Decimal(texto_valor)
        except InvalidOperation as erro:  # pragma: no cover - the regex admits only decimals
            raise ValueError("BR Code: valor (campo 54) mal formado") from erro
    txid = adicionais.get("05")
    if txid is None:
        raise ValueError("BR Code: falta o txid (campo 62-05)")
    if txid != "***" and not _TXID.fullmatch(txid):
        raise ValueError("BR Code: txid (campo 62-05) deve ter até 25 letras ou dígitos, ou ser ***")
    return {
        "versao": campos["00"],
        "iniciacao": iniciacao,
        "chave": conta.get("01"),
        "descricao": conta.get("02"),
        "url": conta.get("25"),
        "mcc": campos["52"],
        "moeda": campos["53"],
        "valor": valor,
        "pais": campos["58"],
        "nome": campos["59"],
        "cidade": campos["60"],
        "cep": campos.get("61"),
        "txid": txid,
        "crc": informado.upper(),
        "campos": campos,
    }
