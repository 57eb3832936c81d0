"""Conversion from ORM rows to response Structs."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def to_schema(cls: type[S], obj: Any, **overrides: Any) -> S:
    """Build ``cls`` from the same-named attributes of ``obj`` (plus overrides)."""
    # ``__struct_fields__`` is a plain tuple; ``msgspec.structs.fields`` would
    # re-evaluate the (string) annotations on every call.
    values = {name: getattr(obj, name) for name in cls.__struct_fields__ if name not in overrides}
    return cls(**values, **overrides)
