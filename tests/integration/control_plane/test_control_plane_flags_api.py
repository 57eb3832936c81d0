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
        headers=admin | {"If-Match": updated.headers["etag"]},
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


# --- no lost updates, no overrides for nobody, no silent rounding (issue 14, item 8) ---------


async def _new_flag(cp_client, admin, key: str, **extra) -> dict:
    created = await cp_client.post(
        "/api/flags", json={"key": key, "type": "boolean", "defaultValue": False, **extra}, headers=admin
    )
    assert created.status_code == 201, created.text
    return created.json()


async def test_a_patch_without_if_match_is_refused_with_428_and_changes_nothing(
    cp_client, auth, problem
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    await _new_flag(cp_client, admin, "sem-if-match")
    refused = await cp_client.patch("/api/flags/sem-if-match", json={"enabled": False}, headers=admin)
    assert "If-Match" in problem(refused, 428)["detail"]
    flag = (await cp_client.get("/api/flags/sem-if-match", headers=admin)).json()
    assert flag["enabled"] is True and flag["version"] == 1
    # With the ETag it goes through; the same ETag again is stale (412), not a lost update.
    changed = await cp_client.patch(
        "/api/flags/sem-if-match", json={"enabled": False}, headers=admin | {"If-Match": '"1"'}
    )
    assert changed.status_code == 200 and changed.headers["etag"] == '"2"'
    stale = await cp_client.patch(
        "/api/flags/sem-if-match", json={"enabled": True}, headers=admin | {"If-Match": '"1"'}
    )
    problem(stale, 412)


async def test_if_match_is_documented_as_required(cp_client) -> None:
    schema = (await cp_client.get("/api/schema/openapi.json")).json()
    parameters = schema["paths"]["/api/flags/{key}"]["patch"]["parameters"]
    if_match = next(p for p in parameters if p["name"] == "If-Match")
    assert if_match["in"] == "header" and if_match["required"] is True
    assert "428" in if_match["description"]


async def test_overrides_for_unknown_tenant_slugs_are_refused(cp_client, auth, seed_tenant, problem) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    known = await seed_tenant()
    refused = await cp_client.post(
        "/api/flags",
        json={
            "key": "override-fantasma",
            "type": "boolean",
            "defaultValue": False,
            "tenantValues": {known.slug: True, "acme-typo": True},
        },
        headers=admin,
    )
    assert [e["field"] for e in problem(refused, 422)["errors"]] == ["tenantValues.acme-typo"]

    await _new_flag(cp_client, admin, "override-patch")
    refused = await cp_client.patch(
        "/api/flags/override-patch",
        json={"tenantValues": {"ninguem": True}},
        headers=admin | {"If-Match": '"1"'},
    )
    assert [e["field"] for e in problem(refused, 422)["errors"]] == ["tenantValues.ninguem"]
    accepted = await cp_client.patch(
        "/api/flags/override-patch",
        json={"tenantValues": {known.slug: True}},
        headers=admin | {"If-Match": '"1"'},
    )
    assert accepted.status_code == 200 and accepted.json()["tenantValues"] == {known.slug: True}


@pytest.mark.parametrize("percentage", ["12.345", 33.333, "0.001", "99.999"])
async def test_rollout_percentages_finer_than_stored_are_refused_not_rounded(
    cp_client, auth, problem, percentage
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    refused = await cp_client.post(
        "/api/flags",
        json={
            "key": "rollout-fino",
            "type": "boolean",
            "defaultValue": False,
            "rollout": {"percentage": percentage, "value": True},
        },
        headers=admin,
    )
    details = problem(refused, 422)
    assert details["errors"][0]["field"] == "rollout.percentage"
    assert "two decimals" in details["errors"][0]["message"]
    problem(await cp_client.get("/api/flags/rollout-fino", headers=admin), 404)


async def test_rollout_percentages_with_two_decimals_are_kept_exactly(cp_client, auth) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    flag = await _new_flag(cp_client, admin, "rollout-exato", rollout={"percentage": "12.34", "value": True})
    assert flag["rollout"]["percentage"] == "12.34"
    changed = await cp_client.patch(
        "/api/flags/rollout-exato",
        json={"rollout": {"percentage": "12.340", "value": True}},
        headers=admin | {"If-Match": '"1"'},
    )
    assert changed.status_code == 200 and changed.json()["rollout"]["percentage"] == "12.34"
