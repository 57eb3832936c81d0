"""Cobrança reports: the day's numbers (issued, registered, settled, rejected, to identify) and a grupo's
arrecadação against what fell due. Dates are Brasília dates for timestamps."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, cast, func, select

from tenant_app.cobranca.models import OcorrenciaRetorno, ResultadoOcorrencia, Titulo, ValorAIdentificar
from tenant_app.erros import FieldError, NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo
from tenant_app.pagamentos.models import FormaPagamento, Pagamento, StatusPagamento
from tenant_app.parcelas.models import Parcela
from tenant_app.unit_of_work import UnitOfWork

ZERO = Decimal("0.00")
FUSO = "America/Sao_Paulo"
MAXIMO_DIAS = 370


@dataclass
class Dia:
    data: date
    emitidos: int = 0
    valor_emitido: Decimal = ZERO
    registrados: int = 0
    liquidados: int = 0
    valor_liquidado: Decimal = ZERO
    rejeitados: int = 0
    a_identificar: int = 0
    valor_a_identificar: Decimal = ZERO


def _periodo(desde: date, ate: date) -> None:
    if ate < desde or (ate - desde).days > MAXIMO_DIAS:
        # Both dates parse, so the request is well-formed: a period the report does not serve is a rule (422).
        raise RegraVioladaError(
            f"Período inválido: 'ate' deve ser igual ou posterior a 'desde', até {MAXIMO_DIAS} dias.",
            errors=[FieldError("ate", f"de 'desde' a até {MAXIMO_DIAS} dias depois")],
            code="periodo_invalido",
        )


def _dia_local(coluna: Any) -> Any:
    return cast(func.timezone(FUSO, coluna), Date)


async def diario(uow: UnitOfWork, desde: date, ate: date) -> list[Dia]:
    """One row per day with any movement, oldest first."""
    _periodo(desde, ate)
    dias: dict[date, Dia] = {}

    def dia(d: date) -> Dia:
        return dias.setdefault(d, Dia(d))

    s = uow.session
    emitido = _dia_local(Titulo.emitido_em)
    for d, n, v in await s.execute(
        select(emitido, func.count(), func.coalesce(func.sum(Titulo.valor), 0))
        .where(emitido.between(desde, ate))
        .group_by(emitido)
    ):
        dia(d).emitidos, dia(d).valor_emitido = n, Decimal(v)
    registrado = _dia_local(Titulo.registrado_em)
    for d, n in await s.execute(
        select(registrado, func.count()).where(registrado.between(desde, ate)).group_by(registrado)
    ):
        dia(d).registrados = n
    for d, n, v in await s.execute(
        select(Titulo.liquidado_em, func.count(), func.coalesce(func.sum(Pagamento.valor), 0))
        .join(Pagamento, Pagamento.id == Titulo.pagamento_id)
        .where(Titulo.liquidado_em.between(desde, ate))
        .group_by(Titulo.liquidado_em)
    ):
        if d is not None:
            dia(d).liquidados, dia(d).valor_liquidado = n, Decimal(v)
    for d, n in await s.execute(
        select(OcorrenciaRetorno.data_ocorrencia, func.count())
        .where(
            OcorrenciaRetorno.resultado == ResultadoOcorrencia.REJEITADO,
            OcorrenciaRetorno.data_ocorrencia.between(desde, ate),
        )
        .group_by(OcorrenciaRetorno.data_ocorrencia)
    ):
        dia(d).rejeitados = n
    for d, n, v in await s.execute(
        select(
            ValorAIdentificar.data_credito, func.count(), func.coalesce(func.sum(ValorAIdentificar.valor), 0)
        )
        .where(ValorAIdentificar.data_credito.between(desde, ate))
        .group_by(ValorAIdentificar.data_credito)
    ):
        dia(d).a_identificar, dia(d).valor_a_identificar = n, Decimal(v)
    return [dias[d] for d in sorted(dias)]


@dataclass
class Arrecadacao:
    grupo_id: uuid.UUID
    grupo_codigo: str
    desde: date
    ate: date
    #: What fell due in the period: the parcelas' total (without late charges).
    esperado: Decimal
    #: Payments of the grupo dated in the period (confirmed, whatever parcela they paid).
    arrecadado: Decimal
    por_forma: dict[str, Decimal] = field(default_factory=dict)
    #: Of ``esperado``, what is still unpaid today.
    em_aberto: Decimal = ZERO

    @property
    def percentual(self) -> Decimal:
        if not self.esperado:
            return Decimal("0.0000")
        return (self.arrecadado * 100 / self.esperado).quantize(Decimal("0.0001"))


async def arrecadacao_do_grupo(uow: UnitOfWork, grupo_id: uuid.UUID, desde: date, ate: date) -> Arrecadacao:
    _periodo(desde, ate)
    grupo = await uow.session.get(Grupo, grupo_id)
    if grupo is None:
        raise NaoEncontrado("Grupo")
    esperado, pago = (
        await uow.session.execute(
            select(
                func.coalesce(func.sum(Parcela.valor_total), 0),
                func.coalesce(
                    func.sum(
                        Parcela.pago_fundo_comum
                        + Parcela.pago_fundo_reserva
                        + Parcela.pago_taxa_administracao
                        + Parcela.pago_seguro
                    ),
                    0,
                ),
            ).where(Parcela.grupo_id == grupo_id, Parcela.vencimento.between(desde, ate))
        )
    ).one()
    por_forma: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for forma, valor in await uow.session.execute(
        select(Pagamento.forma, func.sum(Pagamento.valor - Pagamento.valor_embutido))
        .where(
            Pagamento.grupo_id == grupo_id,
            Pagamento.status == StatusPagamento.CONFIRMADO,
            Pagamento.data_pagamento.between(desde, ate),
            Pagamento.forma != FormaPagamento.LANCE,
        )
        .group_by(Pagamento.forma)
    ):
        por_forma[FormaPagamento(forma).value] = Decimal(valor)
    return Arrecadacao(
        grupo_id=grupo.id,
        grupo_codigo=grupo.codigo,
        desde=desde,
        ate=ate,
        esperado=Decimal(esperado),
        arrecadado=sum(por_forma.values(), ZERO),
        por_forma=dict(por_forma),
        em_aberto=Decimal(esperado) - Decimal(pago),
    )
