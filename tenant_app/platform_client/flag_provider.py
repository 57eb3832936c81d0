"""OpenFeature provider that evaluates flags locally from a control-plane snapshot.

The snapshot holds every flag already resolved for this tenant (tenant and
plan overrides, tenant-level rollouts), so most evaluations are one dict
lookup returning a precomputed result; only user-level rollouts hash the
user's targeting key, once per user and flag. A background thread long-polls the control plane
(``If-None-Match`` + ``wait``): the server answers as soon as something
changes, so new values arrive well within a second, and an unchanged
snapshot costs one idle request every ``wait`` seconds.

Until the first snapshot arrives, and for unknown flags, callers get their
own default value with an error code, as OpenFeature prescribes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from openfeature.evaluation_context import EvaluationContext
from openfeature.event import ProviderEventDetails
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import FlagResolutionDetails, Reason
from openfeature.provider import AbstractProvider, Metadata

from consorcio_contract.flag_rules import ResolvedFlag, ValueType, bucketer
from tenant_app.platform_client.token import TokenUnavailable

logger = logging.getLogger(__name__)

_MAX_CACHED_BUCKETS = 100_000

_PY_TYPES: dict[ValueType, tuple[type, ...]] = {
    ValueType.BOOLEAN: (bool,),
    ValueType.STRING: (str,),
    ValueType.INTEGER: (int,),
    ValueType.FLOAT: (float,),
    ValueType.OBJECT: (dict, list),
}


def _coerce(value_type: ValueType, value: Any) -> Any:
    # JSON has one number type: 1 arrives as int even for a float flag.
    return float(value) if value_type is ValueType.FLOAT and not isinstance(value, bool) else value


@dataclass(frozen=True)
class _Entry:
    """One flag, precomputed for this snapshot."""

    value_type: ValueType
    static: FlagResolutionDetails[Any]
    # user rollouts: (basis points, salt, details inside, details outside, key -> bucket)
    user_rollout: (
        tuple[int, str, FlagResolutionDetails[Any], FlagResolutionDetails[Any], Callable[[str], int]] | None
    )


def compile_snapshot(flags: Mapping[str, Mapping[str, Any]], etag: str = "") -> dict[str, _Entry]:
    """Turn a snapshot's ``flags`` into lookup entries; malformed entries are skipped."""
    table: dict[str, _Entry] = {}
    metadata = {"snapshot": etag} if etag else {}
    for key, wire in flags.items():
        try:
            resolved = ResolvedFlag.from_wire(wire)
        except (KeyError, ValueError, TypeError):
            logger.warning("skipping malformed flag %r in snapshot", key)
            continue
        vt = resolved.value_type
        static = FlagResolutionDetails(
            value=_coerce(vt, resolved.value),
            reason=resolved.reason.value,
            variant=resolved.variant,
            flag_metadata=metadata,
        )
        rollout = None
        if resolved.user_rollout is not None:
            r = resolved.user_rollout
            inside = FlagResolutionDetails(
                value=_coerce(vt, r.value), reason=Reason.SPLIT, variant="rollout", flag_metadata=metadata
            )
            outside = FlagResolutionDetails(
                value=static.value, reason=Reason.SPLIT, variant=resolved.variant, flag_metadata=metadata
            )
            rollout = (r.basis_points, r.salt, inside, outside, bucketer(r.salt))
        table[key] = _Entry(vt, static, rollout)
    return table


