"""Long-running ``python -m <component> ...`` processes for e2e tests, each with a log file."""

from __future__ import annotations

import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.operator_harness import REPO_ROOT, wait_until


@dataclass
class Process:
    """``python -m <module> <args>`` with its output in a log file; stopped with SIGTERM."""

    name: str
    argv: list[str]
    env: dict[str, str]
    logs: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def log_path(self) -> Path:
        return self.logs / f"{self.name}.log"

    def start(self) -> Process:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", *self.argv],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPO_ROOT,
            )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM: a graceful shutdown, as Kubernetes does before it kills a pod."""
        if self.alive():
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def run_once(argv: list[str], env: dict[str, str]) -> str:
    """A one-shot command (``migrate``, ``seed-demo``...); its output, or the test fails with it."""
    result = subprocess.run(
        [sys.executable, "-m", *argv], env=env, capture_output=True, text=True, timeout=300, cwd=REPO_ROOT
    )
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def wait_http_ok(url: str, process: Process, timeout: float = 90) -> None:
    """Until ``url`` answers 200; fails at once with the log tail if the process died."""

    def ok() -> bool | None:
        assert process.alive(), f"{process.name} exited:\n{process.tail()}"
        try:
            return httpx.get(url, timeout=2).status_code == 200 or None
        except httpx.TransportError:
            return None

    wait_until(ok, timeout=timeout, what=f"{process.name} at {url}")
