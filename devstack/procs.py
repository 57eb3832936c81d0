"""Start, find and stop the stack's background processes by pid file.

`down` must stop only what `up` started, so every process is tracked by the
pid written when we spawned it, and a pid is trusted only while its command
line still names the program we started (pids get reused).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from devstack.config import HOST, StackConfig


class StartError(RuntimeError):
    """A component did not come up; the message points at its log."""


def pid_file(cfg: StackConfig, name: str) -> Path:
    return cfg.run / f"{name}.pid"


def log_file(cfg: StackConfig, name: str) -> Path:
    return cfg.logs / f"{name}.log"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def running_pid(cfg: StackConfig, name: str, program: str) -> int | None:
    """The pid of our `name` process if it is alive and still runs `program`."""
    path = pid_file(cfg, name)
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    cmd = _cmdline(pid)
    if not cmd or program not in cmd:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().split(") ", 1)[1].startswith("Z"):
                return None
    except OSError:
        return None
    return pid


def spawn(
    cfg: StackConfig,
    name: str,
    argv: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    preexec: Callable[[], None] | None = None,
) -> int:
    """Start `argv` detached from our session, logging to .devstack/logs/<name>.log."""
    cfg.logs.mkdir(parents=True, exist_ok=True)
    cfg.run.mkdir(parents=True, exist_ok=True)
    log = open(log_file(cfg, name), "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        argv,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        start_new_session=True,  # survives the shell (and pytest) that started it
        preexec_fn=preexec,
    )
    log.close()
    pid_file(cfg, name).write_text(str(proc.pid))
    return proc.pid


def stop(cfg: StackConfig, name: str, program: str, timeout: float = 15.0) -> bool:
    """SIGTERM our process, then SIGKILL after `timeout`. True if one was running."""
    pid = running_pid(cfg, name, program)
    pid_file(cfg, name).unlink(missing_ok=True)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _cmdline(pid) or _is_zombie(pid):
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return True


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1].startswith("Z")
    except OSError:
        return True


def port_open(port: int, host: str = HOST) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


def wait_until(check: Callable[[], bool], what: str, timeout: float, log: Path | None = None) -> None:
    """Poll `check` until it is true; on timeout raise with the log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not ready yet; the timeout reports it
            pass
        time.sleep(0.2)
    tail = ""
    if log and log.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
    raise StartError(f"{what} did not become ready in {timeout:.0f}s. Last lines of {log}:\n{tail}")
