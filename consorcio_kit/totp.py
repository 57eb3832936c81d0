"""TOTP second factor (RFC 6238 over RFC 4226's HOTP; SHA-1, 30-second steps, 6 digits): pure parts.

Shared by the tenant app's users (``tenant_app/auth/dois_fatores.py``) and the control
plane's staff (``control_plane/auth/second_factor.py``); each app keeps the secret, the last
accepted step and the recovery-code hashes in its own database. Verification accepts the
previous, current and next step (clock drift) but never a step at or before the last one
accepted, so a code read over someone's shoulder cannot be used again: the caller stores the
step :func:`accepted_step` returns, under a row lock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
import segno

STEP_SECONDS = 30
#: Steps accepted on each side of the current one (±30 s of clock drift).
WINDOW_STEPS = 1
DIGITS = 6
#: Recovery codes: 16 characters of base32 (80 bits), shown once as ``xxxx-xxxx-xxxx-xxxx``.
RECOVERY_LENGTH = 16
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def new_secret() -> str:
    """A random 160-bit base32 secret (RFC 4226's recommended length)."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """``otpauth://totp/...`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (for a page or a JSON answer)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


def code_at(secret: str, step: int) -> str:
    """The code of time step ``step`` (``unix_time // 30``)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(step * STEP_SECONDS)


def normalized(code: str) -> str:
    """What the user typed, without spaces and dashes (``123 456``, ``abcde-fghij``)."""
    return code.strip().replace(" ", "").replace("-", "").lower()


def accepted_step(secret: str, code: str, last_step: int | None, now: float) -> int | None:
    """The time step ``code`` belongs to, if valid within the window and newer than ``last_step``.

    None for a malformed, wrong, expired or replayed code. Constant-time comparison.
    """
    code = normalized(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = int(now // STEP_SECONDS)
    for step in range(current - WINDOW_STEPS, current + WINDOW_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def new_recovery_codes(count: int = 10) -> list[str]:
    """Single-use recovery codes, shown once; store only :func:`recovery_code_hash` of each."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    return codes


def recovery_code_hash(code: str) -> str:
    """SHA-256 of the normalized code: 80 random bits need no slow hash (a stolen table
    cannot be searched offline), so checking a login stays cheap."""
    return hashlib.sha256(("totp-recovery\0" + normalized(code)).encode()).hexdigest()


def matching_recovery_hash(code: str, hashes: list[str]) -> str | None:
    """The stored hash ``code`` matches, if any (the caller removes it: single use)."""
    code = normalized(code)
    if len(code) != RECOVERY_LENGTH:
        return None
    wanted = recovery_code_hash(code)
    found = None
    for stored in hashes:
        if hmac.compare_digest(stored, wanted):
            found = stored
    return found
