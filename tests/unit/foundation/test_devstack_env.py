"""`eval "$(make -s env)"` gives a shell the stack's variables and the kubectl
and helm that devstack built (the Makefile target runs `python -m devstack env`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]


def test_env_puts_the_built_kubectl_and_helm_first_on_path(tmp_path: Path) -> None:
    # Stand-ins in a prebuilt folder (CONSORCIO_BIN_DIR) so the test needs no Go build.
    bin_dir = tmp_path / "with space" / "bin"
    bin_dir.mkdir(parents=True)
    for program in ("kubectl", "helm"):
        tool = bin_dir / program
        tool.write_text(f"#!/bin/sh\necho devstack-{program}\n")
        tool.chmod(0o755)
    env = {**os.environ, "CONSORCIO_BIN_DIR": str(bin_dir), "DEVSTACK_DIR": str(tmp_path / "stack")}
    shell = f'eval "$({sys.executable} -m devstack env)"; kubectl; helm; echo "$KUBECONFIG"; echo "$PATH"'
    out = subprocess.run(
        ["bash", "-c", shell], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[:2] == ["devstack-kubectl", "devstack-helm"]
    assert out[2] == str(tmp_path / "stack" / "kube" / "admin.kubeconfig")
    assert out[3].startswith(f"{bin_dir}:")
    assert out[3].endswith(os.environ["PATH"])  # prepended, nothing lost