class ControlPlaneFlagProvider(AbstractProvider):
    def __init__(
        self,
        http: httpx.Client,
        tenant: str,
        auth_header: Callable[[], dict[str, str]],
        *,
        wait_seconds: int = 20,
        initial_timeout_seconds: float = 5.0,
    ) -> None:
        self._http = http
        self._path = f"/api/tenant-app/tenants/{tenant}/flag-snapshot"
        self._auth_header = auth_header
        self._wait = wait_seconds
        self._initial_timeout = initial_timeout_seconds
        self._table: dict[str, _Entry] = {}
        self._etag: str | None = None
        self._ready = threading.Event()
        self._stop = threading.Event()
        # salt -> user key -> bucket. A bucket never changes for a pair, so the
        # cache outlives snapshots; it only bounds the SHA-256 cost to once
        # per user and flag. Cleared when full rather than tracked as an LRU:
        # the common case (the same users all day) stays a dict hit. Nested
        # dicts rather than (salt, user) keys: no tuple is allocated per call,
        # and dicts of str -> int are invisible to the garbage collector.
        self._buckets: dict[str, dict[str, int]] = {}
        self._cached_buckets = 0  # approximate under concurrent first sights; only a bound
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------

    def get_metadata(self) -> Metadata:
        return Metadata(name="consorcio-control-plane")

    def initialize(self, evaluation_context: EvaluationContext) -> None:
        """Fetch the first snapshot (briefly), then keep it fresh in the background."""
        try:
            self.refresh(wait=0, timeout=self._initial_timeout)
        except (httpx.HTTPError, OSError, ValueError, TokenUnavailable) as err:
            logger.warning("flag snapshot not available yet (%s); serving defaults until it is", err)
        self.start()

    def shutdown(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._poll_forever, name="flag-snapshot-poller", daemon=True
            )
            self._thread.start()

    @property
    def etag(self) -> str | None:
        return self._etag

    def wait_until_ready(self, timeout: float) -> bool:
        return self._ready.wait(timeout)

    def load_snapshot(self, flags: Mapping[str, Mapping[str, Any]], etag: str = "") -> None:
        """Install a snapshot (used by refresh; also handy for tests of the tenant app)."""
        self._table = compile_snapshot(flags, etag)  # one reference swap: readers never see half
        self._etag = etag or None
        self._ready.set()

    def refresh(self, *, wait: int, timeout: float) -> bool:
        """One (long) poll; returns True when a new snapshot was installed."""
        headers = dict(self._auth_header())
        if self._etag:
            headers["If-None-Match"] = self._etag
        response = self._http.get(self._path, params={"wait": wait}, headers=headers, timeout=timeout)
        if response.status_code == 304:
            return False
        response.raise_for_status()
        body = response.json()
        self.load_snapshot(body.get("flags", {}), response.headers.get("etag", body.get("etag", "")))
        return True

    def _poll_forever(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                changed = self.refresh(wait=self._wait, timeout=self._wait + 10)
                backoff = 0.5
                if changed:
                    self.emit_provider_configuration_changed(
                        ProviderEventDetails(flags_changed=list(self._table), message="snapshot updated")
                    )
            # TokenUnavailable too: a token not mounted yet must not kill the poller.
            except (httpx.HTTPError, OSError, ValueError, TokenUnavailable) as err:
                logger.warning("flag snapshot poll failed (%s); retrying in %.1fs", err, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)

    # -- evaluation ----------------------------------------------------------

    def _resolve(
        self, flag_key: str, default_value: Any, context: EvaluationContext | None, value_type: ValueType
    ) -> FlagResolutionDetails[Any]:
        entry = self._table.get(flag_key)
        if entry is None:
            code = ErrorCode.FLAG_NOT_FOUND if self._ready.is_set() else ErrorCode.PROVIDER_NOT_READY
            return FlagResolutionDetails(value=default_value, reason=Reason.ERROR, error_code=code)
        if entry.value_type is not value_type:
            return FlagResolutionDetails(
                value=default_value,
                reason=Reason.ERROR,
                error_code=ErrorCode.TYPE_MISMATCH,
                error_message=f"flag {flag_key!r} is a {entry.value_type.value} flag",
            )
        rollout = entry.user_rollout
        if rollout is None:
            return entry.static
        user = context.targeting_key if context is not None else None
        if not user:
            return entry.static
        users = self._buckets.get(rollout[1])
        if users is None:
            users = self._buckets.setdefault(rollout[1], {})
        slot = users.get(user)
        if slot is None:  # first sight of this user for this flag: hash once (inlined, it is hot)
            if self._cached_buckets >= _MAX_CACHED_BUCKETS:
                self._buckets, self._cached_buckets = {rollout[1]: users}, 0
                users.clear()
            slot = users[user] = rollout[4](user)
            self._cached_buckets += 1
        return rollout[2] if slot < rollout[0] else rollout[3]

    def resolve_boolean_details(
        self, flag_key: str, default_value: bool, evaluation_context: EvaluationContext | None = None
    ) -> FlagResolutionDetails[bool]:
        return self._resolve(flag_key, default_value, evaluation_context, ValueType.BOOLEAN)

    def resolve_string_details(
        self, flag_key: str, default_value: str, evaluation_context: EvaluationContext | None = None
    ) -> FlagResolutionDetails[str]:
        return self._resolve(flag_key, default_value, evaluation_context, ValueType.STRING)

    def resolve_integer_details(
        self, flag_key: str, default_value: int, evaluation_context: EvaluationContext | None = None
    ) -> FlagResolutionDetails[int]:
        return self._resolve(flag_key, default_value, evaluation_context, ValueType.INTEGER)

    def resolve_float_details(
        self, flag_key: str, default_value: float, evaluation_context: EvaluationContext | None = None
    ) -> FlagResolutionDetails[float]:
        return self._resolve(flag_key, default_value, evaluation_context, ValueType.FLOAT)

    def resolve_object_details(
        self,
        flag_key: str,
        default_value: Sequence[Any] | Mapping[str, Any],
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[Sequence[Any] | Mapping[str, Any]]:
        return self._resolve(flag_key, default_value, evaluation_context, ValueType.OBJECT)
