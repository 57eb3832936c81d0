"""Clients from the contract (issue 13 item 10): each app's OpenAPI document generates a typed
Python client (devstack/openapi_client.py) that imports and passes ``mypy --strict``.

A document that cannot give a usable client (an unresolvable reference, a type the
generator cannot express, two operations with one name) fails here.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devstack.openapi_client import generate, snake
from tests.support.openapi_documents import documents

pytestmark = pytest.mark.unit


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_both_documents_generate_clients_that_type_check(tmp_path: Path) -> None:
    files = []
    for name, document in documents().items():
        path = tmp_path / f"{name}.py"
        path.write_text(generate(document))
        files.append(path)
        module = _load(path)
        operations = {
            snake(op["operationId"])
            for item in document["paths"].values()
            for op in item.values()
            if isinstance(op, dict) and "operationId" in op
        }
        missing = sorted(op for op in operations if not callable(getattr(module.Client, op, None)))
        assert not missing, f"{name}: operations without a method: {missing}"
        assert len(operations) == sum(
            1 for item in document["paths"].values() for op in item.values() if isinstance(op, dict)
        ), f"{name}: two operations share a method name"
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / ".mypy"),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]
