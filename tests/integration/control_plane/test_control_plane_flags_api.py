"""Feature-flag administration through the API (evaluation by tenants is in tests/k8s)."""

from __future__ import annotations

import pytest
from control_plane.auth.roles import Role

from consorcio_contract.plans import PlanName

pytestmark = pytest.mark.integration


async def test_flag_lifecycle_with_overrides_rollout_and_audit(cp_client, auth, seed_tenant, problem) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    starter = await seed_tenant(plan=PlanName.STARTER)
    enterprise = await seed_tenant(plan=PlanName.ENTERPRISE)
    created = await cp_client.post(
        "/api/flags",
        json={
            "key": "relatorio-bacen-2080",
            "type": "boolean",
            "defaultValue": False,
            "description": "Documento 2080 gerado automaticamente",
            "planValues": {"enterprise": True},
            "rollout": {"percentage": "0", "value": True},
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'

    def evaluation(slug: str, user: str | None = None):
        query = f"tenant={slug}" + (f"&user={user}" if user else "")
        return cp_client.get(
            f"/api/flags/relatorio-bacen-2080/evaluation?{query}", headers=auth[Role.SRE_READONLY]
        )

    assert (await evaluation(enterprise.slug)).json() | {} == {
        "key": "relatorio-bacen-2080",
        "tenant": enterprise.slug,
        "user": None,
        "value": True,
        "reason": "TARGETING_MATCH",
        "variant": "plan:enterprise",
    }
    assert (await evaluation(starter.slug)).json()["value"] is False

    stale = await cp_client.patch(
        "/api/flags/relatorio-bacen-2080",
        json={"tenantValues": {starter.slug: True}},
        headers=admin | {"If-Match": '"7"'},
    )
    problem(stale, 412)
    updated = await cp_client.patch(
        "/api/flags/relatorio-bacen-2080",
        json={"tenantValues": {starter.slug: True}, "rollout": None},
        headers=admin | {"If-Match": '"1"'},
    )
    assert updated.status_code == 200
    assert updated.json()["version"] == 2 and updated.json()["rollout"] is None
    assert (await evaluation(starter.slug)).json()["variant"] == "tenant"

    full = await cp_client.patch(
        "/api/flags/relatorio-bacen-2080",
        json={"rollout": {"percentage": 100, "value": True}, "planValues": {}, "tenantValues": {}},
        headers=admin,
    )
    assert full.json()["rollout"]["percentage"] == "100"
    assert (await evaluation(starter.slug)).json()["reason"] == "SPLIT"

    assert (await cp_client.delete("/api/flags/relatorio-bacen-2080", headers=admin)).status_code == 204
    problem(await cp_client.get("/api/flags/relatorio-bacen-2080", headers=admin), 404)

    trail = (
        await cp_client.get("/api/audit-events?targetType=flag&targetId=relatorio-bacen-2080", headers=admin)
    ).json()
    assert [e["action"] for e in trail] == ["flag.delete", "flag.update", "flag.update", "flag.create"]
    assert all(e["actor"] == "platform-admin@platform.example" for e in trail)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "a", "type": "boolean", "defaultValue": "yes"}, "defaultValue"),
        (
            {"key": "a", "type": "integer", "defaultValue": 1, "planValues": {"starter": 1.5}},
            "planValues.starter",
        ),
        (
            {"key": "a", "type": "string", "defaultValue": "x", "tenantValues": {"acme": 3}},
            "tenantValues.acme",
        ),
        (
            {
                "key": "a",
                "type": "boolean",
                "defaultValue": True,
                "rollout": {"percentage": 101, "value": True},
            },
            "rollout.percentage",
        ),
        (
            {
                "key": "a",
                "type": "boolean",
                "defaultValue": True,
                "rollout": {"percentage": "NaN", "value": True},
            },
            "rollout.percentage",
        ),
        (
            {"key": "a", "type": "boolean", "defaultValue": True, "rollout": {"percentage": 5, "value": 1}},
            "rollout.value",
        ),
    ],
)
async def test_values_must_match_the_flag_type(cp_client, auth, problem, body, field) -> None:
    response = await cp_client.post("/api/flags", json=body, headers=auth[Role.PLATFORM_ADMIN])
    assert problem(response, 422)["errors"][0]["field"] == field


async def test_duplicate_keys_conflict(cp_client, auth, problem) -> None:
    body = {"key": "tema-escuro", "type": "boolean", "defaultValue": False}
    assert (
        await cp_client.post("/api/flags", json=body, headers=auth[Role.PLATFORM_ADMIN])
    ).status_code == 201
    problem(await cp_client.post("/api/flags", json=body, headers=auth[Role.PLATFORM_ADMIN]), 409)
