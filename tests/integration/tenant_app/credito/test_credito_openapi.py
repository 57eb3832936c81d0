"""The crédito's routes as the web UI reads them from the OpenAPI document: a summary and a description in
Portuguese, a typed 2xx answer, and Idempotency-Key documented as required on every POST."""

from __future__ import annotations

import pytest

from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def test_rotas_do_credito_documentadas(tenant_a: Tenant) -> None:
    spec = (await tenant_a.client.get("/schema/openapi.json")).json()
    rotas = {
        (metodo, caminho): op
        for caminho, item in spec["paths"].items()
        for metodo, op in item.items()
        if isinstance(op, dict) and "créditos" in op.get("tags", [])
    }
    assert len(rotas) == 20, sorted(rotas)
    for (metodo, caminho), op in rotas.items():
        assert op.get("summary") and op.get("description"), (metodo, caminho)
        sucesso = [s for s in op["responses"] if s.startswith("2")]
        assert sucesso, (metodo, caminho)
        if "arquivo" not in caminho and "informes-ir" not in caminho:
            assert "content" in op["responses"][sucesso[0]], (metodo, caminho)
        if metodo == "post" and "informes-ir" not in caminho:
            chave = [p for p in op.get("parameters", []) if p["name"] == "Idempotency-Key"]
            assert chave and chave[0]["required"] is True, (metodo, caminho)
