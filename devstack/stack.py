"""Bring the whole local stack up or down, idempotently, one caller at a time."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from filelock import FileLock

from devstack import (
    binaries,
    kubernetes,
    mail_server,
    object_store,
    postgres,
    procs,
    redis_server,
    system_packages,
    vault,
)
from devstack.config import HOST, StackConfig

ALL = ("postgres", "redis", "kubernetes", "vault", "s3", "mailpit")


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    running: bool
    address: str
    detail: str = ""


def _lock(cfg: StackConfig) -> FileLock:
    cfg.root.mkdir(parents=True, exist_ok=True)
    # Parallel test sessions and `make up` may race to start the same stack.
    return FileLock(str(cfg.root / "up.lock"), timeout=3600)


def up(cfg: StackConfig, components: Iterable[str] = ALL, log=print) -> dict[str, float]:
    """Start what is not running; return seconds spent per component."""
    wanted = [c for c in ALL if c in set(components)]
    timings: dict[str, float] = {}
    with _lock(cfg):
        if {"postgres", "redis"} & set(wanted):
            system_packages.ensure(log)
        needs_go = {
            "kubernetes": ["etcd", "kwok", "kubernetes"],
            "vault": ["vault"],
            "s3": ["versitygw"],
            "mailpit": ["mailpit"],
        }
        only = [c for w in wanted for c in needs_go.get(w, [])]
        if only:
            t = time.monotonic()
            binaries.ensure_all(log, only=only)
            timings["binaries"] = time.monotonic() - t
        starters = {
            "postgres": postgres.start,
            "redis": redis_server.start,
            "kubernetes": kubernetes.start,
            "vault": vault.start,
            "s3": object_store.start,
            "mailpit": mail_server.start,
        }
        for name in wanted:
            t = time.monotonic()
            starters[name](cfg, log)
            timings[name] = time.monotonic() - t
        if "vault" in wanted:
            vault.enable_transit(cfg)
        if "kubernetes" in wanted and "vault" in wanted:
            t = time.monotonic()
            vault.configure_kubernetes_auth(cfg)
            timings["vault-kubernetes-auth"] = time.monotonic() - t
    return timings


def down(cfg: StackConfig) -> list[str]:
    """Stop everything `up` started (by pid); data stays in .devstack/."""
    with _lock(cfg):
        stopped = []
        if mail_server.stop(cfg):
            stopped.append("mailpit")
        if object_store.stop(cfg):
            stopped.append("s3")
        if vault.stop(cfg):
            stopped.append("vault")
        stopped += kubernetes.stop(cfg)
        if redis_server.stop(cfg):
            stopped.append("redis")
        if postgres.stop(cfg):
            stopped.append("postgres")
        return stopped


def status(cfg: StackConfig) -> list[ComponentStatus]:
    rows = [
        ComponentStatus("postgres", postgres.is_running(cfg), f"{HOST}:{cfg.ports.postgres}"),
        ComponentStatus(
            "redis",
            redis_server.is_running(cfg) and _safe(redis_server.ping, cfg),
            f"{HOST}:{cfg.ports.redis}",
        ),
    ]
    for name, program in kubernetes.COMPONENTS:
        running = procs.running_pid(cfg, name, program) is not None
        address = {
            "etcd": f"http://{HOST}:{cfg.ports.etcd_client}",
            "kube-apiserver": cfg.apiserver_url,
            "kube-controller-manager": f"https://{HOST}:{cfg.ports.controller_manager}",
            "kube-scheduler": f"https://{HOST}:{cfg.ports.scheduler}",
            "kwok": f"http://{HOST}:{cfg.ports.kwok}",
        }[name]
        if name == "kube-apiserver" and running:
            running = kubernetes.apiserver_ready(cfg)
        rows.append(ComponentStatus(name, running, address))
    rows.append(ComponentStatus("vault", vault.is_running(cfg) and vault.healthy(cfg), cfg.vault_addr))
    rows.append(
        ComponentStatus("s3", object_store.is_running(cfg) and object_store.healthy(cfg), cfg.s3_endpoint)
    )
    rows.append(
        ComponentStatus(
            "mailpit",
            mail_server.is_running(cfg) and mail_server.healthy(cfg),
            f"{mail_server.ui_url()} (e-mail UI; SMTP {HOST}:{mail_server.smtp_port()})",
        )
    )
    return rows


def _safe(check, cfg: StackConfig) -> bool:
    try:
        return bool(check(cfg))
    except Exception:  # status must report, not raise
        return False
