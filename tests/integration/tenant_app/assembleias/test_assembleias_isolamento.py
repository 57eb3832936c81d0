"""Tenant A cannot see or act on tenant B's assembleias, nor touch its locks."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from redis.asyncio import Redis
from redis.exceptions import NoPermissionError

from tenant_app.assembleias.apuracao_service import chave_trava
from tests.support.tenant_app_fixtures import Tenant

from .conftest import assembleia_aberta, passar_corte, semear_grupo

pytestmark = pytest.mark.integration

EXTRACAO = {"concurso": 6003, "premios": ["00007", "10450", "22222", "31415", "40404"]}


async def test_tenant_b_cannot_reach_tenant_a_assembleias(tenant_a: Tenant, tenant_b: Tenant) -> None:
    grupo = await semear_grupo(tenant_a, numero_cotas=10, saldo_comum=Decimal("100000.00"))
    assembleia = await assembleia_aberta(tenant_a, grupo)
    base = f"/api/assembleias/{assembleia}"
    b, hb = tenant_b.client, tenant_b.auth()

    # B's own app, B's own token: A's ids simply do not exist there.
    assert (await b.get(base, headers=hb)).status_code == 404
    assert (await b.get(f"/api/grupos/{grupo.grupo_id}/assembleias/", headers=hb)).status_code == 404
    assert (await b.get(f"/api/grupos/{grupo.grupo_id}/regras-assembleia/", headers=hb)).status_code == 404
    r = await b.post(
        f"{base}/lances", json={"cota_numero": 1, "tipo": "livre", "percentual": "30"}, headers=hb
    )
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert (
        await b.post(f"{base}/apuracao", json=EXTRACAO, headers={**hb, "Idempotency-Key": uuid.uuid4().hex})
    ).status_code == 404
    # B's token on A's app is rejected outright.
    assert (await tenant_a.client.get(base, headers=hb)).status_code == 401
    assert (
        await tenant_a.client.post(
            f"{base}/apuracao", json=EXTRACAO, headers={**hb, "Idempotency-Key": uuid.uuid4().hex}
        )
    ).status_code == 401

    # A's assembleia is untouched and A can still apurar it.
    await passar_corte(tenant_a, assembleia)
    r = await tenant_a.client.post(
        f"{base}/apuracao", json=EXTRACAO, headers={**tenant_a.auth(), "Idempotency-Key": uuid.uuid4().hex}
    )
    assert r.status_code == 201, r.text
    assert (await b.get(f"{base}/apuracao", headers=hb)).status_code == 404


async def test_lock_keys_live_in_the_tenant_prefix(tenant_a: Tenant, tenant_b: Tenant) -> None:
    grupo = await semear_grupo(tenant_a, numero_cotas=3)
    chave = chave_trava(tenant_a.settings, grupo.grupo_id)
    assert chave.startswith(tenant_a.settings.redis.key_prefix)
    assert not chave.startswith(tenant_b.settings.redis.key_prefix)
    # B's Redis user cannot read or take A's apuração lock.
    redis_b = Redis.from_url(tenant_b.env["REDIS_URL"])
    try:
        with pytest.raises(NoPermissionError):
            await redis_b.set(chave, "b", nx=True, px=1000)
    finally:
        await redis_b.aclose()  # type: ignore[attr-defined]  # stale types-redis stubs
