"""Bodies of the yield endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import msgspec

from tenant_app.http.money_input import FieldErrors
from tenant_app.http.schemas import Dinheiro


class RendimentoIn(msgspec.Struct, kw_only=True):
    """One period's net yield of the group's investments, from the bank statement."""

    inicio: date
    fim: date
    #: Net yield (after income tax and fees) credited to the group in the period.
    valor: Decimal
    #: The invested balance that earned it; omitted: the fundo comum's balance now.
    saldo_base: Decimal | None = None

    def validate(self) -> None:
        """Positive amounts in centavos, a period that ends on or after it starts."""
        errors = FieldErrors()
        errors.money("valor", self.valor)
        errors.money("saldo_base", self.saldo_base)
        if self.fim < self.inicio:
            errors.add("fim", "o fim do período não pode ser anterior ao início")
        errors.raise_if_any()


class RendimentoOut(msgspec.Struct, kw_only=True):
    """A recorded period."""

    id: uuid.UUID
    grupo_id: uuid.UUID
    inicio: date
    fim: date
    valor: Dinheiro
    saldo_base: Dinheiro
    registrado_em: datetime
