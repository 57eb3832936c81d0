"""API fuzzing of the control plane with schemathesis (issue 21 item 3): the bounded run of ``make test``.

The control plane runs as in the other k8s tests (real HTTP, real PostgreSQL, Redis and
Kubernetes API server, no operator). Before the run, two tenants are onboarded over the
API (one with a contract since last year, invoiced for last month, so invoices exist)
and a flag is created; schemathesis (``st run``, its own process) then sends every case
as one of the staff roles or as a tenant app's ServiceAccount token, drawn at random.

Checks as for the tenant app (tests/integration/tenant_app/http/test_tenant_app_fuzz.py):
no 5xx, everything as documented, every error problem+json, valid accepted, invalid
rejected; stateful phase through the document's links (tenant → plan/suspend/usage,
invoice → finalize/payment/void, flag → update/delete).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from control_plane.auth.roles import Role
from control_plane.billing.periods import BillingPeriod

from tests.support.api_fuzz import failures_section, in_chunk, rerun_flaky, run_schemathesis

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
# Generous: a busy shared machine runs it several times slower than an idle one.
TIMEOUT = max(1800, EXAMPLES * 20)

pytestmark = [pytest.mark.k8s, pytest.mark.runs_last, pytest.mark.timeout(TIMEOUT)]


@pytest.fixture(scope="module")
async def fuzz_ids(cp_client, auth, tenant_slugs, service_accounts, cnpj) -> dict:
    admin = auth[Role.PLATFORM_ADMIN]
    slugs = []
    for plan, start in (("starter", date(date.today().year - 1, 1, 1)), ("enterprise", None)):
        slug = tenant_slugs()
        body = {
            "slug": slug,
            "displayName": f"Administradora {slug}",
            "cnpj": cnpj(),
            "plan": plan,
            "billingContact": {"name": "Financeiro", "email": f"fin@{slug}.example"},
            **({"contractStart": start.isoformat()} if start else {}),
        }
        created = await cp_client.post("/api/tenants", json=body, headers=admin)
        assert created.status_code == 201, created.text
        slugs.append(slug)
    last_month = BillingPeriod.containing(date.today().replace(day=1)).previous()
    run = await cp_client.post("/api/billing/invoice-runs", json={"period": last_month.label}, headers=admin)
    assert run.status_code == 200, run.text
    invoices = (await cp_client.get("/api/invoices", headers=admin)).json()
    flag = await cp_client.post(
        "/api/flags", json={"key": "fuzz-flag", "type": "boolean", "defaultValue": False}, headers=admin
    )
    assert flag.status_code == 201, flag.text
    app_token = service_accounts(slugs[0]).token(seconds=3600)
    return {
        # Staff accounts made by the auth fixture (password "pw"), logged in again by the hook.
        "login": {"accounts": {role.value: [f"{role.value}@platform.example", "pw"] for role in Role}},
        "tokens": {"tenant-app": app_token},
        "ids": {"slug": slugs, "invoice_id": [str(i["id"]) for i in invoices], "key": ["fuzz-flag"]},
    }


def test_the_control_plane_survives_fuzzing_as_every_role(
    cp_url: str, fuzz_ids: dict, tmp_path: Path
) -> None:
    schema = f"{cp_url}/api/schema/openapi.json"
    options: dict[str, Any] = {
        "ids": fuzz_ids["ids"],
        "login": {**fuzz_ids["login"], "url": f"{cp_url}/api/auth/token"},
        "max_examples": EXAMPLES,
        "report_dir": tmp_path,
        "workers": 2,
        "weights": {Role.PLATFORM_ADMIN.value: 3},
    }
    run = rerun_flaky(
        run_schemathesis(schema, fuzz_ids["tokens"], **options), schema, fuzz_ids["tokens"], **options
    )
    print(f"control plane fuzz: {run.summary()}")
    assert run.exit_code == 0, f"{run.summary()}\n{failures_section(run.output)}"
    paths = httpx.get(f"{cp_url}/api/schema/openapi.json", timeout=30).json()["paths"]
    operations = sum(
        1
        for path, item in paths.items()
        if in_chunk(path)
        for m in item
        if m in {"get", "post", "put", "patch", "delete"}
    )
    assert run.operations >= operations, run.summary()
