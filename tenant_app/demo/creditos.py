"""The demo group's contemplações and a carta de crédito at each stage of its life.

Seven past AGOs (one a month, the first eight months ago) are apurados by the real apuração with
a Loteria Federal extraction, so the cartas are born as in production; then each carta is taken,
through the crédito's services, to one stage: disponível, em análise, aprovada, recusada, bem
indicado with a payout in a CNAB remessa, paga parcialmente (the difference amortising parcelas),
encerrada, and convertida em espécie (a cota that paid everything, 180 days after its AGO).

Two stand-ins, visible as such: the AGOs are written as past meetings (the API only schedules
future ones), and the seller's payment of the "encerrada" carta is confirmed by a retorno built
here the way the bank answers (code 00 for each payment of the remessa) — the demo has no bank.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from tenant_app.assembleias.apuracao_service import apurar_com_trava
from tenant_app.assembleias.models import Assembleia, ContemplacaoCota, StatusAssembleia
from tenant_app.assembleias.schemas import RegrasAssembleiaIn
from tenant_app.assembleias.service import definir_regras
from tenant_app.assembleias.sorteio.extracao import parse_extracao
from tenant_app.assembleias.sorteio.ordem import MetodoSorteio
from tenant_app.credito import consultas, desembolso, remessa, service
from tenant_app.credito.especie import converter_elegiveis
from tenant_app.credito.models import (
    CartaCredito,
    DestinoDiferenca,
    DestinoPagamento,
    FormaPagamentoCredito,
    TipoBemIndicado,
    TipoDocumento,
    TipoGarantia,
)
from tenant_app.credito.rendimentos import apropriar
from tenant_app.credito.schemas import (
    BemIn,
    ContaPagadoraIn,
    DocumentoIn,
    FavorecidoIn,
    GarantiaIn,
    PagamentoCreditoIn,
)
from tenant_app.grupos.models import Grupo
from tenant_app.pagamentos.models import FormaPagamento
from tenant_app.pagamentos.service import registrar_pagamento
from tenant_app.unit_of_work import UnitOfWork

VENDEDOR = "11222333000181"  # a valid CNPJ (the domain's example)
CONTA_DEMO = ContaPagadoraIn(
    banco="001",
    nome_banco="BANCO DO BRASIL",
    inscricao="11444777000161",
    nome="ADMINISTRADORA DEMO",
    convenio="123456",
    agencia="1234",
    dv_agencia="5",
    conta="98765",
    dv_conta="0",
)
ESTAGIOS = (
    "convertida_em_especie",
    "encerrada",
    "paga_parcialmente",
    "bem_indicado",
    "recusada",
    "aprovada",
    "em_analise",
    "disponivel",
)


@dataclass
class _Fuso:
    """What the apuração reads of the settings: the administradora's time zone."""

    time_zone: str = "America/Sao_Paulo"


class _TravaDoSeed:
    """The seed runs alone on a group it just created: no other apuração can hold its lock."""

    def ensure_held(self) -> None:
        return None


async def _agos(uow: UnitOfWork, grupo: Grupo, today: date) -> list[uuid.UUID]:
    """One past AGO a month, each contemplating one cota by sorteio; their cartas' ids, oldest first."""
    grupo_id = grupo.id
    await definir_regras(uow, grupo.id, RegrasAssembleiaIn(metodo_sorteio=MetodoSorteio.FINAIS))
    await uow.commit()
    cartas = []
    for numero in range(1, len(ESTAGIOS) + 1):
        dia = today - timedelta(days=30 * (len(ESTAGIOS) + 1 - numero))
        assembleia = Assembleia(
            id=uuid.uuid4(),
            grupo_id=grupo_id,
            numero=numero,
            data_assembleia=dia,
            corte_lances_em=datetime.combine(dia - timedelta(days=1), time(18), tzinfo=UTC),
            status=StatusAssembleia.RECEBENDO_LANCES,
        )
        assembleia_id = assembleia.id
        uow.add(assembleia)
        await uow.commit()
        extracao = parse_extracao(5000 + numero, [f"{17 * numero:05d}", "10450", "22222", "31415", "40404"])
        await apurar_com_trava(uow, _TravaDoSeed(), _Fuso(), assembleia_id, extracao, None)  # type: ignore[arg-type]
        carta = await uow.session.scalar(
            select(CartaCredito.id)
            .join(ContemplacaoCota, ContemplacaoCota.id == CartaCredito.contemplacao_id)
            .where(ContemplacaoCota.assembleia_id == assembleia_id)
        )
        if carta is not None:
            cartas.append(carta)
    return cartas


def _retorno_de_demonstracao(texto: str, dia: date) -> str:
    """The bank's retorno for a remessa: every payment paid on ``dia`` (ocorrência 00). Demo only."""
    saida = []
    for linha in texto.split("\r\n")[:-1]:
        if linha[7] == "0":
            linha = linha[:142] + "2" + linha[143:]
        elif linha[7] == "3" and linha[13] == "A":
            pago = f"{dia:%d%m%Y}" + linha[119:134]  # data e valor reais (155-177): all of it, that day
            linha = linha[:134] + "DEMO".ljust(20) + pago + linha[177:230] + "00".ljust(10)
        saida.append(linha)
    return "\r\n".join(saida) + "\r\n"


