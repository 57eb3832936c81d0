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
FIRST_WEIGHTS = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
SECOND_WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)

# The sentences every component gives (the CRD's CEL rules too), after "cnpj".
REPEATED_MESSAGE = "cnpj cannot repeat one character 14 times (such as 00.000.000/0000-00): not a valid CNPJ"
CHECK_DIGITS_MESSAGE = (
    "cnpj check digits do not match: the last two digits are not the mod-11 digits of the first 12 "
    "characters (not a valid CNPJ)"
)


def normalize_cnpj(value: str) -> str:
    """Strip punctuation and upper-case (11.222.333/0001-81 -> 11222333000181)."""
    return _SEPARATORS.sub("", value).upper()


def is_valid_cnpj(value: str) -> bool:
    return cnpj_problem(value) is None


def cnpj_problem(value: str) -> str | None:
    """Why ``value`` is not a CNPJ (one of this module's sentences), or None when it is one."""
    # Checked before normalizing: str.upper() turns some non-ASCII letters
    # into ASCII ones (the ligature "ﬀ" becomes "FF").
    chars = normalize_cnpj(value) if value.isascii() else ""
    if not _SHAPE.match(chars):
        return "cnpj must have 14 characters: 12 letters or digits and 2 check digits"
    if len(set(chars)) == 1:
        return REPEATED_MESSAGE
    values = [ord(c) - 48 for c in chars]
    first = mod11_digit(values[:12], FIRST_WEIGHTS)
    second = mod11_digit(values[:13], SECOND_WEIGHTS)
    if values[12] != first or values[13] != second:
        return CHECK_DIGITS_MESSAGE
    return None


def format_cnpj(value: str) -> str:
    c = normalize_cnpj(value)
    return f"{c[:2]}.{c[2:5]}.{c[5:8]}/{c[8:12]}-{c[12:]}"
