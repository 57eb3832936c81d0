"""Text for bank files and BR Codes: accents removed, only the characters the standards allow."""

from __future__ import annotations

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


def sem_acentos(texto: str) -> str:
    """ASCII printable (0x20-0x7E) transliteration: "São João" -> "Sao Joao"; other characters -> space.

    The BR Code's name and city (EMV "ans") and CNAB's alphanumeric fields both take only this range.
    """
    decomposto = unicodedata.normalize("NFKD", texto.translate(_SEM_DECOMPOSICAO))
    saida = []
    for caractere in decomposto:
        if unicodedata.combining(caractere):
            continue
        saida.append(caractere if " " <= caractere <= "~" else " ")
    return "".join(saida)
