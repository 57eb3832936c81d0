"""Ingress host ownership: the pure decision, the shared claim list, and the workload step."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from tenant_operator import conditions as c
from tenant_operator.hosts import HostClaim, claim_of, claims_of, conflict_message, conflicting_owner
from tenant_operator.kube.host_claims import COLLECTION, HostClaimIndex

pytestmark = pytest.mark.unit

BASE = "tenants.test"


def tenant(
    name: str,
    created: str,
    *,
    host: str | None = None,
    serving_url: str | None = None,
    deleting: bool = False,
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "metadata": {"name": name, "creationTimestamp": created},
        "spec": {"host": host} if host else {},
        "status": {},
    }
    if deleting:
        obj["metadata"]["deletionTimestamp"] = "2026-01-02T00:00:00Z"
    if serving_url:
        obj["status"] = {
            "url": serving_url,
            "conditions": [{"type": c.APP_AVAILABLE, "status": c.TRUE, "reason": "AppAvailable"}],
        }
    return obj


# --- the pure decision ------------------------------------------------------------------


def test_a_claim_is_spec_host_or_name_under_the_base_domain():
    assert claim_of(tenant("acme", "t1"), BASE) == HostClaim("acme", "acme.tenants.test", "t1")
    assert claim_of(tenant("acme", "t1", host="Portal.Acme.com"), BASE) == HostClaim(
        "acme", "portal.acme.com", "t1"
    )
    served = claim_of(tenant("acme", "t1", host="a.com", serving_url="https://a.com"), BASE)
    assert served is not None and served.serving
    # AppAvailable for another URL (the host just changed) is not serving this host.
    assert not claim_of(tenant("acme", "t1", host="b.com", serving_url="https://a.com"), BASE).serving  # type: ignore[union-attr]
    assert claim_of(tenant("gone", "t1", deleting=True), BASE) is None


def test_nobody_else_claiming_the_host_means_no_conflict():
    claims = claims_of([tenant("a", "t1"), tenant("b", "t2", host="b.example.com")], BASE)
    assert conflicting_owner("a", "a.tenants.test", claims) is None
    assert conflicting_owner("c", "c.tenants.test", claims) is None  # not even listed yet


def test_the_oldest_claim_wins_and_the_name_breaks_ties():
    claims = claims_of(
        [
            tenant("newer", "2026-01-02T00:00:00Z", host="x.com"),
            tenant("older", "2026-01-01T00:00:00Z", host="x.com"),
        ],
        BASE,
    )
    assert conflicting_owner("older", "x.com", claims) is None
    owner = conflicting_owner("newer", "x.com", claims)
    assert owner is not None and owner.tenant == "older"
    same_second = claims_of(
        [
            tenant("bbb", "2026-01-01T00:00:00Z", host="x.com"),
            tenant("aaa", "2026-01-01T00:00:00Z", host="x.com"),
        ],
        BASE,
    )
    assert conflicting_owner("aaa", "x.com", same_second) is None
    assert conflicting_owner("bbb", "x.com", same_second).tenant == "aaa"  # type: ignore[union-attr]


def test_a_tenant_serving_the_host_keeps_it_against_an_older_one():
    # The older tenant switched its spec.host to a host the newer one already serves.
    claims = claims_of(
        [
            tenant("old", "2026-01-01T00:00:00Z", host="x.com", serving_url="https://old.tenants.test"),
            tenant("new", "2026-02-01T00:00:00Z", host="x.com", serving_url="https://x.com"),
        ],
        BASE,
    )
    assert conflicting_owner("new", "x.com", claims) is None
    owner = conflicting_owner("old", "x.com", claims)
    assert owner is not None and owner.tenant == "new" and owner.serving
    assert "already serves it" in conflict_message("x.com", owner)


def test_a_default_host_collides_with_an_explicit_one_and_case_does_not_matter():
    claims = claims_of(
        [
            tenant("acme", "2026-01-01T00:00:00Z"),
            tenant("other", "2026-01-02T00:00:00Z", host="acme.tenants.test"),
        ],
        BASE,
    )
    owner = conflicting_owner("other", "ACME.tenants.test", claims)
    assert owner is not None and owner.tenant == "acme"
    message = conflict_message("acme.tenants.test", owner)
    assert "ConsorcioTenant acme" in message and "acme.tenants.test" in message


def test_the_conflict_goes_away_when_the_owner_is_deleted_or_moves():
    first = tenant("first", "2026-01-01T00:00:00Z", host="x.com")
    second = tenant("second", "2026-01-02T00:00:00Z", host="x.com")
    assert conflicting_owner("second", "x.com", claims_of([first, second], BASE)) is not None
    deleting = tenant("first", "2026-01-01T00:00:00Z", host="x.com", deleting=True)
    assert conflicting_owner("second", "x.com", claims_of([deleting, second], BASE)) is None
    moved = tenant("first", "2026-01-01T00:00:00Z", host="y.com")
    assert conflicting_owner("second", "x.com", claims_of([moved, second], BASE)) is None


# --- the shared, cached list ------------------------------------------------------------


class CountingLister:
    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.calls = 0

    async def request(self, method: str, path: str, **_: Any) -> dict[str, Any]:
        assert (method, path) == ("GET", COLLECTION)
        self.calls += 1
        await asyncio.sleep(0.01)
        return {"items": copy.deepcopy(self.items)}


async def test_concurrent_passes_share_one_list_and_reuse_it_while_fresh():
    lister = CountingLister([tenant("a", "t1"), tenant("b", "t2")])
    index = HostClaimIndex(lister, BASE, max_age=60)
    results = await asyncio.gather(*(index.claims(n) for n in ("a", "b", "a", "b")))
    assert lister.calls == 1
    assert all({cl.tenant for cl in r} == {"a", "b"} for r in results)
    await index.claims("a")
    assert lister.calls == 1


async def test_a_tenant_missing_from_the_cached_list_forces_a_fresh_read():
    lister = CountingLister([tenant("a", "t1", host="x.com")])
    index = HostClaimIndex(lister, BASE, max_age=60)
    await index.claims("a")
    lister.items.append(tenant("b", "t2", host="x.com"))
    claims = await index.claims("b")
    assert lister.calls == 2
    assert conflicting_owner("b", "x.com", claims).tenant == "a"  # type: ignore[union-attr]


async def test_a_stale_list_is_read_again():
    lister = CountingLister([tenant("a", "t1")])
    index = HostClaimIndex(lister, BASE, max_age=0)
    await index.claims("a")
    await index.claims("a")
    assert lister.calls == 2
