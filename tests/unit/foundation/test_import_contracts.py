"""`make lint` runs import-linter: main keeps every contract, and a
cross-component import (or a shipped module importing tests) breaks one.

The wrong imports are written into a scratch copy of the packages, never
into the working tree; the copy shadows the editable install through
PYTHONPATH, and import-linter reads the repository's own pyproject.toml.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# Where each root package lives, relative to the repository.
PACKAGES = {
    "tenant_app": "tenant_app",
    "control_plane": "platform/control_plane",
    "tenant_operator": "operator/tenant_operator",
    "consorcio_contract": "consorcio_contract",
    "consorcio_kit": "consorcio_kit",
    "devstack": "devstack",
}


def lint_imports(
    cwd: Path, config: Path, pythonpath: list[Path] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}  # one line per contract in the report
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def scratch_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("import-contracts")
    for relative in PACKAGES.values():
        shutil.copytree(REPO / relative, root / relative, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_main_keeps_every_contract() -> None:
    proc = lint_imports(REPO, REPO / "pyproject.toml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def broken_contracts(scratch_repo: Path, module: str, addition: str) -> list[str]:
    """Append ``addition`` to ``module`` in the scratch copy, lint, restore; the BROKEN lines."""
    path = scratch_repo / module
    original = path.read_text() if path.exists() else None
    path.write_text((original or "") + addition)
    try:
        proc = lint_imports(
            scratch_repo,
            scratch_repo / "pyproject.toml",
            [scratch_repo, scratch_repo / "platform", scratch_repo / "operator"],
        )
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_text(original)
    assert proc.returncode != 0, proc.stdout
    return [line for line in proc.stdout.splitlines() if line.rstrip().endswith("BROKEN")]


@pytest.mark.parametrize(
    ("module", "addition", "contract"),
    [
        (
            "platform/control_plane/scratch_import.py",
            "import tenant_app.settings\n",
            "never import each other",
        ),
        (
            "operator/tenant_operator/scratch_import.py",
            "import control_plane.settings\n",
            "never import each other",
        ),
        ("tenant_app/scratch_import.py", "from tenant_operator import names\n", "never import each other"),
        ("consorcio_contract/scratch_import.py", "import tenant_app\n", "import none of the components"),
        ("consorcio_kit/scratch_import.py", "import control_plane\n", "import none of the components"),
        ("tenant_app/scratch_import.py", "import tests.support\n", "Nothing shipped imports"),
        (
            "operator/tenant_operator/specs/scratch_import.py",
            "import tenant_operator.steps\n",
            "Operator layers",
        ),
        ("operator/tenant_operator/specs/scratch_import.py", "import kubernetes\n", "Pure code does no I/O"),
        ("consorcio_contract/scratch_import.py", "from sqlalchemy import text\n", "Pure code does no I/O"),
        # A model importing its own feature's controller.
        (
            "platform/control_plane/usage/models.py",
            "\nfrom control_plane.usage import controller  # noqa: E402,F401\n",
            "Control plane features",
        ),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    scratch_repo: Path, module: str, addition: str, contract: str
) -> None:
    broken = broken_contracts(scratch_repo, module, addition)
    assert any(contract in line for line in broken), broken
