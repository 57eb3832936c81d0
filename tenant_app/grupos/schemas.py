"""Bodies of the grupo endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from tenant_app.dinheiro.encargos import JUROS_MORA_MAX_MENSAL_PCT, MULTA_MAX_PCT
from tenant_app.dinheiro.seguro import ModoSeguro
from tenant_app.grupos.models import IndiceCorrecao, StatusGrupo, TipoBem
from tenant_app.http.money_input import FieldErrors
from tenant_app.http.schemas import Dinheiro, Percentual

#: Highest cláusula penal accepted on input (% of the restitution). Not a legal figure: the
#: law sets none (CDC art. 53 §2 allows deducting the harm the leaver caused the group);
#: the cap only keeps an obvious typo out of a contract.
CLAUSULA_PENAL_MAX_PCT = Decimal(50)
#: Related expenses a cheaper bem's difference may pay: at most 10 % of the crédito (Circular BCB
#: 3.084/2002, carried into 3.432/2009); the contract may set less. Also the default.
DESPESAS_RELACIONADAS_MAX_PCT = Decimal(10)

Dia = Annotated[int, msgspec.Meta(ge=1, le=28)]


def _encargos(
    errors: FieldErrors, multa_pct: Decimal | None, juros_pct: Decimal | None, fundo_comum_pct: Decimal | None
) -> None:
    # CDC (Lei 8.078/1990) art. 52 §1: multa de mora at most 2 %.
    errors.percent("multa_pct", multa_pct, maximum=MULTA_MAX_PCT)
    # STJ Súmula 379: juros moratórios agreed at most 1 % a month.
    errors.percent("juros_mensal_pct", juros_pct, maximum=JUROS_MORA_MAX_MENSAL_PCT)
    # Lei 11.795 art. 25 parágrafo único: the part of multa/juros destined to the fundo comum.
    errors.percent("encargos_fundo_comum_pct", fundo_comum_pct)


def _restituicao(errors: FieldErrors, clausula_penal_pct: Decimal | None) -> None:
    # Lei 11.795 art. 30 and CDC art. 53 §2: the contract's penalty on a restitution.
    errors.percent("clausula_penal_pct", clausula_penal_pct, maximum=CLAUSULA_PENAL_MAX_PCT)


def _credito(errors: FieldErrors, despesas_pct: Decimal | None) -> None:
    errors.percent("despesas_relacionadas_pct", despesas_pct, maximum=DESPESAS_RELACIONADAS_MAX_PCT)


class GrupoCreate(msgspec.Struct, kw_only=True):
    """Contract parameters of a new group (percentages of the credit over the whole plan)."""

    codigo: Annotated[str, msgspec.Meta(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9._-]+$")]
    tipo_bem: TipoBem
    valor_credito: Decimal
    prazo_meses: Annotated[int, msgspec.Meta(ge=1, le=600)]
    numero_cotas: Annotated[int, msgspec.Meta(ge=1, le=100000)]
    taxa_administracao_pct: Decimal
    #: Part of the taxa charged at the adesão (Lei 11.795 art. 27 §3); at most the taxa.
    taxa_antecipada_pct: Decimal = Decimal("0")
    fundo_reserva_pct: Decimal = Decimal("0")
    seguro_pct: Decimal = Decimal("0")
    seguro_modo: ModoSeguro = ModoSeguro.PERCENTUAL_CREDITO
    indice_correcao: IndiceCorrecao = IndiceCorrecao.NENHUM
    dia_assembleia: Dia
    dia_vencimento: Dia
    multa_pct: Decimal = Decimal("2")
    juros_mensal_pct: Decimal = Decimal("1")
    encargos_fundo_comum_pct: Decimal = Decimal("100")
    parcelas_para_exclusao: Annotated[int, msgspec.Meta(ge=1, le=24)] = 3
    clausula_penal_pct: Decimal = Decimal("0")
    #: At the closing, share the funds' remainder with the excluded cotas too (default: active only).
    rateio_inclui_excluidas: bool = False
    #: Share of the crédito a cheaper bem's difference may pay in related expenses (≤ 10 %).
    despesas_relacionadas_pct: Decimal = DESPESAS_RELACIONADAS_MAX_PCT

    def validate(self) -> None:
        """Money and percentage rules msgspec cannot express."""
        errors = FieldErrors()
        errors.money("valor_credito", self.valor_credito)
        errors.percent("taxa_administracao_pct", self.taxa_administracao_pct)
        errors.percent("taxa_antecipada_pct", self.taxa_antecipada_pct)
        errors.percent("fundo_reserva_pct", self.fundo_reserva_pct)
        errors.percent("seguro_pct", self.seguro_pct)
        _encargos(errors, self.multa_pct, self.juros_mensal_pct, self.encargos_fundo_comum_pct)
        _restituicao(errors, self.clausula_penal_pct)
        _credito(errors, self.despesas_relacionadas_pct)
        errors.raise_if_any()


class GrupoUpdate(msgspec.Struct, kw_only=True):
    """Changes allowed while the group is em formação (contract still open)."""

    valor_credito: Decimal | None = None
    prazo_meses: Annotated[int, msgspec.Meta(ge=1, le=600)] | None = None
    numero_cotas: Annotated[int, msgspec.Meta(ge=1, le=100000)] | None = None
    taxa_administracao_pct: Decimal | None = None
    taxa_antecipada_pct: Decimal | None = None
    fundo_reserva_pct: Decimal | None = None
    seguro_pct: Decimal | None = None
    seguro_modo: ModoSeguro | None = None
    dia_assembleia: Dia | None = None
    dia_vencimento: Dia | None = None
    multa_pct: Decimal | None = None
    juros_mensal_pct: Decimal | None = None
    encargos_fundo_comum_pct: Decimal | None = None
    parcelas_para_exclusao: Annotated[int, msgspec.Meta(ge=1, le=24)] | None = None
    clausula_penal_pct: Decimal | None = None
    rateio_inclui_excluidas: bool | None = None
    despesas_relacionadas_pct: Decimal | None = None

    def validate(self) -> None:
        """Same rules as creation, for the fields present."""
        errors = FieldErrors()
        errors.money("valor_credito", self.valor_credito)
        errors.percent("taxa_administracao_pct", self.taxa_administracao_pct)
        errors.percent("taxa_antecipada_pct", self.taxa_antecipada_pct)
        errors.percent("fundo_reserva_pct", self.fundo_reserva_pct)
        errors.percent("seguro_pct", self.seguro_pct)
        _encargos(errors, self.multa_pct, self.juros_mensal_pct, self.encargos_fundo_comum_pct)
        _restituicao(errors, self.clausula_penal_pct)
        _credito(errors, self.despesas_relacionadas_pct)
        errors.raise_if_any()


class GrupoOut(msgspec.Struct, kw_only=True):
    """A group with its balances."""

    id: uuid.UUID
    codigo: str
    tipo_bem: TipoBem
    valor_credito: Dinheiro
    prazo_meses: int
    numero_cotas: int
    taxa_administracao_pct: Percentual
    taxa_antecipada_pct: Percentual
    fundo_reserva_pct: Percentual
    seguro_pct: Percentual
    seguro_modo: ModoSeguro
    indice_correcao: IndiceCorrecao
    dia_assembleia: int
    dia_vencimento: int
    multa_pct: Percentual
    juros_mensal_pct: Percentual
    encargos_fundo_comum_pct: Percentual
    parcelas_para_exclusao: int
    clausula_penal_pct: Percentual
    rateio_inclui_excluidas: bool
    despesas_relacionadas_pct: Percentual
    status: StatusGrupo
    data_inicio: date | None
    data_encerramento: date | None
    saldo_fundo_comum: Dinheiro
    saldo_fundo_reserva: Dinheiro
    created_at: datetime


class InicioIn(msgspec.Struct, kw_only=True):
    """Start of the group: the first parcela falls due in the following month."""

    data_inicio: date


class CorrecaoIn(msgspec.Struct, kw_only=True):
    """Index variation (in %) applied to the credit and to the remaining plan."""

    indice_pct: Decimal
    referencia: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    #: Due date of the period's parcelas already billed at the old price before the AGO: they keep
    #: their amounts and the difference goes into the next parcela (Res. BCB 285 art. 25-A).
    vencimento_cobrado: date | None = None

    def validate(self) -> None:
        """Between -50 % and +100 %, 4 decimal places."""
        errors = FieldErrors()
        if not self.indice_pct.is_finite() or self.indice_pct.as_tuple().exponent < -4:  # type: ignore[operator]
            errors.add("indice_pct", "percentual inválido")
        elif not Decimal(-50) <= self.indice_pct <= Decimal(100):
            errors.add("indice_pct", "variação deve estar entre -50% e 100%")
        errors.raise_if_any()


class Reconciliacao(msgspec.Struct, kw_only=True):
    """Balances on the group versus the ledger and the payment allocations."""

    saldo_fundo_comum: Decimal
    saldo_fundo_reserva: Decimal
    lancamentos_fundo_comum: Decimal
    lancamentos_fundo_reserva: Decimal
    alocado_fundo_comum: Decimal
    alocado_fundo_reserva: Decimal
    outros_fundo_comum: Decimal
    outros_fundo_reserva: Decimal
    taxa_administracao_recebida: Decimal
    seguro_recebido: Decimal
    conciliado: bool


class ComponentePlano(msgspec.Struct):
    """One component of the first parcela."""

    valor: Decimal
    percentual: Decimal


class PlanoOut(msgspec.Struct, kw_only=True):
    """The first parcela in R$ and % of the credit (the contract must show it)."""

    prazo_meses: int
    valor_credito: Decimal
    primeira_parcela: dict[str, ComponentePlano]
