"""Whole-body examples are assembled from what a schema says, and only where it accepts them."""

from __future__ import annotations

import pytest

from consorcio_kit.openapi_examples import NOTHING, example_of

pytestmark = pytest.mark.unit

NO_CONTROL = {"pattern": "^[^\\x00-\\x08]*$"}


def test_property_examples_and_enums_come_first() -> None:
    schema = {
        "type": "object",
        "required": ["valor", "forma"],
        "properties": {
            "valor": {"type": "string", "examples": ["1234.50"]},
            "forma": {"$ref": "#/components/schemas/Forma"},
            "observacao": {"oneOf": [{"type": "string"}, {"type": "null"}], "maxLength": 3},
        },
    }
    components = {"schemas": {"Forma": {"type": "string", "enum": ["ted", "pix"]}}}
    assert example_of(schema, components) == {"valor": "1234.50", "forma": "ted", "observacao": "1"}


def test_text_meets_every_pattern_and_realistic_values_are_preferred() -> None:
    uf = {"allOf": [NO_CONTROL], "type": "string", "pattern": "^[A-Z]{2}$"}
    assert example_of(uf, {}, name="uf") == "SP"
    tipo = {"allOf": [NO_CONTROL], "type": "string", "pattern": "^(email|telefone)$"}
    assert example_of(tipo, {}, name="tipo") == "email"


def test_a_required_field_nothing_fits_leaves_no_example_rather_than_a_wrong_one() -> None:
    schema = {
        "type": "object",
        "required": ["chave"],
        "properties": {"chave": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
    }
    assert example_of(schema, {}) is NOTHING
    assert example_of({"type": "object", "properties": schema["properties"]}, {}) == {}


def test_numbers_respect_their_bounds() -> None:
    assert example_of({"type": "integer", "minimum": 5, "maximum": 9}, {}) == 5
    assert example_of({"type": "integer", "minimum": 10, "maximum": 9}, {}) is NOTHING
