"""Text for bank files and BR Codes: accents removed, only the characters the standards allow."""

from __future__ import annotations

import re
import unicodedata

# Letters and punctuation that NFKD does not turn into ASCII.
_SEM_DECOMPOSICAO = str.maketrans(
    {
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Ø": "O",
        "ø": "o",
        "Œ": "OE",
        "œ": "oe",
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
    }
)


_CONTROLE = dict.fromkeys([*range(0x20), 0x7F], " ")
_FORA_DO_ASCII_IMPRIMIVEL = re.compile(r"[^\x20-\x7e]")


def sem_acentos(texto: str) -> str:
    """ASCII printable (0x20-0x7E) transliteration: "São João" -> "Sao Joao"; other characters -> space.

    The BR Code's name and city (EMV "ans") and CNAB's alphanumeric fields both take only this range.
    """
    if texto.isascii():
        return texto.translate(_CONTROLE)
    decomposto = unicodedata.normalize("NFKD", texto.translate(_SEM_DECOMPOSICAO))
    sem_marcas = "".join(c for c in decomposto if not unicodedata.combining(c))
    return _FORA_DO_ASCII_IMPRIMIVEL.sub(" ", sem_marcas)
