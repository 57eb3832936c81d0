"""``python -m tenant_operator run|crd|restore-snapshot|backup|restore``."""

from __future__ import annotations

import argparse
import logging
import os
import sys


def _run(args: argparse.Namespace) -> int:
    import kopf
    from prometheus_client import start_http_server

    import tenant_operator.handlers  # noqa: F401  (registers the handlers)
    from tenant_operator.config import ConfigError, OperatorConfig

    try:
        OperatorConfig.from_env()  # fail fast, before connecting anywhere
    except ConfigError as err:
        print(f"configuration error: {err}", file=sys.stderr)
        return 2
    level = getattr(logging, args.log_level.upper(), logging.INFO)
    kopf.configure(verbose=level <= logging.DEBUG, log_format=kopf.LogFormat.FULL)
    logging.getLogger().setLevel(level)
    if args.metrics_port:
        start_http_server(args.metrics_port, addr=args.metrics_addr)
    # ConsorcioTenant is cluster-scoped: the operator always watches the whole
    # cluster (no --namespace), and runs standalone (one replica, no peering CRDs).
    kopf.run(
        clusterwide=True,
        standalone=True,
        liveness_endpoint=args.liveness or None,
    )
    return 0


def _crd(_: argparse.Namespace) -> int:
    from tenant_operator.crd import render_crd_yaml

    sys.stdout.write(render_crd_yaml())
    return 0


