"""``python -m tenant_operator run|crd|restore-snapshot``."""

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
    args = parser.parse_args(argv)
    return int(args.func(args))
