"""API fuzzing of the tenant app with schemathesis (issue 21 item 3): the bounded run of ``make test``.

The app runs as its own process (``python -m tenant_app serve``) on a real migrated
database with its own bucket on the real S3 server and the demo group seeded
(``seed-demo``), an assembleia receiving lances and a sealed lance (created over the API);
schemathesis (``st run``, its own process) reads ``/schema/openapi.json`` and sends every
case as one of the five roles drawn at random.

Checks: no 5xx; every status, content type, header and body as documented; every error
``application/problem+json``; schema-valid requests accepted (2xx, or 401/403/404/409/422),
schema-violating ones rejected. Phases: examples, coverage (boundary values), fuzzing
(``FUZZ_EXAMPLES`` cases per operation, default 100) and stateful (the document's links:
grupo → assembleia → lance, cota → pagamento → estorno ...). Half the generated ids are
the tenant's real ones, so cases go past the 404.

The fuzz accounts get their own per-user rate limit through ``RATE_LIMIT_USER_OVERRIDES``;
the app keeps the production default (600/min) for everyone else.

The long run is ``benchmarks/fuzz_api.py``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tenant_app.users.roles import Role
from tests.support.api_fuzz import (
    failures_section,
    free_port,
    in_chunk,
    rate_limit_overrides,
    rerun_flaky,
    run_schemathesis,
    seed_tenant_for_fuzzing,
)
from tests.support.object_store_fixtures import provision_bucket
from tests.support.processes import Process, run_once, wait_http_ok
from tests.support.tenant_app_fixtures import PASSWORD, provision_tenant

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
# Generous: a busy shared machine runs it several times slower than an idle one.
TIMEOUT = max(1800, EXAMPLES * 20)

pytestmark = [pytest.mark.integration, pytest.mark.runs_last, pytest.mark.timeout(TIMEOUT)]


@dataclass
class FuzzTarget:
    url: str
    login: dict[str, object]
    ids: dict[str, list[str]]
    server: Process


def _emails(slug: str) -> list[str]:
    """The accounts provision_tenant makes, one per role (in ``Role`` order)."""
    return [f"{role.value}@{slug}.example" for role in Role]


@pytest.fixture(scope="module")
async def fuzz_target(
    make_database: Callable[[], str], redis_url: str, s3: Any, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FuzzTarget]:
    slug = f"fuzz{uuid.uuid4().hex[:6]}"
    # Its own bucket on the real S3 server: documents, reports and remessas are fuzzed too.
    bucket = await provision_bucket(s3, slug)
    tenant = await provision_tenant(
        make_database, redis_url, slug, extra_env=bucket, per_user=600, per_tenant=1_000_000
    )
    await tenant.client.__aexit__(None, None, None)
    emails = _emails(slug)
    env = {
        **os.environ,
        **tenant.env,
        "RATE_LIMIT_PER_USER_PER_MINUTE": "600",
        "RATE_LIMIT_USER_OVERRIDES": rate_limit_overrides(emails),
        # Every fuzz case comes from 127.0.0.1: the fuzzer's many wrong logins must not make
        # the hook's own logins wait (per-account throttling still applies).
        "LOGIN_FREE_FAILURES_PER_SOURCE": "1000000",
    }
    run_once(["tenant_app", "seed-demo"], {**env, "SEED_DEMO_MEMBERS": "12"})
    port = free_port()
    server = Process(
        "tenant-app-fuzz", ["tenant_app", "serve", "--port", str(port)], env, tmp_path_factory.mktemp("fuzz")
    ).start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http_ok(f"{url}/ready", server)
        ids = seed_tenant_for_fuzzing(url, tenant.tokens[Role.ADMIN])
        accounts = {role.value: [email, PASSWORD] for role, email in zip(Role, _emails(slug), strict=True)}
        yield FuzzTarget(url, {"url": f"{url}/api/auth/login", "accounts": accounts}, ids, server)
    finally:
        server.stop()


def test_the_tenant_app_survives_fuzzing_as_every_role(fuzz_target: FuzzTarget, tmp_path: Path) -> None:
    schema = f"{fuzz_target.url}/schema/openapi.json"
    options: dict[str, Any] = {
        "ids": fuzz_target.ids,
        "login": fuzz_target.login,
        "max_examples": EXAMPLES,
        "report_dir": tmp_path,
        "workers": 2,
        "weights": {Role.ADMIN.value: 3},
    }
    run = rerun_flaky(run_schemathesis(schema, {}, **options), schema, {}, **options)
    print(f"tenant app fuzz: {run.summary()}")
    assert run.exit_code == 0, (
        f"{run.summary()}\n{failures_section(run.output)}\nserver log:\n{fuzz_target.server.tail()}"
    )
    # Every documented operation was exercised (the streams are left out: they stay open).
    paths = httpx.get(f"{fuzz_target.url}/schema/openapi.json", timeout=30).json()["paths"]
    operations = sum(
        1
        for path, item in paths.items()
        if not path.endswith("/stream") and in_chunk(path)
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )
    assert run.operations >= operations, run.summary()
