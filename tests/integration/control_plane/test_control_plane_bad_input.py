"""Bad input gets a 4xx problem+json with field-level messages, never a 5xx."""

from __future__ import annotations

import uuid

import pytest
from control_plane.auth.roles import Role
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.integration

GOOD_TENANT = {
    "slug": "acme",
    "displayName": "ACME Administradora de Consórcios Ltda",
    "cnpj": "11.222.333/0001-81",
    "plan": "professional",
    "billingContact": {"name": "Financeiro", "email": "financeiro@acme.example"},
}


def tenant(**changes: object) -> dict:
    body = dict(GOOD_TENANT)
    for key, value in changes.items():
        if value is ...:
            body.pop(key)
        else:
            body[key] = value
    return body


CASES = [
    # (method, path, json body or raw bytes, expected status, field named in errors or None)
    ("POST", "/api/tenants", b"{", 400, None),
    ("POST", "/api/tenants", b"[1, 2]", None, None),
    ("POST", "/api/tenants", b"", None, None),
    ("POST", "/api/tenants", tenant(slug="Acme!"), 422, "slug"),
    ("POST", "/api/tenants", tenant(slug="a" * 41), 422, "slug"),
    ("POST", "/api/tenants", tenant(slug="-acme"), 422, "slug"),
    ("POST", "/api/tenants", tenant(cnpj="11.222.333/0001-82"), 422, "cnpj"),
    ("POST", "/api/tenants", tenant(cnpj="00000000000000"), 422, "cnpj"),
    ("POST", "/api/tenants", tenant(plan="gold"), None, "plan"),
    ("POST", "/api/tenants", tenant(displayName=""), None, "displayName"),
    ("POST", "/api/tenants", tenant(billingContact=...), None, None),
    ("POST", "/api/tenants", tenant(billingContact={"name": "F", "email": "not-an-email"}), None, None),
    ("POST", "/api/tenants", tenant(contractStart="2026-13-01"), None, None),
    ("POST", "/api/tenants", tenant(deletionPolicy="Nuke"), None, None),
    ("POST", "/api/tenants", tenant(surprise=True), None, None),
    ("POST", "/api/tenants", tenant(host="Not A Host"), 422, "host"),
    ("PATCH", "/api/tenants/does-not-exist", {"displayName": "X"}, 404, None),
    ("GET", "/api/tenants/does-not-exist", None, 404, None),
    ("GET", "/api/tenants/x/plan-change-preview?plan=gold", None, None, None),
    ("GET", "/api/tenants/x/plan-change-preview", None, None, None),
    ("PUT", "/api/tenants/x/plan", {"plan": 5}, None, None),
    ("DELETE", "/api/tenants/x", None, None, None),
    ("DELETE", "/api/tenants/x?deletionPolicy=Nuke", None, None, None),
    ("GET", "/api/tenants/x/usage?period=2026-13", None, 422, "period"),
    ("GET", "/api/tenants/does-not-exist/usage", None, 404, None),
    ("GET", "/api/invoices?status=bogus", None, None, None),
    ("GET", "/api/invoices?limit=0", None, None, None),
    ("GET", "/api/invoices?period=26-01", None, 422, "period"),
    ("GET", "/api/invoices/not-a-uuid", None, None, None),
    ("POST", f"/api/invoices/{uuid.uuid4()}/payments", {"amount": "abc", "method": "pix"}, None, None),
    ("POST", f"/api/invoices/{uuid.uuid4()}/payments", {"amount": "-5", "method": "pix"}, 422, "amount"),
    (
        "POST",
        f"/api/invoices/{uuid.uuid4()}/payments",
        {"amount": "Infinity", "method": "pix"},
        422,
        "amount",
    ),
    ("POST", f"/api/invoices/{uuid.uuid4()}/payments", {"amount": "5", "method": "cash"}, None, None),
    # Past NUMERIC(14,2); 8.4e307 made quantize raise InvalidOperation (a 500 the fuzzer found).
    (
        "POST",
        f"/api/invoices/{uuid.uuid4()}/payments",
        {"amount": 8.424646759671273e307, "method": "pix"},
        422,
        "amount",
    ),
    ("POST", f"/api/invoices/{uuid.uuid4()}/payments", {"amount": "5.00", "method": "pix"}, 404, None),
    ("POST", f"/api/invoices/{uuid.uuid4()}/void", {}, None, None),
    ("POST", "/api/billing/invoice-runs", {"period": "2026/01"}, None, None),
    ("POST", "/api/billing/invoice-runs", {"period": "2999-01"}, 422, "period"),
    ("POST", "/api/flags", {"key": "UPPER", "type": "boolean", "defaultValue": True}, None, None),
    ("POST", "/api/flags", {"key": "ok", "type": "color", "defaultValue": True}, None, None),
    ("PATCH", "/api/flags/nope", {"enabled": False}, 404, None),
    ("PATCH", "/api/flags/nope", {"enabled": "sim"}, None, None),
    ("GET", "/api/flags/nope/evaluation", None, None, None),
    ("GET", "/api/audit-events?limit=100000", None, None, None),
    ("GET", "/api/audit-events?since=yesterday", None, None, None),
    ("GET", "/api/plans/gold", None, 404, None),
    ("GET", "/api/nowhere", None, 404, None),
    ("PUT", "/api/plans", None, 405, None),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "field"), CASES)
