"""Tenant apps authenticate with real ServiceAccount tokens (TokenRequest + TokenReview),
and can only read their own flags and write their own usage."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from control_plane.auth.roles import Role
from control_plane.auth.token_review import TokenReviewer
from control_plane.kube import make_api_client
from control_plane.problems import Unauthorized
from control_plane.settings import Settings
from kubernetes import client as k8s
from openfeature import api as openfeature_api
from openfeature.evaluation_context import EvaluationContext
from sqlalchemy.ext.asyncio import create_async_engine

from consorcio_contract.flag_rules import bucket
from consorcio_contract.usage import Metric
from tenant_app.platform_client.client import PlatformClient
from tenant_app.platform_client.models import UsageSpoolEntry
from tenant_app.platform_client.usage_spool import PostgresSpool
from tenant_app.settings import PlatformClientSettings, asyncpg_url

pytestmark = pytest.mark.k8s

CONTROL_PLANE_AUDIENCE = "consorcio-control-plane"


@pytest.fixture(scope="module")
async def tenants(cp_client, auth, tenant_slugs, service_accounts, cnpj) -> dict:
    """Two onboarded tenants (A on starter, B on enterprise) with their tenant-app accounts."""
    admin = auth[Role.PLATFORM_ADMIN]
    apps = {}
    for name, plan in (("a", "starter"), ("b", "enterprise")):
        slug = tenant_slugs()
        body = {
            "slug": slug,
            "displayName": f"Administradora {name.upper()}",
            "cnpj": cnpj(),
            "plan": plan,
            "billingContact": {"name": "Financeiro", "email": "fin@example.com"},
        }
        assert (await cp_client.post("/api/tenants", json=body, headers=admin)).status_code == 201
        apps[name] = service_accounts(slug)
    return apps


def usage_batch(n: int = 3, event_ids: list[str] | None = None) -> dict:
    now = datetime.now(UTC).isoformat()
    ids = event_ids or [str(uuid.uuid4()) for _ in range(n)]
    return {"events": [{"id": i, "metric": "api_requests", "value": 10, "occurredAt": now} for i in ids]}


async def test_a_tenant_app_writes_its_own_usage_idempotently(cp_client, auth, tenants) -> None:
    a = tenants["a"]
    path = f"/api/tenant-app/tenants/{a.slug}/usage-events"
    ids = [str(uuid.uuid4()) for _ in range(3)]
    first = await cp_client.post(path, json=usage_batch(event_ids=ids), headers=a.headers())
    assert first.status_code == 202, first.text
    assert first.json() == {"received": 3, "accepted": 3, "duplicates": 0}
    retry = await cp_client.post(path, json=usage_batch(event_ids=ids), headers=a.headers())
    assert retry.json() == {"received": 3, "accepted": 0, "duplicates": 3}
    report = (await cp_client.get(f"/api/tenants/{a.slug}/usage", headers=auth[Role.SRE_READONLY])).json()
    api = next(m for m in report["metrics"] if m["metric"] == "api_requests")
    assert (api["count"], api["sum"]) == (3, 30)


async def test_a_usage_value_past_32_bits_is_accepted_up_to_the_contracts_bound(cp_client, tenants) -> None:
    """The contract (consorcio_contract.usage.MAX_VALUE) allows values up to 10**12: the edge's
    32-bit rule must not reject such a batch (the tenant app would drop it as invalid), while the
    contract's own bound still holds."""
    a = tenants["a"]
    path = f"/api/tenant-app/tenants/{a.slug}/usage-events"
    now = datetime.now(UTC).isoformat()
    big = {"id": str(uuid.uuid4()), "metric": "api_requests", "value": 3 * 2**31, "occurredAt": now}
    accepted = await cp_client.post(path, json={"events": [big]}, headers=a.headers())
    assert accepted.status_code == 202, accepted.text
    too_big = {**big, "id": str(uuid.uuid4()), "value": 10**12 + 1}
    refused = await cp_client.post(path, json={"events": [too_big]}, headers=a.headers())
    assert refused.status_code == 422, refused.text


@pytest.mark.parametrize(
    "route", ["usage-events", "flag-snapshot", "flags"], ids=["usage", "snapshot", "evaluations"]
)
async def test_a_tenant_cannot_reach_another_tenants_routes(cp_client, tenants, problem, route) -> None:
    """A's token for the control-plane audience (headers()) is valid, and still only A's."""
    a, b = tenants["a"], tenants["b"]
    path = f"/api/tenant-app/tenants/{b.slug}/{route}"
    if route == "usage-events":
        response = await cp_client.post(path, json=usage_batch(), headers=a.headers())
    else:
        response = await cp_client.get(path, headers=a.headers())
    problem(response, 403)


