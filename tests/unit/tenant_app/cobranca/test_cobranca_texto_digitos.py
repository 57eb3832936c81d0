"""Shared pieces: transliteration for bank files and BR Codes, digit checks, módulo 10 and 11."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.cobranca.digitos import dv_geral_codigo_barras, exigir_digitos, modulo10, preencher
from tenant_app.cobranca.texto import sem_acentos

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("São João", "Sao Joao"),
        ("AÇÃO Ñandú Über", "ACAO Nandu Uber"),
        ("Straße", "Strasse"),
        ("cota 045 — parcela “12”", 'cota 045 - parcela "12"'),
        ("tab\there", "tab here"),
        ("漢字", "  "),
        ("ｆｕｌｌ", "full"),
    ],
)
def test_sem_acentos(texto: str, esperado: str) -> None:
    assert sem_acentos(texto) == esperado


@given(st.text())
def test_sem_acentos_is_printable_ascii(texto: str) -> None:
    assert all(" " <= c <= "~" for c in sem_acentos(texto))


@pytest.mark.parametrize("valor", ["12a", "１２", "٣", "", " 1", "-1", 12])
def test_exigir_digitos_rejects(valor: object) -> None:
    with pytest.raises(ValueError, match=r"dígitos|texto"):
        exigir_digitos(valor, "campo")


def test_preencher() -> None:
    assert preencher(42, 5, "n") == "00042"
    assert preencher("7", 1, "n") == "7"
    with pytest.raises(ValueError, match="no máximo 2"):
        preencher(123, 2, "n")
    with pytest.raises(ValueError, match="negativo"):
        preencher(-1, 3, "n")


def test_modulo10_and_11_known_values() -> None:
    # FEBRABAN's worked examples as printed in the banks' boleto manuals.
    assert modulo10("001905009") == 5
    assert modulo10("00571234511012345678") == 8
    assert modulo10("0") == 0
    assert dv_geral_codigo_barras("0019373700000001000500940144816060680935031") == 3


@given(st.from_regex(r"[0-9]{1,30}", fullmatch=True), st.data())
def test_modulo10_catches_any_single_digit_change(numero: str, data: st.DataObject) -> None:
    posicao = data.draw(st.integers(min_value=0, max_value=len(numero) - 1))
    novo = data.draw(st.sampled_from([d for d in "0123456789" if d != numero[posicao]]))
    alterado = numero[:posicao] + novo + numero[posicao + 1 :]
    assert modulo10(alterado) != modulo10(numero)
