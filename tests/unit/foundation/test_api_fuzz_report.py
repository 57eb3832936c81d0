"""The fuzz harness reads schemathesis's NDJSON report: a run red only because the engine could
not replay a case (``FlakyFailure``) or tripped on CPython's ast (``SystemError``) is told apart
from a run whose checks failed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.api_fuzz import FuzzRun, _read_figures

pytestmark = pytest.mark.unit

_LABEL = "POST /api/creditos/{carta_id}/pagamentos"


def _report(tmp_path: Path, *events: dict[str, object]) -> Path:
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    return path


def _scenario(status: str, label: str = "GET /api/grupos") -> dict[str, object]:
    return {"ScenarioFinished": {"status": status, "recorder": {"label": label, "cases": {"a": {}}}}}


def _flaky(label: str = _LABEL, tipo: str = "FlakyFailure") -> dict[str, object]:
    return {"NonFatalError": {"value": {"type": tipo, "message": "..."}, "label": label}}


@pytest.mark.parametrize("tipo", ["FlakyFailure", "SystemError"])
def test_a_run_red_only_from_flaky_engine_errors_is_told_apart(tmp_path: Path, tipo: str) -> None:
    run = FuzzRun(1, "", 1.0)
    _read_figures(run, _report(tmp_path, _scenario("success"), _flaky(tipo=tipo)))
    assert (run.cases, run.operations, run.failed_scenarios, run.flaky) == (1, 1, 0, [_LABEL])
    assert run.only_flaky


def test_a_failed_check_is_never_excused(tmp_path: Path) -> None:
    run = FuzzRun(1, "", 1.0)
    _read_figures(run, _report(tmp_path, _scenario("failure"), _flaky()))
    assert run.failed_scenarios == 1
    assert not run.only_flaky


def test_other_engine_errors_are_not_flaky(tmp_path: Path) -> None:
    run = FuzzRun(1, "", 1.0)
    other = {"NonFatalError": {"value": {"type": "ConnectionError"}, "label": _LABEL}}
    _read_figures(run, _report(tmp_path, _scenario("success"), other))
    assert not run.only_flaky
