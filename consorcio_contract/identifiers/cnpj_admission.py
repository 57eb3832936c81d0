"""The CNPJ rules as CEL, so the Kubernetes API server refuses a bad CNPJ itself.

The CRD generator puts :func:`cnpj_cel_rules` on ``spec.cnpj``; the Python
rule (:mod:`consorcio_contract.identifiers.cnpj`) stays the reference and
gives the same messages. CEL has no loops, so the mod-11 sums are unrolled
over the 12 + 13 positions; a character's value is its index in
:data:`CEL_ALPHABET` (= its ASCII code - 48, as the Receita's rule says).
Only the strings library's ``replace``/``upperAscii``/``charAt``/``indexOf``
and list indexing are used (all available since Kubernetes 1.27; no
``cel.bind``, which the chart's minimum 1.29 lacks), so the normalized
string is spelled out in each term: with the field's maxLength of 18 the API
server's cost estimate stays far below its limit.
"""

from __future__ import annotations

from consorcio_contract.identifiers.cnpj import (
    CHECK_DIGITS_MESSAGE,
    FIRST_WEIGHTS,
    REPEATED_MESSAGE,
    SECOND_WEIGHTS,
)

# ASCII 48 ('0') .. 90 ('Z'): index == ASCII code - 48.
CEL_ALPHABET = "".join(chr(code) for code in range(48, 91))
# The check digit for each remainder r = sum % 11: 0 when r < 2, else 11 - r.
_DIGIT_FOR_REMAINDER = "[0, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1]"
_SHAPE = "^[0-9A-Z]{12}[0-9]{2}$"


def _cel_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _normalized(field: str) -> str:
    """``field`` without punctuation, upper-case (normalize_cnpj in CEL)."""
    return f"{field}.replace('.', '').replace('/', '').replace('-', '').upperAscii()"


def _value(field: str, position: int) -> str:
    return f"{_cel_quote(CEL_ALPHABET)}.indexOf({_normalized(field)}.charAt({position}))"


def _check_digit_matches(field: str, weights: tuple[int, ...]) -> str:
    total = " + ".join(f"{_value(field, i)} * {w}" for i, w in enumerate(weights))
    return f"{_DIGIT_FOR_REMAINDER}[({total}) % 11] == {_value(field, len(weights))}"


def cnpj_cel_rules(field: str = "self") -> tuple[tuple[str, str], ...]:
    """``(rule, message)`` pairs for a CRD's x-kubernetes-validations on a CNPJ string.

    Each rule passes when the shape is wrong (the field's own pattern rule
    reports that), and the check-digit rule passes on a repeated character
    (``00000000000000`` has matching digits: the repetition rule reports it),
    so a bad CNPJ gets exactly one sentence.
    """
    c = _normalized(field)
    well_shaped = f"{c}.matches({_cel_quote(_SHAPE)})"
    repeated = f"{c}.replace({c}.charAt(0), '') == ''"
    digits = f"{_check_digit_matches(field, FIRST_WEIGHTS)} && {_check_digit_matches(field, SECOND_WEIGHTS)}"
    return (
        (f"!{well_shaped} || !({repeated})", REPEATED_MESSAGE),
        (f"!{well_shaped} || {repeated} || ({digits})", CHECK_DIGITS_MESSAGE),
    )
