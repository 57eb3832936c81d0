"""The plan catalogue as the control plane serves it: every figure from consorcio_contract.plans,
including the backup policy (the RPO an administradora is sold)."""

from __future__ import annotations

import httpx
import pytest
from control_plane.auth.roles import Role

from consorcio_contract.plans import CATALOG

pytestmark = pytest.mark.integration


async def test_plans_show_price_sizing_and_backup_policy(cp_client: httpx.AsyncClient, auth) -> None:
    response = await cp_client.get("/api/plans", headers=auth[Role.SRE_READONLY])
    assert response.status_code == 200, response.text
    served = {p["name"]: p for p in response.json()}
    assert set(served) == {name.value for name in CATALOG}
    for name, plan in CATALOG.items():
        view = served[name.value]
        assert view["backups"] == {
            "intervalHours": plan.backups.interval_hours,
            "retention": plan.backups.retention,
        }
        assert view["monthlyPrice"] == f"{plan.monthly_price:.2f}"
    assert served["enterprise"]["backups"]["intervalHours"] == 1  # seed 000's RPO of one hour
