"""Chart fixtures (the Helm binary and a renderer), shared by the unit and k8s chart checks."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from devstack import versions
from devstack.binaries import BUILDS, binary_path, build

REPO = Path(__file__).resolve().parents[2]
CHARTS = REPO / "charts"
# `helm template` has no cluster to ask: render for the Kubernetes version the
# devstack runs, which is the one the charts are dry-run against.
KUBE_VERSION = versions.KUBERNETES.lstrip("v")


@pytest.fixture(scope="session")
def helm() -> Path:
    """The helm binary built from Go modules by devstack (built now if missing)."""
    path = binary_path("helm")
    if not path.exists():
        build(next(b for b in BUILDS if b.component == "helm"))
    return path


@pytest.fixture(scope="session")
def helm_run(helm: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """helm_run(*args) -> the finished process (text stdout/stderr), never raising."""

    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(helm), *args], capture_output=True, text=True, timeout=120)

    return _run


@pytest.fixture(scope="session")
def render(helm_run: Callable[..., subprocess.CompletedProcess[str]]) -> Callable[..., list[dict[str, Any]]]:
    """render(chart, values_file=None, set_values=(), namespace=...) -> manifests."""

    def _render(
        chart: str,
        values_file: str | None = None,
        set_values: tuple[str, ...] = (),
        namespace: str = "consorcio-system",
        include_crds: bool = False,
    ) -> list[dict[str, Any]]:
        args = [
            "template",
            chart,
            str(CHARTS / chart),
            "--namespace",
            namespace,
            "--kube-version",
            KUBE_VERSION,
        ]
        if values_file:
            args += ["--values", str(CHARTS / chart / values_file)]
        for item in set_values:
            args += ["--set", item]
        if include_crds:
            args.append("--include-crds")
        proc = helm_run(*args)
        assert proc.returncode == 0, f"helm {' '.join(args)} failed:\n{proc.stderr}"
        return [doc for doc in yaml.safe_load_all(proc.stdout) if doc]

    return _render
