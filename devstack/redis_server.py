"""Redis from the system packages, with ACLs, on loopback."""

from __future__ import annotations

import shutil

import redis

from devstack import procs
from devstack.config import HOST, StackConfig

NAME = "redis"


def is_running(cfg: StackConfig) -> bool:
    return procs.running_pid(cfg, NAME, "redis-server") is not None


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
    if is_running(cfg):
        return
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    pid = procs.spawn(cfg, NAME, [binary, _write_config(cfg)])
    procs.wait_until(lambda: ping(cfg), "Redis", timeout=30, log=procs.log_file(cfg, NAME), pid=pid)


def ping(cfg: StackConfig) -> bool:
    client = redis.Redis.from_url(cfg.redis_url, socket_timeout=1)
    try:
        return bool(client.ping())
    finally:
        client.close()


def stop(cfg: StackConfig) -> bool:
    return procs.stop(cfg, NAME, "redis-server")
