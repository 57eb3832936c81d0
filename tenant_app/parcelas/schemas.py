"""Bodies of the parcela endpoints."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import msgspec

from tenant_app.parcelas.models import StatusParcela


class ParcelaOut(msgspec.Struct, kw_only=True):
    """One parcela with what was paid and the late charges owed today."""

    id: uuid.UUID
    numero: int
    vencimento: date
    valor_fundo_comum: Decimal
    #: The month's taxa de administração (without the antecipação).
    valor_taxa_administracao: Decimal
    #: Antecipação da taxa de administração charged with this parcela (adesão), shown apart.
    valor_taxa_antecipada: Decimal
    valor_fundo_reserva: Decimal
    valor_seguro: Decimal
    valor_total: Decimal
    valor_pago: Decimal
    saldo: Decimal
    multa_devida: Decimal
    juros_devidos: Decimal
    status: StatusParcela
    paga_em: date | None


class SaldoCotaOut(msgspec.Struct, kw_only=True):
    """What settles the cota's debt on ``data``."""

    data: date
    parcelas_em_aberto: int
    parcelas_vencidas: int
    principal: Decimal
    encargos: Decimal
    total: Decimal
