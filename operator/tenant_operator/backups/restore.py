"""``spec.restoreFrom``: a new tenant created from another tenant's verified backup (issue 21 item 5).

The database step calls :func:`restore_into` instead of creating an empty database when the
tenant asks for a restore and its database does not exist yet. What it does, in order:

1. checks, writing nothing: the source ConsorcioTenant exists and holds this tenant's CNPJ
   (retained data is re-adopted only by the same CNPJ: the same rule here), the backup is in
   its ``status.backups``, was verified (its entry and the ``.json`` beside the dump say what
   the verifying restore found) and its dump is a file of the source in the backup directory;
2. the tenant's role (not its database);
3. the dump into a staging database ``restoring_tenant_<name>`` owned by that role, whose row
   counts and audit chain head must equal the backup's record; then the personal-data keys of
   ``chaves_dados_pessoais`` (wrapped by the source's Transit key) unwrapped with it and wrapped
   with this tenant's key, in the staging database; a source key that no longer exists (destroyed
   by deletionPolicy Delete: crypto-shredded) refuses the restore: the personal data is unreadable;
4. the backup's documents into the tenant's bucket (or prefix), verified by keys and sizes;
5. the source's own Vault secrets (``psp/*``: PSP credentials of each bank account;
   ``webhooks/*``: signing secrets of its webhook endpoints, whose rows the dump brings) to
   the same paths under ``namespaces/tenant-<name>/``;
6. the staging database renamed to ``tenant_<name>``: the commit point. Before it, any failure
   drops the staging database and removes what 4 and 5 wrote, so nothing is half-written and
   the next pass starts again; after it, the database exists and passes never restore again.

The migrations step then migrates forward from the backup's schema revision, as for any tenant.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from consorcio_contract.identifiers import format_cnpj, normalize_cnpj
from consorcio_contract.names import DADOS_PESSOAIS_TABELA_CHAVES
from consorcio_contract.tenant_resource import LATEST_BACKUP, RestoreFrom
from tenant_operator import names
from tenant_operator.provisioners.backup import stamp_of
from tenant_operator.provisioners.object_store import BucketCopy
from tenant_operator.provisioners.postgres import quote_ident
from tenant_operator.provisioners.snapshot import (
    AuditHead,
    DatabaseContents,
    database_dsn,
    differences,
    restore_snapshot,
)
from tenant_operator.provisioners.transit import KEY_MISSING, UNDECRYPTABLE
from tenant_operator.provisioners.vault import VaultError
from tenant_operator.specs.vault_policy import SEGREDOS_DO_TENANT, SEGREDOS_DOS_WEBHOOKS

_log = logging.getLogger(__name__)

REASON_RESTORED = "Restored"
REASON_RESTORE_FAILED = "RestoreFailed"
#: The source's Vault subtrees the tenant app writes itself; the app environment is not copied
#: (the new tenant has its own credentials).
SECRET_SUBTREES = (SEGREDOS_DO_TENANT, SEGREDOS_DOS_WEBHOOKS)
STAGING_PREFIX = "restoring_"


class RestoreRefused(Exception):
    """The restore cannot be done as asked (the resource or the backup must change): permanent."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class RestoreFailedCnpj(RestoreRefused):
    """The source holds another CNPJ."""

    def __init__(self, source: str, source_cnpj: str, cnpj: str) -> None:
        super().__init__(
            f"ConsorcioTenant {source} holds CNPJ {format_cnpj(source_cnpj) if source_cnpj else 'none'}, "
            f"not this tenant's {format_cnpj(normalize_cnpj(cnpj))}: a backup is restored only for the "
            "same administradora; nothing written"
        )


@dataclass(frozen=True)
class ChosenBackup:
    """The backup a restoreFrom names, as the source's status lists it."""

    source: str
    stamp: str
    path: Path
    entry: Mapping[str, Any]

    @property
    def objects(self) -> BucketCopy | None:
        """The backup's bucket copy (``s3://bucket/prefix`` in the entry), if it has one."""
        where = str(self.entry.get("objects") or "")
        if not where.startswith("s3://"):
            return None
        bucket, _, prefix = where.removeprefix("s3://").partition("/")
        return BucketCopy(bucket, prefix, 0, 0)


def staging_database(ident: str) -> str:
    """Where the dump is restored before it is renamed into place (at most 10 + 47 characters)."""
    return STAGING_PREFIX + ident


