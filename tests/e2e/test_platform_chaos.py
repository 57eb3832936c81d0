"""The short platform chaos run (issue 21 item 1) in ``make test``: benchmarks/chaos_plataforma.py
kills its own Vault, kube-apiserver, operator and control plane once each (SIGKILL, restart;
Vault unsealed again) while tenants are created, changed, suspended and deleted through the
control plane and a tenant app's usage and flag reads keep going; then every invariant must hold
(every tenant Ready at its generation, no orphaned database, role, Redis user or Vault path, every
usage event stored exactly once). The long run is the same command with a larger ``--seconds``
(docs/operations.md).

It never touches devstack's own kube-apiserver or Vault: it starts private ones on other ports and
data directories. Only devstack's PostgreSQL and Redis are shared, with names of the run only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.runs_last, pytest.mark.timeout(600)]

CHAOS = Path(__file__).resolve().parents[2] / "benchmarks" / "chaos_plataforma.py"


def test_the_invariants_hold_after_a_short_platform_chaos_run(
    pg_admin_dsn: str, redis_url: str, kubeconfig: Path, vault: object
) -> None:
    # The fixtures make sure devstack's PostgreSQL and Redis run and its binaries are built.
    result = subprocess.run(
        [
            sys.executable,
            str(CHAOS),
            *("--seconds", "30", "--interval", "8", "--pause", "1", "--rounds", "1"),
            *("--tenants", "3", "--settle", "120"),
        ],
        capture_output=True,
        text=True,
        timeout=580,
        cwd=CHAOS.parent.parent,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-4000:]
    assert "INVARIANTS HOLD" in result.stdout
    for fault in ("vault", "kube-apiserver", "operator", "control-plane"):
        assert f"\n{fault} " in result.stdout, f"{fault} was not killed"
