"""The short chaos run (issue 21 item 1) in ``make test``: benchmarks/chaos.py for about a minute —
real PostgreSQL, Redis, tenant app and worker processes of its own, each SIGKILLed and restarted
under a payment workload — must end with every invariant holding (no acknowledged payment lost
or duplicated, every grupo's ledger reconciled, the audit chain intact). The long run is the same
command with a larger ``--seconds``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.runs_last, pytest.mark.timeout(900)]

CHAOS = Path(__file__).resolve().parents[4] / "benchmarks" / "chaos.py"


def test_the_invariants_hold_after_a_short_chaos_run(redis_url: str, pg_admin_dsn: str) -> None:
    # The fixtures only make sure devstack's binaries are installed; the run starts its own servers.
    result = subprocess.run(
        [sys.executable, str(CHAOS), "--seconds", "60", "--interval", "12"],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=CHAOS.parent.parent,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "INVARIANTS HOLD" in result.stdout
    assert "| {" in result.stdout  # at least one fault was injected and reported
