"""A live tenant backed up and restored under a new name (issue 21 item 5), on devstack's real
PostgreSQL and S3 server: the tenant app then serves the restored data from the new database
and bucket, exactly as it was at the backup (a payment made afterwards is not there)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import boto3
import pytest
from litestar.testing import AsyncTestClient
from tenant_operator.provisioners.backup import backup_tenant, restore_tenant
from tenant_operator.provisioners.object_store import client_config
from tenant_operator.provisioners.snapshot import differences

from tenant_app.app import create_app
from tenant_app.settings import Settings
from tests.integration.tenant_app.factories import make_running_grupo, pay
from tests.support.object_store_fixtures import (
    _drop_s3_buckets,
    keys_in,
    provision_bucket,
    root_client,
    root_provisioner,
)
from tests.support.tenant_app_fixtures import login, make_redis_user, provision_tenant

pytestmark = pytest.mark.integration

__all__ = ["_drop_s3_buckets"]


def _bucket_client(env: dict[str, str]) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT"],
        region_name=env["S3_REGION"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
        config=client_config(),
    )


async def test_a_backup_restores_into_a_new_tenant_as_it_was(
    make_database: Callable[[], str],
    pg_admin_dsn: str,
    redis_url: str,
    s3: Any,
    tmp_path: Path,
    _drop_s3_buckets: None,
) -> None:
    slug = f"bk{uuid.uuid4().hex[:6]}"
    t = await provision_tenant(make_database, redis_url, slug, extra_env=await provision_bucket(s3, slug))
    backup_bucket = f"test-backups-{uuid.uuid4().hex[:8]}"
    store = root_provisioner(s3, backup_bucket=backup_bucket)
    novo: AsyncTestClient | None = None
    restored_db = f"restored_{uuid.uuid4().hex[:10]}"
    try:
        grupo, cotas = await make_running_grupo(t, cotas=3)
        for cota in cotas:
            assert (await pay(t, cota["id"], "1000.00", "2025-02-10")).status_code == 201
        tenant_s3 = _bucket_client(t.env)
        tenant_s3.put_object(
            Bucket=t.env["S3_BUCKET"], Key="documentos/contrato.pdf", Body=b"%PDF-1.4 x" * 100
        )
        database = t.env["DATABASE_URL"].rsplit("/", 1)[1]

        backup = await backup_tenant(
            admin_dsn=pg_admin_dsn,
            database=database,
            tenant=slug,
            backup_dir=tmp_path / "backups",
            store=store,
            bucket=t.env["S3_BUCKET"],
        )
        assert backup.snapshot.path.stat().st_mode & 0o077 == 0  # personal data: owner only
        assert backup.objects is not None and backup.objects.objects == 1
        # Written after the backup: not part of it.
        assert (await pay(t, cotas[0]["id"], "500.00", "2025-03-10")).status_code == 201
        tenant_s3.put_object(Bucket=t.env["S3_BUCKET"], Key="documentos/depois.pdf", Body=b"%PDF-1.4 y")

        # The new tenant's bucket (its own user), then the restore into it and a new database.
        novo_slug = f"rs{uuid.uuid4().hex[:6]}"
        novo_s3 = await provision_bucket(s3, novo_slug)
        restore = await restore_tenant(
            admin_dsn=pg_admin_dsn,
            dump=backup.snapshot.path,
            database=restored_db,
            store=store,
            objects=backup.objects,
            bucket=novo_s3["S3_BUCKET"],
        )
        assert differences(backup.snapshot.contents, restore.contents) == []
        assert restore.contents.audit_head == backup.snapshot.contents.audit_head
        assert restore.objects is not None and restore.objects.objects == 1

        # The tenant app on the restored data: as at the backup.
        # Its users are the backed-up tenant's (same admin e-mail and password).
        redis_url_novo, prefixo = make_redis_user(redis_url, novo_slug)
        env = (
            t.env
            | novo_s3
            | {
                "TENANT_SLUG": novo_slug,
                "DATABASE_URL": pg_admin_dsn.rsplit("/", 1)[0] + f"/{restored_db}",
                "REDIS_URL": redis_url_novo,
                "REDIS_KEY_PREFIX": prefixo,
            }
        )
        novo = AsyncTestClient(app=create_app(Settings.from_env(env)), base_url="http://testserver.local")
        await novo.__aenter__()
        h = {"Authorization": f"Bearer {await login(novo, f'admin@{slug}.example')}"}
        r = await novo.get(f"/api/grupos/{grupo['id']}", headers=h)
        assert r.status_code == 200, r.text
        pagos = await novo.get(f"/api/cotas/{cotas[0]['id']}/pagamentos", headers=h)
        assert pagos.json()["total"] == 1  # the later payment is not in the backup
        fundos = await novo.get(f"/api/grupos/{grupo['id']}/fundos", headers=h)
        assert fundos.json()["conciliado"] is True
        # The audit chain verifies after the restore (no control plane: the flag's offline default).
        verificacao = await novo.get("/api/auditoria/verificacao", headers=h)
        assert verificacao.status_code == 200 and verificacao.json()["integra"] is True, verificacao.text
        chaves = [
            o["Key"] for o in _bucket_client(novo_s3).list_objects_v2(Bucket=novo_s3["S3_BUCKET"])["Contents"]
        ]
        assert chaves == ["documentos/contrato.pdf"]
        print(
            f"backup: database {backup.database_seconds:.2f} s, objects {backup.objects_seconds:.2f} s; "
            f"restore: database {restore.database_seconds:.2f} s, objects {restore.objects_seconds:.2f} s"
        )
    finally:
        await t.client.__aexit__(None, None, None)
        if novo is not None:
            await novo.__aexit__(None, None, None)
        conn = await asyncpg.connect(pg_admin_dsn)
        await conn.execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')
        await conn.close()
        admin = root_client(s3)
        for key in keys_in(admin, backup_bucket):
            admin.delete_object(Bucket=backup_bucket, Key=key)
        admin.delete_bucket(Bucket=backup_bucket)
        await store.close()
