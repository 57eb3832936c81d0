"""Listing a tenant's backups and restoring one into a new tenant through the API, against the
real Kubernetes API server. No operator runs here: the test writes ``status.backups`` itself, as
the operator's schedule does (tests/e2e/test_operator_restore_from_e2e.py runs the real restore)."""

from __future__ import annotations

import uuid

import pytest
from control_plane.auth.roles import Role

from consorcio_contract.identifiers import normalize_cnpj

pytestmark = pytest.mark.k8s

GROUP, VERSION, PLURAL = "consorcio.io", "v1alpha1", "consorciotenants"
OLD, NEW = "20261206T030000000001Z", "20261207T030000000002Z"


def _backup(slug: str, stamp: str, rows: int) -> dict:
    return {
        "takenAt": f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T03:00:00Z",
        "path": f"/var/lib/consorcio/backups/{slug}-{stamp}.dump",
        "sizeBytes": 4096,
        "rows": rows,
        "seconds": 1.5,
        "verified": f"3 tables, {rows} rows, audit chain head seq 7 (abc…)",
        "auditHead": {"seq": 7, "hash": "abc123"},
        "objects": f"s3://backups/{slug}/{stamp}/",
    }


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def test_backups_are_listed_and_one_is_restored_into_a_new_tenant(
    cp_client, auth, custom_objects, tenant_slugs, make_tenant_body, cnpj, problem
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    slug, into, doc = tenant_slugs(), tenant_slugs(), cnpj()
    created = await cp_client.post(
        "/api/tenants", json=make_tenant_body(slug, doc, "professional"), headers=admin
    )
    assert created.status_code == 201, created.text

    # No backup yet: nothing to list, nothing to restore.
    assert (await cp_client.get(f"/api/tenants/{slug}/backups", headers=admin)).json() == []
    early = await cp_client.post(
        f"/api/tenants/{slug}/backups/latest/restore", json={"into": into}, headers=admin | _key()
    )
    assert "no verified backup" in problem(early, 409)["detail"]

    custom_objects.patch_cluster_custom_object_status(
        GROUP,
        VERSION,
        PLURAL,
        slug,
        {"status": {"backups": [_backup(slug, NEW, 40), _backup(slug, OLD, 30)]}},
    )
    listed = await cp_client.get(f"/api/tenants/{slug}/backups", headers=admin)
    assert listed.status_code == 200, listed.text
    assert [(b["backup"], b["rows"], b["auditHeadSeq"]) for b in listed.json()] == [
        (NEW, 40, 7),
        (OLD, 30, 7),
    ]

    # Refusals: no Idempotency-Key, an unknown backup, a bad slug, a read-only role.
    path = f"/api/tenants/{slug}/backups/{OLD}/restore"
    problem(await cp_client.post(path, json={"into": into}, headers=admin), 428)
    missing = await cp_client.post(
        f"/api/tenants/{slug}/backups/20200101T000000000000Z/restore",
        json={"into": into},
        headers=admin | _key(),
    )
    assert OLD in problem(missing, 404)["detail"]
    bad = await cp_client.post(
        f"/api/tenants/{slug}/backups/not-a-stamp/restore", json={"into": "Bad_Slug"}, headers=admin | _key()
    )
    fields = {e["field"] for e in problem(bad, 422)["errors"]}
    assert {"into", "backup"} <= fields, bad.text
    itself = await cp_client.post(path, json={"into": slug}, headers=admin | _key())
    assert problem(itself, 422)["errors"][0]["message"] == "must name another tenant"
    readonly = auth[Role.SRE_READONLY]
    assert (await cp_client.get(f"/api/tenants/{slug}/backups", headers=readonly)).status_code == 200
    problem(await cp_client.post(path, json={"into": into}, headers=readonly | _key()), 403)

    key = _key()
    restored = await cp_client.post(path, json={"into": into}, headers=admin | key)
    assert restored.status_code == 201, restored.text
    view = restored.json()
    assert view["slug"] == into and view["cnpj"] and view["plan"] == "professional"
    assert view["resource"]["restoreFrom"] == {"tenant": slug, "backup": OLD}
    resource = custom_objects.get_cluster_custom_object(GROUP, VERSION, PLURAL, into)
    assert resource["spec"]["restoreFrom"] == {"tenant": slug, "backup": OLD}
    assert normalize_cnpj(resource["spec"]["cnpj"]) == normalize_cnpj(doc)
    assert resource["spec"]["deletionProtection"] is True

    # A retry answers the same tenant; another backup into the same slug is a conflict.
    again = await cp_client.post(path, json={"into": into}, headers=admin | key)
    assert again.status_code == 200 and again.json()["slug"] == into
    other = await cp_client.post(
        f"/api/tenants/{slug}/backups/{NEW}/restore", json={"into": into}, headers=admin | _key()
    )
    assert "already taken" in problem(other, 409)["detail"]
    # Restoring from a tenant that does not exist.
    problem(
        await cp_client.post(
            f"/api/tenants/nobody-{uuid.uuid4().hex[:6]}/backups/{OLD}/restore",
            json={"into": tenant_slugs()},
            headers=admin | _key(),
        ),
        404,
    )
    history = (await cp_client.get(f"/api/tenants/{into}/history", headers=admin)).json()
    assert [h["field"] for h in history] == ["registered"]


async def test_a_restore_applied_with_kubectl_is_registered_beside_its_source(
    cp_client, auth, custom_objects, tenant_slugs, make_tenant_body, cnpj
) -> None:
    """The watch registers a ConsorcioTenant with the CNPJ of another only when it restores that one."""
    from tests.k8s.control_plane.test_control_plane_tenant_sync_k8s import _state_is, applied, eventually

    admin = auth[Role.PLATFORM_ADMIN]
    slug, doc = tenant_slugs(), cnpj()
    assert (
        await cp_client.post("/api/tenants", json=make_tenant_body(slug, doc), headers=admin)
    ).status_code == 201
    copy, stranger = tenant_slugs(), tenant_slugs()
    custom_objects.create_cluster_custom_object(
        GROUP, VERSION, PLURAL, applied(stranger, doc, restoreFrom={"tenant": f"x{slug}"})
    )
    custom_objects.create_cluster_custom_object(
        GROUP, VERSION, PLURAL, applied(copy, doc, restoreFrom={"tenant": slug})
    )
    view = await eventually(lambda: _state_is(cp_client, admin, copy, "active"), f"{copy} registered")
    assert normalize_cnpj(view["cnpj"]) == normalize_cnpj(doc)
    # Applied before it, with the CNPJ but restoring another tenant: not registered.
    assert (await cp_client.get(f"/api/tenants/{stranger}", headers=admin)).status_code == 404
