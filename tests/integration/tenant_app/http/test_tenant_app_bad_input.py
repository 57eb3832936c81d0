"""Bad input never yields a 5xx: problem+json with field-level messages in Portuguese."""

from __future__ import annotations

import uuid

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_grupo
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration

GRUPO = {
    "codigo": "X1",
    "tipo_bem": "automovel",
    "valor_credito": "50000.00",
    "prazo_meses": 12,
    "numero_cotas": 10,
    "taxa_administracao_pct": "15",
    "dia_assembleia": 10,
    "dia_vencimento": 5,
}


def assert_problem(r, status_range=(400, 499)) -> dict:  # type: ignore[no-untyped-def]
    assert status_range[0] <= r.status_code <= status_range[1], (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers["content-type"]
    body = r.json()
    assert body["status"] == r.status_code and body["title"] and body["detail"]
    return dict(body)


@pytest.mark.parametrize(
    ("field", "value", "message_part"),
    [
        ("valor_credito", "-1.00", "positivo"),
        ("valor_credito", "abc", "decimal"),
        ("valor_credito", "1.001", "2 casas"),
        ("multa_pct", "2.5", "2"),
        ("prazo_meses", 0, "maior ou igual"),
        ("prazo_meses", "doze", "inteiro"),
        ("tipo_bem", "navio", "não permitido"),
        ("dia_vencimento", 31, "menor ou igual"),
    ],
)
async def test_grupo_field_errors(tenant: Tenant, field: str, value: object, message_part: str) -> None:
    body = {**GRUPO, "codigo": uuid.uuid4().hex[:8], field: value}
    r = await tenant.client.post("/api/grupos/", json=body, headers=tenant.auth(Role.GESTOR))
    problem = assert_problem(r)
    errors = {e["campo"]: e["mensagem"] for e in problem["errors"]}
    assert field in errors, problem
    assert message_part in errors[field], problem


async def test_missing_field_and_malformed_json(tenant: Tenant) -> None:
    body = {k: v for k, v in GRUPO.items() if k != "valor_credito"}
    problem = assert_problem(await tenant.client.post("/api/grupos/", json=body, headers=tenant.auth()))
    assert {"campo": "valor_credito", "mensagem": "campo obrigatório"} in problem["errors"]
    r = await tenant.client.post(
        "/api/grupos/", content=b"{not json", headers={**tenant.auth(), "content-type": "application/json"}
    )
    assert_problem(r)


@pytest.mark.parametrize(
    "path",
    [
        "/api/grupos/{id}",
        "/api/grupos/{id}/cotas",
        "/api/grupos/{id}/fundos",
        "/api/cotas/{id}",
        "/api/cotas/{id}/parcelas",
        "/api/cotas/{id}/saldo",
        "/api/pagamentos/{id}",
        "/api/consorciados/{id}",
        "/api/consorciados/{id}/exportacao",
    ],
)
async def test_unknown_ids_are_404(tenant: Tenant, path: str) -> None:
    r = await tenant.client.get(path.format(id=uuid.uuid4()), headers=tenant.auth())
    assert_problem(r, (404, 404))
    r = await tenant.client.get(path.format(id="nao-e-um-uuid"), headers=tenant.auth())
    assert_problem(r)


async def test_unknown_ids_in_bodies_and_actions(tenant: Tenant) -> None:
    grupo = await make_grupo(tenant)
    r = await tenant.client.post(
        f"/api/grupos/{grupo['id']}/cotas", json={"consorciado_id": str(uuid.uuid4())}, headers=tenant.auth()
    )
    assert assert_problem(r)["errors"][0]["campo"] == "consorciado_id"
    r = await tenant.client.post(
        f"/api/pagamentos/{uuid.uuid4()}/estorno",
        json={"motivo": "motivo longo"},
        headers={**tenant.auth(), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert_problem(r, (404, 404))
    r = await tenant.client.post(
        f"/api/cotas/{uuid.uuid4()}/exclusao",
        json={"motivo": "x"},
        headers={**tenant.auth(), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert_problem(r)


async def test_bad_pagination(tenant: Tenant) -> None:
    for q in ("limit=0", "limit=1000", "offset=-1", "limit=abc"):
        assert_problem(await tenant.client.get(f"/api/grupos/?{q}", headers=tenant.auth()))
