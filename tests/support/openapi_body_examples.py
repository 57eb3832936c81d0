"""Checks of the whole-body examples of an OpenAPI document (``consorcio_kit.openapi_examples``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from litestar import Litestar
from litestar.serialization import encode_json

_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class BodyExamples:
    bodies: int = 0
    with_example: int = 0
    invalid: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)


def check_body_examples(app: Litestar) -> BodyExamples:
    """Every JSON request body and 2xx JSON response: has it an example, and does its schema accept it?"""
    doc: dict[str, Any] = json.loads(encode_json(app.openapi_schema.to_schema()))
    components = doc.get("components") or {}
    out = BodyExamples()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            media = []
            request = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
            if request:
                media.append(("request", request))
            for code, response in operation["responses"].items():
                body = (response.get("content") or {}).get("application/json")
                if code.startswith("2") and body:
                    media.append((code, body))
            for where, body in media:
                out.bodies += 1
                label = f"{method.upper()} {path} {where}"
                if "example" not in body:
                    out.without.append(label)
                    continue
                out.with_example += 1
                validator = jsonschema.Draft202012Validator(
                    {**body["schema"], "components": components},
                    format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
                )
                error = next(iter(validator.iter_errors(body["example"])), None)
                if error is not None:
                    out.invalid.append(f"{label}: {list(error.absolute_path)} {error.message[:200]}")
    return out
