"""Receiving an uploaded file: size limit while it streams in, type by its first bytes.

The file is spooled (memory up to 1 MiB, then a temporary file) so a 20 MB
upload never sits whole in memory, and the limit stops the transfer as soon as
it is passed. The type is what the content is, not what the name or the
Content-Type header claim: PDF (``%PDF-``), PNG (8-byte signature) or JPEG
(SOI marker ``FF D8 FF``).
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import IO

from tenant_app.erros import ArquivoGrandeDemais, TipoArquivoNaoSuportado

#: Upload limit (scans of identity documents, signed contracts): 25 MiB.
LIMITE_BYTES = 25 * 1024 * 1024
_SPOOL_BYTES = 1024 * 1024

#: (signature, MIME type, extension).
ASSINATURAS: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def detectar_tipo(inicio: bytes) -> tuple[str, str] | None:
    """(MIME, extension) of a file from its first bytes; None when not PDF/PNG/JPEG."""
    for assinatura, mime, ext in ASSINATURAS:
        if inicio.startswith(assinatura):
            return mime, ext
    return None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


@dataclass
class ArquivoRecebido:
    """A received upload: spooled bytes, their size and detected type."""

    arquivo: IO[bytes]
    tamanho: int
    tipo_conteudo: str
    extensao: str

    def close(self) -> None:
        self.arquivo.close()


def checar_tamanho_declarado(content_length: str | None, limite: int = LIMITE_BYTES) -> None:
    """Refuse before reading when Content-Length already says the file is too big."""
    if content_length and content_length.isdigit() and int(content_length) > limite:
        raise ArquivoGrandeDemais(f"O arquivo passa do limite de {_mb(limite)}.", campo="arquivo")


async def receber(chunks: AsyncIterator[bytes], limite: int = LIMITE_BYTES) -> ArquivoRecebido:
    """Spool the body, stopping at ``limite`` (413); then check the type by content (415)."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 (returned)
    tamanho = 0
    inicio = b""
    try:
        async for chunk in chunks:
            tamanho += len(chunk)
            if tamanho > limite:
                raise ArquivoGrandeDemais(f"O arquivo passa do limite de {_mb(limite)}.", campo="arquivo")
            if len(inicio) < 16:
                inicio += chunk[: 16 - len(inicio)]
            spool.write(chunk)
        if tamanho == 0:
            raise TipoArquivoNaoSuportado("O arquivo está vazio.", campo="arquivo")
        tipo = detectar_tipo(inicio)
        if tipo is None:
            raise TipoArquivoNaoSuportado(
                "O conteúdo do arquivo não é PDF, JPEG nem PNG (verificado pelo conteúdo, não pelo nome).",
                campo="arquivo",
            )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return ArquivoRecebido(spool, tamanho, tipo[0], tipo[1])
