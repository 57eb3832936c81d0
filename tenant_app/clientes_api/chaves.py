"""The key format, pure: ``cak.<tenant>.<prefixo>.<segredo>``.

The tenant slug inside the key makes a key of another tenant fail before any
database lookup (and tells a leaked key's owner at a glance); the prefix finds
the row; only a SHA-256 of the whole key is stored. The secret has 256 random
bits, so a fast hash is enough: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

ESQUEMA = "cak"


@dataclass(frozen=True)
class ChaveNova:
    """A freshly made key: the text for the client (shown once), its prefix and digest."""

    texto: str
    prefixo: str
    hash: str


def gerar(tenant: str) -> ChaveNova:
    """A new random key of ``tenant``."""
    prefixo = secrets.token_hex(8)
    texto = f"{ESQUEMA}.{tenant}.{prefixo}.{secrets.token_urlsafe(32)}"
    return ChaveNova(texto, prefixo, digest(texto))


def digest(texto: str) -> str:
    """SHA-256 hex of the key text."""
    return hashlib.sha256(texto.encode()).hexdigest()


def parece_chave(texto: str) -> bool:
    """True when a bearer credential is an API key (not a JWT)."""
    return texto.startswith(ESQUEMA + ".")


def ler(texto: str) -> tuple[str, str] | None:
    """(tenant, prefixo) of a well-formed key, else None."""
    partes = texto.split(".")
    if len(partes) != 4 or partes[0] != ESQUEMA or not all(partes[1:]):
        return None
    if len(partes[2]) != 16 or len(texto) > 200:
        return None
    return partes[1], partes[2]


def confere(texto: str, hash_guardado: str) -> bool:
    """Constant-time comparison of ``texto``'s digest with the stored one."""
    return hmac.compare_digest(digest(texto), hash_guardado)
