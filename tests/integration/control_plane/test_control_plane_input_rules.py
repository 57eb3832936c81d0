"""Classes of 500 the API fuzz run found in the control plane, each now a 422 problem (issue 21 item 3).

A huge ``offset`` (PostgreSQL bigint overflow in the driver), a period such as ``0000-01``
(``date(0, 1, 1)``), control characters in text: refused at the edge for every route.
"""

from __future__ import annotations

from control_plane.auth.roles import Role


async def test_a_huge_offset_is_refused(cp_client, auth, problem) -> None:
    r = await cp_client.get(
        "/api/invoices", params={"offset": str(10**20)}, headers=auth[Role.PLATFORM_ADMIN]
    )
    body = problem(r, 422)
    assert body["errors"][0]["field"] == "offset", body


async def test_a_period_outside_2000_2199_is_refused_in_body_and_query(cp_client, auth, problem) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    r = await cp_client.post("/api/billing/invoice-runs", json={"period": "0000-01"}, headers=admin)
    assert problem(r, 422)["errors"][0]["field"] == "period"
    r = await cp_client.get("/api/invoices", params={"period": "0000-01"}, headers=admin)
    assert problem(r, 422)["errors"][0]["field"] == "period"


async def test_control_characters_in_text_are_refused(cp_client, auth, problem) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    r = await cp_client.post(
        "/api/flags",
        json={"key": "fuzz-nul", "type": "bool", "defaultValue": False, "description": "a\x00b"},
        headers=admin,
    )
    body = problem(r, 422)
    assert "description" in {e["field"] for e in body["errors"]}, body
    r = await cp_client.get("/api/audit-events", params={"action": "x\x01"}, headers=admin)
    problem(r, 422)


async def test_a_query_parameter_sent_twice_is_refused(cp_client, auth, problem) -> None:
    # The 1,000-case fuzz run's class (found on the tenant app, same framework): Litestar kept the
    # last of ``?offset=x&offset=0`` and answered 200 to a request that said two things.
    admin = auth[Role.PLATFORM_ADMIN]
    r = await cp_client.get("/api/invoices", params=[("offset", "{'': 0}"), ("offset", "0")], headers=admin)
    body = problem(r, 422)
    assert [e["field"] for e in body["errors"]] == ["offset"], body
    assert "more than once" in body["errors"][0]["message"]
    assert (await cp_client.get("/api/invoices", params={"offset": "0"}, headers=admin)).status_code == 200
