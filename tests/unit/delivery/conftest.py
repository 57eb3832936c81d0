"""Chart and image checks: the Helm binary and a renderer (fixtures: tests/support/chart_fixtures.py)."""

from tests.support.chart_fixtures import CHARTS, KUBE_VERSION, REPO, helm, helm_run, render

__all__ = ["CHARTS", "KUBE_VERSION", "REPO", "helm", "helm_run", "render"]
