"""Bodies of ``/api/notificacoes``."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from consorcio_kit.input_rules import Email
from tenant_app.eventos import tipos
from tenant_app.notificacoes.email.personalizacao import MAX_ASSUNTO, MAX_PARAGRAFOS


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
    paragrafos: Annotated[list[str], msgspec.Meta(min_length=1, max_length=50)]
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


class TipoModeloEmail(enum.StrEnum):
    """The events that send the consorciado an e-mail (each may get the administradora's wording)."""

    PAGAMENTO_CONFIRMADO = tipos.PAGAMENTO_CONFIRMADO
    PARCELA_VENCENDO = tipos.PARCELA_VENCENDO
    PARCELA_VENCIDA = tipos.PARCELA_VENCIDA
    COTA_CONTEMPLADA = tipos.COTA_CONTEMPLADA
    COTA_ADERIDA = tipos.COTA_ADERIDA
    COTA_EXCLUIDA = tipos.COTA_EXCLUIDA
    BOLETO_EMITIDO = tipos.BOLETO_EMITIDO
    DOCUMENTO_GERADO = tipos.DOCUMENTO_GERADO


class CampoModeloOut(msgspec.Struct, kw_only=True):
    nome: str
    descricao: str


class ModeloEmailIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The administradora's wording: ``{campo}`` for the event's values (see ``campos``)."""

    assunto: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ASSUNTO)]
    #: The body, one text per paragraph; a paragraph whose fields are all empty is left out.
    paragrafos: Annotated[
        # No bounds on the items: the document cannot state a nested item's bound (the framework
        # drops it), and a bound the document does not state would reject a request it allows.
        # The service drops blank paragraphs and refuses long ones (422, naming paragrafos[i]).
        list[str],
        msgspec.Meta(min_length=1, max_length=MAX_PARAGRAFOS),
    ]


class ModeloEmailOut(msgspec.Struct, kw_only=True):
    tipo: str
    #: What the e-mail is for, in Portuguese.
    descricao: str
    #: True when the administradora's wording is in use; false: the app's.
    personalizado: bool
    #: The administradora's subject, or null while the app's wording is in use.
    assunto: str | None
    #: The administradora's paragraphs, or null while the app's wording is in use.
    paragrafos: list[str] | None
    #: The ``{campo}`` names this e-mail may use, each with what it holds.
    campos: list[CampoModeloOut]
    #: The subject as it would go out now, filled with example values.
    exemplo_assunto: str
    #: The paragraphs as they would go out now, filled with example values.
    exemplo_paragrafos: list[str]
    atualizado_em: datetime | None
