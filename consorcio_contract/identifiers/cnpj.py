"""CNPJ, including the alphanumeric form valid from July 2026.

The first 12 characters may be digits or letters A-Z; each character is
worth its ASCII code minus 48 (so digits keep their value and A=17 ... Z=42).
The last two characters are numeric mod-11 check digits.
"""

from __future__ import annotations

import re

from consorcio_contract.identifiers.check_digits import mod11_digit

_SEPARATORS = re.compile(r"[./\-\s]")
_SHAPE = re.compile(r"^[0-9A-Z]{12}[0-9]{2}$")
_FIRST_WEIGHTS = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_SECOND_WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def normalize_cnpj(value: str) -> str:
    """Strip punctuation and upper-case (11.222.333/0001-81 -> 11222333000181)."""
    return _SEPARATORS.sub("", value).upper()


def is_valid_cnpj(value: str) -> bool:
    # Checked before normalizing: str.upper() turns some non-ASCII letters
    # into ASCII ones (the ligature "ﬀ" becomes "FF").
    if not value.isascii():
        return False
    chars = normalize_cnpj(value)
    if not _SHAPE.match(chars):
        return False
    if len(set(chars)) == 1:
        return False
    values = [ord(c) - 48 for c in chars]
    first = mod11_digit(values[:12], _FIRST_WEIGHTS)
    second = mod11_digit(values[:13], _SECOND_WEIGHTS)
    return values[12] == first and values[13] == second


def format_cnpj(value: str) -> str:
    c = normalize_cnpj(value)
    return f"{c[:2]}.{c[2:5]}.{c[5:8]}/{c[8:12]}-{c[12:]}"