async def test_only_the_tenant_app_account_of_a_tenant_namespace_is_accepted(
    cp_client, tenants, service_accounts, problem
) -> None:
    a = tenants["a"]
    path = f"/api/tenant-app/tenants/{a.slug}/flag-snapshot"
    other_account = service_accounts(a.slug, account="default")
    problem(await cp_client.get(path, headers=other_account.headers()), 403)
    outsider = service_accounts(a.slug, namespace=f"ops-{uuid.uuid4().hex[:6]}")
    problem(await cp_client.get(path, headers=outsider.headers()), 403)
    problem(await cp_client.get(path, headers={"Authorization": "Bearer not.a.token"}), 401)
    problem(await cp_client.get(path), 401)


def api_server_accepts(k8s_api_client, token: str) -> bool:
    """Whether the API server itself authenticates ``token`` (TokenReview for its own audience)."""
    review = k8s.AuthenticationV1Api(k8s_api_client).create_token_review(
        k8s.V1TokenReview(spec=k8s.V1TokenReviewSpec(token=token))
    )
    return bool(review.status.authenticated)


async def test_only_tokens_for_the_control_plane_audience_are_accepted(
    cp_client, tenants, problem, k8s_api_client
) -> None:
    a = tenants["a"]
    path = f"/api/tenant-app/tenants/{a.slug}/flag-snapshot"
    minted_for_us = a.token(audiences=[CONTROL_PLANE_AUDIENCE])
    assert (
        await cp_client.get(path, headers={"Authorization": f"Bearer {minted_for_us}"})
    ).status_code == 200
    # ...and that token is worthless against the API server.
    assert not api_server_accepts(k8s_api_client, minted_for_us)

    # A token for the API server's own audience (what a pod's default token is)
    # is refused by default, although it is valid: the API server accepts it.
    api_server_token = a.token(audiences=[])
    assert api_server_accepts(k8s_api_client, api_server_token)
    problem(await cp_client.get(path, headers={"Authorization": f"Bearer {api_server_token}"}), 401)

    for_someone_else = a.token(audiences=["vault"])
    problem(await cp_client.get(path, headers={"Authorization": f"Bearer {for_someone_else}"}), 401)


async def test_the_migration_switch_accepts_api_server_tokens_again(tenants, kubeconfig) -> None:
    """CONTROL_PLANE_ACCEPT_API_SERVER_TOKENS=true, reviewed by the real API server."""
    settings = Settings.from_env(
        {
            "CONTROL_PLANE_DATABASE_URL": "postgresql://unused@127.0.0.1:9/unused",
            "KUBECONFIG": str(kubeconfig),
            "CONTROL_PLANE_ACCEPT_API_SERVER_TOKENS": "true",
        }
    )
    api_client = make_api_client(settings.kubernetes)
    try:
        switched_on = TokenReviewer(
            api_client,
            audience=settings.kubernetes.token_audience,
            accept_api_server_audience=settings.kubernetes.accept_api_server_tokens,
            cache_seconds=0,
        )
        a = tenants["a"]
        for audiences in ([], [CONTROL_PLANE_AUDIENCE]):
            principal = await switched_on.authenticate(a.token(audiences=audiences))
            assert principal.slug == a.slug
        with pytest.raises(Unauthorized):
            await switched_on.authenticate(a.token(audiences=["vault"]))
        # The same API server, the default settings: refused.
        default = TokenReviewer(api_client, audience=CONTROL_PLANE_AUDIENCE, cache_seconds=0)
        with pytest.raises(Unauthorized):
            await default.authenticate(a.token(audiences=[]))
    finally:
        api_client.close()


async def test_a_revoked_account_loses_access(
    cp_client, tenant_slugs, service_accounts, auth, cnpj, problem
) -> None:
    slug = tenant_slugs()
    body = {
        "slug": slug,
        "displayName": "Revogada",
        "cnpj": cnpj(),
        "plan": "starter",
        "billingContact": {"name": "F", "email": "f@example.com"},
    }
    assert (
        await cp_client.post("/api/tenants", json=body, headers=auth[Role.PLATFORM_ADMIN])
    ).status_code == 201
    app = service_accounts(slug)
    token = {"Authorization": f"Bearer {app.token()}"}
    path = f"/api/tenant-app/tenants/{slug}/flag-snapshot"
    assert (await cp_client.get(path, headers=token)).status_code == 200
    app.core.delete_namespaced_service_account(app.account, app.namespace)
    # The API server stops accepting a token whose account is gone; the control plane asks it every time.
    deadline = time.monotonic() + 20
    while (response := await cp_client.get(path, headers=token)).status_code == 200:
        assert time.monotonic() < deadline, "token still accepted after its ServiceAccount was deleted"
        await asyncio.sleep(0.5)
    problem(response, 401)


