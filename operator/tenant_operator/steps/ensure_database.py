"""Step 3 (DatabaseReady): the tenant's role and database on the shared PostgreSQL.

A tenant with ``spec.restoreFrom`` whose database does not exist yet gets it from the named
backup (backups/restore.py), with the backup's documents and Vault secrets, instead of empty.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from consorcio_contract.tenant_resource import RestoreFrom
from tenant_operator import change_report, names
from tenant_operator import conditions as c
from tenant_operator.backups import restore
from tenant_operator.conditions import Condition
from tenant_operator.credentials import TenantCredentials
from tenant_operator.kube.resources import KINDS
from tenant_operator.provisioners.object_store import ObjectStoreError
from tenant_operator.provisioners.postgres import RetainedForAnother
from tenant_operator.provisioners.snapshot import SnapshotError
from tenant_operator.provisioners.vault import VaultError
from tenant_operator.steps.context import ReconcileContext, StepFailed


async def ensure_database(ctx: ReconcileContext) -> Condition:
    """Role and database ``tenant_<name>``; the password is the one stored in the tenant's secrets."""
    creds = await ctx.tenant_credentials()
    ident = names.pg_identifier(ctx.name)
    wanted = ctx.tenant.spec.restore_from
    restored = None
    try:
        if wanted is not None and not await ctx.runtime.postgres.database_exists(ident):
            restored = await _restore(ctx, creds, ident, wanted)
        changes = await ctx.runtime.postgres.ensure(
            ident, creds.db_password, ctx.tenant.plan.database, cnpj=ctx.tenant.spec.normalized_cnpj
        )
    except RetainedForAnother as err:
        raise StepFailed("RetainedDataConflict", str(err), permanent=True) from err
    except (OSError, TimeoutError, asyncpg.CannotConnectNowError, asyncpg.InterfaceError) as err:
        raise StepFailed("DatabaseUnavailable", f"PostgreSQL is unreachable: {err}") from err
    except asyncpg.PostgresError as err:
        raise StepFailed("DatabaseError", f"{type(err).__name__}: {err}") from err
    for change in changes:
        if restored is None or change != "revoked CONNECT from PUBLIC":
            ctx.record("Database", ident, change)
    limit = ctx.tenant.plan.database.connection_limit
    if wanted is not None and (restored or ctx.status.get("restoredFrom")):
        done = restored or ctx.status["restoredFrom"]
        return Condition(
            c.DATABASE_READY,
            c.TRUE,
            restore.REASON_RESTORED,
            f"database {ident} restored from backup {done.get('backup')} of {done.get('tenant')} "
            f"({done.get('verified')}; status.restoredFrom), owned by role {ident}; CONNECT revoked "
            f"from PUBLIC; connection limit {limit}",
        )
    return Condition(
        c.DATABASE_READY,
        c.TRUE,
        "DatabaseReady",
        f"database {ident} owned by role {ident}; CONNECT revoked from PUBLIC; connection limit {limit}",
    )


async def _restore(
    ctx: ReconcileContext, creds: TenantCredentials, ident: str, wanted: RestoreFrom
) -> dict[str, object]:
    """The backup restored (backups/restore.py); ``status.restoredFrom``. Refusals are permanent
    (RestoreFailed: the resource must change); outages of PostgreSQL, S3 or Vault are retried."""
    runtime = ctx.runtime
    source = await ctx.kube.get(KINDS["ConsorcioTenant"].path(wanted.tenant))
    cnpj = ctx.tenant.spec.normalized_cnpj
    try:
        # Checked before the role exists: a refused restore writes nothing at all.
        restore.choose_backup(wanted, source, cnpj, runtime.config.backup_dir)
        await runtime.postgres.ensure(
            ident, creds.db_password, ctx.tenant.plan.database, cnpj=cnpj, role_only=True
        )
        done = await restore.restore_into(
            runtime,
            name=ctx.name,
            wanted=wanted,
            source=source,
            cnpj=cnpj,
            owner=ident,
            s3_secret_key=creds.s3_secret_key,
        )
    except restore.RestoreRefused as err:
        raise StepFailed(restore.REASON_RESTORE_FAILED, err.message, permanent=True) from err
    except SnapshotError as err:
        raise StepFailed(
            restore.REASON_RESTORE_FAILED, f"{err.reason}: {err.message}; nothing kept", permanent=True
        ) from err
    except (ObjectStoreError, VaultError) as err:
        raise StepFailed(err.reason, f"restore: {err.message}; nothing kept, retried") from err
    entry = restore.status_entry(
        done.chosen,
        done.contents,
        objects=done.objects,
        secrets=len(done.secrets),
        seconds=done.seconds,
        at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    ctx.record(
        "Database",
        ident,
        f"restored from {wanted.tenant} backup {done.chosen.stamp}: {done.contents.describe()}, "
        f"{entry['objects']} documents, {entry['secrets']} Vault secrets, "
        f"{done.data_keys} personal-data keys rewrapped in {entry['seconds']}s",
        created=True,
        reason=change_report.RESTORED,
    )
    ctx.status_updates["restoredFrom"] = entry
    return entry
