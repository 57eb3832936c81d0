"""CPF (Cadastro de Pessoas Físicas): 11 digits, two mod-11 check digits."""

from __future__ import annotations

import re

from consorcio_contract.identifiers.check_digits import mod11_digit

_SEPARATORS = re.compile(r"[.\-\s]")


def normalize_cpf(value: str) -> str:
    """Strip the usual punctuation (529.982.247-25 -> 52998224725)."""
    return _SEPARATORS.sub("", value)


def is_valid_cpf(value: str) -> bool:
    digits = normalize_cpf(value)
    # str.isdigit() alone accepts full-width (３) and superscript (²) digits,
    # which int() then reads as ASCII ones: a CPF must be ASCII digits only.
    if len(digits) != 11 or not (digits.isascii() and digits.isdigit()):
        return False
    # 000.000.000-00, 111.111.111-11 ... pass the arithmetic but are not CPFs.
    if len(set(digits)) == 1:
        return False
    nums = [int(c) for c in digits]
    first = mod11_digit(nums[:9], range(10, 1, -1))
    second = mod11_digit(nums[:10], range(11, 1, -1))
    return nums[9] == first and nums[10] == second


def format_cpf(value: str) -> str:
    d = normalize_cpf(value)
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"
