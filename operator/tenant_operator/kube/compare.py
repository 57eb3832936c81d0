"""Does a live object already match its desired state? (pure)

Two rules, chosen per kind and field:

- **Contains** (every kind, every field): desired objects name only the
  fields the operator owns; the API server adds defaults and other
  controllers add their own fields. So every desired mapping key must exist
  with an equal value; lists must have the same length and match item by
  item (an extra container or port is drift, not a default).
- **Equals** (:data:`EXACT_FIELDS`, the security objects): "contains" is
  not enough where an *extra* entry grants something. A default-deny
  NetworkPolicy merge-patched with ``ingress: [{}]`` still contains every
  desired field, yet it now allows everything. In these fields, keys and
  list items the desired object does not have are drift too, and
  :func:`exact_patch` removes them (server-side apply cannot: it only
  removes fields its own manager set earlier).

Fields another controller owns are simply absent from the desired objects
(the Deployment's replicas are handled by the workload step: it keeps what
the HPA chose within the plan's bounds).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Per kind, the top-level fields whose live value must EQUAL the desired one.
#: These objects decide what a tenant's pods may reach, use or present:
#: NetworkPolicies (reachability), ResourceQuota and LimitRange (resources),
#: the ServiceAccount's token settings, and the app's environment Secret
#: (an extra key becomes an environment variable of every tenant pod).
#: No API-server default lands inside these fields for the objects the
#: operator builds (it spells out protocols, policyTypes and every LimitRange
#: default itself); the k8s tests check that an idle pass writes nothing.
EXACT_FIELDS: dict[str, tuple[str, ...]] = {
    "NetworkPolicy": ("spec",),
    "ResourceQuota": ("spec",),
    "LimitRange": ("spec",),
    "ServiceAccount": ("automountServiceAccountToken", "secrets", "imagePullSecrets"),
    "Secret": ("data",),
}

_EMPTY: tuple[Any, ...] = ({}, [], None)


def differences(desired: Any, live: Any, path: str = "") -> list[str]:
    """Paths where ``live`` does not contain ``desired`` (empty: in sync)."""
    if isinstance(desired, dict):
        if not isinstance(live, dict):
            return [path or "."]
        out: list[str] = []
        for key, value in desired.items():
            sub = f"{path}.{key}" if path else key
            if key not in live:
                if value in _EMPTY:
                    continue  # the API drops empty maps and lists
                out.append(sub)
            else:
                out.extend(differences(value, live[key], sub))
        return out
    if isinstance(desired, list):
        if not isinstance(live, list) or len(live) != len(desired):
            return [path or "."]
        out = []
        for i, (d, lv) in enumerate(zip(desired, live, strict=True)):
            out.extend(differences(d, lv, f"{path}[{i}]"))
        return out
    if desired != live:
        return [path or "."]
    return []


def extras(desired: Any, live: Any, path: str = "") -> list[str]:
    """Paths that ``live`` has and ``desired`` does not (empty maps/lists/nulls count as absent)."""
    if desired is None:
        return [] if live in _EMPTY else [path or "."]
    if isinstance(live, dict):
        want = desired if isinstance(desired, dict) else {}
        out: list[str] = []
        for key, value in live.items():
            sub = f"{path}.{key}" if path else key
            if key not in want:
                if value not in _EMPTY:
                    out.append(sub)
            else:
                out.extend(extras(want[key], value, sub))
        return out
    if isinstance(live, list) and isinstance(desired, list) and len(live) == len(desired):
        out = []
        for i, (d, lv) in enumerate(zip(desired, live, strict=True)):
            out.extend(extras(d, lv, f"{path}[{i}]"))
        return out
    return []  # scalars, and lists of another length (already a difference)


def drift(desired: Mapping[str, Any], live: Mapping[str, Any]) -> list[str]:
    """Every path where ``live`` differs from ``desired`` by the rules of its kind (status ignored)."""
    body = {k: v for k, v in desired.items() if k != "status"}
    out = differences(body, live)
    for field in EXACT_FIELDS.get(str(desired.get("kind")), ()):
        out.extend(p for p in extras(body.get(field), live.get(field), field) if p not in out)
    return out


def exact_patch(desired: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any] | None:
    """A JSON merge patch that removes what ``live`` has beyond ``desired`` in its exact fields.

    None when there is nothing extra. Each exact field with extras is
    rewritten whole: keys the desired object lacks are set to null, lists
    are replaced (a merge patch never merges lists).
    """
    patch: dict[str, Any] = {}
    for field in EXACT_FIELDS.get(str(desired.get("kind")), ()):
        if extras(desired.get(field), live.get(field), field):
            patch[field] = _replacement(desired.get(field), live.get(field))
    return patch or None


def _replacement(desired: Any, live: Any) -> Any:
    if isinstance(desired, dict) and isinstance(live, dict):
        out: dict[str, Any] = {k: None for k in live if k not in desired}
        out.update({k: _replacement(v, live.get(k)) for k, v in desired.items()})
        return out
    return desired


def in_sync(desired: dict[str, Any], live: dict[str, Any] | None) -> bool:
    """True when ``live`` exists and matches ``desired`` by the rules of its kind (status ignored)."""
    if live is None:
        return False
    return not drift(desired, live)
