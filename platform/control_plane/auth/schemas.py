"""Login and TOTP payloads."""

from __future__ import annotations

from typing import Annotated

import msgspec

from control_plane.api_schema import RequestBody, ResponseBody

#: A 6-digit TOTP code or a recovery code (``xxxx-xxxx-xxxx-xxxx``); spaces and dashes are ignored.
OneTimeCode = Annotated[
    str,
    msgspec.Meta(
        min_length=6,
        max_length=32,
        description="The authenticator's current 6-digit code, or one of the recovery codes.",
        examples=["123456"],
    ),
]


class LoginRequest(RequestBody):
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
    #: Required once the account has enrolled TOTP: the current code or an unused recovery code.
    totp: OneTimeCode | None = None


class TokenResponse(msgspec.Struct, kw_only=True):
    """RFC 6749 token response: these field names are snake_case by the standard."""

    access_token: str
    token_type: str
    expires_in: int
    role: str
    #: True when this role must use TOTP and the account has none yet: the token only enrols it.
    totp_enrolment_required: bool = False


class MeResponse(ResponseBody):
    email: str
    role: str
    permissions: list[str]
    #: Whether the account has an active TOTP authenticator.
    totp_enabled: bool


class TotpEnrolmentResponse(ResponseBody):
    """A new, not yet active TOTP secret: shown once, activated by ``confirmTotpEnrolment``."""

    #: The base32 secret, for typing into an authenticator that cannot read the QR code.
    secret: str
    #: ``otpauth://totp/...`` URI (RFC 6238, SHA-1, 6 digits, 30 s).
    otpauth_uri: str
    #: The URI as an inline SVG QR code.
    qr_svg: str


class TotpCodeRequest(RequestBody):
    code: OneTimeCode


class TotpConfirmedResponse(ResponseBody):
    #: Ten single-use codes that replace the authenticator once each; shown only now (kept hashed).
    recovery_codes: list[str]
