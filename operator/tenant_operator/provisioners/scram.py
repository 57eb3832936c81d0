"""PostgreSQL SCRAM-SHA-256 password verifiers (pure; RFC 5802 / 7677).

The operator sends roles a pre-computed verifier instead of the plain
password (so the password never appears in a statement or server log), and
checks the live verifier against the known password to detect drift without
logging in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

ITERATIONS = 4096
#: The most iterations the operator will ever compute to check a verifier. A
#: role can set its own password to any verifier; one with 2·10⁹ iterations
#: would stall the operator (and every tenant's reconciliation) for minutes.
#: Above this bound the verifier is treated as wrong, without computing it,
#: and the operator replaces it with its own (ITERATIONS).
MAX_ITERATIONS = 100_000


def iterations(verifier: str | None) -> int | None:
    """The iteration count a SCRAM-SHA-256 verifier declares (None: not one)."""
    if not verifier or not verifier.startswith("SCRAM-SHA-256$"):
        return None
    try:
        return int(verifier.split("$")[1].split(":")[0])
    except (IndexError, ValueError):
        return None


def _keys(password: str, salt: bytes, iterations: int) -> tuple[bytes, bytes]:
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    return stored_key, server_key


def make_verifier(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """``SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`` as PostgreSQL stores it."""
    salt = os.urandom(16) if salt is None else salt
    stored, server = _keys(password, salt, iterations)
    b64 = base64.b64encode
    return f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}${b64(stored).decode()}:{b64(server).decode()}"


def verifies(verifier: str | None, password: str) -> bool:
    """True when ``verifier`` (pg_authid.rolpassword) accepts ``password``; False without
    computing anything when it declares more than MAX_ITERATIONS."""
    count = iterations(verifier)
    if verifier is None or count is None or not 0 < count <= MAX_ITERATIONS:
        return False  # not SCRAM, or too costly to check: the operator resets it
    try:
        _, params, keys = verifier.split("$")
        iterations_s, salt_b64 = params.split(":")
        stored_b64, server_b64 = keys.split(":")
        stored, server = _keys(password, base64.b64decode(salt_b64), int(iterations_s))
    except ValueError:
        return False
    return hmac.compare_digest(stored, base64.b64decode(stored_b64)) and hmac.compare_digest(
        server, base64.b64decode(server_b64)
    )
