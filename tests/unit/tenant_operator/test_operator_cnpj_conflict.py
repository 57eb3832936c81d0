"""One CNPJ, one tenant: the later of two ConsorcioTenants with the same CNPJ gets nothing.

The pure holder rule (tenant_operator.cnpj_claims) and a reconcile pass
against the hand-written fakes of test_operator_reconciler.
"""

from __future__ import annotations

import pytest
from tenant_operator import names
from tenant_operator.cnpj_claims import CnpjClaim, claim_of, conflicting_holder
from tenant_operator.drift.fleet import CONFLICT, tenant_state
from tenant_operator.kube.host_claims import HostClaimIndex
from tenant_operator.kube.resources import KINDS

from tests.unit.tenant_operator.test_operator_reconciler import Tenant, ns_path, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.unit

CNPJ = "11222333000181"


def test_the_oldest_claim_holds_the_cnpj_whatever_its_punctuation():
    older = CnpjClaim("older", CNPJ, "2026-01-01T00:00:00Z")
    newer = CnpjClaim("newer", CNPJ, "2026-02-01T00:00:00Z")
    assert conflicting_holder("newer", "11.222.333/0001-81", [older, newer]) == older
    assert conflicting_holder("older", CNPJ, [older, newer]) is None
    assert conflicting_holder("other", "12ABC34501DE35", [older, newer]) is None


def test_a_provisioned_tenant_is_never_displaced_and_ties_go_by_name():
    live = CnpjClaim("zeta", CNPJ, "2026-03-01T00:00:00Z", provisioned=True)
    first = CnpjClaim("alpha", CNPJ, "2026-01-01T00:00:00Z")
    assert conflicting_holder("alpha", CNPJ, [first, live]) == live
    same_second = [CnpjClaim("b", CNPJ, "2026-01-01T00:00:00Z"), CnpjClaim("a", CNPJ, "2026-01-01T00:00:00Z")]
    assert conflicting_holder("b", CNPJ, same_second).tenant == "a"  # type: ignore[union-attr]


def test_tenants_being_deleted_hold_nothing():
    obj = {
        "metadata": {"name": "gone", "deletionTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"cnpj": CNPJ},
    }
    assert claim_of(obj) is None
    ready = {"type": "NamespaceReady", "status": "True"}
    live = claim_of(
        {"metadata": {"name": "x"}, "spec": {"cnpj": "11.222.333/0001-81"}, "status": {"conditions": [ready]}}
    )
    assert live == CnpjClaim("x", CNPJ, "", provisioned=True)


async def test_the_later_tenant_with_a_taken_cnpj_gets_a_cnpj_conflict_and_nothing_provisioned(world):  # noqa: F811
    world._hosts = HostClaimIndex(world.kube, world.config.workload.base_domain, max_age=0)
    rival_path = KINDS["ConsorcioTenant"].path("rival")
    world.kube.objects[rival_path] = {
        "metadata": {"name": "rival", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"cnpj": "11.222.333/0001-81"},
    }
    t = Tenant(cnpj=CNPJ)  # the same CNPJ, unpunctuated
    world.kube.objects[KINDS["ConsorcioTenant"].path("acme")] = {
        "metadata": {"name": "acme", "creationTimestamp": "2026-02-01T00:00:00Z"},
        "spec": dict(t.spec),
    }
    result = await t.reconcile(world, "create")
    assert result.failure is not None and result.failure.permanent  # no Kopf retries
    ready = t.condition("Ready")
    assert (ready["status"], ready["reason"]) == ("False", "CnpjConflict")
    assert "ConsorcioTenant rival" in ready["message"] and "11.222.333/0001-81" in ready["message"]
    assert [x["type"] for x in t.status["conditions"]] == ["Ready"]
    assert world.kube.writes == [] and world.postgres.roles == {}  # nothing provisioned
    assert ns_path("Deployment", names.APP_DEPLOYMENT) not in world.kube.objects
    assert any(e[0] == "Warning" and e[1] == "CnpjConflict" for e in result.events)
    assert tenant_state({"metadata": {}, "spec": t.spec, "status": t.status}) == CONFLICT

    again = await t.reconcile(world, "timer")
    assert again.status_patch == {} and again.events == []  # no status rewrite, no retry storm

    # The holder is deleted: the next pass provisions the tenant.
    del world.kube.objects[rival_path]
    await t.reconcile(world, "timer")
    assert t.condition("Ready")["status"] == "True"


async def test_the_holder_itself_is_provisioned_normally(world):  # noqa: F811
    world._hosts = HostClaimIndex(world.kube, world.config.workload.base_domain, max_age=0)
    world.kube.objects[KINDS["ConsorcioTenant"].path("newer")] = {
        "metadata": {"name": "newer", "creationTimestamp": "2026-03-01T00:00:00Z"},
        "spec": {"cnpj": CNPJ},
    }
    t = Tenant()
    world.kube.objects[KINDS["ConsorcioTenant"].path("acme")] = {
        "metadata": {"name": "acme", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": dict(t.spec),
    }
    result = await t.reconcile(world, "create")
    assert result.failure is None and t.condition("Ready")["status"] == "True"
