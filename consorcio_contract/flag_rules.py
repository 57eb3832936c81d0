"""Feature-flag rules and the snapshot format: one pure definition shared by
the control plane (which evaluates for admins and pre-resolves snapshots) and
the tenant app's OpenFeature provider (which evaluates locally from a snapshot).

Resolution order for a tenant, first match wins:

1. flag disabled (kill switch)        -> default value, reason DISABLED
2. tenant override                    -> that value, reason TARGETING_MATCH
3. plan override                      -> that value, reason TARGETING_MATCH
4. percentage rollout                 -> rollout value if the key's bucket is
                                         inside the percentage, reason SPLIT
5. default value                      -> reason DEFAULT

Rollouts hash either the tenant slug (unit "tenant") or the tenant slug plus
the user's targeting key (unit "user"). Buckets come from SHA-256 so they are
stable across processes, machines and Python versions (``hash()`` is salted
per process and would reshuffle users on every restart). Raising the
percentage only ever adds keys: a key inside 10 % stays inside 20 %.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

BUCKETS = 10_000  # basis points: percentages carry two decimals


class ValueType(StrEnum):
    BOOLEAN = "boolean"
    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    OBJECT = "object"


class RolloutUnit(StrEnum):
    TENANT = "tenant"
    USER = "user"


class Reason(StrEnum):
    """Names match OpenFeature's ``Reason`` values so they pass straight through."""

    DISABLED = "DISABLED"
    TARGETING_MATCH = "TARGETING_MATCH"
    SPLIT = "SPLIT"
    DEFAULT = "DEFAULT"


def value_matches_type(value_type: ValueType | str, value: Any) -> bool:
    """Whether ``value`` is a valid value for a flag of ``value_type``."""
    kind = ValueType(value_type)
    if kind is ValueType.BOOLEAN:
        return isinstance(value, bool)
    if kind is ValueType.STRING:
        return isinstance(value, str)
    if kind is ValueType.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is ValueType.FLOAT:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, dict | list)


