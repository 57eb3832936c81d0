"""consorcio_kit.totp: RFC 6238 appendix B (SHA-1) vectors, the ±1 step window, replay, recovery codes."""

from __future__ import annotations

import base64

import pytest

from consorcio_kit import totp

pytestmark = pytest.mark.unit

#: RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890"; codes are 8 digits,
#: and RFC 4226's truncation makes the 6-digit code their last six.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("unix_time", "code8"), RFC_VECTORS)
def test_codes_match_rfc_6238_appendix_b(unix_time: int, code8: str) -> None:
    step = unix_time // totp.STEP_SECONDS
    assert totp.code_at(RFC_SECRET, step) == code8[-6:]
    assert totp.accepted_step(RFC_SECRET, code8[-6:], None, unix_time) == step


def test_window_is_one_step_each_side_and_replay_is_refused() -> None:
    now = 1_234_567_890.0
    step = int(now // 30)
    for offset in (-1, 0, 1):
        assert (
            totp.accepted_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + offset), None, now)
            == step + offset
        )
    for offset in (-2, 2):
        assert totp.accepted_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + offset), None, now) is None
    code = totp.code_at(RFC_SECRET, step)
    assert totp.accepted_step(RFC_SECRET, code, step, now) is None  # already used
    assert totp.accepted_step(RFC_SECRET, totp.code_at(RFC_SECRET, step - 1), step, now) is None  # older
    assert totp.accepted_step(RFC_SECRET, f" {code[:3]} {code[3:]} ", None, now) == step
    assert totp.accepted_step(RFC_SECRET, "12345", None, now) is None
    assert totp.accepted_step(RFC_SECRET, "abcdef", None, now) is None


def test_secret_and_provisioning_uri() -> None:
    secret = totp.new_secret()
    assert len(base64.b32decode(secret)) == 20  # 160 bits
    uri = totp.provisioning_uri(secret, "ana@example.com", "Consórcio")
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri and "issuer=Cons%C3%B3rcio" in uri
    assert totp.qr_svg(uri).startswith("<svg")


def test_recovery_codes_match_their_hash_once_stored() -> None:
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == 10 and all(len(c) == 19 for c in codes)
    hashes = [totp.recovery_code_hash(c) for c in codes]
    assert totp.matching_recovery_hash(codes[3].upper().replace("-", " "), hashes) == hashes[3]
    assert totp.matching_recovery_hash("aaaa-aaaa-aaaa-aaaa", hashes) is None
    assert totp.matching_recovery_hash("123456", hashes) is None
