"""The screens show the API's codes as Portuguese with accents, never as raw codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenant_app.credito.estados import StatusCarta
from tenant_app.ui.rotulos import ROTULOS, rotulo

pytestmark = pytest.mark.unit

TEMPLATES = Path(__file__).parents[4] / "tenant_app" / "ui" / "templates"


def test_codes_are_shown_with_their_accents() -> None:
    assert rotulo(StatusCarta.EM_ANALISE) == "em análise"
    assert rotulo("convertida_em_especie") == "convertida em espécie"
    assert rotulo("sorteio_fundo_reserva") == "sorteio (fundo de reserva)"


def test_a_code_without_a_label_reads_with_spaces() -> None:
    assert rotulo("recebendo_lances") == "recebendo lances"
    assert rotulo(None) == ""


def test_every_label_says_more_than_the_fallback() -> None:
    assert [k for k, v in ROTULOS.items() if v == k.replace("_", " ")] == []


def test_no_template_turns_codes_into_text_by_hand() -> None:
    by_hand = [
        p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("*.html")
        if 'replace("_", " ")' in p.read_text(encoding="utf-8")
    ]
    assert by_hand == []
