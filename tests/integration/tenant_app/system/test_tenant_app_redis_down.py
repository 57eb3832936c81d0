"""Degraded mode: the tenant app with its Redis stopped (issue 21 item 2), a real redis-server killed.

What the app promises (system/rate_limit.py, assembleias/apuracao_service.py):

* reads keep being served — Redis holds no data the API reads;
* the rate limit fails open on Redis: the counts stay exact within the process and the
  requests are answered, never a 5xx because the shared counter is unreachable;
* the group's apuração lock fails closed: 503 ``trava_indisponivel`` with ``Retry-After``,
  and nothing of the apuração is written (no record, the assembleia's status unchanged).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tenant_app.users.roles import Role
from tests.support.control_plane_fixtures import assert_problem
from tests.support.private_redis import PrivateRedis
from tests.support.processes import run_once
from tests.support.tenant_app_fixtures import _created_redis_users, provision_tenant

pytestmark = pytest.mark.integration

EXTRACAO = {"concurso": 6011, "premios": ["00950", "11870", "22777", "33666", "44555"]}


async def test_reads_go_on_and_the_apuracao_lock_fails_closed_when_redis_dies(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    redis = PrivateRedis(tmp_path).start()
    tenant = await provision_tenant(
        make_database, redis.admin_url, f"rd{uuid.uuid4().hex[:6]}", roles=(Role.ADMIN,)
    )
    try:
        run_once(["tenant_app", "seed-demo"], {**os.environ, **tenant.env, "SEED_DEMO_MEMBERS": "12"})
        c, h = tenant.client, tenant.auth()
        grupo = (await c.get("/api/grupos", headers=h)).json()["items"][0]
        assembleias = (await c.get(f"/api/grupos/{grupo['id']}/assembleias", headers=h)).json()
        assembleias = assembleias.get("items", assembleias) if isinstance(assembleias, dict) else assembleias
        numero = max((a["numero"] for a in assembleias), default=0) + 1
        criada = await c.post(
            f"/api/grupos/{grupo['id']}/assembleias",
            json={
                "numero": numero,
                "data_assembleia": (date.today() + timedelta(days=20)).isoformat(),
                "corte_lances_em": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
            },
            headers=h,
        )
        assert criada.status_code == 201, criada.text
        alvo = criada.json()

        redis.kill()

        for path in (
            "/api/grupos",
            f"/api/grupos/{grupo['id']}/cotas",
            "/api/consorciados",
            "/api/pagamentos",
        ):
            for _ in range(3):
                r = await c.get(path, headers=h)
                assert r.status_code == 200, (path, r.status_code, r.text)
        r = await c.post(
            f"/api/assembleias/{alvo['id']}/apuracao",
            json=EXTRACAO,
            headers={**h, "Idempotency-Key": uuid.uuid4().hex},
        )
        body = assert_problem(r, 503)
        assert body["type"].endswith("/problemas/trava_indisponivel"), body
        assert r.headers["retry-after"] == "30"
        # Nothing half-written: no apuração, the assembleia as it was.
        depois = (await c.get(f"/api/assembleias/{alvo['id']}", headers=h)).json()
        assert depois["status"] == alvo["status"]
        assert (await c.get(f"/api/assembleias/{alvo['id']}/apuracao", headers=h)).status_code == 404
    finally:
        redis.kill()
        await tenant.client.__aexit__(None, None, None)
        # Its ACL user went with the server: nothing for the session's cleanup to drop.
        _created_redis_users[:] = [u for u in _created_redis_users if u[0] != redis.admin_url]
