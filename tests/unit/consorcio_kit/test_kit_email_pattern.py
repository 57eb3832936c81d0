"""The e-mail pattern means the same in Python ``re`` (what the apps run) and in ECMA-262
(what the OpenAPI document's readers run: clients, form validators, fuzzers).

A fuzz run once sent ``jZ\\u0085@x.S…``: valid by the document, rejected by the app,
because Python's ``\\s`` includes U+0085 and ECMA's does not.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import msgspec
import pytest

from consorcio_kit.input_rules import EMAIL_PATTERN, Email


def _ecma_whitespace(c: str) -> bool:
    # ECMA-262 §22.2.2.9 CharacterClassEscape \s = WhiteSpace ∪ LineTerminator:
    # TAB VT FF SP NBSP ZWNBSP, every Zs, LF CR LS PS.
    return c in "\t\v\f \u00a0\ufeff\n\r\u2028\u2029" or unicodedata.category(c) == "Zs"


def _ecma_accepts_char(c: str) -> bool:
    """What the pattern's character class admits under ECMA-262 rules, written from the spec."""
    cp = ord(c)
    return not (c == "@" or _ecma_whitespace(c) or cp <= 0x20 or 0x7F <= cp <= 0x9F or cp == 0xFEFF)


def test_python_and_ecma_agree_on_every_character() -> None:
    python = re.compile(EMAIL_PATTERN)
    disagree = [
        hex(cp)
        for cp in range(sys.maxunicode + 1)
        if not 0xD800 <= cp <= 0xDFFF
        and bool(python.search(f"a{chr(cp)}@b.c")) != _ecma_accepts_char(chr(cp))
    ]
    assert disagree == []


@pytest.mark.parametrize(
    "endereco", ["ana@exemplo.com.br", "joão.silva+consorcio@administradora.com.br", "x@y.z"]
)
def test_real_addresses_pass(endereco: str) -> None:
    assert msgspec.convert(endereco, Email) == endereco


@pytest.mark.parametrize(
    "endereco", ["sem-arroba.com", "a@b", "a b@c.d", "a\u0085b@c.d", "a@b.c\u001c", "\ufeffa@b.c", "a@@b.c"]
)
def test_malformed_addresses_fail(endereco: str) -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(endereco, Email)
