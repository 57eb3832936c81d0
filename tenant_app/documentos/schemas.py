"""Response bodies of ``/api/documentos``."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from tenant_app.documentos.models import CategoriaDocumento, EntidadeDocumento


class VersaoOut(msgspec.Struct, kw_only=True):
    """One stored version (immutable)."""

    numero: int
    nome_arquivo: str
    tipo_conteudo: str
    tamanho: int
    sha256: str
    enviado_por: uuid.UUID | None
    criado_em: datetime
    apagado_em: datetime | None


class DocumentoOut(msgspec.Struct, kw_only=True):
    """A document and all its versions, oldest first."""

    id: uuid.UUID
    entidade_tipo: EntidadeDocumento
    entidade_id: uuid.UUID
    consorciado_id: uuid.UUID | None
    categoria: CategoriaDocumento
    titulo: str
    versao_atual: int
    apagado_em: datetime | None
    motivo_apagamento: str | None
    created_at: datetime
    versoes: list[VersaoOut]


class LinkDownloadOut(msgspec.Struct, kw_only=True):
    """A presigned URL: GET it (no Authorization header) before ``expira_em``."""

    url: str
    expira_em: datetime
    numero: int
    tipo_conteudo: str
    tamanho: int
    sha256: str