async def _analisada(uow: UnitOfWork, carta_id: uuid.UUID, aprovar: bool | None, documentos: int = 3) -> None:
    await service.iniciar_analise(uow, carta_id, "Pedido de uso do crédito")
    for tipo in list(TipoDocumento)[:documentos]:
        await service.registrar_documento(
            uow, carta_id, DocumentoIn(tipo=tipo, referencia=f"demo/{tipo.value}.pdf")
        )
    if aprovar is not None:
        motivo = (
            "Renda e documentos conferidos" if aprovar else "Renda insuficiente para as parcelas restantes"
        )
        await service.decidir(uow, carta_id, aprovar, motivo)


async def _com_bem(
    uow: UnitOfWork,
    carta_id: uuid.UUID,
    cota_id: uuid.UUID,
    valor_bem: Decimal,
    destino: DestinoDiferenca | None,
) -> None:
    await _analisada(uow, carta_id, True)
    devedor = await consultas.saldo_devedor(uow.session, cota_id)
    await service.indicar_bem(
        uow,
        carta_id,
        BemIn(
            tipo=TipoBemIndicado.VEICULO,
            descricao="Automóvel 1.0 0 km",
            valor=valor_bem,
            documento_fiscal="NF-e 35261211222333000181550010000012341000012345",
            vendedor_nome="Auto Demo Veículos Ltda",
            vendedor_documento=VENDEDOR,
            destino_diferenca=destino,
        ),
    )
    await service.registrar_garantia(
        uow,
        carta_id,
        GarantiaIn(
            tipo=TipoGarantia.ALIENACAO_FIDUCIARIA_VEICULO,
            valor=max(valor_bem, devedor),
            descricao="Alienação fiduciária do automóvel ao grupo",
            registro={"renavam": "12345678901", "chassi": "9BWZZZ377VT004251", "placa": "DEM0A12"},
        ),
    )


def _ao_vendedor(valor: Decimal) -> PagamentoCreditoIn:
    return PagamentoCreditoIn(
        destino=DestinoPagamento.BEM,
        valor=valor,
        forma=FormaPagamentoCredito.TED,
        favorecido=FavorecidoIn(
            nome="Auto Demo Veículos Ltda",
            documento=VENDEDOR,
            banco="341",
            agencia="1500",
            conta="123456",
            dv_conta="7",
        ),
    )


async def seed_creditos(uow: UnitOfWork, grupo: Grupo, today: date) -> str:
    """Contemplações and a carta at each stage; returns the summary's tail."""
    grupo_id = grupo.id
    cartas = await _agos(uow, grupo, today)
    await apropriar(uow, grupo_id)  # the yield already recorded for the months the cartas waited
    await uow.commit()
    feitos: list[str] = []
    # Ids, not rows: commits and rollbacks along the way expire the ORM objects.
    for carta_id, estagio in zip(cartas, ESTAGIOS, strict=False):
        carta = await consultas.get_carta(uow.session, carta_id)
        cota_id = carta.cota_id
        valor = carta.saldo  # the crédito with the yield it earned while waiting
        if estagio == "convertida_em_especie":
            # The consorciado paid off the cota (late charges first, so up to three payments);
            # 180 days after the AGO the daily routine converts the unused crédito.
            for _ in range(3):
                devedor = await consultas.saldo_devedor(uow.session, cota_id)
                if devedor <= 0:
                    break
                await registrar_pagamento(uow, cota_id, devedor, today, FormaPagamento.TED, "demo: quitação")
                await uow.commit()
            await converter_elegiveis(uow, today)
        elif estagio == "encerrada":
            await _com_bem(uow, carta_id, cota_id, valor, None)
            await desembolso.solicitar(uow, carta_id, _ao_vendedor(valor))
            gerada, _ = await remessa.gerar_remessa(
                uow, grupo_id, FormaPagamentoCredito.TED, CONTA_DEMO, today
            )
            await remessa.importar_retorno(uow, _retorno_de_demonstracao(gerada.conteudo, today))
            await service.encerrar(uow, carta_id, "Bem entregue, alienação registrada no DETRAN")
        elif estagio == "paga_parcialmente":
            await _com_bem(uow, carta_id, cota_id, valor - Decimal("6000.00"), DestinoDiferenca.AMORTIZACAO)
            await desembolso.amortizar(uow, carta_id, Decimal("2000.00"), today)
        elif estagio == "bem_indicado":
            await _com_bem(uow, carta_id, cota_id, valor, None)
            await desembolso.solicitar(uow, carta_id, _ao_vendedor(valor))
            await remessa.gerar_remessa(uow, grupo_id, FormaPagamentoCredito.TED, CONTA_DEMO, today)
        elif estagio == "recusada":
            await _analisada(uow, carta_id, False)
        elif estagio == "aprovada":
            await _analisada(uow, carta_id, True)
        elif estagio == "em_analise":
            await _analisada(uow, carta_id, None, documentos=2)
        carta = await consultas.get_carta(uow.session, carta_id)
        feitos.append(carta.status.value)
    return f", {len(feitos)} cartas de crédito ({', '.join(feitos)})"
