"""Scheduled backups end to end: the operator (a subprocess, as its ServiceAccount) backs a Ready
tenant up on a schedule into its backup directory and the platform's backup bucket, records each
in ``status.lastBackup``/``status.backups``, and keeps only what the retention allows — the older
dump, its sidecar and its bucket copy are deleted. The interval and retention are overridden
(3 s, 2 backups): the plans' are hours and days (tests/unit/tenant_operator/
test_operator_backup_schedule.py)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from kubernetes import client
from tenant_operator import names

from consorcio_contract import crd_identity
from devstack.binaries import binary_path
from tests.support.object_store_fixtures import root_client
from tests.support.operator_harness import (
    OperatorProcess,
    apply_crd,
    condition,
    devstack_operator_env,
    running_operator,
    tenant_body,
    wait_until,
)

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:5]
BACKUP_BUCKET = f"e2e-sched-{RUN}"
PROBE_ROWS = 3


@pytest.fixture(scope="module")
def backup_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("scheduled-backups")


@pytest.fixture(scope="module")
def operator(
    devstack_env, kubeconfig, s3, k8s_api_client, tmp_path_factory, backup_dir
) -> Iterator[OperatorProcess]:
    apply_crd(kubeconfig, str(binary_path("kubectl")))
    env = devstack_operator_env(devstack_env, backup_dir=backup_dir) | {
        "OPERATOR_S3_BACKUP_BUCKET": BACKUP_BUCKET,
        "OPERATOR_SCHEDULED_BACKUPS": "on",
        "OPERATOR_BACKUP_INTERVAL_SECONDS": "3",
        "OPERATOR_BACKUP_RETENTION": "2",
        "OPERATOR_BACKUP_CHECK_SECONDS": "1",
        "OPERATOR_RESYNC_INTERVAL": "5",
        "OPERATOR_TIMER_WAIT_SECONDS": "2",
    }
    with running_operator(k8s_api_client, kubeconfig, tmp_path_factory, env, suffix=f"b{RUN}") as op:
        yield op


async def _probe_rows(admin_dsn: str, database: str) -> None:
    conn = await asyncpg.connect(admin_dsn, database=database)
    try:
        await conn.execute("CREATE TABLE probe (n integer PRIMARY KEY)")
        await conn.execute(f"INSERT INTO probe SELECT generate_series(1, {PROBE_ROWS})")
    finally:
        await conn.close()


def test_backups_on_schedule_with_retention(operator, k8s_api_client, s3, backup_dir, devstack_env) -> None:
    api = client.CustomObjectsApi(k8s_api_client)
    name = f"b{RUN}-acme"
    args = (crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL)
    api.create_cluster_custom_object(*args, tenant_body(name, operator.instance))
    root = root_client(s3)
    try:
        wait_until(
            lambda: condition(api.get_cluster_custom_object(*args, name), "Ready")["status"] == "True",
            timeout=120,
            what=f"{name} Ready",
        )
        # Rows the backups must carry (no app runs under kwok, so the database is otherwise empty).
        asyncio.run(_probe_rows(devstack_env["DATABASE_URL"], names.pg_identifier(name)))
        seen: list[str] = []

        def three_backups_two_kept():
            obj = api.get_cluster_custom_object(*args, name)
            status = obj.get("status") or {}
            last = (status.get("lastBackup") or {}).get("path")
            if last and last not in seen and (status.get("lastBackup") or {}).get("rows") == PROBE_ROWS:
                seen.append(last)
            return status if len(seen) >= 3 and len(status.get("backups") or []) == 2 else None

        try:
            status = wait_until(three_backups_two_kept, timeout=180, what=f"{name}: three scheduled backups")
        except AssertionError as err:
            raise AssertionError(f"{err}\nseen {seen}\n{operator.log_tail()}") from None
        # Stop the schedule so files and status hold still while they are compared.
        operator.stop()
        status = api.get_cluster_custom_object(*args, name)["status"]
        assert condition({"status": status}, "Ready")["status"] == "True"
        kept = [b["path"] for b in status["backups"]]
        assert (
            len(kept) == 2 and kept[0] == status["lastBackup"]["path"] and status.get("backupError") is None
        )
        for path in kept:  # the dump and its sidecar, verified by a restore
            assert Path(path).is_file() and Path(path).parent == backup_dir
            sidecar = json.loads(Path(path).with_suffix(".json").read_text())
            assert sidecar["tenant"] == name and sidecar["verified"]["rowCounts"] == {
                "public.probe": PROBE_ROWS
            }
        dropped = [p for p in seen if p not in kept]
        assert dropped, "retention dropped nothing"
        for path in dropped:  # both files gone
            assert not Path(path).exists() and not Path(path).with_suffix(".json").exists(), path
        assert status["lastBackup"]["rows"] == PROBE_ROWS and "1 tables" in status["lastBackup"]["verified"]
        assert status["lastBackup"]["objects"].startswith(f"s3://{BACKUP_BUCKET}/{name}/")
        manifests = {
            o["Key"]
            for o in root.list_objects_v2(Bucket=BACKUP_BUCKET, Prefix=f"{name}/").get("Contents") or []
            if o["Key"].endswith(".json")
        }
        stamps = {Path(p).stem.removeprefix(f"{name}-") for p in kept}
        expected = {f"{name}/{stamp}.json" for stamp in stamps}
        # The dropped copies are deleted too (one newer copy may exist if the stop caught a backup
        # between its bucket copy and its status write: the next pass would list or drop it).
        assert expected <= manifests and len(manifests - expected) <= 1, (manifests, expected)
        events = client.CoreV1Api(k8s_api_client).list_namespaced_event(
            "default", field_selector=f"involvedObject.name={name},reason=BackupTaken"
        )
        assert events.items, "no BackupTaken Event"
    finally:
        if operator.proc is None or operator.proc.poll() is not None:
            operator.start()  # the deletion needs it (the finalizer)
        api.patch_cluster_custom_object(*args, name, {"spec": {"deletionPolicy": "Delete"}})
        api.delete_cluster_custom_object(*args, name)
        wait_until(lambda: _gone(api, args, name), timeout=120, what=f"{name} deleted")
        for obj in root.list_objects_v2(Bucket=BACKUP_BUCKET).get("Contents") or []:
            root.delete_object(Bucket=BACKUP_BUCKET, Key=obj["Key"])
        root.delete_bucket(Bucket=BACKUP_BUCKET)


def _gone(api, args, name) -> bool:
    try:
        api.get_cluster_custom_object(*args, name)
    except client.ApiException as err:
        return err.status == 404
    return False
