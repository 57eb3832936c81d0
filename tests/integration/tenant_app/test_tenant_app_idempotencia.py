"""Money-moving or irreversible calls require Idempotency-Key: 428 without it, documented as required."""

from __future__ import annotations

import uuid

import pytest

from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration

#: operationId -> (path, body) of each call that moves money or cannot be undone.
EXIGEM_CHAVE = {
    "registerPayment": ("/api/cotas/{id}/pagamentos", {"valor": "10.00", "forma": "pix"}),
    "reversePayment": ("/api/pagamentos/{id}/estorno", {"motivo": "cheque devolvido"}),
    "pagarLance": ("/api/assembleias/{id}/pagamentos-lance", {"cota_numero": 1, "valor": "10.00"}),
    "exclusao": ("/api/cotas/{id}/exclusao", {"motivo": "solicitacao"}),
    "runDefaultExclusions": ("/api/inadimplencia/exclusoes", {"data": "2025-04-20"}),
    "anonymizeConsorciado": ("/api/consorciados/{id}/anonimizacao", None),
    "correctGrupo": ("/api/grupos/{id}/correcao", {"indice_pct": "10", "referencia": "IPCA 12m"}),
    "apurarAssembleia": (
        "/api/assembleias/{id}/apuracao",
        {"concurso": 6001, "premios": ["83127", "10450", "22222", "31415", "40404"]},
    ),
    "desclassificarLance": ("/api/assembleias/{id}/desclassificacoes", {"cota_numero": 3}),
    "desclassificarLancesVencidos": ("/api/assembleias/{id}/desclassificacoes-vencidas", None),
    "issueTituloPixImediato": ("/api/cobranca/titulos/{id}/pix-imediato", None),
}


async def test_missing_idempotency_key_is_428_before_anything_runs(tenant: Tenant) -> None:
    for operation, (path, body) in EXIGEM_CHAVE.items():
        r = await tenant.client.post(path.format(id=uuid.uuid4()), json=body, headers=tenant.auth())
        assert r.status_code == 428, (operation, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        assert problem["type"].endswith("/idempotency_key_obrigatoria"), problem
        assert problem["title"] == "Precondição exigida"
        assert problem["errors"] == [
            {"campo": "Idempotency-Key", "mensagem": problem["errors"][0]["mensagem"]}
        ]
        # A malformed key is a malformed request: 400.
        curta = {**tenant.auth(), "Idempotency-Key": "curta"}
        r = await tenant.client.post(path.format(id=uuid.uuid4()), json=body, headers=curta)
        assert r.status_code == 400, (operation, r.text)


async def test_openapi_documents_the_key_as_required(tenant: Tenant) -> None:
    spec = (await tenant.client.get("/schema/openapi.json")).json()
    operations = {
        op["operationId"]: op
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
    }
    for operation in EXIGEM_CHAVE:
        params = {p["name"]: p for p in operations[operation].get("parameters", []) if p["in"] == "header"}
        assert params.get("Idempotency-Key", {}).get("required") is True, operation
        assert "428" in params["Idempotency-Key"]["description"], operation
