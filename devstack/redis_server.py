"""Redis from the system packages, with ACLs, on loopback."""

from __future__ import annotations

import shutil

import redis

from devstack import procs
from devstack.config import HOST, StackConfig

NAME = "redis"


def is_running(cfg: StackConfig) -> bool:
    return procs.running_pid(cfg, NAME, "redis-server") is not None


#: The platform's own Redis users: least privilege instead of the ``default`` superuser.
OPERATOR_USER = "consorcio-operator"
CONTROL_PLANE_USER = "consorcio-control-plane"


def operator_rules() -> list[str]:
    """What the operator does on Redis and nothing else: manage ACL users, load the vetted
    scripts, disconnect a stopped tenant, scan/unlink keys under ``tenant:*`` (a deleted
    tenant's) and measure their size (``MEMORY USAGE``, the per-tenant gauges). No reads or
    writes of data, no CONFIG/FLUSHALL/DEBUG/MONITOR/SHUTDOWN, db 0 only.

    ``ACL SETUSER`` is still an administrator's right (Redis cannot stop it from granting
    more than it holds): this confines mistakes and a leaked URL's reach into data, not a
    fully compromised operator (docs/security.md).
    """
    commands = [
        "auth", "hello", "ping", "quit", "reset",
        "acl|setuser", "acl|getuser", "acl|deluser", "acl|save", "acl|whoami",
        "client|kill", "script|load", "script|exists", "scan", "unlink",
        # The per-tenant usage gauges: the size of a key, never its contents.
        "memory|usage",
    ]  # fmt: skip
    return ["resetkeys", "~tenant:*", "resetchannels", "-@all", *(f"+{c}" for c in commands)]


def control_plane_rules() -> list[str]:
    """The control plane's Celery broker/results and flag notifications: any key or channel of
    its own database (1) but never another database (``SELECT`` only of 1, no ``COPY``/``MOVE``
    across databases): tenants live in db 0. No administration: no ACL, CONFIG, CLIENT,
    MONITOR, DEBUG, KEYS, FLUSH*, SCRIPT DEBUG or FUNCTION (the ``@dangerous`` category)."""
    return [
        "resetkeys", "~*", "resetchannels", "&*", "+@all", "-@dangerous", "-@admin",
        "-select", "+select|1", "-copy", "-move", "-function", "-fcall", "-fcall_ro", "-script|debug",
        # Harmless connection chatter client libraries send (INFO: versions, no data).
        "+info", "+client|setname", "+client|id",
    ]  # fmt: skip


def platform_users(cfg: StackConfig) -> dict[str, tuple[str, list[str]]]:
    """user -> (password, rules) of the platform's Redis users."""
    return {
        OPERATOR_USER: (f"{cfg.redis_password}-operator", operator_rules()),
        CONTROL_PLANE_USER: (f"{cfg.redis_password}-control-plane", control_plane_rules()),
    }


def user_url(cfg: StackConfig, user: str, db: int = 0) -> str:
    """``redis://`` URL of one of the platform users."""
    return f"redis://{user}:{platform_users(cfg)[user][0]}@{HOST}:{cfg.ports.redis}/{db}"


def ensure_platform_users(cfg: StackConfig) -> None:
    """Create or correct the platform users (as ``default``) and persist them to the aclfile."""
    client = redis.Redis.from_url(cfg.redis_url, socket_timeout=5)
    try:
        for user, (password, rules) in platform_users(cfg).items():
            client.execute_command("ACL", "SETUSER", user, "reset", "on", f">{password}", *rules)
        client.execute_command("ACL", "SAVE")
    finally:
        client.close()


def _write_config(cfg: StackConfig) -> str:
    data = cfg.root / "redis"
    data.mkdir(parents=True, exist_ok=True)
    acl_file = data / "users.acl"
    if not acl_file.exists():
        # The operator creates tenant users at run time (ACL SETUSER) and
        # persists them with ACL SAVE, so they survive a restart of Redis.
        acl_file.write_text(f"user default on >{cfg.redis_password} ~* &* +@all\n")
    conf = data / "redis.conf"
    conf.write_text(
        "\n".join(
            [
                f"bind {HOST}",
                f"port {cfg.ports.redis}",
                "protected-mode yes",
                f"dir {data}",
                f"aclfile {acl_file}",
                "save ''",
                "appendonly no",
                "daemonize no",
                "maxclients 4000",
            ]
        )
        + "\n"
    )
    return str(conf)


def start(cfg: StackConfig, log=print) -> None:
    if not is_running(cfg):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        pid = procs.spawn(cfg, NAME, [binary, _write_config(cfg)])
        procs.wait_until(lambda: ping(cfg), "Redis", timeout=30, log=procs.log_file(cfg, NAME), pid=pid)
    ensure_platform_users(cfg)


def ping(cfg: StackConfig) -> bool:
    client = redis.Redis.from_url(cfg.redis_url, socket_timeout=1)
    try:
        return bool(client.ping())
    finally:
        client.close()


def stop(cfg: StackConfig) -> bool:
    return procs.stop(cfg, NAME, "redis-server")
