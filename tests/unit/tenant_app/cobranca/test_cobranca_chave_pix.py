"""PIX keys: the five DICT forms are recognised and normalised; anything else is refused with a reason,
and whatever is accepted always makes a valid BR Code (the defect the API fuzz found: a key accepted at
the account made every later título fail)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.cobranca.chave_pix import TipoChavePix, normalizar_chave_pix
from tenant_app.cobranca.pix import montar_brcode, validar_brcode

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("chave", "tipo", "forma"),
    [
        ("529.982.247-25", TipoChavePix.CPF, "52998224725"),
        ("52998224725", TipoChavePix.CPF, "52998224725"),
        ("11.222.333/0001-81", TipoChavePix.CNPJ, "11222333000181"),
        ("12.abc.345/01de-35", TipoChavePix.CNPJ, "12ABC34501DE35"),  # alphanumeric CNPJ (July 2026)
        ("+5511987654321", TipoChavePix.TELEFONE, "+5511987654321"),
        ("+556132654321", TipoChavePix.TELEFONE, "+556132654321"),  # landline: 8 digits
        ("Cobranca@Administradora.com.br", TipoChavePix.EMAIL, "cobranca@administradora.com.br"),
        ("123E4567-E12B-12D1-A456-426655440000", TipoChavePix.EVP, "123e4567-e12b-12d1-a456-426655440000"),
        ("  52998224725 ", TipoChavePix.CPF, "52998224725"),
    ],
)
def test_dict_forms_are_normalised(chave: str, tipo: TipoChavePix, forma: str) -> None:
    assert normalizar_chave_pix(chave) == (tipo, forma)


@pytest.mark.parametrize(
    ("chave", "motivo"),
    [
        ("", "chave Pix inválida"),
        ("   ", "chave Pix inválida"),
        ("52998224724", "CPF inválida"),  # wrong check digit
        ("11111111111", "CPF inválida"),  # repeated digits
        ("11222333000182", "CNPJ inválida"),
        ("5511987654321", "chave Pix inválida"),  # a phone without +55 is not guessed
        ("+1415555267", "telefone inválida"),  # only Brazilian numbers
        ("+55119876543", "telefone inválida"),
        ("+55 11 98765-4321", "chave Pix inválida"),
        ("fulano@", "e-mail inválida"),
        ("fulano@localhost", "e-mail inválida"),
        ("a" * 70 + "@exemplo.com", "e-mail inválida"),  # 82 characters, above 77
        ("123e4567-e12b-12d1-a456-42665544000g", "aleatória inválida"),
        ("josé@exemplo.com", "sem espaços nem acentos"),
        ("chave qualquer", "sem espaços nem acentos"),
        ("ＡＢＣ", "sem espaços nem acentos"),
        ("qualquer-coisa", "chave Pix inválida"),
    ],
)
def test_anything_else_is_refused_with_the_reason(chave: str, motivo: str) -> None:
    with pytest.raises(ValueError, match=motivo):
        normalizar_chave_pix(chave)


_CANDIDATAS = st.one_of(
    st.text(max_size=90),
    st.emails(),
    st.uuids().map(str),
    st.from_regex(r"\+55[1-9]{2}9?[0-9]{8}", fullmatch=True),
    st.from_regex(r"[0-9]{11}|[0-9A-Z]{12}[0-9]{2}", fullmatch=True),
)


@given(_CANDIDATAS)
def test_an_accepted_key_always_makes_a_valid_br_code(chave: str) -> None:
    """Whatever passes goes into field 26-01 and reads back the same; whatever fails says why."""
    try:
        _, forma = normalizar_chave_pix(chave)
    except ValueError as erro:
        assert str(erro).startswith("chave Pix")
        return
    payload = montar_brcode(forma, nome="Administradora", cidade="São Paulo", valor=Decimal("10.00"))
    assert validar_brcode(payload)["chave"] == forma


@given(
    st.sampled_from(
        ["52998224725", "11222333000181", "+5511987654321", "a@b.co", "123e4567-e12b-12d1-a456-426655440000"]
    )
)
def test_normalising_is_idempotent(chave: str) -> None:
    _, forma = normalizar_chave_pix(chave)
    assert normalizar_chave_pix(forma)[1] == forma