def choose_backup(
    wanted: RestoreFrom, source: Mapping[str, Any] | None, cnpj: str, backup_dir: Path
) -> ChosenBackup:
    """The backup ``wanted`` names in the ``source`` resource; RestoreRefused says why not. Pure."""
    if source is None or (source.get("metadata") or {}).get("deletionTimestamp"):
        raise RestoreRefused(f"ConsorcioTenant {wanted.tenant} (restoreFrom.tenant) does not exist")
    source_cnpj = normalize_cnpj(str((source.get("spec") or {}).get("cnpj") or ""))
    if source_cnpj != normalize_cnpj(cnpj):
        raise RestoreFailedCnpj(wanted.tenant, source_cnpj, cnpj)
    backups = [b for b in (source.get("status") or {}).get("backups") or [] if isinstance(b, Mapping)]
    stamps = [stamp_of(str(b.get("path") or ""), wanted.tenant) for b in backups]
    if not backups:
        raise RestoreRefused(f"ConsorcioTenant {wanted.tenant} lists no backups (status.backups)")
    if wanted.backup == LATEST_BACKUP:
        index = 0  # newest first
    elif wanted.backup in stamps:
        index = stamps.index(wanted.backup)
    else:
        raise RestoreRefused(
            f"backup {wanted.backup} is not in status.backups of {wanted.tenant} "
            f"(it lists {', '.join(stamps[:5])}{'…' if len(stamps) > 5 else ''})"
        )
    entry, stamp = backups[index], stamps[index]
    path = Path(str(entry.get("path") or ""))
    # Only a dump of the source in the backup directory: a status edited by hand cannot point
    # the operator at any other file.
    if path.parent != backup_dir or path.name != f"{wanted.tenant}-{stamp}.dump":
        raise RestoreRefused(f"backup {stamp} of {wanted.tenant} is not a dump in {backup_dir}: {path}")
    if not entry.get("verified"):
        raise RestoreRefused(f"backup {stamp} of {wanted.tenant} was not verified: not restored")
    return ChosenBackup(wanted.tenant, stamp, path, entry)


def recorded_contents(sidecar: Mapping[str, Any]) -> DatabaseContents:
    """What the verifying restore found when the backup was taken (the dump's ``.json``). Pure."""
    verified = sidecar.get("verified")
    if not isinstance(verified, Mapping) or not isinstance(verified.get("rowCounts"), Mapping):
        raise RestoreRefused("the backup's record (.json beside the dump) has no verified row counts")
    head = verified.get("auditHead")
    return DatabaseContents(
        {str(k): int(v) for k, v in verified["rowCounts"].items()},
        audit_table=bool(verified.get("auditTable")),
        audit_head=AuditHead(int(head["seq"]), str(head["hash"])) if isinstance(head, Mapping) else None,
    )


def read_record(dump: Path) -> DatabaseContents:
    """The recorded contents of ``dump``; RestoreRefused when the dump or its record is missing."""
    if not dump.is_file():
        raise RestoreRefused(f"the dump {dump} does not exist (any more)")
    sidecar = dump.with_suffix(".json")
    try:
        record = json.loads(sidecar.read_text())
    except (OSError, ValueError) as err:
        raise RestoreRefused(f"the backup's record {sidecar} cannot be read: {err}") from err
    return recorded_contents(record)


def status_entry(
    chosen: ChosenBackup,
    contents: DatabaseContents,
    *,
    objects: BucketCopy | None,
    secrets: int,
    seconds: float,
    at: str,
) -> dict[str, Any]:
    """``status.restoredFrom``. Pure."""
    out: dict[str, Any] = {
        "tenant": chosen.source,
        "backup": chosen.stamp,
        "path": str(chosen.path),
        "takenAt": str(chosen.entry.get("takenAt") or ""),
        "restoredAt": at,
        "rows": contents.rows,
        "verified": contents.describe(),
        "objects": objects.objects if objects else 0,
        "secrets": secrets,
        "seconds": round(seconds, 1),
    }
    if contents.audit_head is not None:
        out["auditHead"] = {"seq": contents.audit_head.seq, "hash": contents.audit_head.hash}
    return out


@dataclass(frozen=True)
class Restored:
    chosen: ChosenBackup
    contents: DatabaseContents
    objects: BucketCopy | None
    secrets: list[str]
    seconds: float
    #: Rows of ``chaves_dados_pessoais`` rewrapped from the source's Transit key to this tenant's.
    data_keys: int = 0


