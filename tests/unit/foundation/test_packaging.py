"""The three packages and the two shared ones import, and the folders that
hold two of them never shadow the standard library's `platform` and `operator` modules."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("cwd", [REPO, REPO / "platform", REPO / "operator", Path("/")])
def test_stdlib_modules_win_from_any_directory(cwd: Path) -> None:
    code = (
        "import platform, operator, tenant_app, control_plane, tenant_operator;"
        "import consorcio_contract, consorcio_kit;"
        "print(platform.__file__); print(operator.__file__);"
        "print(platform.python_version()); print(operator.add(2, 3))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True)
    platform_file, operator_file, version, added = out.stdout.split()
    stdlib = sysconfig.get_paths()["stdlib"]
    assert platform_file.startswith(stdlib)
    assert operator_file.startswith(stdlib)
    assert version == ".".join(map(str, sys.version_info[:3]))
    assert added == "5"


def test_no_init_in_shadowing_folders() -> None:
    assert not (REPO / "platform" / "__init__.py").exists()
    assert not (REPO / "operator" / "__init__.py").exists()
