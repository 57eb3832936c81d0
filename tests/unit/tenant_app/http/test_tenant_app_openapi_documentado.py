"""The tenant app's OpenAPI document is complete for every operation (issue 13 item 1).

Every operation has a summary, a description (the handler's docstring), a success response
with a real schema, and its error statuses as ``application/problem+json``; the links
resolve to real operations. A route added without a docstring or with a ``dict``/``Any``
answer fails here, and the message names it.
"""

from __future__ import annotations

import pytest
from litestar import Litestar

from consorcio_kit.input_rules import TEXT_PATTERN
from consorcio_kit.openapi import document_gaps, iter_operations
from tenant_app.app import create_app
from tenant_app.http.openapi_doc import LINKS
from tenant_app.settings import Settings
from tests.support.openapi_body_examples import check_body_examples

pytestmark = pytest.mark.unit

ENV = {
    "TENANT_SLUG": "docs",
    "DATABASE_URL": "postgresql://u:p@127.0.0.1:1/docs",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "JWT_SECRET": "x" * 64,
}


@pytest.fixture(scope="module")
def app() -> Litestar:
    return create_app(Settings.from_env(ENV))


def test_every_operation_is_documented(app: Litestar) -> None:
    gaps = document_gaps(app)
    listing = "\n".join(f"  {op}: {', '.join(what)}" for op, what in sorted(gaps.items()))
    assert not gaps, f"{len(gaps)} operations lack documentation:\n{listing}"


def test_error_statuses_follow_the_route(app: Litestar) -> None:
    ops = {info.operation_id: info.operation for info in iter_operations(app, app.openapi_schema)}
    pagamento = set(ops["registerPayment"].responses or {})
    assert {"201", "400", "401", "403", "404", "409", "422", "428", "429"} <= pagamento
    assert "428" not in (ops["listGrupos"].responses or {})
    assert ops["login"].security == [] and "423" in (ops["login"].responses or {})
    assert "503" in (ops["apurarAssembleia"].responses or {})  # the group's lock fails closed


def test_every_link_reaches_an_operation(app: Litestar) -> None:
    ids = {info.operation_id for info in iter_operations(app, app.openapi_schema)}
    missing = sorted(
        {f"{link.source} -> {link.target}" for link in LINKS}
        - {f"{link.source} -> {link.target}" for link in LINKS if link.source in ids and link.target in ids}
    )
    assert not missing, f"links naming no operation: {missing}"
    doc = app.openapi_schema.to_schema()
    created = doc["paths"]["/api/grupos"]["post"]["responses"]["201"]["links"]
    assert created["createAssembleia"]["parameters"] == {"grupo_id": "$response.body#/id"}


def test_inputs_state_the_text_and_integer_rules(app: Litestar) -> None:
    doc = app.openapi_schema.to_schema()
    endereco = doc["components"]["schemas"]["EnderecoIn"]["properties"]
    assert endereco["logradouro"]["pattern"] == TEXT_PATTERN
    offset = next(p for p in doc["paths"]["/api/usuarios"]["get"]["parameters"] if p["name"] == "offset")
    assert offset["schema"]["maximum"] == 2**31 - 1


def test_every_property_is_described(app: Litestar) -> None:
    """Every schema property has a description (Meta, the field's ``#:`` comment or the glossary).

    The properties not yet described are listed in ``propriedades_sem_descricao.txt``; the list
    only shrinks: a new undescribed property fails here by name, and so does a listed one that
    got its description (delete its line).
    """
    from pathlib import Path

    from consorcio_kit.openapi_properties import undescribed_properties

    listed = Path(__file__).with_name("propriedades_sem_descricao.txt").read_text().splitlines()
    known = {line for line in listed if line and not line.startswith("#")}
    missing = set(undescribed_properties(app.openapi_schema))
    new = sorted(missing - known)
    assert not new, f"{len(new)} properties lack a description:\n  " + "\n  ".join(new)
    fixed = sorted(known - missing)
    assert not fixed, "described now, delete from propriedades_sem_descricao.txt:\n  " + "\n  ".join(fixed)
    doc = app.openapi_schema.to_schema()
    # A "Esquema.campo" glossary entry names a property the document has (not a renamed one).
    from tenant_app.http.openapi_glossario import GLOSSARIO

    schemas = doc["components"]["schemas"]
    stale = sorted(
        key
        for key in GLOSSARIO
        if "." in key and key.split(".")[1] not in schemas.get(key.split(".")[0], {}).get("properties", {})
    )
    assert not stale, f"glossary entries for properties the document lacks: {stale}"
    grupo = doc["components"]["schemas"]["GrupoCreate"]["properties"]
    assert "Código do grupo" in grupo["codigo"]["description"]
    chave = doc["components"]["schemas"]["ChaveCriadaOut"]["properties"]["chave"]
    assert chave["description"] and chave["examples"]


def test_every_example_is_valid_for_its_property(app: Litestar) -> None:
    """Examples are sent as they are by clients and by the fuzz run's examples phase: each must
    validate against its property's schema (refs resolved against the whole document)."""
    import json

    import jsonschema
    from litestar.serialization import encode_json

    doc = json.loads(encode_json(app.openapi_schema.to_schema()))
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    invalid, count = [], 0
    for name, schema in doc["components"]["schemas"].items():
        for prop, prop_schema in (schema.get("properties") or {}).items():
            for example in prop_schema.get("examples") or []:
                count += 1
                validator = jsonschema.Draft202012Validator(
                    {**prop_schema, "components": doc["components"]}, format_checker=checker
                )
                if not validator.is_valid(example):
                    invalid.append(f"{name}.{prop}: {example!r}")
    assert count > 100, count  # uuid/date/date-time and money/percent fields carry one
    assert not invalid, "examples their own schema refuses:\n  " + "\n  ".join(invalid)


def test_every_json_body_has_an_example_its_schema_accepts(app: Litestar) -> None:
    """Whole request and response bodies, assembled from the property examples: a developer sees
    a complete body per operation, and the fuzz run's examples phase sends the request ones."""
    found = check_body_examples(app)
    assert found.bodies > 150, found.bodies
    assert found.invalid == []
    assert found.without == []
