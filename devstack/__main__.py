"""`python -m devstack up|down|status|env|build|clean` — the local stack's CLI."""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import time

from devstack import binaries, local_platform, postgres, procs, stack, system_packages
from devstack.config import StackConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start every component that is not running (idempotent)")
    up.add_argument(
        "--only", default=",".join(stack.ALL), help=f"comma-separated subset of {','.join(stack.ALL)}"
    )
    sub.add_parser("down", help="stop what `up` started")
    sub.add_parser("platform-up", help="CRD, operator, control plane, demo tenant and its app (after `up`)")
    sub.add_parser("platform-down", help="stop what `platform-up` started")
    sub.add_parser("status", help="show each component and its address; exit 1 if any is down")
    sub.add_parser(
        "env",
        help="print export lines for KUBECONFIG, DATABASE_URL, REDIS_URL, VAULT_* and PATH (kubectl, helm)",
    )
    sub.add_parser("clean", help="stop everything and delete the stack's data")
    build = sub.add_parser("build", help="build (or reuse) the Go binaries only")
    build.add_argument("components", nargs="*", help="etcd kwok kubernetes helm vault")
    args = parser.parse_args(argv)
    cfg = StackConfig.from_env()

    try:
        if args.command == "up":
            only = [c.strip() for c in args.only.split(",") if c.strip()]
            unknown = set(only) - set(stack.ALL)
            if unknown:
                parser.error(f"unknown component(s): {', '.join(sorted(unknown))}")
            started = time.monotonic()
            timings = stack.up(cfg, only)
            slow = ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
            print(f"devstack up in {time.monotonic() - started:.1f}s ({slow})")
            _print_status(cfg)
        elif args.command == "down":
            stopped = stack.down(cfg)
            print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
        elif args.command == "platform-up":
            started = time.monotonic()
            local_platform.up(cfg)
            print(f"platform up in {time.monotonic() - started:.1f}s")
            print(local_platform.summary(cfg))
        elif args.command == "platform-down":
            stopped = local_platform.down(cfg)
            print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
        elif args.command == "status":
            return 0 if _print_status(cfg) else 1
        elif args.command == "env":
            for key, value in cfg.connection_env().items():
                print(f"export {key}={shlex.quote(value)}")
            print(_path_line())
        elif args.command == "clean":
            local_platform.down(cfg)
            stack.down(cfg)
            postgres.remove(cfg)  # outside .devstack when the stack runs as root
            shutil.rmtree(cfg.root, ignore_errors=True)
            print(f"deleted {cfg.root}")
        elif args.command == "build":
            binaries.ensure_all(only=args.components or None)
    except (procs.StartError, binaries.BuildError, system_packages.MissingPackages) as err:
        print(f"devstack: {err}", file=sys.stderr)
        return 1
    return 0


def _path_line() -> str:
    """Put the kubectl and helm that devstack built (matching the server) first on PATH.

    Printed even before they are built: the folders are fixed, so the line
    stays right once `make up` has built them.
    """
    folders = dict.fromkeys(str(binaries.binary_path(p).parent) for p in ("kubectl", "helm"))
    return "export PATH=" + ":".join(shlex.quote(f) for f in folders) + ':"$PATH"'


def _print_status(cfg: StackConfig) -> bool:
    rows = stack.status(cfg)
    for row in rows:
        state = "running" if row.running else "stopped"
        print(f"{row.name:<24} {state:<8} {row.address}")
    platform = local_platform.status(cfg)
    if any(running for _, running, _ in platform):
        for name, running, address in platform:
            print(f"{name:<24} {'running' if running else 'stopped':<8} {address}")
    return all(r.running for r in rows)


if __name__ == "__main__":
    sys.exit(main())
