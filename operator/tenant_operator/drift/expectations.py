"""What each owned object should look like, as last applied or confirmed by a pass.

The watch on owned objects (handlers/watch_owned_objects.py) compares every
event with this record instead of re-reading anything: the operator's own
writes match it (no repair), another controller's status or defaulted
fields are not compared (kube/compare.py), and only a deletion or a change
of an owned field asks for a repair. An object with no record (a tenant the
operator has not passed over since it started, or one it deleted on
purpose) is left to the resume handler and the drift timer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tenant_operator.kube.compare import drift

#: (kind, namespace, name)
ObjectKey = tuple[str, str, str]


def key_of(obj: Mapping[str, Any]) -> ObjectKey:
    meta = obj.get("metadata") or {}
    return (str(obj.get("kind")), str(meta.get("namespace") or ""), str(meta.get("name")))


@dataclass(frozen=True)
class Expectation:
    """The desired object; ``replica_bounds``: spec.replicas is the HPA's within these bounds."""

    desired: Mapping[str, Any]
    replica_bounds: tuple[int, int] | None = None


@dataclass(frozen=True)
class Finding:
    """Drift seen on one object: what happened, for the DriftDetected condition and the metrics."""

    kind: str
    namespace: str
    name: str
    change: str  # "deleted" | "changed"
    paths: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        where = f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"
        if self.change == "deleted":
            return f"{where} was deleted"
        return f"{where} was changed ({', '.join(self.paths[:4])})"


def check(expectation: Expectation, live: Mapping[str, Any] | None) -> Finding | None:
    """The drift of ``live`` (None: deleted) from ``expectation``, or None when it matches (pure)."""
    kind, namespace, name = key_of(expectation.desired)
    if live is None:
        return Finding(kind, namespace, name, "deleted")
    if (live.get("metadata") or {}).get("deletionTimestamp"):
        return Finding(kind, namespace, name, "deleted")
    desired = expectation.desired
    paths: list[str] = []
    if expectation.replica_bounds is not None:
        low, high = expectation.replica_bounds
        replicas = (live.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int) or not low <= replicas <= high:
            paths.append("spec.replicas")
        desired = {**desired, "spec": {k: v for k, v in desired["spec"].items() if k != "replicas"}}
    paths.extend(drift(desired, live))
    return Finding(kind, namespace, name, "changed", tuple(paths)) if paths else None


class Expectations:
    """Expectations by object, for every tenant this process reconciles."""

    def __init__(self) -> None:
        self._by_key: dict[ObjectKey, Expectation] = {}

    def __len__(self) -> int:
        return len(self._by_key)

    def record(self, desired: Mapping[str, Any], *, replica_bounds: tuple[int, int] | None = None) -> None:
        self._by_key[key_of(desired)] = Expectation(desired, replica_bounds)

    def get(self, key: ObjectKey) -> Expectation | None:
        return self._by_key.get(key)

    def keys_in(self, kind: str, namespace: str) -> list[ObjectKey]:
        """The expected objects of one kind in one namespace."""
        return [k for k in self._by_key if k[0] == kind and k[1] == namespace]

    def forget(self, key: ObjectKey) -> None:
        """The operator removes this object on purpose: its deletion is not drift."""
        self._by_key.pop(key, None)

    def forget_namespace(self, namespace: str) -> None:
        """Every object of a tenant namespace (the tenant is being deleted)."""
        for key in [
            k for k in self._by_key if k[1] == namespace or (k[0] == "Namespace" and k[2] == namespace)
        ]:
            del self._by_key[key]
