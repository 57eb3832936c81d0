"""Reuse the chart fixtures (helm binary, renderer) of the unit checks.

Fixture functions imported into a conftest are registered there, so the
server-side checks render with exactly the same code as the unit checks.
"""

from tests.support.chart_fixtures import CHARTS, KUBE_VERSION, helm, helm_run, render

__all__ = ["CHARTS", "KUBE_VERSION", "helm", "helm_run", "render"]
