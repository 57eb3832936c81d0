"""Base classes for API payloads: camelCase on the wire, like the Kubernetes resource."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import QueryParameter


class RequestBody(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Request payloads reject unknown fields: a typo must not be silently ignored."""


class ResponseBody(msgspec.Struct, rename="camel", kw_only=True):
    """Response payloads."""


# Shared parameter types: every list and period of the API uses these, so a bound is set once.

#: PostgreSQL takes a bigint; a bigger offset used to fail in the driver (500).
MAX_OFFSET = 2**31 - 1
Offset = Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET, description="Items to skip (0 to 2147483647).")]

#: A billing month. Years 2000-2199 only: ``0000-01`` matched the old pattern and failed on
#: ``date(0, 1, 1)`` with a 500.
PERIOD_PATTERN = r"^(20\d\d|21\d\d)-(0[1-9]|1[0-2])$"
Period = Annotated[
    str, msgspec.Meta(pattern=PERIOD_PATTERN, description="Billing month, YYYY-MM (2000-01 to 2199-12).")
]
PeriodQuery = Annotated[
    str | None,
    QueryParameter(pattern=PERIOD_PATTERN, description="Billing month, YYYY-MM (2000-01 to 2199-12)."),
]
