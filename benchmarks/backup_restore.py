"""Issue 21 item 5 figures: backup and restore of a 10,000-cota x 60-parcela tenant on the real local
stack (devstack PostgreSQL and S3 server), with the operator's code (tenant_operator.provisioners.backup).

* backup = pg_dump (custom format) under an exported snapshot + its verification (restored into a
  scratch database, every table's rows and the audit chain head compared) + the bucket's verified
  copy into the backup bucket;
* restore = a new database from the dump (pg_restore --single-transaction) + the objects copied
  into a new, empty bucket (verified) — the RTO of one tenant here (target <= 5 min).
  ``--operator-path``: the restore the operator runs for ``spec.restoreFrom`` instead
  (tenant_operator.backups.restore.restore_into: the checks, the role, the dump into a staging
  database compared with the backup's record, the objects into the new tenant's bucket it makes,
  the rename into place; no Vault here).

Prints per part the median wall time, the CPU of this process and of its children (pg_dump,
pg_restore; the PostgreSQL server's own work is not in it), the dump size, and the load average
before and after (the machine is shared).

    .venv/bin/python benchmarks/backup_restore.py [--cotas 10000] [--objects 50] [--runs 3] [--operator-path]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg

from devstack import stack
from devstack.config import StackConfig

_spec = importlib.util.spec_from_file_location(
    "bench_docs", Path(__file__).with_name("documentos_relatorios.py")
)
assert _spec and _spec.loader
docs = importlib.util.module_from_spec(_spec)
sys.modules["bench_docs"] = docs
_spec.loader.exec_module(docs)  # the 10,000 x 60 tenant of the reports benchmark: same seed


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _store(cfg: StackConfig, backup_bucket: str) -> Any:
    from tenant_operator.config import S3Config
    from tenant_operator.provisioners.object_store import ObjectStoreProvisioner

    return ObjectStoreProvisioner(
        S3Config(
            endpoint=cfg.s3_endpoint,
            admin_access_key=cfg.s3_access_key,
            admin_secret_key=cfg.s3_secret_key,
            region=cfg.s3_region,
            backup_bucket=backup_bucket,
        )
    )


def _put_objects(env: dict[str, str], n: int, size: int = 100_000) -> None:
    import boto3
    from tenant_operator.provisioners.object_store import client_config

    s3 = boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT"],
        region_name=env["S3_REGION"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
        config=client_config(),
    )
    for i in range(n):
        s3.put_object(Bucket=env["S3_BUCKET"], Key=f"documentos/bench/{i:04d}.pdf", Body=os.urandom(size))


CNPJ = "11.222.333/0001-81"


async def _restore_as_operator(
    cfg: StackConfig, store: Any, b: Any, tenant: str, novo: str, folder: str
) -> Any:
    """spec.restoreFrom's restore (the operator's code) of backup ``b`` into tenant ``novo``."""
    from types import SimpleNamespace

    from tenant_operator import names
    from tenant_operator.backups.restore import restore_into
    from tenant_operator.backups.runner import entry
    from tenant_operator.credentials import generate
    from tenant_operator.provisioners.postgres import PostgresProvisioner
    from tenant_operator.reconciler import now_rfc3339

    from consorcio_contract.tenant_resource import RestoreFrom

    postgres = PostgresProvisioner(cfg.database_url)
    runtime = SimpleNamespace(
        config=SimpleNamespace(
            backup_dir=Path(folder),
            postgres=SimpleNamespace(admin_dsn=cfg.database_url),
            pg_bin_dir="",
            s3=store._config,
        ),
        postgres=postgres,
        object_store=store,
        vault=None,
    )
    source = {
        "metadata": {"name": tenant},
        "spec": {"cnpj": CNPJ},
        "status": {"backups": [entry(b, now_rfc3339())]},
    }
    ident = names.pg_identifier(novo)
    creds = generate()
    try:
        await postgres.ensure(ident, creds.db_password, role_only=True)
        return await restore_into(
            runtime,
            name=novo,
            wanted=RestoreFrom(tenant, "latest"),
            source=source,
            cnpj=CNPJ,
            owner=ident,
            s3_secret_key=creds.s3_secret_key,
        )
    finally:
        await postgres.close()


async def _run(cfg: StackConfig, env: dict[str, str], runs: int, operator_path: bool = False) -> None:
    from tenant_operator import names
    from tenant_operator.credentials import generate
    from tenant_operator.provisioners.backup import backup_tenant, restore_tenant

    backup_bucket = f"bench-backups-{uuid.uuid4().hex[:8]}"
    store = _store(cfg, backup_bucket)
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    fig: dict[str, list[float]] = {k: [] for k in ("b_db", "b_obj", "b_cpu", "r_db", "r_obj", "r_cpu")}
    size = 0
    try:
        with tempfile.TemporaryDirectory() as folder:
            for run in range(runs):
                cpu = _cpu()
                b = await backup_tenant(
                    admin_dsn=cfg.database_url,
                    database=database,
                    tenant=env["TENANT_SLUG"],
                    backup_dir=Path(folder),
                    store=store,
                    bucket=env["S3_BUCKET"],
                )
                fig["b_cpu"].append(_cpu() - cpu)
                fig["b_db"].append(b.database_seconds)
                fig["b_obj"].append(b.objects_seconds)
                size = b.snapshot.size
                novo = f"benchrs{uuid.uuid4().hex[:8]}"
                bucket, access = names.s3_bucket(novo, "tenant-"), names.s3_access_key(novo)
                if operator_path:
                    cpu = _cpu()
                    done = await _restore_as_operator(cfg, store, b, env["TENANT_SLUG"], novo, folder)
                    fig["r_cpu"].append(_cpu() - cpu)
                    fig["r_db"].append(done.seconds)
                    fig["r_obj"].append(0.0)
                    copied = done.objects.objects if done.objects else 0
                    print(
                        f"run {run + 1}: backup db {b.database_seconds:.1f} s"
                        f" + objects {b.objects_seconds:.1f} s; operator restore (spec.restoreFrom)"
                        f" {done.seconds:.1f} s, {copied} objects ({done.contents.describe()[:80]}...)"
                    )
                    await store.delete(bucket, access)
                    conn = await asyncpg.connect(cfg.database_url)
                    await conn.execute(f'DROP DATABASE IF EXISTS "{names.pg_identifier(novo)}" WITH (FORCE)')
                    await conn.execute(f'DROP ROLE IF EXISTS "{names.pg_identifier(novo)}"')
                    await conn.close()
                    b.snapshot.path.unlink()
                    continue
                await store.ensure(bucket, access, generate().s3_secret_key)
                cpu = _cpu()
                r = await restore_tenant(
                    admin_dsn=cfg.database_url,
                    dump=b.snapshot.path,
                    database=novo,
                    store=store,
                    objects=b.objects,
                    bucket=bucket,
                )
                fig["r_cpu"].append(_cpu() - cpu)
                fig["r_db"].append(r.database_seconds)
                fig["r_obj"].append(r.objects_seconds)
                print(
                    f"run {run + 1}: backup db {b.database_seconds:.1f} s"
                    f" + objects {b.objects_seconds:.1f} s; "
                    f"restore db {r.database_seconds:.1f} s + objects {r.objects_seconds:.1f} s "
                    f"({r.contents.describe()[:80]}...)"
                )
                await store.delete(bucket, access)
                conn = await asyncpg.connect(cfg.database_url)
                await conn.execute(f'DROP DATABASE IF EXISTS "{novo}" WITH (FORCE)')
                await conn.close()
                b.snapshot.path.unlink()
    finally:
        await store.delete(backup_bucket, "no-such-user")
        await store.close()

    def med(k: str) -> float:
        return statistics.median(fig[k])

    print(f"dump size {size / 1e6:.1f} MB")
    print(
        f"backup  (dump + verifying restore, then bucket copy): median {med('b_db') + med('b_obj'):.1f} s "
        f"(database {med('b_db'):.1f} s, objects {med('b_obj'):.1f} s),"
        f" CPU here+children {med('b_cpu'):.1f} s"
    )
    if operator_path:
        print(
            f"operator restore (spec.restoreFrom: checks, staging database compared with the record, "
            f"objects, rename): median {med('r_db'):.1f} s, CPU here+children {med('r_cpu'):.1f} s"
            " — RTO target 300 s"
        )
        return
    print(
        f"restore (new database + objects into a new bucket):   median {med('r_db') + med('r_obj'):.1f} s "
        f"(database {med('r_db'):.1f} s, objects {med('r_obj'):.1f} s),"
        f" CPU here+children {med('r_cpu'):.1f} s "
        f"— RTO target 300 s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cotas", type=int, default=10_000)
    parser.add_argument("--pagas", type=int, default=12, help="parcelas paid per cota (one payment each)")
    parser.add_argument("--objects", type=int, default=50, help="100 kB objects in the tenant's bucket")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--operator-path", action="store_true", help="measure spec.restoreFrom's restore (restore_into)"
    )
    args = parser.parse_args()
    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres", "redis", "s3"], log=lambda _msg: None)
    print(f"load average before: {_load()} ({os.cpu_count()} CPUs)")
    env = asyncio.run(docs._provision(cfg, f"benchbk{uuid.uuid4().hex[:8]}"))
    try:
        t = time.perf_counter()
        asyncio.run(docs._seed(env, args.cotas, args.pagas))
        _put_objects(env, args.objects)
        print(
            f"seeded {args.cotas:,} cotas x 60 parcelas ({args.pagas} paid each) and {args.objects} objects "
            f"in {time.perf_counter() - t:.0f} s"
        )
        asyncio.run(_run(cfg, env, args.runs, args.operator_path))
    finally:
        asyncio.run(docs._drop(cfg, env))
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
