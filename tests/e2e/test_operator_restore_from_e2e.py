"""spec.restoreFrom end to end: the operator (a subprocess, as its ServiceAccount) creates a new
tenant from another tenant's verified backup — database (rows, audit chain head), documents,
the source's own Vault secrets and its personal-data key, rewrapped from the source's Transit key
to the new tenant's — then migrates and rolls it out as usual; the source is untouched.
A restore for another CNPJ is refused (DatabaseReady False, RestoreFailed, a Warning Event) and
leaves no database behind.

The source's backup is taken in the test with the operator's own code (backup_tenant + the status
entry the schedule writes, runner.entry) instead of waiting for the schedule: the scheduled path
is tests/e2e/test_operator_backup_schedule_e2e.py."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import hvac
import pytest
from kubernetes import client
from tenant_operator import names
from tenant_operator.backups.runner import entry
from tenant_operator.config import OperatorConfig
from tenant_operator.provisioners.backup import backup_tenant, stamp_of
from tenant_operator.provisioners.object_store import ObjectStoreProvisioner
from tenant_operator.reconciler import now_rfc3339

from consorcio_contract import crd_identity
from consorcio_contract.names import DADOS_PESSOAIS_TABELA_CHAVES
from devstack.binaries import binary_path
from tests.support.object_store_fixtures import root_client
from tests.support.operator_harness import (
    OperatorProcess,
    apply_crd,
    cnpj_for,
    condition,
    devstack_operator_env,
    running_operator,
    tenant_body,
    wait_until,
)

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:5]
ARGS = (crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL)
PROBE_ROWS = 5
DOCUMENT = "boletos/2026/12/parcela-1.pdf"
PSP_SECRET = {"client_id": "banco-x", "client_secret": f"s3gr3d0-{RUN}"}
KEYS_TABLE = DADOS_PESSOAIS_TABELA_CHAVES


@pytest.fixture(scope="module")
def backup_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("restore-backups")


@pytest.fixture(scope="module")
def env(devstack_env, backup_dir) -> dict[str, str]:
    return devstack_operator_env(devstack_env, backup_dir=backup_dir) | {
        "OPERATOR_S3_BACKUP_BUCKET": f"e2e-restore-{RUN}",
        "OPERATOR_RESYNC_INTERVAL": "30",
    }


@pytest.fixture(scope="module")
def operator(env, kubeconfig, s3, k8s_api_client, tmp_path_factory) -> Iterator[OperatorProcess]:
    apply_crd(kubeconfig, str(binary_path("kubectl")))
    with running_operator(k8s_api_client, kubeconfig, tmp_path_factory, env, suffix=f"r{RUN}") as op:
        yield op


async def _fill(admin_dsn: str, database: str, wrapped_key: str) -> None:
    """Probe rows, an audit chain and the app's wrapped personal-data key (no app runs under kwok:
    the database is otherwise empty)."""
    conn = await asyncpg.connect(admin_dsn, database=database)
    try:
        await conn.execute("CREATE TABLE probe (n integer PRIMARY KEY)")
        await conn.execute(f"INSERT INTO probe SELECT generate_series(1, {PROBE_ROWS})")
        await conn.execute("CREATE TABLE audit_log (seq bigint PRIMARY KEY, hash text NOT NULL)")
        await conn.execute("INSERT INTO audit_log VALUES (1, 'aa11'), (2, 'bb22')")
        await conn.execute(f"CREATE TABLE {KEYS_TABLE} (id integer PRIMARY KEY, chave_cifrada text NOT NULL)")
        await conn.execute(f"INSERT INTO {KEYS_TABLE} VALUES (1, $1)", wrapped_key)
    finally:
        await conn.close()


async def _wrapped_key(admin_dsn: str, database: str) -> str:
    conn = await asyncpg.connect(admin_dsn, database=database)
    try:
        return str(await conn.fetchval(f"SELECT chave_cifrada FROM {KEYS_TABLE} WHERE id = 1"))
    finally:
        await conn.close()


async def _contents(admin_dsn: str, database: str) -> tuple[int, str, str]:
    conn = await asyncpg.connect(admin_dsn, database=database)
    try:
        rows = await conn.fetchval("SELECT count(*) FROM probe")
        head = await conn.fetchval("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        owner = await conn.fetchval("SELECT tableowner FROM pg_tables WHERE tablename = 'probe'")
        return int(rows), str(head), str(owner)
    finally:
        await conn.close()


async def _databases(admin_dsn: str, like: str) -> list[str]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        return [r[0] for r in await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", like)]
    finally:
        await conn.close()


async def _backup(env: dict[str, str], name: str) -> dict:
    """What the schedule does: a verified backup (dump + bucket copy) and its status entry."""
    config = OperatorConfig.from_env(env)
    store = ObjectStoreProvisioner(config.s3)
    try:
        b = await backup_tenant(
            admin_dsn=config.postgres.admin_dsn,
            database=names.pg_identifier(name),
            tenant=name,
            backup_dir=config.backup_dir,
            store=store,
            bucket=config.s3.tenant_bucket(name),
            prefix=config.s3.tenant_prefix(name),
            bin_dir=config.pg_bin_dir,
        )
    finally:
        await store.close()
    return entry(b, now_rfc3339())


def _status(api, name: str) -> dict:
    return api.get_cluster_custom_object(*ARGS, name).get("status") or {}


def _reason(api, name: str, type_: str) -> tuple[str, str] | None:
    cond = condition({"status": _status(api, name)}, type_)
    return (cond["status"], cond["reason"]) if cond else None


def test_a_new_tenant_restored_from_a_backup(operator, env, k8s_api_client, s3, devstack_env) -> None:
    api = client.CustomObjectsApi(k8s_api_client)
    config = OperatorConfig.from_env(env)
    dsn = devstack_env["DATABASE_URL"]
    source, copy, stranger = f"r{RUN}-acme", f"r{RUN}-acme2", f"r{RUN}-other"
    cnpj = cnpj_for(source)
    vault = hvac.Client(url=env["OPERATOR_VAULT_ADDR"], token=env["OPERATOR_VAULT_TOKEN"])
    kv = vault.secrets.kv.v2
    mount = config.vault.kv_mount
    root = root_client(s3)
    created: list[str] = []
    try:
        api.create_cluster_custom_object(*ARGS, tenant_body(source, operator.instance, cnpj=cnpj))
        created.append(source)
        wait_until(
            lambda: _reason(api, source, "Ready") == ("True", "Ready"), timeout=120, what="source Ready"
        )
        transit = f"/v1/{names.VAULT_TRANSIT_MOUNT}"
        source_key, copy_key = names.transit_key_name(source), names.transit_key_name(copy)
        wrapped = vault.adapter.post(f"{transit}/datakey/wrapped/{source_key}")["data"]["ciphertext"]
        data_key = vault.adapter.post(f"{transit}/decrypt/{source_key}", json={"ciphertext": wrapped})
        asyncio.run(_fill(dsn, names.pg_identifier(source), wrapped))
        root.put_object(Bucket=config.s3.tenant_bucket(source), Key=DOCUMENT, Body=b"%PDF-1.4 boleto")
        kv.create_or_update_secret(
            path=f"{names.vault_tenant_prefix(source)}/psp/conta-1", secret=PSP_SECRET, mount_point=mount
        )
        backup = asyncio.run(_backup(env, source))
        api.patch_cluster_custom_object_status(
            *ARGS, source, {"status": {"lastBackup": backup, "backups": [backup]}}
        )
        stamp = stamp_of(backup["path"], source)

        restore = {"tenant": source, "backup": stamp}
        api.create_cluster_custom_object(
            *ARGS, tenant_body(copy, operator.instance, cnpj=cnpj, restoreFrom=restore)
        )
        created.append(copy)
        api.create_cluster_custom_object(
            *ARGS, tenant_body(stranger, operator.instance, cnpj=cnpj_for(stranger), restoreFrom=restore)
        )
        created.append(stranger)

        try:
            wait_until(
                lambda: _reason(api, copy, "Ready") == ("True", "Ready"), timeout=150, what="copy Ready"
            )
        except AssertionError as err:
            raise AssertionError(f"{err}\n{_status(api, copy)}\n{operator.log_tail()}") from None
        status = _status(api, copy)
        assert _reason(api, copy, "DatabaseReady") == ("True", "Restored")
        done = status["restoredFrom"]
        assert done["tenant"] == source and done["backup"] == stamp and done["rows"] == PROBE_ROWS + 3
        assert (
            done["auditHead"] == {"seq": 2, "hash": "bb22"} and done["objects"] == 1 and done["secrets"] == 1
        )
        assert done["seconds"] >= 0 and done["path"] == backup["path"]
        # The data itself, owned by the new tenant's role.
        rows, head, owner = asyncio.run(_contents(dsn, names.pg_identifier(copy)))
        assert (rows, head, owner) == (PROBE_ROWS, "bb22", names.pg_identifier(copy))
        # The personal-data key, now wrapped by the copy's Transit key: the same data key.
        rewrapped = asyncio.run(_wrapped_key(dsn, names.pg_identifier(copy)))
        assert rewrapped != wrapped
        opened = vault.adapter.post(f"{transit}/decrypt/{copy_key}", json={"ciphertext": rewrapped})
        assert opened["data"]["plaintext"] == data_key["data"]["plaintext"]
        assert asyncio.run(_wrapped_key(dsn, names.pg_identifier(source))) == wrapped
        got = root.get_object(Bucket=config.s3.tenant_bucket(copy), Key=DOCUMENT)["Body"].read()
        assert got == b"%PDF-1.4 boleto"
        secret = kv.read_secret_version(
            path=f"{names.vault_tenant_prefix(copy)}/psp/conta-1",
            mount_point=mount,
            raise_on_deleted_version=True,
        )
        assert secret["data"]["data"] == PSP_SECRET
        events = client.CoreV1Api(k8s_api_client).list_namespaced_event(
            "default", field_selector=f"involvedObject.name={copy},reason=Restored"
        )
        assert events.items and stamp in events.items[0].message
        # The source is untouched (and both hold the CNPJ: a restore is no CnpjConflict).
        assert asyncio.run(_contents(dsn, names.pg_identifier(source)))[:2] == (PROBE_ROWS, "bb22")
        assert root.get_object(Bucket=config.s3.tenant_bucket(source), Key=DOCUMENT)["Body"].read()
        assert _reason(api, source, "Ready") == ("True", "Ready")

        # Another CNPJ: refused before anything is written.
        wait_until(
            lambda: _reason(api, stranger, "DatabaseReady") == ("False", "RestoreFailed"),
            timeout=60,
            what="stranger RestoreFailed",
        )
        message = condition({"status": _status(api, stranger)}, "DatabaseReady")["message"]
        assert "CNPJ" in message and "nothing written" in message
        assert asyncio.run(_databases(dsn, f"%{names.pg_identifier(stranger)}")) == []
        warnings = client.CoreV1Api(k8s_api_client).list_namespaced_event(
            "default", field_selector=f"involvedObject.name={stranger},reason=RestoreFailed"
        )
        assert warnings.items and warnings.items[0].type == "Warning"
    finally:
        for name in created:
            api.patch_cluster_custom_object(*ARGS, name, {"spec": {"deletionPolicy": "Delete"}})
            api.delete_cluster_custom_object(*ARGS, name)
        for name in created:
            wait_until(lambda n=name: _gone(api, n), timeout=120, what=f"{name} deleted")
        bucket = env["OPERATOR_S3_BACKUP_BUCKET"]
        for obj in root.list_objects_v2(Bucket=bucket).get("Contents") or []:
            root.delete_object(Bucket=bucket, Key=obj["Key"])
        root.delete_bucket(Bucket=bucket)


def _gone(api, name) -> bool:
    try:
        api.get_cluster_custom_object(*ARGS, name)
    except client.ApiException as err:
        return err.status == 404
    return False
