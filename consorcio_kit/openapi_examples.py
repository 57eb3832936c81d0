"""An example body for every JSON request and success response, built from the document itself.

A developer reading an operation sees a whole body at once, not only one example per
property. The body is assembled from what the schema already says, in this order: the
property's own examples, ``const``, the first ``enum`` member, ``default``, a value of its
format, then the smallest value its type and bounds allow. A required property nothing can
be made for (a string with a ``pattern`` and no example) leaves the operation without an
example rather than with a wrong one; the unit tests validate every example against its schema.
"""

from __future__ import annotations

import json
import re
from typing import Any

from litestar import Litestar
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, RequestBody
from litestar.serialization import encode_json

from consorcio_kit.openapi import iter_operations
from consorcio_kit.openapi_properties import FORMAT_EXAMPLES

_FORMATS: dict[str, str] = {
    **FORMAT_EXAMPLES,
    "email": "contato@exemplo.com.br",
    "uri": "https://exemplo.com.br/",
}
_MAX_DEPTH = 24
_WORDS = re.compile(r"\^\((\w+)(?:\|\w+)*\)\$")
_CONSTRAINTS = frozenset({"minLength", "maxLength", "pattern", "format", "minimum", "maximum"})

#: Realistic values for the text fields a consórcio API is full of, tried before "texto"
#: (each only where the field's own bounds and pattern accept it).
_BY_NAME: dict[str, tuple[str, ...]] = {
    "nome": ("Maria da Silva",),
    "favorecido_nome": ("Maria da Silva",),
    "documento": ("52998224725",),
    "cpf": ("52998224725",),
    "cnpj": ("11222333000181",),
    "email": ("maria@exemplo.com.br",),
    "telefone": ("+5511987654321",),
    "celular": ("+5511987654321",),
    "cep": ("01310-100",),
    "uf": ("SP",),
    "cidade": ("São Paulo",),
    "bairro": ("Bela Vista",),
    "logradouro": ("Avenida Paulista",),
    "numero": ("1000",),
    "complemento": ("apto 12",),
    "banco": ("001", "341"),
    "agencia": ("1234",),
    "dv_agencia": ("5",),
    "conta": ("123456",),
    "dv_conta": ("7",),
    "chave_pix": ("maria@exemplo.com.br",),
    "codigo": ("123456", "G-2026-01"),
    "carteira": ("17",),
    "beneficiario_documento": ("11222333000181",),
    "remetente_email": ("cobranca@exemplo.com.br",),
    "responder_para": ("atendimento@exemplo.com.br",),
    "mes": ("2026-11",),
    "periodo": ("2026-11",),
    "period": ("2026-11",),
    "senha": ("uma senha longa e boa",),
    "password": ("a long and good password",),
    "motivo": ("Pedido do consorciado",),
    "observacao": ("Conferido com o contrato",),
    "descricao": ("Automóvel 0 km",),
    "titulo": ("Contrato de adesão",),
    "url": ("https://erp.exemplo.com.br/webhooks/consorcio",),
}


class _Nothing:
    """No value can be made (distinct from JSON null)."""


NOTHING = _Nothing()


