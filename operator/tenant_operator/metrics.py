"""Prometheus metrics of the operator (served on the metrics port)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
    "Drift repairs: objects (or database/Redis/Vault settings) recreated or put back to a desired "
    "state that had not changed. First creations and intended changes are not counted here.",
    ["kind"],
)
OBJECT_CHANGES = Counter(
    "consorcio_operator_object_changes_total",
    "Writes of managed objects and settings, by kind and reason (Created, Updated, DriftRepaired).",
    ["kind", "reason"],
)
DRIFT_DETECTED = Counter(
    "consorcio_operator_drift_detected_total",
    "Drift seen by the watches on owned objects, by kind and change (deleted, changed).",
    ["kind", "change"],
)
REPAIRS_PENDING = Gauge(
    "consorcio_operator_repairs_pending",
    "Tenants with drift detected and their repair pass not finished yet.",
)
REPAIR_LATENCY = Histogram(
    "consorcio_operator_repair_seconds",
    "From the first drift event of a tenant to the end of the pass that repaired it.",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120),
)
TENANTS = Gauge(
    "consorcio_operator_tenants",
    "ConsorcioTenants handled by this operator, by state (ready, not_ready, suspended, invalid, "
    "conflict, deleting, pending_deletion: waiting out deletionGracePeriodDays, stopped); orphaned: "
    "retained tenant namespaces whose ConsorcioTenant is gone.",
    ["state"],
)
API_REQUESTS = Counter(
    "consorcio_operator_api_requests_total",
    "Kubernetes API requests made by the reconcile steps (Kopf's own are not included), by verb.",
    ["verb"],
)
DELETIONS = Counter(
    "consorcio_operator_deletions_total",
    "Finished tenant deletions, by deletion policy (Orphaned: the CRD itself was being deleted; "
    "NamespaceConflict: the namespace was not the tenant's, nothing touched).",
    ["policy"],
)
BACKUPS = Counter(
    "consorcio_operator_backups_total",
    "Scheduled tenant backups, by result (taken: dumped, verified by a restore, objects copied; failed).",
    ["result"],
)
TENANT_REDIS_KEYS = Gauge(
    "consorcio_operator_tenant_redis_keys",
    "Keys under each tenant's prefix (tenant:<name>:) on the shared Redis, at the last measurement.",
    ["tenant"],
)
TENANT_REDIS_BYTES = Gauge(
    "consorcio_operator_tenant_redis_memory_bytes",
    "Memory of each tenant's keys on the shared Redis (MEMORY USAGE, summed), at the last measurement.",
    ["tenant"],
)
REDIS_USAGE_RUNS = Counter(
    "consorcio_operator_redis_usage_runs_total",
    "Measurements of the tenants' Redis usage, by result (ok, failed).",
    ["result"],
)
