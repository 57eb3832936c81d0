"""The administradora's e-mail templates (pure): which fields exist, what is refused, how they fill."""

from __future__ import annotations

import pytest

from tenant_app.eventos import tipos
from tenant_app.notificacoes.email import modelos
from tenant_app.notificacoes.email.personalizacao import (
    CAMPOS,
    DESCRICOES,
    EXEMPLOS,
    erros_do_modelo,
    nomes_dos_campos,
    preencher,
)
from tenant_app.notificacoes.email.schemas import TipoModeloEmail


def test_every_e_mail_the_app_sends_can_be_reworded() -> None:
    assert set(TipoModeloEmail) == set(modelos.MODELOS) == set(CAMPOS) == set(DESCRICOES) == set(EXEMPLOS)


@pytest.mark.parametrize("tipo", sorted(CAMPOS))
def test_every_field_has_a_value_in_the_example(tipo: str) -> None:
    texto = " ".join(f"{{{c.nome}}}" for c in CAMPOS[tipo])
    _, [paragrafo] = preencher(tipo, "x", [texto], EXEMPLOS[tipo])
    assert "{" not in paragrafo and all(parte for parte in paragrafo.split(" "))


@pytest.mark.parametrize(
    "texto",
    ["{valor.__class__}", "{valor[0]}", "{valor!r}", "{valor:>10}", "{0}", "{}", "sem par {", "}"],
)
def test_templates_cannot_reach_into_objects_or_break(texto: str) -> None:
    with pytest.raises(ValueError):
        nomes_dos_campos(texto)


def test_unknown_fields_are_named_with_the_ones_that_exist() -> None:
    erros = erros_do_modelo(tipos.COTA_EXCLUIDA, "Cota {numero_cota}", ["ok", "{valor} {x}"])
    assert [c for c, _ in erros] == ["paragrafos[1]"]
    assert "{valor}, {x} não existe" in erros[0][1] and "{data_exclusao}" in erros[0][1]


def test_fills_formats_for_brazil_and_drops_a_paragraph_whose_fields_are_all_empty() -> None:
    dados = {"modalidade": "sorteio", "assembleia_numero": 3, "valor_credito": "50000", "cota_numero": 4}
    assunto, paragrafos = preencher(
        tipos.COTA_CONTEMPLADA,
        "Contemplada: {cota}",
        [
            "Crédito de {valor_credito} por {modalidade}.",
            "Pague o lance até {prazo_pagamento_lance}.",
            "Fixo {{x}}",
        ],
        dados,
    )
    assert assunto == "Contemplada: cota 4"
    assert paragrafos == ["Crédito de R$ 50.000,00 por sorteio.", "Fixo {x}"]


def test_blank_subject_or_body_is_refused_at_its_field() -> None:
    erros = erros_do_modelo(tipos.COTA_EXCLUIDA, "  ", ["", " \n"])
    assert [c for c, _ in erros] == ["assunto", "paragrafos"]
