"""Bodies of the delinquency endpoints."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import msgspec


class ContatoCobranca(msgspec.Struct, kw_only=True):
    """One contact of the consorciado (telefone, e-mail, whatsapp, ...)."""

    tipo: str
    valor: str
    principal: bool


class InadimplenteOut(msgspec.Struct, kw_only=True):
    """One cota in arrears on the reference date."""

    cota_id: uuid.UUID
    grupo_id: uuid.UUID
    numero_cota: int
    consorciado_id: uuid.UUID
    contemplada: bool
    parcelas_vencidas: int
    parcelas_consecutivas: int
    dias_atraso: int
    principal_vencido: Decimal
    multa: Decimal
    juros: Decimal
    total: Decimal
    #: Who to call: the consorciado's name, CPF/CNPJ (as in /api/consorciados) and contacts
    #: (null/empty once anonymized).
    grupo_codigo: str | None = None
    consorciado_nome: str | None = None
    consorciado_documento: str | None = None
    email: str | None = None
    telefone: str | None = None
    contatos: list[ContatoCobranca] = msgspec.field(default_factory=list)


class RelatorioOut(msgspec.Struct, kw_only=True):
    """Delinquency report."""

    data_referencia: date
    cotas: list[InadimplenteOut]
    total_cotas: int
    total_devido: Decimal


class ExclusaoAutomaticaIn(msgspec.Struct, kw_only=True):
    """Run the default-exclusion routine as of ``data`` (default today)."""

    data: date | None = None


class ExclusaoAutomaticaOut(msgspec.Struct, kw_only=True):
    """Cotas excluded by the routine."""

    data_referencia: date
    excluidas: list[uuid.UUID]
