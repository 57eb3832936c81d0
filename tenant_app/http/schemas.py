"""Conversion from ORM rows to response Structs."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def to_schema(cls: type[S], obj: Any, **overrides: Any) -> S:
    """Build ``cls`` from the same-named attributes of ``obj`` (plus overrides)."""
    values = {f.name: getattr(obj, f.name) for f in msgspec.structs.fields(cls) if f.name not in overrides}
    return cls(**values, **overrides)
