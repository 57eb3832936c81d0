"""Prometheus metrics of the operator (served on the metrics port)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

RECONCILES = Counter(
    "consorcio_operator_reconciles_total",
    "Reconcile passes, by trigger and outcome.",
    ["trigger", "outcome"],
)
STEP_RUNS = Counter(
    "consorcio_operator_step_runs_total",
    "Runs of each ensure step, by outcome (ready, waiting, failed).",
    ["step", "outcome"],
)
STEP_ERRORS = Counter(
    "consorcio_operator_step_errors_total",
    "Failed runs of each ensure step, by condition reason.",
    ["step", "reason"],
)
STEP_DURATION = Histogram(
    "consorcio_operator_step_duration_seconds",
    "Duration of each ensure step.",
    ["step"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RECONCILE_DURATION = Histogram(
    "consorcio_operator_reconcile_duration_seconds",
    "Duration of a whole reconcile pass.",
    ["trigger"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
)
REPAIRS = Counter(
    "consorcio_operator_repairs_total",
    "Managed objects created or corrected because they differed from the desired state.",
    ["kind"],
)
API_REQUESTS = Counter(
    "consorcio_operator_api_requests_total",
    "Kubernetes API requests made by the reconcile steps (Kopf's own are not included), by verb.",
    ["verb"],
)
DELETIONS = Counter(
    "consorcio_operator_deletions_total",
    "Finished tenant deletions, by deletion policy (Orphaned: the CRD itself was being deleted).",
    ["policy"],
)
