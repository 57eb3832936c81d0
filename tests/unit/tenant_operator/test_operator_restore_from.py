"""spec.restoreFrom, pure parts: the contract, which backup is chosen and why one is refused,
the backup's record, and the CNPJ a restore shares with its source."""

from __future__ import annotations

from pathlib import Path

import pytest
from tenant_operator.backups.restore import (
    RestoreRefused,
    choose_backup,
    recorded_contents,
    staging_database,
    status_entry,
)
from tenant_operator.cnpj_claims import CnpjClaim, claim_of, conflicting_holder
from tenant_operator.provisioners.snapshot import AuditHead, DatabaseContents

from consorcio_contract.tenant_resource import RestoreFrom, TenantSpec, validate_spec

pytestmark = pytest.mark.unit

DIR = Path("/var/lib/consorcio/backups")
CNPJ = "11.222.333/0001-81"
OLD, NEW = "20261206T030000000001Z", "20261207T030000000002Z"


def _entry(stamp: str, *, verified: str = "1 tables, 3 rows", tenant: str = "acme") -> dict:
    return {
        "path": str(DIR / f"{tenant}-{stamp}.dump"),
        "takenAt": "2026-12-07T03:00:00Z",
        "verified": verified,
    }


def _source(*entries: dict, cnpj: str = CNPJ) -> dict:
    return {"metadata": {"name": "acme"}, "spec": {"cnpj": cnpj}, "status": {"backups": list(entries)}}


def _spec(**extra) -> dict:
    return {"displayName": "ACME", "cnpj": CNPJ, "plan": "starter", **extra}


def test_the_contract_parses_and_writes_restore_from():
    spec = TenantSpec.from_dict(_spec(restoreFrom={"tenant": "acme", "backup": OLD}))
    assert spec.restore_from == RestoreFrom("acme", OLD)
    assert spec.to_dict()["restoreFrom"] == {"tenant": "acme", "backup": OLD}
    assert TenantSpec.from_dict(_spec(restoreFrom={"tenant": "acme"})).restore_from == RestoreFrom(
        "acme", "latest"
    )
    assert TenantSpec.from_dict(_spec()).restore_from is None


@pytest.mark.parametrize(
    ("restore", "field"),
    [
        ("acme", "spec.restoreFrom"),
        ({"backup": OLD}, "spec.restoreFrom.tenant"),
        ({"tenant": "ACME"}, "spec.restoreFrom.tenant"),
        ({"tenant": "acme", "backup": "../../etc"}, "spec.restoreFrom.backup"),
        ({"tenant": "acme", "path": "/x"}, "spec.restoreFrom.path"),
        ({"tenant": "new"}, "spec.restoreFrom.tenant"),  # itself
    ],
)
def test_the_contract_refuses_a_bad_restore(restore, field):
    assert field in {p.field for p in validate_spec(_spec(restoreFrom=restore), "new")}


def test_the_named_backup_or_the_newest_is_chosen():
    source = _source(_entry(NEW), _entry(OLD))
    chosen = choose_backup(RestoreFrom("acme", OLD), source, "11222333000181", DIR)
    assert (chosen.stamp, chosen.path) == (OLD, DIR / f"acme-{OLD}.dump")
    assert choose_backup(RestoreFrom("acme", "latest"), source, CNPJ, DIR).stamp == NEW


def test_the_backup_copy_of_the_documents_is_read_from_the_entry():
    entry = _entry(OLD) | {"objects": f"s3://backups/acme/{OLD}/"}
    copy = choose_backup(RestoreFrom("acme", OLD), _source(entry), CNPJ, DIR).objects
    assert copy is not None and (copy.bucket, copy.prefix) == ("backups", f"acme/{OLD}/")
    assert choose_backup(RestoreFrom("acme", OLD), _source(_entry(OLD)), CNPJ, DIR).objects is None


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (None, "does not exist"),
        ({"metadata": {"deletionTimestamp": "x"}, "spec": {"cnpj": CNPJ}}, "does not exist"),
        (_source(_entry(OLD), cnpj="11.444.777/0001-61"), "holds CNPJ 11.444.777/0001-61"),
        (_source(), "lists no backups"),
        (_source(_entry(NEW)), f"backup {OLD} is not in status.backups"),
        (_source(_entry(OLD, verified="")), "was not verified"),
        (_source(_entry(OLD) | {"path": f"/etc/acme-{OLD}.dump"}), "is not a dump in"),
        (_source(_entry(OLD, tenant="other")), "is not in status.backups"),
    ],
)
def test_a_restore_is_refused_with_a_reason(source, words):
    with pytest.raises(RestoreRefused) as err:
        choose_backup(RestoreFrom("acme", OLD), source, CNPJ, DIR)
    assert words in err.value.message


def test_the_backups_record_gives_the_expected_contents():
    record = {
        "verified": {
            "rowCounts": {"public.probe": 3, "public.audit_log": 2},
            "auditTable": "public.audit_log",
            "auditHead": {"seq": 2, "hash": "bb22"},
        }
    }
    contents = recorded_contents(record)
    assert contents.rows == 5 and contents.audit_head == AuditHead(2, "bb22") and contents.audit_table
    with pytest.raises(RestoreRefused, match="no verified row counts"):
        recorded_contents({"tenant": "acme"})


def test_status_records_what_was_restored():
    chosen = choose_backup(RestoreFrom("acme", OLD), _source(_entry(OLD)), CNPJ, DIR)
    contents = DatabaseContents({"public.probe": 3}, audit_table=True, audit_head=AuditHead(9, "cafe"))
    entry = status_entry(chosen, contents, objects=None, secrets=2, seconds=1.234, at="2026-12-07T04:00:00Z")
    assert entry["tenant"] == "acme" and entry["backup"] == OLD and entry["rows"] == 3
    assert entry["auditHead"] == {"seq": 9, "hash": "cafe"} and entry["seconds"] == 1.2
    assert entry["objects"] == 0 and entry["secrets"] == 2
    assert len(staging_database("tenant_" + "a" * 40)) <= 63


def test_a_restore_and_its_source_share_the_cnpj_but_a_third_tenant_does_not():
    source = CnpjClaim("acme", "11222333000181", "2026-01-01T00:00:00Z", provisioned=True)
    copy = claim_of(
        {
            "metadata": {"name": "acme2", "creationTimestamp": "2026-12-07T00:00:00Z"},
            "spec": {"cnpj": CNPJ, "restoreFrom": {"tenant": "acme"}},
        }
    )
    assert copy is not None and copy.restores_from == "acme"
    third = CnpjClaim("acme3", "11222333000181", "2026-12-08T00:00:00Z")
    claims = [source, copy, third]
    assert conflicting_holder("acme2", CNPJ, claims, restores_from="acme") is None
    assert conflicting_holder("acme", CNPJ, claims) is None
    holder = conflicting_holder("acme3", CNPJ, claims)
    assert holder is not None and holder.tenant == "acme"
    # Without restoreFrom the same pair is a conflict, as before.
    assert conflicting_holder("acme2", CNPJ, claims) is not None
