"""The control plane's OpenAPI document is complete for every operation (issue 13 item 1).

Summary and description (the handler's docstring), a success response with a real schema,
every error status as ``application/problem+json``, links that resolve, ``Idempotency-Key``
documented as required where the server answers 428 without it.
"""

from __future__ import annotations

import pytest
from control_plane.app import create_app
from control_plane.openapi_doc import LINKS
from control_plane.settings import Settings
from kubernetes import client as k8s
from litestar import Litestar

from consorcio_kit.openapi import document_gaps, iter_operations
from tests.support.openapi_body_examples import check_body_examples

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def app() -> Litestar:
    settings = Settings.from_env(
        {
            "CONTROL_PLANE_DATABASE_URL": "postgresql://u:p@127.0.0.1:1/docs",
            "CONTROL_PLANE_REDIS_URL": "redis://127.0.0.1:1/0",
        }
    )
    return create_app(settings, kube_api_client=k8s.ApiClient(k8s.Configuration(host="https://127.0.0.1:9")))


def test_every_operation_is_documented(app: Litestar) -> None:
    gaps = document_gaps(app)
    listing = "\n".join(f"  {op}: {', '.join(what)}" for op, what in sorted(gaps.items()))
    assert not gaps, f"{len(gaps)} operations lack documentation:\n{listing}"


def test_links_resolve_and_headers_say_what_the_server_requires(app: Litestar) -> None:
    ids = {info.operation_id for info in iter_operations(app, app.openapi_schema)}
    missing = sorted(
        f"{link.source} -> {link.target}" for link in LINKS if not {link.source, link.target} <= ids
    )
    assert not missing, f"links naming no operation: {missing}"
    doc = app.openapi_schema.to_schema()
    pay = doc["paths"]["/api/invoices/{invoice_id}/payments"]["post"]
    key = next(p for p in pay["parameters"] if p["name"] == "Idempotency-Key")
    assert key["required"] is True and "428" in pay["responses"]
    assert pay["responses"]["422"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    run = doc["components"]["schemas"]["InvoiceRunRequest"]
    assert run["properties"]["period"]["pattern"] == r"^(20\d\d|21\d\d)-(0[1-9]|1[0-2])$"
    assert run["additionalProperties"] is False  # request bodies refuse unknown fields


def test_every_property_is_described(app: Litestar) -> None:
    """Every schema property has a description (Meta, its ``#:`` comment or openapi_glossary.py)."""
    from consorcio_kit.openapi_properties import undescribed_properties

    missing = undescribed_properties(app.openapi_schema)
    assert not missing, f"{len(missing)} properties lack a description:\n  " + "\n  ".join(missing)


def test_every_json_body_has_an_example_its_schema_accepts(app: Litestar) -> None:
    found = check_body_examples(app)
    assert found.bodies > 40, found.bodies
    assert found.invalid == []
    assert found.without == []
