"""PostgreSQL from the system packages, in .devstack/postgres, on loopback.

PostgreSQL refuses to run as root, so when we are root the cluster belongs
to an unprivileged system user that we create once.
"""

from __future__ import annotations

import glob
import os
import pwd
import subprocess
from pathlib import Path

from devstack import procs
from devstack.config import HOST, StackConfig

NAME = "postgres"
RUN_AS = "consorcio-devstack"


def bindir() -> Path:
    """The newest installed server version (15 or later)."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name)
    )
    if not candidates:
        raise procs.StartError("PostgreSQL server binaries not found (apt-get install postgresql)")
    path = Path(candidates[-1]).parent
    if int(path.parent.name) < 15:
        raise procs.StartError(f"PostgreSQL >= 15 required, found {path.parent.name}")
    return path


def _service_user() -> tuple[int, int] | None:
    """(uid, gid) to drop to, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(RUN_AS)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", RUN_AS],
            check=True,
        )
        entry = pwd.getpwnam(RUN_AS)
    return entry.pw_uid, entry.pw_gid


def _demote(ids: tuple[int, int] | None):
    if ids is None:
        return None

    def drop() -> None:
        os.setgid(ids[1])
        os.setuid(ids[0])

    return drop


def data_dir(cfg: StackConfig) -> Path:
    return cfg.root / "postgres" / "data"


def socket_dir(cfg: StackConfig) -> Path:
    return cfg.root / "postgres" / "socket"


def is_running(cfg: StackConfig) -> bool:
    return procs.running_pid(cfg, NAME, "postgres") is not None


def start(cfg: StackConfig, log=print) -> None:
    if is_running(cfg):
        return
    ids = _service_user()
    data = data_dir(cfg)
    base = data.parent
    base.mkdir(parents=True, exist_ok=True)
    socket_dir(cfg).mkdir(parents=True, exist_ok=True)
    if ids:
        for path in (base, socket_dir(cfg)):
            os.chown(path, *ids)
    if not (data / "PG_VERSION").exists():
        log("initialising PostgreSQL cluster")
        pwfile = base / "pwfile"
        pwfile.write_text(cfg.pg_password + "\n")
        if ids:
            os.chown(pwfile, *ids)
        subprocess.run(
            [
                str(bindir() / "initdb"),
                "-D",
                str(data),
                "--username",
                cfg.pg_superuser,
                "--pwfile",
                str(pwfile),
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
            preexec_fn=_demote(ids),
        )
        pwfile.unlink()
    if ids:
        os.chown(cfg.logs, *ids) if cfg.logs.exists() else None
    procs.spawn(
        cfg,
        NAME,
        [
            str(bindir() / "postgres"),
            "-D",
            str(data),
            "-p",
            str(cfg.ports.postgres),
            "-c",
            f"listen_addresses={HOST}",
            "-c",
            f"unix_socket_directories={socket_dir(cfg)}",
            "-c",
            "max_connections=600",
            "-c",
            "shared_buffers=256MB",
            # A throwaway development cluster: durability is traded for speed.
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ],
        preexec=_demote(ids),
    )
    procs.wait_until(lambda: _ready(cfg), "PostgreSQL", timeout=60, log=procs.log_file(cfg, NAME))


def _ready(cfg: StackConfig) -> bool:
    result = subprocess.run(
        [str(bindir() / "pg_isready"), "-h", HOST, "-p", str(cfg.ports.postgres)], capture_output=True
    )
    return result.returncode == 0


def stop(cfg: StackConfig) -> bool:
    return procs.stop(cfg, NAME, "postgres", timeout=30)
