"""Reuse the chart fixtures (helm binary, renderer) of tests/unit/delivery.

Fixture functions imported into a conftest are registered there, so the
server-side checks render with exactly the same code as the unit checks.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "delivery_chart_fixtures", Path(__file__).resolve().parents[2] / "unit" / "delivery" / "conftest.py"
)
assert _spec and _spec.loader
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

helm = _fixtures.helm
helm_run = _fixtures.helm_run
render = _fixtures.render
CHARTS = _fixtures.CHARTS
KUBE_VERSION = _fixtures.KUBE_VERSION