def example_of(
    schema: dict[str, Any], components: dict[str, Any], depth: int = 0, name: str | None = None
) -> Any:
    """A value ``schema`` (of the property ``name``, if one) accepts, or ``NOTHING``."""
    if depth > _MAX_DEPTH:
        return NOTHING
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = components.get("schemas", {}).get(ref.rsplit("/", 1)[-1])
        return NOTHING if target is None else example_of(target, components, depth + 1, name)
    if schema.get("examples"):
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if schema.get("default") is not None:
        return schema["default"]
    parts = schema.get("allOf")
    if parts and all(set(part) <= _CONSTRAINTS for part in parts):
        # allOf of bare constraints (the document's "no control characters" rule) beside a
        # typed schema: the value must meet them all.
        extra = [part["pattern"] for part in parts if "pattern" in part]
        base = {k: v for k, v in schema.items() if k != "allOf"}
        base["x-patterns"] = [*base.get("x-patterns", ()), *extra]
        return example_of(base, components, depth + 1, name)
    if parts:
        values = [example_of(part, components, depth + 1, name) for part in parts]
        if any(v is NOTHING for v in values):
            return NOTHING
        if all(isinstance(v, dict) for v in values):
            return {k: v for value in values for k, v in value.items()}
        return values[0]
    members = schema.get("oneOf") or schema.get("anyOf")
    if members:
        # Bounds written beside oneOf (maxLength, pattern...) apply to every member.
        shared = {k: v for k, v in schema.items() if k in _CONSTRAINTS}
        inherited = [*schema.get("x-patterns", ()), *([shared["pattern"]] if "pattern" in shared else [])]
        for member in members:
            if member.get("type") == "null":
                continue
            merged = {**shared, **member, "x-patterns": [*member.get("x-patterns", ()), *inherited]}
            value = example_of(merged, components, depth + 1, name)
            if value is not NOTHING:
                return value
        return None if any(m.get("type") == "null" for m in members) else NOTHING
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        return _object(schema, components, depth)
    if kind == "array":
        item = example_of(schema.get("items") or {}, components, depth + 1)
        if item is NOTHING:
            return [] if not schema.get("minItems") else NOTHING
        return [item] * max(1, int(schema.get("minItems") or 1)) if not schema.get("uniqueItems") else [item]
    if kind == "string":
        return _string(schema, name)
    if kind in ("integer", "number"):
        return _number(schema)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if kind is None and set(schema) <= {"description", "title"}:
        return True  # any JSON value (a feature flag's value): the commonest, a switch
    return NOTHING


def _object(schema: dict[str, Any], components: dict[str, Any], depth: int) -> Any:
    required = set(schema.get("required") or ())
    out: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        value = example_of(prop, components, depth + 1, name)
        if value is NOTHING:
            if name in required:
                return NOTHING
            continue
        out[name] = value
    return out


def _string(schema: dict[str, Any], name: str | None) -> Any:
    fmt = schema.get("format")
    if fmt in _FORMATS:
        candidates = [_FORMATS[fmt]]
    elif fmt:
        return NOTHING
    else:
        low, high = schema.get("minLength") or 0, schema.get("maxLength")
        candidates = [*_BY_NAME.get(name or "", ()), "texto" + "x" * max(0, low - 5), "1"]
        candidates = [c for c in candidates if len(c) >= low and (high is None or len(c) <= high)]
    patterns = [*schema.get("x-patterns", ()), *([schema["pattern"]] if "pattern" in schema else [])]
    # A list of words written as a pattern, ^(email|telefone)$: its first word.
    candidates += [m.group(1) for p in patterns if (m := _WORDS.fullmatch(p))]
    for candidate in candidates:
        # JSON Schema patterns are unanchored ECMA-262 regexes; those of this document (no
        # control characters, digits only...) read the same in Python's ``re``.
        if all(re.search(pattern, candidate) for pattern in patterns):
            return candidate
    return NOTHING


def _number(schema: dict[str, Any]) -> Any:
    low = schema.get("minimum")
    if low is None and schema.get("exclusiveMinimum") is not None:
        low = schema["exclusiveMinimum"] + 1
    value = low if low is not None else 1
    high = schema.get("maximum")
    if high is not None and value > high:
        return NOTHING
    return int(value) if schema.get("type") == "integer" or float(value).is_integer() else value


def add_body_examples(app: Litestar, openapi: OpenAPI) -> tuple[int, int]:
    """Set ``example`` on every JSON request body and 2xx JSON response that has none.

    Returns (bodies given an example, JSON bodies in the document)."""
    document = json.loads(encode_json(openapi.to_schema()))
    components = document.get("components") or {}
    given = total = 0
    for info in iter_operations(app, openapi):
        operation = info.operation
        targets: list[OpenAPIMediaType] = []
        body = operation.request_body
        if isinstance(body, RequestBody):
            targets += [m for t, m in (body.content or {}).items() if t == "application/json"]
        for code, response in (operation.responses or {}).items():
            if code.startswith("2") and isinstance(response, OpenAPIResponse):
                targets += [m for t, m in (response.content or {}).items() if t == "application/json"]
        for media in targets:
            total += 1
            if media.example is not None or media.examples:
                given += 1
                continue
            if media.schema is None:
                continue
            schema = json.loads(encode_json(media.schema.to_schema()))
            value = example_of(schema, components)
            if value is not NOTHING:
                media.example = value
                given += 1
    return given, total
