"""The operator chart's alert rules: valid PromQL (promtool), behaviour on series
(promtool test rules), only metrics the operator exports, a runbook for each alert,
and the PrometheusRule template ships exactly that file."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY
from tenant_operator import metrics  # noqa: F401  (registers the operator's metrics)
from tenant_operator.drift.fleet import STATES

from devstack.binaries import BUILDS, binary_path, build

REPO = Path(__file__).resolve().parents[3]
ALERTS = REPO / "charts" / "consorcio-operator" / "files" / "alerts.yaml"
RULE_TESTS = Path(__file__).with_name("alerts.test.yaml")
OPERATIONS = REPO / "docs" / "operations.md"
RUNBOOK_PREFIX = "https://github.com/consorcio/consorcio-platform/blob/main/docs/operations.md#"
TRIGGERS = {"create", "update", "resume", "timer", "repair"}


def rules() -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def exported_series() -> set[str]:
    """Every series name the operator's metrics expose (counters' _total, histograms' _bucket ...).

    From the metric types, not from samples: a labelled metric has no sample
    until a label set is used.
    """
    suffixes = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count")}
    names: set[str] = set()
    for collector in list(REGISTRY._collector_to_names):  # the registry's own index
        for family in collector.collect():
            if family.name.startswith("consorcio_operator_"):
                names.update(family.name + suffix for suffix in suffixes[family.type])
    return names


@pytest.fixture(scope="session")
def promtool() -> Path:
    """promtool built from Go modules by devstack (built now if missing, a few minutes)."""
    path = binary_path("promtool")
    if not path.exists():
        path = build(next(b for b in BUILDS if b.component == "promtool")) / "promtool"
    return path


def test_promtool_accepts_the_rules(promtool: Path) -> None:
    proc = subprocess.run([str(promtool), "check", "rules", str(ALERTS)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"SUCCESS: {len(rules())} rules found" in proc.stdout


def test_alerts_fire_on_the_series_they_are_meant_for(promtool: Path) -> None:
    proc = subprocess.run(
        [str(promtool), "test", "rules", RULE_TESTS.name],
        capture_output=True,
        text=True,
        cwd=RULE_TESTS.parent,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_alert_is_exercised_by_the_rule_tests() -> None:
    tested = {
        case["alertname"]
        for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert {rule["alert"] for rule in rules()} == tested


def test_alerts_name_only_metrics_the_operator_exports() -> None:
    exported = exported_series()
    assert "consorcio_operator_repairs_total" in exported  # the scan sees counters' samples
    for rule in rules():
        for name in re.findall(r"\bconsorcio_operator_\w+", rule["expr"]):
            assert name in exported, f"{rule['alert']}: {name} is not exported by tenant_operator.metrics"


def test_alerts_use_only_label_values_the_operator_writes() -> None:
    for rule in rules():
        for _op, value in re.findall(r'state(=~|=|!=)"([^"]+)"', rule["expr"]):
            assert set(value.split("|")) <= set(STATES), (rule["alert"], value)
        for _, value in re.findall(r'trigger(=~|=|!=)"([^"]+)"', rule["expr"]):
            assert set(value.split("|")) <= TRIGGERS, (rule["alert"], value)


def test_suspended_tenants_never_fire_the_not_ready_alert() -> None:
    not_ready = next(r for r in rules() if r["alert"] == "ConsorcioTenantsNotReady")
    assert 'state="not_ready"' in not_ready["expr"] and "suspended" not in not_ready["expr"]


def test_every_alert_has_severity_summary_description_and_a_runbook_section() -> None:
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line[4:].strip().lower()).replace(" ", "-")
        for line in OPERATIONS.read_text().splitlines()
        if line.startswith("### ")
    }
    for rule in rules():
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        annotations = rule["annotations"]
        assert annotations["summary"] and annotations["description"], rule["alert"]
        url = annotations["runbook_url"]
        assert url.startswith(RUNBOOK_PREFIX), rule["alert"]
        anchor = url.removeprefix(RUNBOOK_PREFIX)
        assert anchor == rule["alert"].lower(), rule["alert"]
        assert anchor in headings, f"docs/operations.md has no section '### {rule['alert']}'"


def test_prometheus_rule_is_optional_and_ships_the_rules_file(render) -> None:
    kinds = {doc["kind"] for doc in render("consorcio-operator")}
    assert "PrometheusRule" not in kinds
    docs = render(
        "consorcio-operator",
        set_values=(
            "metrics.prometheusRule.enabled=true",
            "metrics.prometheusRule.labels.release=kube-prometheus",
            "metrics.prometheusRule.additionalAlertLabels.team=sre",
        ),
    )
    (rule,) = [doc for doc in docs if doc["kind"] == "PrometheusRule"]
    assert rule["metadata"]["labels"]["release"] == "kube-prometheus"
    shipped = yaml.safe_load(ALERTS.read_text())["groups"]
    for group in shipped:
        for r in group["rules"]:
            r["labels"] = {**r["labels"], "team": "sre"}
    assert rule["spec"]["groups"] == shipped


def test_schema_rejects_unknown_prometheus_rule_values(helm_run) -> None:
    proc = helm_run(
        "template",
        "x",
        str(REPO / "charts" / "consorcio-operator"),
        "--set",
        "metrics.prometheusRule.enabld=true",
    )
    assert proc.returncode != 0 and "enabld" in proc.stderr


# --- the Grafana dashboard ------------------------------------------------------------------

DASHBOARD = (
    Path(__file__).resolve().parents[3] / "charts" / "consorcio-operator" / "files" / "grafana-dashboard.json"
)
#: The tenant app's Litestar Prometheus plugin (tenant_app/app.py, prefix tenant_app).
TENANT_APP_SERIES = {
    "tenant_app_requests_total",
    "tenant_app_request_duration_seconds_bucket",
    "tenant_app_requests_in_progress",
}


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_dashboard_queries_name_only_exported_metrics() -> None:
    exported = exported_series() | TENANT_APP_SERIES
    names = {
        n for expr in dashboard_exprs() for n in re.findall(r"\b(?:consorcio_operator|tenant_app)_\w+", expr)
    }
    assert {"consorcio_operator_tenants", "consorcio_operator_reconcile_duration_seconds_bucket"} <= names
    assert "tenant_app_requests_total" in names
    assert names <= exported, names - exported


def test_tenant_app_metrics_prefix_is_the_one_the_dashboard_reads() -> None:
    app_source = (Path(__file__).resolve().parents[3] / "tenant_app" / "app.py").read_text()
    assert 'PrometheusConfig(app_name="tenant_app", prefix="tenant_app"' in app_source


def test_dashboard_shows_every_tenant_state() -> None:
    (expr,) = [e for e in dashboard_exprs() if "consorcio_operator_tenants" in e]
    assert expr == "sum by (state) (consorcio_operator_tenants)"  # every state, none filtered out
    assert "pending_deletion" in STATES


def test_grafana_dashboard_configmap_is_optional_and_ships_the_file(render) -> None:
    assert not [d for d in render("consorcio-operator") if d["kind"] == "ConfigMap"]
    docs = render("consorcio-operator", set_values=("metrics.grafanaDashboard.enabled=true",))
    (cm,) = [d for d in docs if d["kind"] == "ConfigMap"]
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(cm["data"]["consorcio-platform.json"]) == json.loads(DASHBOARD.read_text())
