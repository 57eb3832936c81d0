"""Bodies of ``/api/webhooks``."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from tenant_app.eventos.tipos import TIPOS

TipoEvento = msgspec.Meta(description="Um dos tipos de evento: " + ", ".join(TIPOS))


class EndpointIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    url: str = msgspec.field()
    descricao: str | None = None
    #: Event types to receive; empty = all.
    tipos: list[str] = msgspec.field(default_factory=list)


class EndpointPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    url: str | None = None
    descricao: str | None = None
    tipos: list[str] | None = None
    ativo: bool | None = None


class EndpointOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    url: str
    descricao: str | None
    tipos: list[str]
    ativo: bool
    desativado_em: datetime | None
    motivo_desativacao: str | None
    falhas_consecutivas: int
    ultimo_sucesso_em: datetime | None
    criado_em: datetime


class EndpointCriadoOut(EndpointOut, kw_only=True):
    #: ``whsec_...``: shown only here and on rotation; keep it in your secret store.
    segredo: str


class RotacaoIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    #: Hours the previous secret(s) keep signing next to the new one (0-168).
    sobreposicao_horas: int = 24


class RotacaoOut(msgspec.Struct, kw_only=True):
    segredo: str
    anteriores_expiram_em: datetime


class TentativaOut(msgspec.Struct, kw_only=True):
    numero: int
    em: datetime
    status_http: int | None
    erro: str | None
    duracao_ms: int


class EntregaOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    endpoint_id: uuid.UUID
    evento_id: uuid.UUID
    tipo: str
    status: str
    tentativas: int
    proxima_tentativa_em: datetime | None
    ultimo_status_http: int | None
    ultimo_erro: str | None
    entregue_em: datetime | None
    criado_em: datetime


class EntregaDetalheOut(EntregaOut, kw_only=True):
    log: list[TentativaOut]
