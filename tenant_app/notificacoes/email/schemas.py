"""Bodies of ``/api/notificacoes``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from consorcio_kit.input_rules import Email


class ConfiguracaoIO(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    nome_administradora: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    remetente_nome: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    remetente_email: Email
    responder_para: Email | None = None
    #: Receives operational alerts (webhook endpoint disabled); empty = every admin.
    email_alertas: Email | None = None
    emails_consorciados: bool = True
    dias_aviso_vencimento: Annotated[int, msgspec.Meta(ge=1, le=30)] = 3


class ComunicadoIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    assunto: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    paragrafos: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=5000)]], msgspec.Meta(min_length=1, max_length=50)
    ]
    #: Only these consorciados (still only those who consented); absent = every one who consented.
    consorciado_ids: list[uuid.UUID] | None = None


class ComunicadoOut(msgspec.Struct, kw_only=True):
    #: E-mails queued: one per consorciado whose latest marketing consent is granted.
    enfileirados: int


class EmailOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    evento_id: uuid.UUID | None
    consorciado_id: uuid.UUID | None
    categoria: str
    destinatario: str
    assunto: str
    status: str
    tentativas: int
    ultimo_erro: str | None
    enviado_em: datetime | None
    criado_em: datetime