async def test_bad_requests_are_4xx_problems(
    cp_client, auth, problem, method, path, body, status, field
) -> None:
    kwargs: dict = {"headers": auth[Role.PLATFORM_ADMIN] | {"Idempotency-Key": str(uuid.uuid4())}}
    if isinstance(body, bytes):
        kwargs["content"] = body
        kwargs["headers"] = kwargs["headers"] | {"Content-Type": "application/json"}
    elif body is not None:
        kwargs["json"] = body
    response = await cp_client.request(method, path, **kwargs)
    details = problem(response, status)
    if field is not None:
        assert field in {e["field"] for e in details.get("errors", [])}, details


async def test_validation_errors_name_the_field(cp_client, auth, problem) -> None:
    response = await cp_client.post(
        "/api/tenants", json=tenant(plan="gold"), headers=auth[Role.PLATFORM_ADMIN]
    )
    errors = problem(response, 422)["errors"]
    assert errors[0]["field"] == "plan"
    assert "gold" in errors[0]["message"] or "enum" in errors[0]["message"].lower()


async def test_oversized_bodies_are_refused(cp_client, auth, problem) -> None:
    huge = b'{"events": [' + b'{"id": "x"},' * 900_000 + b'{"id": "y"}]}'
    response = await cp_client.post(
        "/api/tenants", content=huge, headers=auth[Role.PLATFORM_ADMIN] | {"Content-Type": "application/json"}
    )
    problem(response, 413)


scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    scalars | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "slug",
        "displayName",
        "cnpj",
        "plan",
        "billingContact",
        "key",
        "type",
        "defaultValue",
        "amount",
        "method",
        "period",
        "rollout",
        "planValues",
        "tenantValues",
        "enabled",
        "contractStart",
        "deletionPolicy",
    ]
)
bodies = st.dictionaries(field_names, json_values, max_size=6) | json_values
endpoints = st.sampled_from(
    [
        ("POST", "/api/tenants"),
        ("PATCH", "/api/tenants/acme"),
        ("PUT", "/api/tenants/acme/plan"),
        ("POST", "/api/flags"),
        ("PATCH", "/api/flags/novo-extrato"),
        ("POST", "/api/billing/invoice-runs"),
        ("POST", f"/api/invoices/{uuid.UUID(int=1)}/payments"),
        ("POST", "/api/auth/token"),
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=endpoints, body=bodies)
async def test_random_bodies_never_cause_a_5xx(cp_client, auth, endpoint, body) -> None:
    method, path = endpoint
    headers = auth[Role.PLATFORM_ADMIN] | {"Idempotency-Key": "fuzz"}
    response = await cp_client.request(method, path, json=body, headers=headers)
    assert 400 <= response.status_code < 500, (endpoint, body, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
