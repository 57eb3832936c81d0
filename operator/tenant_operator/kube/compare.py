"""Does a live object already match its desired state? (pure)

Desired objects name only the fields the operator cares about; the API
server adds defaults and other controllers add their own fields. So the
comparison is "desired is contained in live": every desired mapping key must
exist with an equal value; lists must have the same length and match item
by item (an extra container or port is drift, not a default).
"""

from __future__ import annotations

from typing import Any


def differences(desired: Any, live: Any, path: str = "") -> list[str]:
    """Paths where ``live`` does not contain ``desired`` (empty: in sync)."""
    if isinstance(desired, dict):
        if not isinstance(live, dict):
            return [path or "."]
        out: list[str] = []
        for key, value in desired.items():
            sub = f"{path}.{key}" if path else key
            if key not in live:
                if value in ({}, [], None):
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


def in_sync(desired: dict[str, Any], live: dict[str, Any] | None) -> bool:
    """True when ``live`` exists and contains everything ``desired`` says (status ignored)."""
    if live is None:
        return False
    body = {k: v for k, v in desired.items() if k != "status"}
    return not differences(body, live)
