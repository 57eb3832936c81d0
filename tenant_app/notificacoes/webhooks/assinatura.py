"""Standard Webhooks signatures (pure): ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``.

The signed content is ``{id}.{timestamp}.{body}``; the signature is HMAC-SHA256 with the
secret's bytes (base64 after the ``whsec_`` prefix), base64-encoded, sent as ``v1,<sig>``.
During a rotation every valid secret signs, space-separated, so receivers on either secret verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIXO = "whsec_"
#: Receivers reject timestamps further than this from their clock (replay protection).
TOLERANCIA_SEGUNDOS = 5 * 60


def novo_segredo() -> str:
    """A new endpoint secret: ``whsec_`` + base64 of 24 random bytes."""
    return PREFIXO + base64.b64encode(secrets.token_bytes(24)).decode()


def _chave(segredo: str) -> bytes:
    if not segredo.startswith(PREFIXO):
        raise ValueError("segredo sem o prefixo whsec_")
    return base64.b64decode(segredo[len(PREFIXO) :])


def assinar(segredo: str, msg_id: str, timestamp: int, corpo: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``id.timestamp.body``."""
    conteudo = f"{msg_id}.{timestamp}.".encode() + corpo
    digest = hmac.new(_chave(segredo), conteudo, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def cabecalhos(segredos: list[str], msg_id: str, timestamp: int, corpo: bytes) -> dict[str, str]:
    """The three headers, signed with every secret still valid."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(assinar(s, msg_id, timestamp, corpo) for s in segredos),
    }


def verificar(segredo: str, headers: dict[str, str], corpo: bytes, agora: int) -> bool:
    """What a receiver does (used by tests and the docs): any v1 signature matches, timestamp fresh."""
    msg_id, ts = headers["webhook-id"], int(headers["webhook-timestamp"])
    if abs(agora - ts) > TOLERANCIA_SEGUNDOS:
        return False
    esperado = assinar(segredo, msg_id, ts, corpo)
    return any(hmac.compare_digest(esperado, s) for s in headers["webhook-signature"].split())
