"""Daily scan: ``parcela.vencendo`` (N days before the due date) and ``parcela.vencida`` (the day after).

Each event is deduplicated by parcela, kind and due date, so the scan may run any number
of times a day (beat, a retry, a second replica) and emits each reminder once.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.eventos.outbox import publicar_unico
from tenant_app.eventos.tipos import PARCELA_VENCENDO, PARCELA_VENCIDA
from tenant_app.grupos.models import Grupo
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.email.configuracao import carregar
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.unit_of_work import UnitOfWork


def _aberto(p: Parcela) -> object:
    pago = p.pago_fundo_comum + p.pago_taxa_administracao + p.pago_fundo_reserva + p.pago_seguro
    return p.valor_total - pago


async def emitir_vencimentos(uow: UnitOfWork, nset: NotificacoesSettings, hoje: date) -> tuple[int, int]:
    """Emit the day's reminders; returns (vencendo, vencidas) newly emitted."""
    session = uow.session
    dias = (await carregar(session, nset)).dias_aviso_vencimento
    alvo_vencendo = hoje + timedelta(days=dias)
    # Overdue since yesterday (a scan that missed days catches up on the last week).
    desde = hoje - timedelta(days=7)
    base = (
        select(Parcela, Cota.numero, Cota.consorciado_id, Grupo.codigo)
        .join(Cota, Cota.id == Parcela.cota_id)
        .join(Grupo, Grupo.id == Parcela.grupo_id)
        .where(Cota.status == StatusCota.ATIVA, Parcela.status != StatusParcela.PAGA)
    )
    novos = [0, 0]
    for i, (tipo, filtro) in enumerate(
        (
            (PARCELA_VENCENDO, Parcela.vencimento == alvo_vencendo),
            (PARCELA_VENCIDA, Parcela.vencimento.between(desde, hoje - timedelta(days=1))),
        )
    ):
        for parcela, numero, consorciado_id, codigo in (await session.execute(base.where(filtro))).all():
            dados = {
                "parcela_id": parcela.id,
                "parcela_numero": parcela.numero,
                "cota_id": parcela.cota_id,
                "cota_numero": numero,
                "grupo_id": parcela.grupo_id,
                "grupo_codigo": codigo,
                "consorciado_id": consorciado_id,
                "vencimento": parcela.vencimento,
                "valor": parcela.valor_total,
                "valor_em_aberto": _aberto(parcela),
            }
            if await publicar_unico(
                session,
                tipo,
                dados,
                deduplicacao=f"{tipo}:{parcela.id}:{parcela.vencimento.isoformat()}",
                chave=f"cota:{parcela.cota_id}",
            ):
                novos[i] += 1
    await uow.commit()
    return novos[0], novos[1]
