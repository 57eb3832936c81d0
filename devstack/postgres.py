"""PostgreSQL from the system packages, on loopback.

PostgreSQL refuses to run as root, so when we are root the cluster belongs
to an unprivileged system user that we create once. That user must be able
to reach its data directory, and a checkout often sits where it cannot: under
/root or a `mktemp -d` folder (mode 0700). Opening such a folder to others
would expose the whole checkout, so instead the cluster of a root-run stack
lives under SERVICE_ROOT (traversable by all, root-owned), in a folder keyed
by the stack's own directory and owned by the service user with mode 0700.
Without root the cluster stays in .devstack/postgres, owned by the caller.

A cluster outside .devstack outlives it: a checkout deleted and cloned again at
the same path (CI's clone, `rm -rf .devstack`) would find the old databases
beside a new etcd and a new Vault — tenants the cluster no longer has, data keys
wrapped by Transit keys that no longer exist. So each .devstack carries a
random ``stack-id`` that its cluster records too; a cluster whose id is not the
stack's belongs to a stack that is gone and is deleted before the start, and a
cluster whose checkout no longer exists is deleted by the next start of any
stack on the machine.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

from devstack import procs
from devstack.config import HOST, StackConfig

NAME = "postgres"
RUN_AS = "consorcio-devstack"
SERVICE_ROOT = Path("/var/lib/consorcio-devstack")
#: In .devstack and in the cluster's home: which stack the cluster belongs to.
STACK_ID = "stack-id"
#: In the cluster's home: the .devstack it was made for (to find clusters whose checkout is gone).
STACK_ROOT = "stack-root"


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


def _as_service_user() -> bool:
    return os.geteuid() == 0


def _service_user() -> tuple[int, int] | None:
    """(uid, gid) to drop to, or None when we are not root."""
    if not _as_service_user():
        return None
    try:
        entry = pwd.getpwnam(RUN_AS)
    except KeyError:
        procs.run_tool(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", RUN_AS],
            f"creating the PostgreSQL service user {RUN_AS}",
        )
        entry = pwd.getpwnam(RUN_AS)
    return entry.pw_uid, entry.pw_gid


def _demote(ids: tuple[int, int] | None) -> Callable[[], None] | None:
    if ids is None:
        return None

    def drop() -> None:
        os.setgroups([])  # root's supplementary groups must not follow us
        os.setgid(ids[1])
        os.setuid(ids[0])

    return drop


def home(cfg: StackConfig) -> Path:
    """The folder holding the cluster, its socket and nothing else (see the module doc)."""
    if not _as_service_user():
        return cfg.root / "postgres"
    # Readable names for whoever lists SERVICE_ROOT; the hash keeps two
    # checkouts (or two DEVSTACK_DIRs) from sharing a cluster.
    key = hashlib.sha256(str(cfg.root).encode()).hexdigest()[:12]
    return SERVICE_ROOT / f"{cfg.root.parent.name or 'root'}-{key}"


def data_dir(cfg: StackConfig) -> Path:
    return home(cfg) / "data"


def socket_dir(cfg: StackConfig) -> Path:
    return home(cfg) / "socket"


def _prepare_home(cfg: StackConfig, ids: tuple[int, int] | None) -> None:
    if ids:
        SERVICE_ROOT.mkdir(parents=True, exist_ok=True)
        # Only traversal for others: the service user must pass through it,
        # nobody needs to list which checkouts have a cluster.
        SERVICE_ROOT.chmod(0o711)
        _adopt_legacy_cluster(cfg)
    base = home(cfg)
    base.mkdir(parents=True, exist_ok=True)
    socket_dir(cfg).mkdir(parents=True, exist_ok=True)
    if ids:
        for path in (base, socket_dir(cfg)):
            os.chown(path, *ids)
        base.chmod(0o700)


def _adopt_legacy_cluster(cfg: StackConfig) -> None:
    """Move a root-run cluster from .devstack/postgres (where it used to live) to home().

    Only called before the server starts, so the files are at rest.
    """
    legacy = cfg.root / "postgres"
    if not (legacy / "data" / "PG_VERSION").exists() or home(cfg).exists():
        return
    shutil.move(str(legacy), str(home(cfg)))


def remove(cfg: StackConfig) -> None:
    """Delete the cluster's folder (after `stop`); used by `devstack clean`."""
    if home(cfg).exists():
        shutil.rmtree(home(cfg))


def is_running(cfg: StackConfig) -> bool:
    return procs.running_pid(cfg, NAME, "postgres") is not None


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


def _stack_id(cfg: StackConfig) -> str:
    """This .devstack's id, created with it (the first start)."""
    path = cfg.root / STACK_ID
    current = _read(path)
    if current is None:
        cfg.root.mkdir(parents=True, exist_ok=True)
        current = uuid.uuid4().hex
        path.write_text(current + "\n")
    return current


