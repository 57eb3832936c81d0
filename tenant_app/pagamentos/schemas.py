"""Bodies of the payment endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from tenant_app.http.money_input import FieldErrors
from tenant_app.http.schemas import Dinheiro
from tenant_app.pagamentos.models import FormaPagamento, StatusPagamento


class PagamentoIn(msgspec.Struct, kw_only=True):
    """Money received for a cota; allocated to the oldest open parcelas first."""

    valor: Decimal
    data_pagamento: date | None = None
    forma: FormaPagamento = FormaPagamento.PIX
    referencia: Annotated[str, msgspec.Meta(max_length=100)] | None = None

    def validate(self, today: date) -> None:
        """Positive amount in centavos, not dated in the future, not a lance."""
        errors = FieldErrors()
        errors.money("valor", self.valor)
        if self.forma is FormaPagamento.LANCE:
            # A lance is paid against its contemplação, which decides the amortisation.
            errors.add("forma", "o pagamento de um lance é registrado na assembleia (pagamentos-lance)")
        if self.forma is FormaPagamento.CREDITO:
            # The carta de crédito pays parcelas only through its own route, which debits the carta.
            errors.add("forma", "amortização com a carta de crédito: POST /api/creditos/{id}/amortizacao")
        if self.data_pagamento is not None and self.data_pagamento > today:
            errors.add("data_pagamento", "data de pagamento não pode estar no futuro")
        errors.raise_if_any()


class EstornoIn(msgspec.Struct, kw_only=True):
    """Reversal of a payment, with the reason."""

    motivo: Annotated[str, msgspec.Meta(min_length=5, max_length=500)]


class AlocacaoOut(msgspec.Struct, kw_only=True):
    """The part of the payment applied to one parcela."""

    parcela_id: uuid.UUID
    parcela_numero: int
    fundo_comum: Dinheiro
    fundo_reserva: Dinheiro
    taxa_administracao: Dinheiro
    seguro: Dinheiro
    multa: Dinheiro
    juros: Dinheiro


class PagamentoOut(msgspec.Struct, kw_only=True):
    """A payment with its allocation."""

    id: uuid.UUID
    cota_id: uuid.UUID
    grupo_id: uuid.UUID
    valor: Dinheiro
    #: Of ``valor``, the part of a lance embutido taken from the credit (not cash); zero otherwise.
    valor_embutido: Dinheiro
    data_pagamento: date
    forma: FormaPagamento
    referencia: str | None
    status: StatusPagamento
    registrado_em: datetime
    estornado_em: datetime | None
    motivo_estorno: str | None
    alocacoes: list[AlocacaoOut]


class PagamentoResumoOut(msgspec.Struct, kw_only=True):
    """A payment in a listing across cotas (the allocation is on ``GET /api/pagamentos/{id}``)."""

    id: uuid.UUID
    grupo_id: uuid.UUID
    grupo_codigo: str
    cota_id: uuid.UUID
    cota_numero: int
    #: R$, 2 casas decimais.
    valor: Dinheiro
    valor_embutido: Dinheiro
    data_pagamento: date
    forma: FormaPagamento
    referencia: str | None
    status: StatusPagamento
    registrado_em: datetime
    estornado_em: datetime | None