def _restore_snapshot(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from tenant_operator.provisioners.snapshot import SnapshotError, restore_snapshot

    dsn = args.admin_dsn or os.environ.get("OPERATOR_PG_ADMIN_DSN", "")
    if not dsn:
        print("configuration error: --admin-dsn or OPERATOR_PG_ADMIN_DSN is required", file=sys.stderr)
        return 2
    try:
        contents = asyncio.run(
            restore_snapshot(
                admin_dsn=dsn,
                dump=Path(args.file),
                database=args.database,
                bin_dir=args.pg_bin_dir,
                owner=args.owner or None,
            )
        )
    except SnapshotError as err:
        print(f"restore failed: {err}", file=sys.stderr)
        return 1
    print(f"restored {args.file} into database {args.database}: {contents.describe()}")
    return 0


def _s3_store(backup_bucket: str | None = None):  # type: ignore[no-untyped-def]
    """The operator's object-store provisioner from its OPERATOR_S3_* variables; None without them."""
    from dataclasses import replace

    from tenant_operator.config import _s3_config
    from tenant_operator.provisioners.object_store import ObjectStoreProvisioner

    s3 = _s3_config(lambda name, default="": os.environ.get(name) or default)
    if not s3.enabled:
        return None
    return ObjectStoreProvisioner(replace(s3, backup_bucket=backup_bucket) if backup_bucket else s3)


def _backup(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from tenant_operator import names
    from tenant_operator.config import _s3_config
    from tenant_operator.provisioners.backup import backup_tenant

    dsn = os.environ.get("OPERATOR_PG_ADMIN_DSN", "")
    if not dsn:
        print("configuration error: OPERATOR_PG_ADMIN_DSN is required", file=sys.stderr)
        return 2

    async def run() -> str:
        store = _s3_store()
        s3 = _s3_config(lambda name, default="": os.environ.get(name) or default)
        try:
            b = await backup_tenant(
                admin_dsn=dsn,
                database=names.pg_identifier(args.tenant),
                tenant=args.tenant,
                backup_dir=Path(
                    args.dir or os.environ.get("OPERATOR_BACKUP_DIR", "/var/lib/consorcio/backups")
                ),
                store=store,
                bucket=s3.tenant_bucket(args.tenant) if store else None,
                prefix=s3.tenant_prefix(args.tenant),
                bin_dir=os.environ.get("OPERATOR_PG_BIN_DIR", ""),
            )
        finally:
            if store is not None:
                await store.close()
        copy = (
            f"; objects {b.objects.objects} in s3://{b.objects.bucket}/{b.objects.prefix}"
            if b.objects
            else ""
        )
        return (
            f"{b.snapshot.path} ({b.snapshot.size} bytes, verified: {b.snapshot.contents.describe()}){copy}; "
            f"database {b.database_seconds:.1f} s, objects {b.objects_seconds:.1f} s"
        )

    print(asyncio.run(run()))
    return 0


def _restore(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from tenant_operator.provisioners.backup import restore_tenant
    from tenant_operator.provisioners.object_store import BucketCopy
    from tenant_operator.provisioners.snapshot import SnapshotError

    dsn = os.environ.get("OPERATOR_PG_ADMIN_DSN", "")
    if not dsn:
        print("configuration error: OPERATOR_PG_ADMIN_DSN is required", file=sys.stderr)
        return 2

    async def run() -> str:
        store = _s3_store(args.objects_bucket) if args.objects_prefix else None
        objects = BucketCopy(args.objects_bucket, args.objects_prefix, 0, 0) if store else None
        try:
            r = await restore_tenant(
                admin_dsn=dsn,
                dump=Path(args.file),
                database=args.database,
                owner=args.owner or None,
                store=store,
                objects=objects,
                bucket=args.bucket or None,
                prefix=args.prefix,
                bin_dir=os.environ.get("OPERATOR_PG_BIN_DIR", ""),
            )
        finally:
            if store is not None:
                await store.close()
        copied = f"; {r.objects.objects} objects into {r.objects.bucket}" if r.objects else ""
        return (
            f"restored into database {args.database}: {r.contents.describe()}{copied}; "
            f"database {r.database_seconds:.1f} s, objects {r.objects_seconds:.1f} s"
        )

    try:
        print(asyncio.run(run()))
    except SnapshotError as err:
        print(f"restore failed: {err}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m tenant_operator``."""
    parser = argparse.ArgumentParser(prog="python -m tenant_operator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the operator against the current cluster (cluster-wide)")
    run.add_argument(
        "--liveness",
        default=os.environ.get(
            "OPERATOR_LIVENESS_ENDPOINT",
            f"http://0.0.0.0:{os.environ.get('OPERATOR_HEALTH_PORT', '8080')}/healthz",
        ),
        help="Kopf liveness endpoint URL ('' disables); default %(default)s",
    )
    run.add_argument(
        "--metrics-port",
        type=int,
        default=int(os.environ.get("OPERATOR_METRICS_PORT", "9090")),
        help="Prometheus metrics port (0 disables); default %(default)s",
    )
    run.add_argument("--metrics-addr", default=os.environ.get("OPERATOR_METRICS_ADDR", "0.0.0.0"))
    run.add_argument("--log-level", default=os.environ.get("OPERATOR_LOG_LEVEL", "INFO"))
    run.set_defaults(func=_run)
    crd = sub.add_parser("crd", help="print the ConsorcioTenant CRD YAML")
    crd.set_defaults(func=_crd)
    restore = sub.add_parser(
        "restore-snapshot",
        help="restore a Snapshot-policy dump (pg_dump -Fc) into a new database on the admin DSN's server",
    )
    restore.add_argument("--file", required=True, help="the .dump file (a <tenant>-<UTC time>.dump)")
    restore.add_argument("--database", required=True, help="the database to create (must not exist)")
    restore.add_argument(
        "--owner",
        default="",
        help="role that owns the database and the restored objects (default: the admin user)",
    )
    restore.add_argument(
        "--admin-dsn", default="", help="admin libpq URL; default $OPERATOR_PG_ADMIN_DSN (keeps it off ps)"
    )
    restore.add_argument("--pg-bin-dir", default=os.environ.get("OPERATOR_PG_BIN_DIR", ""))
    restore.set_defaults(func=_restore_snapshot)
    backup = sub.add_parser(
        "backup",
        help="back up a live tenant: verified pg_dump of its database + verified copy of its bucket",
    )
    backup.add_argument("--tenant", required=True, help="the ConsorcioTenant name")
    backup.add_argument("--dir", default="", help="where the dump goes; default $OPERATOR_BACKUP_DIR")
    backup.set_defaults(func=_backup)
    restore_all = sub.add_parser(
        "restore",
        help="restore a backup into a new database and (optionally) a new tenant's empty bucket",
    )
    restore_all.add_argument("--file", required=True, help="the backup's .dump file")
    restore_all.add_argument("--database", required=True, help="the database to create (must not exist)")
    restore_all.add_argument("--owner", default="", help="role owning the database (the new tenant's)")
    restore_all.add_argument("--objects-bucket", default="", help="the backup bucket holding the copy")
    restore_all.add_argument("--objects-prefix", default="", help="the copy's prefix: <tenant>/<stamp>/")
    restore_all.add_argument("--bucket", default="", help="the new tenant's bucket (exists, empty)")
    restore_all.add_argument(
        "--prefix", default="", help="aws-irsa: the new tenant's prefix of that bucket, tenants/<slug>/"
    )
    restore_all.set_defaults(func=_restore)
    args = parser.parse_args(argv)
    return int(args.func(args))