def _server_alive(cluster: Path) -> bool:
    """A postmaster still runs on that data directory (its pid file names a live process)."""
    pid_line = (_read(cluster / "data" / "postmaster.pid") or "").splitlines()[:1]
    if not pid_line or not pid_line[0].isdigit():
        return False
    try:
        os.kill(int(pid_line[0]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _forget_stale_clusters(cfg: StackConfig, log: Callable[[str], None]) -> None:
    """Delete this stack's cluster when it was made for an earlier .devstack at the same path, and
    any cluster whose checkout no longer exists (left by a deleted clone); never a running one."""
    if not _as_service_user() or not SERVICE_ROOT.is_dir():
        return
    mine = home(cfg)
    had_stack = (cfg.root / STACK_ID).exists()
    stack_id = _stack_id(cfg)
    if (mine / "data" / "PG_VERSION").exists() and not _server_alive(mine):
        owner = _read(mine / STACK_ID)
        # A cluster made before ids existed is adopted when its .devstack was already there.
        if owner is None and not had_stack and (cfg.root / "etcd").is_dir():
            owner = stack_id
        if owner != stack_id:
            log(
                f"deleting the PostgreSQL cluster in {mine}: it was made for an earlier {cfg.root} "
                "(deleted since, with the Kubernetes and Vault state its databases refer to)"
            )
            shutil.rmtree(mine)
    for cluster in SERVICE_ROOT.iterdir():
        root = _read(cluster / STACK_ROOT)
        if cluster == mine or root is None or Path(root).exists() or _server_alive(cluster):
            continue
        log(f"deleting the PostgreSQL cluster in {cluster}: its stack {root} no longer exists")
        shutil.rmtree(cluster, ignore_errors=True)


def _record_owner(cfg: StackConfig) -> None:
    if _as_service_user():
        (home(cfg) / STACK_ID).write_text(_stack_id(cfg) + "\n")
        (home(cfg) / STACK_ROOT).write_text(f"{cfg.root}\n")


def start(cfg: StackConfig, log=print) -> None:
    if is_running(cfg):
        revoke_public_connect(cfg)
        return
    ids = _service_user()
    _forget_stale_clusters(cfg, log)
    _prepare_home(cfg, ids)
    _record_owner(cfg)
    data = data_dir(cfg)
    if not (data / "PG_VERSION").exists():
        log(f"initialising PostgreSQL cluster in {data}")
        pwfile = home(cfg) / "pwfile"
        pwfile.write_text(cfg.pg_password + "\n")
        pwfile.chmod(stat.S_IRUSR | stat.S_IWUSR)
        if ids:
            os.chown(pwfile, *ids)
        try:
            _initdb(cfg, pwfile, ids)
        finally:
            pwfile.unlink()
    pid = procs.spawn(
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
        # The service user may not enter the caller's directory (e.g. /root).
        cwd=home(cfg),
        preexec=_demote(ids),
    )
    procs.wait_until(lambda: _ready(cfg), "PostgreSQL", timeout=60, log=procs.log_file(cfg, NAME), pid=pid)
    revoke_public_connect(cfg)


#: Databases no tenant role may open (PUBLIC has CONNECT on them by default);
#: tenant databases get the same from the operator, control_plane from local_platform.
NON_TENANT_DATABASES = ("postgres", "template1")


def revoke_public_connect(cfg: StackConfig, databases: tuple[str, ...] = NON_TENANT_DATABASES) -> None:
    """``REVOKE CONNECT, TEMPORARY ... FROM PUBLIC`` (idempotent; superusers are unaffected)."""
    quoted = ", ".join('"' + d.replace('"', '""') + '"' for d in databases)
    procs.run_tool(
        [
            str(bindir() / "psql"),
            cfg.database_url,
            "-qc",
            f"REVOKE CONNECT, TEMPORARY ON DATABASE {quoted} FROM PUBLIC",
        ],
        f"revoking CONNECT on {', '.join(databases)} from PUBLIC",
    )


def _initdb(cfg: StackConfig, pwfile: Path, ids: tuple[int, int] | None) -> None:
    procs.run_tool(
        [
            str(bindir() / "initdb"),
            "-D",
            str(data_dir(cfg)),
            "--username",
            cfg.pg_superuser,
            "--pwfile",
            str(pwfile),
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ],
        "initdb (creating the PostgreSQL cluster)",
        cwd=home(cfg),
        preexec=_demote(ids),
    )


def _ready(cfg: StackConfig) -> bool:
    result = subprocess.run(
        [str(bindir() / "pg_isready"), "-h", HOST, "-p", str(cfg.ports.postgres)], capture_output=True
    )
    return result.returncode == 0


def stop(cfg: StackConfig) -> bool:
    return procs.stop(cfg, NAME, "postgres", timeout=30)