async def test_snapshots_are_per_tenant_conditional_and_long_polled(cp_client, auth, tenants) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    a, b = tenants["a"], tenants["b"]
    key = f"extrato-{uuid.uuid4().hex[:6]}"
    flag = {
        "key": key,
        "type": "string",
        "defaultValue": "v1",
        "planValues": {"enterprise": "v2-enterprise"},
        "tenantValues": {a.slug: "v2-a"},
    }
    assert (await cp_client.post("/api/flags", json=flag, headers=admin)).status_code == 201

    snap_a = await cp_client.get(f"/api/tenant-app/tenants/{a.slug}/flag-snapshot", headers=a.headers())
    snap_b = await cp_client.get(f"/api/tenant-app/tenants/{b.slug}/flag-snapshot", headers=b.headers())
    assert snap_a.json()["flags"][key]["value"] == "v2-a"
    assert snap_b.json()["flags"][key]["value"] == "v2-enterprise"
    # B's snapshot does not reveal A's override (or even A's slug).
    assert a.slug not in snap_b.text

    etag = snap_a.headers["etag"]
    url = f"/api/tenant-app/tenants/{a.slug}/flag-snapshot"
    not_modified = await cp_client.get(url, headers=a.headers() | {"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.headers["etag"] == etag

    # A long poll parked on the current ETag is answered when the flag changes,
    # long before its 15 s wait runs out.
    poll = asyncio.create_task(
        cp_client.get(url, params={"wait": 15}, headers=a.headers() | {"If-None-Match": etag})
    )
    await asyncio.sleep(0.5)
    assert not poll.done()
    version = (await cp_client.get(f"/api/flags/{key}", headers=admin)).headers["etag"]
    started = time.monotonic()
    patched = await cp_client.patch(
        f"/api/flags/{key}", json={"tenantValues": {a.slug: "v3-a"}}, headers=admin | {"If-Match": version}
    )
    assert patched.status_code == 200
    changed = await poll
    assert time.monotonic() - started < 5
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert changed.json()["flags"][key]["value"] == "v3-a"

    evaluations = await cp_client.get(f"/api/tenant-app/tenants/{b.slug}/flags", headers=b.headers())
    assert evaluations.json()["flags"][key] == {
        "value": "v2-enterprise",
        "reason": "TARGETING_MATCH",
        "variant": "plan:enterprise",
    }
    again = await cp_client.get(
        f"/api/tenant-app/tenants/{b.slug}/flags",
        headers=b.headers() | {"If-None-Match": evaluations.headers["etag"]},
    )
    assert again.status_code == 304


async def test_the_platform_client_reports_usage_and_follows_flag_changes(
    cp_url, cp_client, auth, tenants, make_database, tmp_path: Path
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    a = tenants["a"]
    token_file = tmp_path / "cp-token"
    token_file.write_text(a.token())
    key = f"novo-boleto-{uuid.uuid4().hex[:6]}"
    body = {
        "key": key,
        "type": "boolean",
        "defaultValue": False,
        "rollout": {"percentage": 50, "value": True, "unit": "user"},
    }
    assert (await cp_client.post("/api/flags", json=body, headers=admin)).status_code == 201

    # The spool lives in the tenant's database; here a database with just that table.
    engine = create_async_engine(asyncpg_url(make_database()))
    async with engine.begin() as conn:
        await conn.run_sync(UsageSpoolEntry.__table__.create)
    # No TENANT_SLUG: the client finds its tenant in the token's namespace claim.
    platform = PlatformClient(
        PlatformClientSettings(url=cp_url, token_file=token_file, flag_wait_seconds=10),
        spool=PostgresSpool(engine),
    )
    assert platform.tenant == a.slug
    flags = openfeature_api.get_client(domain=platform.domain)
    try:
        await platform.start(first_snapshot_seconds=10)
        assert platform.flags.etag is not None
        snapshot = (
            await cp_client.get(f"/api/tenant-app/tenants/{a.slug}/flag-snapshot", headers=a.headers())
        ).json()["flags"][key]["userRollout"]
        users = [f"user-{i}" for i in range(200)]
        expected = {u: bucket(snapshot["salt"], u) < snapshot["basisPoints"] for u in users}
        got = {u: flags.get_boolean_value(key, False, EvaluationContext(targeting_key=u)) for u in users}
        assert got == expected and 0 < sum(got.values()) < len(users)

        version = (await cp_client.get(f"/api/flags/{key}", headers=admin)).headers["etag"]
        disabled = await cp_client.patch(
            f"/api/flags/{key}", json={"enabled": False}, headers=admin | {"If-Match": version}
        )
        assert disabled.status_code == 200, disabled.text
        deadline = time.monotonic() + 5
        while any(flags.get_boolean_value(key, False, EvaluationContext(targeting_key=u)) for u in users):
            assert time.monotonic() < deadline, "the provider did not pick up the change"
            await asyncio.sleep(0.05)
        details = flags.get_boolean_details(key, True, EvaluationContext(targeting_key="user-1"))
        assert (details.value, details.reason) == (False, "DISABLED")

        platform.meter.gauge(Metric.ACTIVE_COTAS, 1234)
        platform.meter.gauge(Metric.USERS, 17)
        platform.meter.count(Metric.API_REQUESTS, 5)
        assert await platform.usage.flush() == 3
        assert await PostgresSpool(engine).pending() == 0
        report = (await cp_client.get(f"/api/tenants/{a.slug}/usage", headers=admin)).json()
        metrics = {m["metric"]: m for m in report["metrics"]}
        assert metrics["active_cotas"]["latest"] == 1234 and metrics["users"]["max"] == 17
    finally:
        await platform.stop()
        await engine.dispose()
