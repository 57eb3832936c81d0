"""A devstack error carries the failing tool's own output, never just an exit code."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from devstack import procs
from devstack.config import Ports, StackConfig

pytestmark = pytest.mark.unit


def test_run_tool_quotes_the_tools_stderr_and_exit_code() -> None:
    script = (
        "import sys; print('partial progress');"
        "sys.stderr.write('initdb: fatal: the real reason\\n'); sys.exit(3)"
    )
    with pytest.raises(procs.StartError) as failure:
        procs.run_tool([sys.executable, "-c", script], "creating the cluster")
    message = str(failure.value)
    assert message.startswith("creating the cluster failed (exit 3)")
    assert "initdb: fatal: the real reason" in message
    assert "partial progress" in message


def test_run_tool_names_a_program_that_cannot_run(tmp_path: Path) -> None:
    with pytest.raises(procs.StartError, match=r"creating the cluster: could not run .*no-such-initdb"):
        procs.run_tool([str(tmp_path / "no-such-initdb")], "creating the cluster")


def test_run_tool_returns_the_output_of_a_success() -> None:
    result = procs.run_tool([sys.executable, "-c", "print('ok')"], "printing")
    assert result.stdout == "ok\n"


def test_a_spawned_process_that_dies_is_reported_at_once_with_its_log(tmp_path: Path) -> None:
    cfg = StackConfig(root=tmp_path, ports=Ports.from_env())
    script = "import sys; sys.stderr.write('FATAL: could not bind: Address already in use\\n'); sys.exit(1)"
    pid = procs.spawn(cfg, "doomed", [sys.executable, "-c", script])
    started = time.monotonic()
    with pytest.raises(procs.StartError) as failure:
        procs.wait_until(lambda: False, "doomed server", 60, procs.log_file(cfg, "doomed"), pid=pid)
    assert time.monotonic() - started < 10
    assert "doomed server exited while starting" in str(failure.value)
    assert "Address already in use" in str(failure.value)


def test_a_timeout_quotes_the_last_lines_of_the_log(tmp_path: Path) -> None:
    log = tmp_path / "slow.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    with pytest.raises(procs.StartError) as failure:
        procs.wait_until(lambda: False, "slow server", 0.3, log)
    message = str(failure.value)
    assert "slow server did not become ready" in message
    assert "line 99" in message
    assert "line 74" not in message  # a tail, not the whole log
