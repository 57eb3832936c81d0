"""Every condition reason the operator writes is catalogued (the CRD lists them for kubectl explain)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tenant_operator import conditions as c
from tenant_operator.crd import build_crd

pytestmark = pytest.mark.unit

PACKAGE = Path(c.__file__).resolve().parent
# Calls whose first argument becomes a condition reason (StepFailed/StepWaiting
# directly; the provisioners' errors through `err.reason`).
REASON_FIRST = {"StepFailed", "StepWaiting", "VaultError", "ObjectStoreError"}
# Raised only by the deletion's snapshot (a failed deletion Event) and by the bucket restore of
# ``python -m tenant_operator restore`` (cli.py -> provisioners/backup.restore_tenant: an exit
# message), never a condition.
NOT_CONDITION_REASONS = {"SnapshotIncomplete", "RestoreFailed", "RestoreIncomplete"}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def reasons_in_code() -> dict[str, str]:
    """Reason literals -> where they are written."""
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            literal = None
            if isinstance(node, ast.Call) and node.args:
                name = _name(node.func)
                arg = node.args[0] if name in REASON_FIRST else node.args[2] if name == "Condition" else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    literal = arg.value
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if any(t.startswith("REASON_") for t in targets) and isinstance(node.value.value, str):
                    literal = node.value.value
            elif isinstance(node, ast.FunctionDef) and node.name == "_reason":
                # ensure_namespace._reason maps an API error to a reason.
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Constant):
                        found[str(ret.value.value)] = f"{path.name}:{ret.lineno}"
            if literal is not None:
                found[literal] = f"{path.name}:{getattr(node, 'lineno', 0)}"
    return found


def test_the_scan_sees_the_reasons_of_every_layer():
    found = reasons_in_code()
    for reason in (
        "RollingOut",
        "VaultSealed",
        "ObjectStoreForbidden",
        "HostConflict",
        "Forbidden",
        "Active",
    ):
        assert reason in found


def test_every_reason_the_code_writes_is_catalogued():
    missing = {
        r: where
        for r, where in reasons_in_code().items()
        if r not in c.REASONS and r not in NOT_CONDITION_REASONS
    }
    assert missing == {}, "add these to tenant_operator.conditions.REASONS (and regenerate the CRD)"


def test_kubectl_explain_lists_condition_types_and_reasons():
    item = build_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["status"][
        "properties"
    ]["conditions"]["items"]["properties"]
    for type_ in c.CONDITION_TYPES:
        assert f"{type_} (" in item["type"]["description"]
    for reason in c.REASONS:
        assert f"{reason} (" in item["reason"]["description"]
    assert set(c.TYPE_MEANINGS) == set(c.CONDITION_TYPES)