async def restore_into(
    runtime: Any,
    *,
    name: str,
    wanted: RestoreFrom,
    source: Mapping[str, Any] | None,
    cnpj: str,
    owner: str,
    s3_secret_key: str,
) -> Restored:
    """Steps 1 and 3–6 of the module docstring (the caller made the role: step 2)."""
    config = runtime.config
    chosen = choose_backup(wanted, source, cnpj, config.backup_dir)
    expected = await asyncio.to_thread(read_record, chosen.path)
    staging = staging_database(owner)
    started = time.perf_counter()
    await runtime.postgres.drop_database(staging)  # a leftover of an interrupted attempt
    store, vault = runtime.object_store, runtime.vault
    copy = chosen.objects if store is not None else None
    objects: BucketCopy | None = None
    touched_objects = False
    try:
        contents = await restore_snapshot(
            admin_dsn=config.postgres.admin_dsn,
            dump=chosen.path,
            database=staging,
            bin_dir=config.pg_bin_dir,
            owner=owner,
        )
        found = differences(expected, contents)
        if found:
            raise RestoreRefused(
                f"the restored database differs from backup {chosen.stamp}'s record: {'; '.join(found[:3])}"
            )
        data_keys = 0
        if vault is not None and wanted.tenant != name:
            data_keys = await rewrap_personal_data_keys(
                vault,
                admin_dsn=config.postgres.admin_dsn,
                database=staging,
                owner=owner,
                source=wanted.tenant,
                target=name,
                backup=chosen.stamp,
            )
        if copy is not None:
            bucket, prefix = config.s3.tenant_bucket(name), config.s3.tenant_prefix(name)
            if not config.s3.irsa:
                # The storage step does the same (idempotent) right after: the bucket must
                # exist, owned by the tenant's user, before the documents go in.
                await store.ensure(bucket, names.s3_access_key(name), s3_secret_key)
            touched_objects = True
            objects = await store.restore(copy, bucket, prefix=prefix)
        secrets = await vault.copy_subtrees(wanted.tenant, name, SECRET_SUBTREES) if vault else []
        await runtime.postgres.rename_database(staging, owner)
    except BaseException:
        # The tenant is new (no database: its app never ran), so whatever is under its
        # bucket and secret subtrees came from this restore.
        await _undo(runtime, name, staging, touched_objects, vault is not None)
        raise
    return Restored(chosen, contents, objects, secrets, time.perf_counter() - started, data_keys)


async def rewrap_personal_data_keys(
    vault: Any, *, admin_dsn: str, database: str, owner: str, source: str, target: str, backup: str
) -> int:
    """Rewrap every data key of ``public.chaves_dados_pessoais`` in ``database`` (restored from
    tenant ``source``'s backup) from ``source``'s Transit key to ``target``'s, as the table's owner
    in one transaction; the number of rows (0: no such table, or empty). RestoreRefused when the
    source's key is gone or cannot unwrap them: the backup's personal data is unreadable."""
    table = f"public.{quote_ident(DADOS_PESSOAIS_TABELA_CHAVES)}"
    conn = await asyncpg.connect(database_dsn(admin_dsn, database), timeout=10)
    try:
        async with conn.transaction():
            # The tenant's role, as pg_restore ran: the rows stay the app's, nothing else is reachable.
            await conn.execute(f"SET LOCAL ROLE {quote_ident(owner)}")
            if await conn.fetchval("SELECT to_regclass($1)", table) is None:
                return 0
            rows = await conn.fetch(
                f"SELECT id, chave_cifrada FROM {table}"
                " WHERE chave_cifrada IS NOT NULL ORDER BY id FOR UPDATE"
            )
            if not rows:
                return 0
            try:
                wrapped = await vault.rewrap_data_keys(
                    source, target, [str(r["chave_cifrada"]) for r in rows]
                )
            except VaultError as err:
                raise (_unreadable(err, source, backup) or err) from err
            await conn.executemany(
                f"UPDATE {table} SET chave_cifrada = $2 WHERE id = $1",
                [(r["id"], new) for r, new in zip(rows, wrapped, strict=True)],
            )
            return len(rows)
    finally:
        await conn.close()


async def _undo(runtime: Any, name: str, staging: str, objects: bool, secrets: bool) -> None:
    """Remove what a failed restore wrote (best effort: logged, the next attempt retries it)."""
    with contextlib.suppress(Exception):
        await runtime.postgres.drop_database(staging)
    if objects and runtime.object_store is not None:
        s3 = runtime.config.s3
        try:
            if s3.irsa:
                await runtime.object_store.delete_prefix(s3.tenant_bucket(name), s3.tenant_prefix(name))
            else:
                # The bucket and user go; the storage step makes them again, empty.
                await runtime.object_store.delete(s3.tenant_bucket(name), names.s3_access_key(name))
        except Exception:
            _log.exception("restore of %s: the documents copied so far could not be removed", name)
    if secrets and runtime.vault is not None:
        try:
            await runtime.vault.delete_subtrees(name, SECRET_SUBTREES)
        except Exception:
            _log.exception("restore of %s: the Vault secrets copied so far could not be removed", name)


def _unreadable(err: VaultError, source: str, backup: str) -> RestoreRefused | None:
    """The refusal when the source's Transit key cannot unwrap the backup's data keys (None: an
    outage or a refusal of Vault, retried)."""
    where = f"backup {backup} of {source}"
    if err.reason == KEY_MISSING:
        return RestoreRefused(
            f"{where} holds personal data encrypted under {source}'s Vault Transit key, which no longer "
            f"exists ({err.message}): the personal data is unreadable (crypto-shredded); nothing kept"
        )
    if err.reason == UNDECRYPTABLE:
        return RestoreRefused(
            f"{where}: its personal-data keys ({DADOS_PESSOAIS_TABELA_CHAVES}) cannot be unwrapped with "
            f"{source}'s Vault Transit key ({err.message}); nothing kept"
        )
    return None
