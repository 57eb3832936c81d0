"""Webhook secrets in the database, only where the process has no Vault: AES-256-GCM.

The secrets belong in the tenant's Vault path (``cofre.py``); a process without Vault access
(a local run) encrypts them in ``webhook_segredos`` instead, so a database dump alone does not
reveal them, and the worker's sweep moves such rows to Vault once it is configured. The key is
``NOTIFICACOES_CHAVE`` (from the tenant Secret), or derived from ``JWT_SECRET`` when unset.
"""

from __future__ import annotations

import hashlib
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12


def _aes(chave: str) -> AESGCM:
    return AESGCM(hashlib.sha256(("webhook-segredos\0" + chave).encode()).digest())


def cifrar(chave: str, segredo: str) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + _aes(chave).encrypt(nonce, segredo.encode(), b"webhook")


def decifrar(chave: str, dado: bytes) -> str:
    return _aes(chave).decrypt(dado[:_NONCE], dado[_NONCE:], b"webhook").decode()
