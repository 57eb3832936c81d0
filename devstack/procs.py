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
    """A component did not come up; the message carries the tool's own output."""


# How much of a tool's output an error quotes: enough for the cause, not a flood.
TAIL_LINES = 25


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def log_tail(log: Path | None, lines: int = TAIL_LINES) -> str:
    if log is None or not log.exists():
        return ""
    return tail(log.read_text(errors="replace"), lines)


def run_tool(
    argv: list[str],
    what: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a short-lived tool (initdb, useradd, ...) and return its result.

    Its output is captured so that a success stays quiet; a failure raises a
    StartError quoting the tool's stderr and stdout, because a bare
    CalledProcessError hides the only message that says what went wrong.
    """
    try:
        result = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            preexec_fn=preexec,
        )
    except OSError as err:  # missing program, or the demotion in preexec failed
        raise StartError(f"{what}: could not run {argv[0]}: {err}") from err
    if result.returncode != 0:
        output = "\n".join(part for part in (result.stderr, result.stdout) if part.strip())
        raise StartError(
            f"{what} failed (exit {result.returncode}): {' '.join(argv)}\n{tail(output) or '(no output)'}"
        )
    return result


# Processes this interpreter spawned: their exit is known exactly (poll), while
# /proc reads an empty command line for a moment during exec.
_children: dict[int, subprocess.Popen[bytes]] = {}


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
    _children[proc.pid] = proc
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
        if _exited(pid):
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


def _exited(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        return child.poll() is not None
    return not _cmdline(pid) or _is_zombie(pid)


def wait_until(
    check: Callable[[], bool], what: str, timeout: float, log: Path | None = None, pid: int | None = None
) -> None:
    """Poll `check` until it is true; on failure raise with the log's tail.

    With `pid` (the process we just spawned) a process that dies is reported
    at once instead of after the whole timeout.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not ready yet; the timeout reports it
            pass
        if pid is not None and _exited(pid):
            raise StartError(f"{what} exited while starting. Last lines of {log}:\n{log_tail(log)}")
        time.sleep(0.2)
    raise StartError(f"{what} did not become ready in {timeout:.0f}s. Last lines of {log}:\n{log_tail(log)}")