def bucket(salt: str, key: str) -> int:
    """Stable bucket in ``[0, BUCKETS)`` for ``key`` under ``salt``."""
    digest = hashlib.sha256(f"{salt}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def bucketer(salt: str) -> Callable[[str], int]:
    """``key -> bucket(salt, key)``, cheaper when one salt buckets many keys.

    The SHA-256 state after ``salt`` and the separator is computed once and
    copied for each key: copying it costs less than starting a hash, and the
    digest, hence every bucket, is exactly :func:`bucket`'s (a different hash
    would move users in and out of rollouts already under way).
    """
    primed = hashlib.sha256(f"{salt}\x00".encode())

    def bucket_of(key: str) -> int:
        h = primed.copy()
        h.update(key.encode())
        return int.from_bytes(h.digest()[:8], "big") % BUCKETS

    return bucket_of


def percentage_to_basis_points(percentage: float | str) -> int:
    """0–100 with up to two decimals -> 0–10 000 basis points.

    More decimals are refused, not rounded: 12.345 % cannot be stored, and
    silently serving 12.35 % is not what was asked for.
    """
    try:
        scaled = Decimal(str(percentage)) * 100
        bp = scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError("percentage must be a number") from None
    if not bp.is_finite() or not 0 <= bp <= BUCKETS:
        raise ValueError("percentage must be between 0 and 100")
    if scaled != bp:
        raise ValueError("percentage has at most two decimals (it is stored in hundredths of a percent)")
    return int(bp)


@dataclass(frozen=True)
class Rollout:
    """Serve ``value`` to ``basis_points`` / 10 000 of the keys."""

    basis_points: int
    value: Any
    unit: RolloutUnit = RolloutUnit.TENANT


@dataclass(frozen=True)
class FlagDefinition:
    """A flag as the control plane stores it."""

    key: str
    value_type: ValueType
    default_value: Any
    enabled: bool = True
    plan_values: Mapping[str, Any] = field(default_factory=dict)
    tenant_values: Mapping[str, Any] = field(default_factory=dict)
    rollout: Rollout | None = None
    # Per-flag salt so two flags rolled out to 10 % do not hit the same tenants.
    salt: str = ""

    @property
    def effective_salt(self) -> str:
        return self.salt or self.key


@dataclass(frozen=True)
class UserRollout:
    """The part of a resolved flag that still depends on the user."""

    basis_points: int
    salt: str
    value: Any


@dataclass(frozen=True)
class ResolvedFlag:
    """A flag resolved for one tenant: what a tenant's snapshot carries."""

    value_type: ValueType
    value: Any
    reason: Reason
    variant: str
    user_rollout: UserRollout | None = None

    def to_wire(self) -> dict[str, Any]:
        """JSON shape used in the tenant snapshot."""
        wire: dict[str, Any] = {
            "type": self.value_type.value,
            "value": self.value,
            "reason": self.reason.value,
            "variant": self.variant,
        }
        if self.user_rollout is not None:
            wire["userRollout"] = {
                "basisPoints": self.user_rollout.basis_points,
                "salt": self.user_rollout.salt,
                "value": self.user_rollout.value,
            }
        return wire

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> ResolvedFlag:
        """Inverse of :meth:`to_wire`; raises KeyError/ValueError on a malformed entry."""
        rollout = wire.get("userRollout")
        return cls(
            value_type=ValueType(wire["type"]),
            value=wire["value"],
            reason=Reason(wire["reason"]),
            variant=str(wire["variant"]),
            user_rollout=(
                UserRollout(int(rollout["basisPoints"]), str(rollout["salt"]), rollout["value"])
                if rollout is not None
                else None
            ),
        )


@dataclass(frozen=True)
class Evaluation:
    value: Any
    reason: Reason
    variant: str


def resolve_for_tenant(flag: FlagDefinition, tenant: str, plan: str) -> ResolvedFlag:
    """Apply every rule that depends only on the tenant (steps 1–5 above).

    A user-unit rollout cannot be decided yet: it is carried along as
    ``user_rollout`` and decided by :func:`evaluate` with the user's key.
    """
    vt = flag.value_type
    if not flag.enabled:
        return ResolvedFlag(vt, flag.default_value, Reason.DISABLED, "default")
    if tenant in flag.tenant_values:
        return ResolvedFlag(vt, flag.tenant_values[tenant], Reason.TARGETING_MATCH, "tenant")
    if plan in flag.plan_values:
        return ResolvedFlag(vt, flag.plan_values[plan], Reason.TARGETING_MATCH, f"plan:{plan}")
    rollout = flag.rollout
    if rollout is not None and rollout.basis_points > 0:
        if rollout.unit is RolloutUnit.TENANT:
            if bucket(flag.effective_salt, tenant) < rollout.basis_points:
                return ResolvedFlag(vt, rollout.value, Reason.SPLIT, "rollout")
            return ResolvedFlag(vt, flag.default_value, Reason.SPLIT, "default")
        # Scope the user's bucket to the tenant: user ids are only unique per tenant.
        user_rollout = UserRollout(rollout.basis_points, f"{flag.effective_salt}:{tenant}", rollout.value)
        return ResolvedFlag(vt, flag.default_value, Reason.DEFAULT, "default", user_rollout)
    return ResolvedFlag(vt, flag.default_value, Reason.DEFAULT, "default")


def evaluate(resolved: ResolvedFlag, user_key: str | None) -> Evaluation:
    """Finish a tenant-resolved flag for one user (or no user)."""
    rollout = resolved.user_rollout
    if rollout is None or not user_key:
        return Evaluation(resolved.value, resolved.reason, resolved.variant)
    if bucket(rollout.salt, user_key) < rollout.basis_points:
        return Evaluation(rollout.value, Reason.SPLIT, "rollout")
    return Evaluation(resolved.value, Reason.SPLIT, "default")


@dataclass(frozen=True)
class FlagSnapshot:
    """Every flag resolved for one tenant: what the control plane serves and a tenant app evaluates.

    On the wire (``GET /api/tenant-app/tenants/<slug>/flag-snapshot``)::

        {"tenant": "acme", "plan": "starter", "etag": "\"…\"",
         "flags": {"<key>": ResolvedFlag.to_wire(), ...}}
    """

    tenant: str
    plan: str
    flags: Mapping[str, ResolvedFlag]
    etag: str

    def wire_flags(self) -> dict[str, dict[str, Any]]:
        return {key: flag.to_wire() for key, flag in self.flags.items()}

    def to_wire(self) -> dict[str, Any]:
        return {"tenant": self.tenant, "plan": self.plan, "etag": self.etag, "flags": self.wire_flags()}

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> FlagSnapshot:
        """Inverse of :meth:`to_wire`; raises KeyError/ValueError/TypeError on a malformed snapshot."""
        return cls(
            tenant=str(wire["tenant"]),
            plan=str(wire["plan"]),
            etag=str(wire.get("etag", "")),
            flags={str(key): ResolvedFlag.from_wire(flag) for key, flag in wire["flags"].items()},
        )
