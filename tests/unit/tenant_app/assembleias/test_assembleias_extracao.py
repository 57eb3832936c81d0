"""Parsing and validating a Loteria Federal extraction."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.assembleias.erros import ExtracaoInvalida
from tenant_app.assembleias.sorteio.extracao import ExtracaoLoteria, parse_extracao

pytestmark = pytest.mark.unit

PREMIOS = ["04817", "52300", "91000", "13579", "00042"]


def campos(exc: ExtracaoInvalida) -> list[str]:
    return [e.campo for e in exc.erros]


def test_valid_extraction_keeps_leading_zeros() -> None:
    extracao = parse_extracao(5923, PREMIOS)
    assert extracao == ExtracaoLoteria(5923, tuple(PREMIOS))


def test_published_form_with_thousands_dot_is_normalised() -> None:
    extracao = parse_extracao(5923, ["04.817", "52.300", "91.000", "13.579", "00.042"])
    assert extracao.premios == tuple(PREMIOS)


@pytest.mark.parametrize(
    ("premios", "campo"),
    [
        (PREMIOS[:4], "premios"),
        ([*PREMIOS, "11111"], "premios"),
        ("04817", "premios"),
        (None, "premios"),
        (["4817", *PREMIOS[1:]], "premios[0]"),
        (["048170", *PREMIOS[1:]], "premios[0]"),
        ([*PREMIOS[:2], "9I000", *PREMIOS[3:]], "premios[2]"),
        ([*PREMIOS[:3], 13579, PREMIOS[4]], "premios[3]"),
        ([*PREMIOS[:4], "0.0042"], "premios[4]"),
        ([*PREMIOS[:4], "٠٠٠٤٢"], "premios[4]"),  # Arabic-Indic digits pass str.isdigit
        ([*PREMIOS[:4], "52300"], "premios[4]"),  # repeats the 2nd prize
        ([*PREMIOS[:4], "52.300"], "premios[4]"),  # same ticket, published form
    ],
)
def test_malformed_prizes_are_rejected_with_the_field(premios: object, campo: str) -> None:
    with pytest.raises(ExtracaoInvalida) as exc:
        parse_extracao(5923, premios)
    assert campos(exc.value) == [campo]
    assert all(e.mensagem for e in exc.value.erros)


@pytest.mark.parametrize("concurso", [0, -1, 100_000, "5923", 59.23, True, None])
def test_malformed_extraction_number_is_rejected(concurso: object) -> None:
    with pytest.raises(ExtracaoInvalida) as exc:
        parse_extracao(concurso, PREMIOS)
    assert campos(exc.value) == ["concurso"]


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(ExtracaoInvalida) as exc:
        parse_extracao("x", ["1", "2", "3", "4", "5"])
    assert campos(exc.value) == ["concurso", *(f"premios[{i}]" for i in range(5))]


def test_hand_built_extraction_cannot_hold_bad_prizes() -> None:
    with pytest.raises(ExtracaoInvalida):
        ExtracaoLoteria(1, ("1234", "00000", "00001", "00002", "00003"))


cinco_digitos = st.integers(0, 99_999).map(lambda n: f"{n:05d}")


@given(st.lists(cinco_digitos, min_size=5, max_size=5, unique=True), st.integers(1, 99_999))
def test_any_five_distinct_tickets_parse_unchanged(premios: list[str], concurso: int) -> None:
    assert parse_extracao(concurso, premios).premios == tuple(premios)


@given(st.text(max_size=8))
def test_arbitrary_text_is_either_a_ticket_or_an_error(texto: str) -> None:
    outros = ["90001", "90002", "90003", "90004"]
    forma = re.fullmatch(r"(\d{2})\.?(\d{3})", texto.strip(), flags=re.ASCII) is not None and texto.isascii()
    aceito = forma and texto.strip().replace(".", "") not in outros
    if aceito:
        assert parse_extracao(1, [texto, *outros]).premios[0] == texto.strip().replace(".", "")
    else:
        with pytest.raises(ExtracaoInvalida) as exc:
            parse_extracao(1, [texto, *outros])
        assert len(campos(exc.value)) == 1
