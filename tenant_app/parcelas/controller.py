"""``/api/cotas/{id}/parcelas`` and the cota's balance."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.auth.guards import requires
from tenant_app.cotas.service import get_cota
from tenant_app.grupos.models import Grupo
from tenant_app.dinheiro.alocacao import total_devido
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.parcelas.pagamento_parcela import estado
from tenant_app.parcelas.schemas import ParcelaOut, SaldoCotaOut
from tenant_app.parcelas.service import parcelas_em_aberto
from tenant_app.users.roles import Permission

READ = [requires(Permission.COTAS_READ)]


class ParcelaController(Controller):
    """The schedule of a cota."""

    path = "/api/cotas"
    tags = ["parcelas"]  # noqa: RUF012

    @get("/{cota_id:uuid}/parcelas", operation_id="listParcelas", name="parcelas:list", guards=READ)
    async def list_parcelas(
        self,
        cota_id: uuid.UUID,
        db_session: AsyncSession,
        status: Annotated[StatusParcela | None, QueryParameter(name="status")] = None,
        ref_date: Annotated[
            date | None, QueryParameter(name="data", description="Data de referência dos encargos")
        ] = None,
    ) -> list[ParcelaOut]:
        """The whole schedule (at most ``prazo`` rows), late charges as of ``data`` (default today)."""
        cota = await get_cota(db_session, cota_id)
        grupo = await db_session.get(Grupo, cota.grupo_id)
        assert grupo is not None
        ref = ref_date or date.today()
        stmt = select(Parcela).where(Parcela.cota_id == cota.id).order_by(Parcela.numero)
        if status is not None:
            stmt = stmt.where(Parcela.status == status)
        out = []
        for p in (await db_session.execute(stmt)).scalars():
            enc = p.encargos(ref, grupo.multa_pct, grupo.juros_mensal_pct)
            out.append(
                ParcelaOut(
                    id=p.id,
                    numero=p.numero,
                    vencimento=p.vencimento,
                    valor_fundo_comum=p.valor_fundo_comum,
                    valor_taxa_administracao=p.valor_taxa_administracao,
                    valor_fundo_reserva=p.valor_fundo_reserva,
                    valor_seguro=p.valor_seguro,
                    valor_total=p.valor_total,
                    valor_pago=p.valor_pago_principal,
                    saldo=p.saldo,
                    multa_devida=enc.multa,
                    juros_devidos=enc.juros,
                    status=p.status,
                    paga_em=p.paga_em,
                )
            )
        return out

    @get("/{cota_id:uuid}/saldo", operation_id="saldoCota", name="parcelas:saldo", guards=READ)
    async def saldo(
        self,
        cota_id: uuid.UUID,
        db_session: AsyncSession,
        ref_date: Annotated[date | None, QueryParameter(name="data")] = None,
    ) -> SaldoCotaOut:
        """Outstanding principal and late charges on ``data`` (default today)."""
        cota = await get_cota(db_session, cota_id)
        grupo = await db_session.get(Grupo, cota.grupo_id)
        assert grupo is not None
        ref = ref_date or date.today()
        estados = [estado(p) for p in await parcelas_em_aberto(db_session, cota.id)]
        principal = sum((e.saldo for e in estados), start=ZERO)
        total = total_devido(estados, ref, grupo.multa_pct, grupo.juros_mensal_pct)
        return SaldoCotaOut(
            data=ref,
            parcelas_em_aberto=len(estados),
            parcelas_vencidas=sum(1 for e in estados if e.vencimento < ref),
            principal=principal,
            encargos=total - principal,
            total=total,
        )
