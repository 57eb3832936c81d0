"""PIX keys (chaves Pix), pure: which of the five DICT forms a key is, and its canonical spelling.

The DICT (Diretório de Identificadores de Contas Transacionais, Regulamento Pix) knows five key
types, each with one stored form: CPF (11 digits) and CNPJ (14 characters; letters in the first 12
from July 2026) without punctuation, e-mail (at most 77 characters, kept in lower case), phone in
E.164 (for Brazil ``+55`` + DDD + 8 or 9 digits) and the random key EVP (a UUID, lower-case
hex). A key in any other shape cannot receive a payment, and cannot go into a BR Code's field 26-01
either: it is refused where it is typed, not when the first título is issued.
"""

from __future__ import annotations

import re
from enum import StrEnum

from consorcio_contract.identifiers import is_valid_cnpj, is_valid_cpf

EMAIL_MAXIMO = 77


class TipoChavePix(StrEnum):
    CPF = "cpf"
    CNPJ = "cnpj"
    EMAIL = "email"
    TELEFONE = "telefone"
    EVP = "evp"


_TELEFONE = re.compile(r"\+55[1-9]{2}9?[0-9]{8}")
_EVP = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The DICT's e-mail shape (the HTML5 "valid e-mail address" grammar, lower case): local part of
# the atext characters and dots, then labels of letters, digits and inner hyphens.
_EMAIL = re.compile(
    r"[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+"
)
_SO_DIGITOS = re.compile(r"[0-9]+")
_PONTUACAO_DOCUMENTO = re.compile(r"[.\-/]")

_FORMAS = (
    "CPF (11 dígitos), CNPJ (14 caracteres), e-mail (até 77 caracteres), telefone no formato "
    "+55DDNNNNNNNNN ou chave aleatória (UUID)"
)


def normalizar_chave_pix(chave: str) -> tuple[TipoChavePix, str]:
    """The key's type and its DICT form; ``ValueError`` (Portuguese, names the expected forms) otherwise.

    Punctuation of a CPF/CNPJ (``529.982.247-25``) is dropped, an e-mail and an EVP are lower-cased;
    anything else is taken as typed: a phone without ``+55`` is not guessed into one.
    """
    texto = chave.strip()
    if not texto or not texto.isascii() or any(c.isspace() for c in texto):
        raise ValueError(f"chave Pix inválida: use {_FORMAS}, sem espaços nem acentos")
    if texto.startswith("+"):
        if not _TELEFONE.fullmatch(texto):
            raise ValueError(
                "chave Pix de telefone inválida: use +55, o DDD e o número (8 ou 9 dígitos), só dígitos"
            )
        return TipoChavePix.TELEFONE, texto
    if "@" in texto:
        email = texto.lower()
        if len(email) > EMAIL_MAXIMO or not _EMAIL.fullmatch(email):
            raise ValueError(f"chave Pix de e-mail inválida (nome@dominio, até {EMAIL_MAXIMO} caracteres)")
        return TipoChavePix.EMAIL, email
    if len(texto) == 36 and texto.count("-") == 4:
        evp = texto.lower()
        if not _EVP.fullmatch(evp):
            raise ValueError(
                "chave Pix aleatória inválida: deve ser um UUID (8-4-4-4-12 dígitos hexadecimais)"
            )
        return TipoChavePix.EVP, evp
    documento = _PONTUACAO_DOCUMENTO.sub("", texto).upper()
    if len(documento) == 11 and _SO_DIGITOS.fullmatch(documento):
        if not is_valid_cpf(documento):
            raise ValueError("chave Pix de CPF inválida: os dígitos verificadores não conferem")
        return TipoChavePix.CPF, documento
    if len(documento) == 14:
        if not is_valid_cnpj(documento):
            raise ValueError("chave Pix de CNPJ inválida: os dígitos verificadores não conferem")
        return TipoChavePix.CNPJ, documento
    raise ValueError(f"chave Pix inválida: use {_FORMAS}")
