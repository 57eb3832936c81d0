"""A group at the end of its plan, seeded straight into the tenant database (the test plays the clock)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tenant_app.consorciados.models import Consorciado, Contato, TipoPessoa
from tenant_app.cotas.models import Cota, MotivoExclusao, StatusCota
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.support.tenant_app_fixtures import Tenant

CREDITO = Decimal("10000.00")
FC, TA, FR = Decimal("1000.00"), Decimal("100.00"), Decimal("50.00")  # per parcela, 10 parcelas
ZERO = Decimal("0.00")


@dataclass
class GrupoNoFim:
    """Ids of the seeded group and its cotas by number."""

    grupo_id: uuid.UUID
    cotas: dict[int, uuid.UUID]


async def semear(
    tenant: Tenant,
    *,
    saldo_comum: Decimal = Decimal("3000.00"),
    saldo_reserva: Decimal = Decimal("1050.00"),
    cota2_contemplada: bool = True,
    rateio_inclui_excluidas: bool = False,
) -> GrupoNoFim:
    """Credit 10 000 over 10 parcelas (1 000 fc + 100 taxa + 50 fr), clausula penal 10 %, 3 cotas.

    Cota 1: contemplated, paid all 10, gave a PIX key. Cota 2: contemplated, paid 9 (the 10th open,
    1 150.00), no account. Cota 3: excluded after paying 2 (Feb and Mar 2025), gave a PIX key.
    """
    engine = create_engine(tenant.settings.database)
    uow = UnitOfWork(create_session_factory(engine)(), Actor(None, "teste"))
    try:
        grupo = Grupo(
            codigo=f"E{uuid.uuid4().hex[:8]}",
            tipo_bem=TipoBem.AUTOMOVEL,
            valor_credito=CREDITO,
            prazo_meses=10,
            numero_cotas=3,
            taxa_administracao_pct=Decimal("10"),
            fundo_reserva_pct=Decimal("5"),
            clausula_penal_pct=Decimal("10"),
            rateio_inclui_excluidas=rateio_inclui_excluidas,
            dia_assembleia=15,
            dia_vencimento=10,
            status=StatusGrupo.EM_ANDAMENTO,
            data_inicio=date(2025, 1, 15),
        )
        uow.add(grupo)
        await uow.flush()
        cotas: dict[int, uuid.UUID] = {}
        for numero, pagas, conta in ((1, 10, True), (2, 9, False), (3, 2, True)):
            pessoa = Consorciado(tipo_pessoa=TipoPessoa.FISICA, nome=f"Consorciado {numero}")
            uow.add(pessoa)
            await uow.flush()
            if conta:
                uow.add(Contato(consorciado_id=pessoa.id, tipo="pix", valor=f"pessoa{numero}@example.com"))
            excluida = numero == 3
            cota = Cota(
                grupo_id=grupo.id,
                numero=numero,
                consorciado_id=pessoa.id,
                data_adesao=date(2025, 1, 5),
                status=StatusCota.EXCLUIDA if excluida else StatusCota.ATIVA,
                contemplada=not excluida and (numero == 1 or cota2_contemplada),
                motivo_exclusao=MotivoExclusao.SOLICITACAO if excluida else None,
                excluida_em=date(2025, 4, 1) if excluida else None,
            )
            uow.add(cota)
            await uow.flush()
            cotas[numero] = cota.id
            for n in range(1, 11):
                vencimento = date(2025, 1 + n, 10)
                paga = n <= pagas
                uow.add(
                    Parcela(
                        cota_id=cota.id,
                        grupo_id=grupo.id,
                        numero=n,
                        vencimento=vencimento,
                        valor_fundo_comum=FC,
                        valor_taxa_administracao=TA,
                        valor_fundo_reserva=FR,
                        valor_seguro=ZERO,
                        valor_total=FC + TA + FR,
                        pago_fundo_comum=FC if paga else ZERO,
                        pago_taxa_administracao=TA if paga else ZERO,
                        pago_fundo_reserva=FR if paga else ZERO,
                        status=StatusParcela.PAGA if paga else StatusParcela.ABERTA,
                        paga_em=vencimento if paga else None,
                    )
                )
        await uow.lancar(
            grupo.id,
            [(Fundo.FUNDO_COMUM, saldo_comum), (Fundo.FUNDO_RESERVA, saldo_reserva)],
            OrigemLancamento.AJUSTE,
            descricao="saldos do grupo ao fim do plano (teste)",
        )
        await uow.commit()
        return GrupoNoFim(grupo.id, cotas)
    finally:
        await uow.close()
        await engine.dispose()
