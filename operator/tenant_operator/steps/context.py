"""State shared by the steps of one reconcile pass."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tenant_operator import change_report, metrics, names, pass_slots
from tenant_operator import credentials as creds_mod
from tenant_operator.conditions import find as find_condition
from tenant_operator.credentials import TenantCredentials
from tenant_operator.drift.watched_kinds import WATCHED_KIND_NAMES
from tenant_operator.kube.compare import differences, exact_patch, extras
from tenant_operator.kube.resources import describe, object_path
from tenant_operator.runtime import Runtime
from tenant_operator.specs.app_secret import decode_secret_data
from tenant_operator.specs.tenant import TenantView


class StepFailed(Exception):
    """A step could not reach its desired state.

    ``permanent``: retrying cannot help until the resource changes (no retry
    storm). ``delay``: seconds until the next attempt (None: back off).
    """

    def __init__(
        self, reason: str, message: str, *, permanent: bool = False, delay: float | None = None
    ) -> None:
        self.reason = reason
        self.message = message
        self.permanent = permanent
        self.delay = delay
        super().__init__(f"{reason}: {message}")


class StepWaiting(StepFailed):
    """Nothing is wrong yet: something is in progress (a Job, a rollout)."""

    def __init__(self, reason: str, message: str, *, delay: float = 2.0) -> None:
        super().__init__(reason, message, delay=delay)


@dataclass
class ReconcileContext:
    """One tenant, one pass: inputs, and what earlier steps hand to later ones."""

    runtime: Runtime
    tenant: TenantView
    status: Mapping[str, Any]
    generation: int
    #: Value of the rotate-credentials annotation when not yet acted on.
    rotation_request: str | None = None
    #: How long a step may wait in place for a Job or rollout before giving up for now.
    wait_budget: float = 0.0
    #: Human-readable list of objects created or corrected in this pass (the log line).
    changes: list[str] = field(default_factory=list)
    #: The same writes, classified (Events, metrics); use :meth:`record`.
    report: list[change_report.Change] = field(default_factory=list)
    #: Why this pass runs (change_report.INTENDED, RESTART or MAINTENANCE).
    intent: str = change_report.INTENDED
    #: The condition of the step running now (set by the reconciler).
    step_condition: str = ""
    #: Lines of ``changes`` that came from :meth:`record` (the others are reported as they are).
    recorded_lines: set[str] = field(default_factory=set)
    #: Status fields (besides conditions) that this pass determined.
    status_updates: dict[str, Any] = field(default_factory=dict)
    credentials: TenantCredentials | None = None
    app_env: dict[str, str] | None = None
    secret_hash: str = ""
    app_version: str | None = None
    schema_revision: str | None = None
    _deadline: float | None = None
    #: The Secret as read for the credentials (None: absent or not read).
    live_secret: dict[str, Any] | None = None
    #: The pass holds one of Runtime.active_passes (given back while it waits).
    holds_slot: bool = False
    #: This pass created the tenant namespace: nothing can exist in it yet,
    #: so objects there are created without reading them first (a new
    #: tenant's first pass then costs about half the requests).
    fresh_namespace: bool = False

    @property
    def name(self) -> str:
        return self.tenant.name

    @property
    def kube(self):  # -> KubeClient
        return self.runtime.kube

    async def tenant_credentials(self) -> TenantCredentials:
        """Stored credentials (Secret, else Vault), or new ones when none exist or rotation is asked."""
        if self.credentials is not None:
            return self.credentials
        found: TenantCredentials | None = None
        if self.rotation_request is None:
            secret = None
            if not self.fresh_namespace:
                secret = await self.kube.get(
                    f"/api/v1/namespaces/{self.tenant.namespace}/secrets/{names.APP_SECRET}"
                )
            if secret is not None:
                self.live_secret = secret
                found = creds_mod.from_app_env(decode_secret_data(secret))
            if found is None and self.runtime.vault is not None:
                stored = await self.runtime.vault.read_app_env(self.name)
                found = creds_mod.from_app_env(stored) if stored else None
        self.credentials = creds_mod.completed(found) if found else creds_mod.generate()
        return self.credentials

    def record(
        self,
        kind: str,
        name: str,
        detail: str = "",
        *,
        created: bool | None = None,
        reason: str | None = None,
    ) -> None:
        """Report one write (an object, or a database/Redis/Vault setting) of this pass.

        ``created`` None: not known (a setting written in place); it counts as
        a creation while the step has never been ready. ``reason`` overrides
        the classification (change_report.reason_for), e.g. a new app
        version's migration Job is always Created.
        """
        was_ready = (find_condition(self.status.get("conditions") or [], self.step_condition) or {}).get(
            "status"
        ) == "True"
        if created is None:
            created = not was_ready
        why = reason or change_report.reason_for(created=created, intent=self.intent, was_ready=was_ready)
        self.report.append(change_report.Change(why, kind, name, detail))
        verb = "created" if created else "corrected"
        line = f"{verb} {kind} {name}" + (f" ({detail})" if detail else "")
        self.changes.append(line)
        self.recorded_lines.add(line)
        metrics.OBJECT_CHANGES.labels(kind, why).inc()
        if why == change_report.DRIFT_REPAIRED:
            metrics.REPAIRS.labels(kind).inc()

    async def ensure_object(
        self,
        desired: dict[str, Any],
        live: dict[str, Any] | None = None,
        *,
        replica_bounds: tuple[int, int] | None = None,
        created_reason: str | None = None,
    ) -> dict[str, Any]:
        """Create or correct one object; a no-op (no write) when the live one matches.

        Server-side apply sets the owned fields; for the kinds whose fields
        must be equal (kube/compare.EXACT_FIELDS) a merge patch then removes
        what someone added beside them. The expectation is recorded before
        writing, so the watch sees the operator's own write as in sync.
        ``replica_bounds``: spec.replicas belongs to the HPA within them.
        """
        if live is None and not self._in_fresh_namespace(desired):
            live = await self.kube.get(object_path(desired))
        if live is not None and live["metadata"].get("deletionTimestamp"):
            raise StepWaiting("ObjectTerminating", f"{describe(desired)} is being deleted", delay=2.0)
        if desired["kind"] in WATCHED_KIND_NAMES:
            self.runtime.expectations.record(desired, replica_bounds=replica_bounds)
        meta = desired["metadata"]
        name = f"{meta['namespace']}/{meta['name']}" if meta.get("namespace") else meta["name"]
        if live is None:
            applied = await self.kube.apply(desired)
            self.record(desired["kind"], name, created=True, reason=created_reason)
            return applied
        diff = differences({k: v for k, v in desired.items() if k != "status"}, live)
        current = await self.kube.apply(desired) if diff else live
        patch = exact_patch(desired, current)
        if patch is not None:
            diff += [p for field in patch for p in extras(desired.get(field), current.get(field), field)]
            current = await self.kube.merge_patch(object_path(desired), patch) or current
        if diff:
            # Only once the API server accepted it.
            self.record(desired["kind"], name, ", ".join(diff[:4]), created=False)
        return current

    async def ensure_objects(self, desired: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """ensure_object for independent objects, concurrently; the first failure is raised."""
        results = await asyncio.gather(*(self.ensure_object(obj) for obj in desired), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [r for r in results if not isinstance(r, BaseException)]

    def _in_fresh_namespace(self, obj: dict[str, Any]) -> bool:
        return self.fresh_namespace and obj["metadata"].get("namespace") == self.tenant.namespace

    def remaining_wait(self) -> float:
        """Seconds left of this pass's wait budget (shared by every wait in the pass)."""
        if self._deadline is None:
            self._deadline = time.monotonic() + self.wait_budget
        return max(0.0, self._deadline - time.monotonic())

    async def wait_for_object(
        self,
        collection: str,
        name: str,
        done: Callable[[dict[str, Any] | None], bool],
        current: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """The object once ``done`` holds, or its last state when the wait budget runs out.

        The pass's active slot is given back while it waits (see Runtime.active_passes).
        """
        slots = self.runtime.active_passes
        if self.holds_slot:
            slots.release()
            self.holds_slot = False
        try:
            return await self.kube.watch_until(
                collection, name, done, within=self.remaining_wait(), current=current
            )
        finally:
            await slots.acquire(pass_slots.RESUMING)  # when cancelled here, no slot is held
            self.holds_slot = True
