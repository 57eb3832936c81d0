"""The data of a cota's carnê: its live títulos (oldest due first) with the account, grupo and payer."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tenant_app.cobranca.carne import FolhaCarne
from tenant_app.cobranca.models import ATIVOS, ContaCobranca, Titulo
from tenant_app.consorciados.models import Consorciado
from tenant_app.cotas.models import Cota
from tenant_app.erros import NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo
from tenant_app.unit_of_work import UnitOfWork


def _conta(c: ContaCobranca) -> str:
    agencia = c.agencia + (f"-{c.dv_agencia}" if c.dv_agencia.strip() else "")
    conta = c.conta + (f"-{c.dv_conta}" if c.dv_conta.strip() else "")
    return f"{agencia} / {conta}"


async def folhas_da_cota(uow: UnitOfWork, cota_id: uuid.UUID, quantidade: int) -> list[FolhaCarne]:
    """One page per live título of the cota, by due date; 422 ``sem_titulos`` when there is none."""
    row = (
        await uow.session.execute(
            select(Cota, Grupo, Consorciado)
            .join(Grupo, Grupo.id == Cota.grupo_id)
            .join(Consorciado, Consorciado.id == Cota.consorciado_id)
            .where(Cota.id == cota_id)
        )
    ).first()
    if row is None:
        raise NaoEncontrado("Cota")
    cota, grupo, consorciado = row
    titulos = (
        await uow.session.execute(
            select(Titulo, ContaCobranca)
            .join(ContaCobranca, ContaCobranca.id == Titulo.conta_id)
            .where(Titulo.cota_id == cota_id, Titulo.status.in_(ATIVOS))
            .order_by(Titulo.vencimento, Titulo.parcela_numero)
            .limit(quantidade)
        )
    ).all()
    if not titulos:
        raise RegraVioladaError(
            "A cota não tem títulos emitidos: emita o carnê antes (POST /api/cotas/{id}/carne).",
            code="sem_titulos",
        )
    return [
        FolhaCarne(
            banco=conta.banco,
            beneficiario=conta.beneficiario_nome,
            beneficiario_documento=conta.beneficiario_documento,
            agencia_conta=_conta(conta),
            pagador=consorciado.nome,
            pagador_documento=consorciado.documento or "",
            grupo=grupo.codigo,
            cota=cota.numero,
            parcela=t.parcela_numero,
            nosso_numero=t.nosso_numero,
            vencimento=t.vencimento,
            valor=t.valor,
            linha_digitavel=t.linha_digitavel,
            codigo_barras=t.codigo_barras,
            brcode=t.brcode,
        )
        for t, conta in titulos
    ]
