"""Status conditions (metav1.Condition shape): pure helpers.

Each reconcile step owns one condition type; ``Ready`` summarises them.
A condition's ``lastTransitionTime`` only moves when its status changes, so
an unchanged pass produces an identical status (and no write).

``Ready`` means "the tenant is what its spec asks for". A tenant suspended on
purpose (``spec.suspended``: dunning, an admin) whose workloads are at zero is
therefore ``Ready=True`` with reason ``Suspended``, and ``Suspended=True``
says it is stopped: alerting on ``Ready=False`` never pages for a suspension,
and ``AppAvailable=False``/``Suspended`` stays honest about the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NAMESPACE_READY = "NamespaceReady"
DATABASE_READY = "DatabaseReady"
REDIS_READY = "RedisReady"
STORAGE_READY = "StorageReady"
SECRETS_READY = "SecretsReady"
MIGRATIONS_COMPLETE = "MigrationsComplete"
APP_AVAILABLE = "AppAvailable"
READY = "Ready"
#: True while a watch saw an owned object deleted or changed and its repair
#: pass has not finished; a successful pass sets it False (InSync). Not a
#: step: it never changes Ready, so alert on it separately (README).
DRIFT_DETECTED = "DriftDetected"
#: True while ``spec.suspended`` (reason Suspended once the workloads are at
#: zero, Suspending before); False (Active) otherwise. Not a step.
SUSPENDED = "Suspended"

# In reconcile order: a step runs only when every earlier one is True.
STEP_CONDITION_TYPES = (
    NAMESPACE_READY,
    SECRETS_READY,
    DATABASE_READY,
    REDIS_READY,
    STORAGE_READY,
    MIGRATIONS_COMPLETE,
    APP_AVAILABLE,
)
CONDITION_TYPES = (*STEP_CONDITION_TYPES, READY, DRIFT_DETECTED, SUSPENDED)

TRUE = "True"
FALSE = "False"
UNKNOWN = "Unknown"

# Reasons shared by several places.
REASON_PENDING = "Pending"
REASON_SUSPENDED = "Suspended"
REASON_INVALID_SPEC = "InvalidSpec"
REASON_READY = "Ready"
REASON_DELETING = "Deleting"
REASON_IN_SYNC = "InSync"
REASON_OBJECT_DELETED = "ObjectDeleted"
REASON_OBJECT_CHANGED = "ObjectChanged"
REASON_SUSPENDING = "Suspending"
REASON_PENDING_DELETION = "PendingDeletion"
REASON_ACTIVE = "Active"

#: What each condition type says (the CRD's ``status.conditions.type``
#: description, so ``kubectl explain`` shows it).
TYPE_MEANINGS = {
    NAMESPACE_READY: "namespace tenant-<name>, its quota, limits and NetworkPolicies",
    SECRETS_READY: "credentials stored in Vault and in Secret tenant-app-env",
    DATABASE_READY: "PostgreSQL role and database tenant_<name>",
    REDIS_READY: "Redis ACL user tenant-<name>",
    STORAGE_READY: "S3 user and bucket of the tenant",
    MIGRATIONS_COMPLETE: "the migration Job of the app version completed",
    APP_AVAILABLE: "Deployments tenant-app and tenant-worker rolled out (False/Suspended when suspended)",
    READY: "summary: True when the tenant is what its spec asks for, reason Ready, or Suspended for a "
    "tenant stopped on purpose; False with the reason of the first step that is not done",
    DRIFT_DETECTED: "True while an owned object was deleted or changed and its repair has not finished; "
    "never changes Ready",
    SUSPENDED: "True while spec.suspended (the workloads are kept at zero replicas); False (Active) "
    "otherwise",
}

#: Every reason the operator writes in a condition, with its meaning: the CRD's
#: ``status.conditions.reason`` description lists them, and a unit test fails
#: when the code writes a reason that is missing here.
REASONS = {
    # The step or the summary is done.
    "NamespaceReady": "NamespaceReady is True",
    "SecretsReady": "SecretsReady is True",
    "DatabaseReady": "DatabaseReady is True",
    "RedisUserReady": "RedisReady is True",
    "StorageReady": "StorageReady is True",
    "StorageNotConfigured": "StorageReady is True: the operator has no S3 server (OPERATOR_S3_ENDPOINT)",
    "StorageIrsaRole": "StorageReady is True (aws-irsa): the app's ServiceAccount assumes the tenant's "
    "IAM role, which reaches only its prefix of the shared bucket",
    "Restored": "DatabaseReady is True: the database was restored from spec.restoreFrom's backup "
    "(status.restoredFrom)",
    "MigrationsComplete": "MigrationsComplete is True",
    "AppAvailable": "AppAvailable is True",
    REASON_READY: "Ready is True: every component is ready",
    REASON_SUSPENDED: "suspended on purpose: workloads at zero (Ready True, Suspended True, "
    "AppAvailable False)",
    REASON_SUSPENDING: "Suspended is True but the pass stopped before scaling the workloads to zero",
    REASON_ACTIVE: "Suspended is False",
    REASON_IN_SYNC: "DriftDetected is False: every owned object matches",
    "ForeignObjectsPruned": "NamespaceReady is True; foreign RoleBindings or NetworkPolicies were found "
    "in the tenant namespace and deleted (named in the message and a DriftRepaired Event)",
    REASON_OBJECT_DELETED: "DriftDetected: an owned object was deleted, repair pending",
    REASON_OBJECT_CHANGED: "DriftDetected: an owned object was changed, repair pending",
    # Not done yet: the operator retries by itself.
    REASON_PENDING: "not evaluated yet",
    "RollingOut": "a Deployment is rolling out",
    "MigrationRunning": "the migration Job is running",
    "ObjectTerminating": "an object to be replaced is still being deleted",
    "NamespaceTerminating": "the tenant namespace is still being deleted",
    REASON_DELETING: "the ConsorcioTenant is being deleted",
    REASON_PENDING_DELETION: "deleted under Snapshot/Delete and stopped on purpose until status.deletion."
    "scheduledAt (Ready True, Suspended True, AppAvailable False); patch deletionPolicy to Retain to cancel",
    # Needs a person: the spec, another tenant, or a dependency.
    REASON_INVALID_SPEC: "the spec can never work (message names the fields); no retries",
    "HostConflict": "another tenant serves the Ingress host; no retries, re-checked every resync",
    "CnpjConflict": "another tenant holds the CNPJ; nothing provisioned",
    "RetainedDataConflict": "a database or Vault data retained for another CNPJ carries this tenant's name; "
    "not re-adopted, nothing written",
    "NamespaceConflict": "the tenant-<name> namespace exists but is not managed by this operator for "
    "this tenant (or was retained for another CNPJ); nothing written into it",
    "RestoreFailed": "spec.restoreFrom cannot be restored (no such backup, not verified, another CNPJ, "
    "the restored database differs from the backup, or the source's Vault Transit key is gone, "
    "crypto-shredded): nothing kept, no retries",
    "MigrationFailed": "the migration Job failed",
    "KubernetesApiError": "the Kubernetes API refused a request",
    "KubernetesUnreachable": "the Kubernetes API did not answer",
    "Forbidden": "the operator's RBAC does not allow a request",
    "Conflict": "the Kubernetes API reported a conflicting object",
    "DatabaseUnavailable": "PostgreSQL is unreachable",
    "DatabaseError": "PostgreSQL refused a statement",
    "RedisUnavailable": "Redis is unreachable",
    "RedisForbidden": "the operator's Redis user lacks a permission",
    "RedisError": "Redis refused a command",
    "VaultSealed": "Vault is sealed or in maintenance",
    "VaultForbidden": "the operator's Vault token was refused",
    "VaultUnavailable": "Vault is unreachable",
    "VaultError": "Vault refused a request",
    "TransitNotMounted": "Vault has no Transit secrets engine at transit/; docs/deployment.md enables it",
    "TransitKeyUnsafe": "the tenant's Vault Transit key was made exportable or has another type; "
    "only a person can replace it",
    "SmtpRelayMissing": "OPERATOR_VAULT_SMTP_PATH names a Vault path that holds no SMTP relay",
    "SmtpRelayInvalid": "the SMTP relay in Vault cannot work (message names the key)",
    "ObjectStoreUnavailable": "the S3 server is unreachable",
    "ObjectStoreForbidden": "the operator's S3 admin key was refused",
    "ObjectStoreError": "the S3 server refused a request",
    "StorageKeyRefused": "the S3 server still refuses the tenant key after it was set again; retried",
    "InternalError": "an unexpected error in the operator (logged); retried",
}


@dataclass(frozen=True)
class Condition:
    """One observation, before times and generations are attached."""

    type: str
    status: str
    reason: str
    message: str

    @property
    def is_true(self) -> bool:
        return self.status == TRUE


def find(conditions: Iterable[Mapping[str, Any]], type_: str) -> Mapping[str, Any] | None:
    """The stored condition of ``type_``, if any."""
    return next((c for c in conditions if c.get("type") == type_), None)


def summarize(steps: Mapping[str, Condition], *, invalid: Condition | None = None) -> Condition:
    """The summary ``Ready`` condition.

    True when every step is True, or every step is True but AppAvailable,
    which is False only because the tenant is suspended on purpose (reason
    Suspended: the spec is met, the workloads are at zero). Otherwise the
    first step that is not done explains why. An invalid spec takes precedence.
    """
    if invalid is not None:
        return Condition(READY, FALSE, invalid.reason, invalid.message)
    suspended = False
    for type_ in STEP_CONDITION_TYPES:
        cond = steps.get(type_)
        if cond is None:
            return Condition(READY, FALSE, REASON_PENDING, f"{type_} has not been evaluated yet")
        if type_ == APP_AVAILABLE and cond.reason == REASON_SUSPENDED:
            suspended = True
        elif not cond.is_true:
            return Condition(READY, FALSE, cond.reason, f"{type_}: {cond.message}")
    if suspended:
        return Condition(
            READY,
            TRUE,
            REASON_SUSPENDED,
            "suspended on purpose (spec.suspended): tenant-app and tenant-worker are at zero replicas "
            "as asked; every other component is ready",
        )
    return Condition(READY, TRUE, REASON_READY, "every component of the tenant is ready")


def suspension(suspended: bool, steps: Mapping[str, Condition]) -> Condition:
    """The ``Suspended`` condition of a pass over a valid spec (pure)."""
    if not suspended:
        return Condition(SUSPENDED, FALSE, REASON_ACTIVE, "spec.suspended is false")
    app = steps.get(APP_AVAILABLE)
    if app is not None and app.reason == REASON_SUSPENDED:
        return Condition(
            SUSPENDED, TRUE, REASON_SUSPENDED, "spec.suspended: tenant-app and tenant-worker at zero replicas"
        )
    return Condition(
        SUSPENDED,
        TRUE,
        REASON_SUSPENDING,
        "spec.suspended: the workloads are scaled to zero once the earlier steps are ready (see Ready)",
    )


def merge(
    previous: Sequence[Mapping[str, Any]],
    current: Iterable[Condition],
    *,
    generation: int,
    now: str,
) -> list[dict[str, Any]]:
    """Stored conditions after this pass, in CONDITION_TYPES order.

    ``lastTransitionTime`` is kept from ``previous`` when the status did not
    change; conditions not observed in this pass are kept as they were.
    """
    by_type: dict[str, dict[str, Any]] = {c["type"]: dict(c) for c in previous if "type" in c}
    for cond in current:
        old = by_type.get(cond.type)
        changed = old is None or old.get("status") != cond.status
        by_type[cond.type] = {
            "type": cond.type,
            "status": cond.status,
            "reason": cond.reason,
            "message": cond.message,
            "observedGeneration": generation,
            "lastTransitionTime": now if changed else old["lastTransitionTime"],  # type: ignore[index]
        }
    order = {t: i for i, t in enumerate(CONDITION_TYPES)}
    return sorted(by_type.values(), key=lambda c: (order.get(c["type"], len(order)), c["type"]))


@dataclass(frozen=True)
class Transition:
    """A condition whose status or reason changed in this pass (for an Event)."""

    type: str
    old_status: str | None
    new_status: str
    reason: str
    message: str

    @property
    def is_warning(self) -> bool:
        return self.new_status == FALSE and self.reason not in (
            REASON_SUSPENDED,
            REASON_PENDING,
            REASON_ACTIVE,
        )


def transitions(
    previous: Sequence[Mapping[str, Any]], current: Sequence[Mapping[str, Any]]
) -> list[Transition]:
    """Conditions whose status or reason differ between two stored lists."""
    out = []
    for cond in current:
        old = find(previous, cond["type"])
        if old is None or old.get("status") != cond["status"] or old.get("reason") != cond["reason"]:
            out.append(
                Transition(
                    cond["type"],
                    None if old is None else old.get("status"),
                    cond["status"],
                    cond["reason"],
                    cond["message"],
                )
            )
    return out
