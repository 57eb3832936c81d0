"""CPF and CNPJ rules shared by the tenant app, the control plane and the operator."""

from __future__ import annotations

import pytest

from consorcio_contract.identifiers import (
    format_cnpj,
    format_cpf,
    is_valid_cnpj,
    is_valid_cpf,
    normalize_cnpj,
    normalize_cpf,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("cpf", ["529.982.247-25", "52998224725", "390.533.447-05"])
def test_valid_cpfs(cpf: str) -> None:
    assert is_valid_cpf(cpf)


@pytest.mark.parametrize(
    "cpf",
    [
        "529.982.247-26",  # wrong second check digit
        "111.111.111-11",  # passes the arithmetic, not a CPF
        "5299822472",  # ten digits
        "52998224725a",
        "",
    ],
)
def test_invalid_cpfs(cpf: str) -> None:
    assert not is_valid_cpf(cpf)


@pytest.mark.parametrize(
    "cpf",
    [
        "３９０５３３４４７０５",  # full-width digits of the valid 390.533.447-05
        "３９０.５３３.４４７-０５",
        "3905334470\u00b5",  # a letter-like non-ASCII character
        "390533447\u00b2\u2075",  # superscript digits: isdigit() but int() refuses them
        "\u0663\u0669\u0660\u0665\u0663\u0663\u0664\u0664\u0667\u0660\u0665",  # Arabic-Indic digits
    ],
)
def test_non_ascii_digits_are_not_a_cpf(cpf: str) -> None:
    assert not is_valid_cpf(cpf)


@pytest.mark.parametrize(
    "cnpj", ["11.222.333/0001-81", "11222333000181", "12.ABC.345/01DE-35", "FF.222.333/0001-65"]
)
def test_valid_cnpjs(cnpj: str) -> None:
    assert is_valid_cnpj(cnpj)


@pytest.mark.parametrize(
    "cnpj",
    [
        "11.222.333/0001-82",
        "00.000.000/0000-00",
        "11.222.333/0001-8",
        "１１.２２２.３３３/０００１-８１",  # full-width digits
        "11.222.333/0001-8\u00b9",  # superscript one
        "\ufb00222333000165",  # "ﬀ" upper-cases to "FF", and FF.222.333/0001-65 is valid
    ],
)
def test_invalid_cnpjs(cnpj: str) -> None:
    assert not is_valid_cnpj(cnpj)


def test_normalize_and_format_round_trip() -> None:
    assert normalize_cpf("529.982.247-25") == "52998224725"
    assert format_cpf("52998224725") == "529.982.247-25"
    assert normalize_cnpj("12.abc.345/01de-35") == "12ABC34501DE35"
    assert format_cnpj("11222333000181") == "11.222.333/0001-81"
