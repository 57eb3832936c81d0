"""Base classes for API payloads: camelCase on the wire, like the Kubernetes resource."""

from __future__ import annotations

import msgspec


class RequestBody(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Request payloads reject unknown fields: a typo must not be silently ignored."""


class ResponseBody(msgspec.Struct, rename="camel", kw_only=True):
    """Response payloads."""
