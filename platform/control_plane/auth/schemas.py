"""Login payloads."""

from __future__ import annotations

from typing import Annotated

import msgspec

from control_plane.api_schema import RequestBody, ResponseBody


class LoginRequest(RequestBody):
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class TokenResponse(msgspec.Struct, kw_only=True):
    """RFC 6749 token response: these field names are snake_case by the standard."""

    access_token: str
    token_type: str
    expires_in: int
    role: str


class MeResponse(ResponseBody):
    email: str
    role: str
    permissions: list[str]
