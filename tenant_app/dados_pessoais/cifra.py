"""Encryption of personal data at rest: pure functions over the tenant's data key (no I/O).

One 32-byte data key per tenant (wrapped by the tenant's Vault Transit key, see ``chaves``)
gives two keys through HKDF-SHA256: one for AES-256-GCM, one for the blind index. A column's
*context* (``"consorciados.documento"``) is the GCM associated data, so a ciphertext copied
into another column does not decrypt, and it is part of the index, so equal values in two
columns have unrelated indexes. Stored text: ``dp1:<base64url(nonce ‖ ciphertext ‖ tag)>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIXO = "dp1:"
TAMANHO_CHAVE = 32
TAMANHO_NONCE = 12
_INFO_CIFRA = b"consorcio/dados-pessoais/v1/cifra"
_INFO_INDICE = b"consorcio/dados-pessoais/v1/indice"


class DadoIlegivel(ValueError):
    """A ``dp1:`` value this key cannot open: another tenant's key, another column, or tampered."""


def _derivar(chave_dados: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=TAMANHO_CHAVE, salt=None, info=info).derive(chave_dados)


@dataclass(frozen=True)
class Chaves:
    """The two keys derived from one data key (build with :func:`derivar`)."""

    cifra: bytes = field(repr=False)
    indice: bytes = field(repr=False)
    _aead: AESGCM = field(repr=False, compare=False)


def derivar(chave_dados: bytes) -> Chaves:
    """The encryption and index keys of a 32-byte data key."""
    if len(chave_dados) != TAMANHO_CHAVE:
        raise ValueError(f"a chave de dados tem {TAMANHO_CHAVE} bytes, não {len(chave_dados)}")
    cifra = _derivar(chave_dados, _INFO_CIFRA)
    return Chaves(cifra, _derivar(chave_dados, _INFO_INDICE), AESGCM(cifra))


def cifrado(guardado: str) -> bool:
    """Whether a stored value is ciphertext (not legacy plaintext)."""
    return guardado.startswith(PREFIXO)


def cifrar(chaves: Chaves, contexto: str, texto: str) -> str:
    """``dp1:`` ciphertext of ``texto`` for the column ``contexto`` (a fresh random nonce each time)."""
    nonce = os.urandom(TAMANHO_NONCE)
    corpo = chaves._aead.encrypt(nonce, texto.encode(), contexto.encode())
    return PREFIXO + base64.urlsafe_b64encode(nonce + corpo).decode("ascii")


def decifrar(chaves: Chaves, contexto: str, guardado: str) -> str:
    """The plaintext of a stored value; one without the ``dp1:`` prefix is legacy plaintext, kept as is."""
    if not cifrado(guardado):
        return guardado
    try:
        bruto = base64.urlsafe_b64decode(guardado[len(PREFIXO) :])
        nonce, corpo = bruto[:TAMANHO_NONCE], bruto[TAMANHO_NONCE:]
        return chaves._aead.decrypt(nonce, corpo, contexto.encode()).decode()
    except (InvalidTag, ValueError) as erro:
        raise DadoIlegivel(f"{contexto}: dado pessoal ilegível com esta chave") from erro


def indice(chaves: Chaves, contexto: str, valor: str) -> str:
    """Blind index of a normalised value: HMAC-SHA256(index key, context ‖ 0x00 ‖ value), hex (64 chars)."""
    return hmac.new(chaves.indice, contexto.encode() + b"\x00" + valor.encode(), hashlib.sha256).hexdigest()
