"""Routes: the cartas de crédito — reading them, the análise, guarantees, the bem, the closing."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from tenant_app import calendario
from tenant_app.credito import consultas, service
from tenant_app.credito.controller.respostas import ANALISAR, LER, carta_out, detalhe_out
from tenant_app.credito.estados import StatusCarta
from tenant_app.credito.saidas import CartaDetalheOut, CartaOut, ConciliacaoCartaOut, ConciliacaoOut
from tenant_app.credito.schemas import BemIn, DecisaoIn, DocumentoIn, GarantiaIn, MotivoIn
from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork

_IDEMPOTENTE = (
    " Exige o cabeçalho Idempotency-Key (428 sem ele); repetir a chamada com a mesma chave "
    "devolve a primeira resposta."
)


async def _detalhe(uow: UnitOfWork, carta_id: uuid.UUID) -> CartaDetalheOut:
    carta = await consultas.get_carta(uow.session, carta_id)
    return detalhe_out(await consultas.detalhe(uow.session, carta))


class CartasController(Controller):
    """The carta de crédito of each contemplated cota (Lei 11.795/2008 arts. 14 and 24)."""

    path = "/api"
    tags = ["créditos"]  # noqa: RUF012

    @get(
        "/grupos/{grupo_id:uuid}/creditos",
        operation_id="listarCartasCredito",
        name="credito:listar",
        guards=LER,
        summary="Cartas de crédito do grupo",
        description="Todas as cartas de crédito das cotas contempladas do grupo, por número de cota; "
        "filtre por `status`.",
    )
    async def listar(
        self,
        uow: NamedDependency[UnitOfWork],
        grupo_id: FromPath[uuid.UUID],
        status: StatusCarta | None = QueryParameter(default=None, description="Só as cartas neste status."),  # type: ignore[assignment]
    ) -> list[CartaOut]:
        return [carta_out(c, n) for c, n in await consultas.listar_cartas(uow.session, grupo_id, status)]

    @get(
        "/grupos/{grupo_id:uuid}/creditos/conciliacao",
        operation_id="conciliarCartasCredito",
        name="credito:conciliacao",
        guards=LER,
        summary="Conciliação das cartas com o razão",
        description="O saldo de cada carta (crédito + rendimentos − pagos) contra o seu dinheiro no razão do "
        "grupo (fundo creditos_a_pagar): `conciliado` quando todos batem ao centavo. O fundo comum e o de "
        "reserva concilia-se em GET /api/grupos/{id}/fundos.",
    )
    async def conciliacao(
        self, uow: NamedDependency[UnitOfWork], grupo_id: FromPath[uuid.UUID]
    ) -> ConciliacaoOut:
        linhas, ok = await consultas.conciliar(uow.session, grupo_id)
        cartas = [
            to_schema(ConciliacaoCartaOut, c, carta_id=c.id, saldo=c.saldo, no_razao=razao)
            for c, razao in linhas
        ]
        return to_schema(
            ConciliacaoOut,
            object(),
            cartas=cartas,
            total_saldo=sum((c.saldo for c, _ in linhas if c.disponivel_em is not None), Decimal(0)),
            total_no_razao=sum((r for _, r in linhas), Decimal(0)),
            conciliado=ok,
        )

    @get(
        "/creditos/{carta_id:uuid}",
        operation_id="obterCartaCredito",
        name="credito:obter",
        guards=LER,
        summary="Ficha da carta de crédito",
        description="A carta com seus valores (crédito na AGO, embutido, rendimentos, pago, saldo), os "
        "documentos "
        "da análise (e os que faltam), as garantias e sua cobertura do saldo devedor, o bem e o vendedor, os "
        "pagamentos e o histórico de status com autor e motivo.",
    )
    async def obter(self, uow: NamedDependency[UnitOfWork], carta_id: FromPath[uuid.UUID]) -> CartaDetalheOut:
        return await _detalhe(uow, carta_id)

    @get(
        "/cotas/{cota_id:uuid}/credito",
        operation_id="obterCartaDaCota",
        name="credito:da-cota",
        guards=LER,
        summary="Carta de crédito da cota",
        description="A ficha da carta de crédito da cota contemplada (404 se a cota não foi contemplada).",
    )
    async def da_cota(
        self, uow: NamedDependency[UnitOfWork], cota_id: FromPath[uuid.UUID]
    ) -> CartaDetalheOut:
        carta = await consultas.carta_da_cota(uow.session, cota_id)
        return detalhe_out(await consultas.detalhe(uow.session, carta))

    async def _acao(
        self, uow: UnitOfWork, escopo: str, chave: str | None, carta_id: uuid.UUID, corpo: Any, trabalho: Any
    ) -> Response[Any]:
        async def work() -> CartaDetalheOut:
            await trabalho()
            return await _detalhe(uow, carta_id)

        return await uma_vez(uow, escopo, chave, [str(carta_id), msgspec.json.encode(corpo)], work)

    @post(
        "/creditos/{carta_id:uuid}/analise",
        operation_id="iniciarAnaliseCredito",
        name="credito:analise",
        guards=ANALISAR,
        status_code=200,
        summary="Iniciar a análise de crédito",
        description="disponível (ou recusada, para nova análise) → em análise. 409 `transicao_invalida` "
        "de outro "
        "status; 422 `lance_nao_pago` enquanto o lance da cota não foi pago." + _IDEMPOTENTE,
    )
    async def iniciar_analise(
        self,
        uow: NamedDependency[UnitOfWork],
        carta_id: FromPath[uuid.UUID],
        data: JSONBody[MotivoIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[CartaDetalheOut]:
        return await self._acao(
            uow,
            "credito:analise",
            idempotency_key,
            carta_id,
            data,
            lambda: service.iniciar_analise(uow, carta_id, data.motivo),
        )

    @post(
        "/creditos/{carta_id:uuid}/documentos",
        operation_id="registrarDocumentoCredito",
        name="credito:documento",
        guards=ANALISAR,
        status_code=200,
        summary="Registrar documento da análise",
        description="Identidade, renda, residência (exigidos) ou outro: a referência do arquivo no plano de "
        "documentos. Aceito antes da decisão." + _IDEMPOTENTE,
    )
    async def documento(
        self,
        uow: NamedDependency[UnitOfWork],
        carta_id: FromPath[uuid.UUID],
        data: JSONBody[DocumentoIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[CartaDetalheOut]:
        return await self._acao(
            uow,
            "credito:documento",
            idempotency_key,
            carta_id,
            data,
            lambda: service.registrar_documento(uow, carta_id, data),
        )

    @post(
        "/creditos/{carta_id:uuid}/decisao",
        operation_id="decidirAnaliseCredito",
        name="credito:decisao",
        guards=ANALISAR,
        status_code=200,
        summary="Decidir a análise de crédito",
        description="em análise → aprovada (422 `documentos_faltando` sem identidade, renda e residência) ou "
        "recusada (o motivo fica na carta e no histórico)." + _IDEMPOTENTE,
    )
    async def decisao(
        self,
        uow: NamedDependency[UnitOfWork],
        carta_id: FromPath[uuid.UUID],
        data: JSONBody[DecisaoIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[CartaDetalheOut]:
        return await self._acao(
            uow,
            "credito:decisao",
            idempotency_key,
            carta_id,
            data,
            lambda: service.decidir(uow, carta_id, data.aprovada, data.motivo),
        )

    @post(
        "/creditos/{carta_id:uuid}/garantias",
        operation_id="registrarGarantiaCredito",
        name="credito:garantia",
        guards=ANALISAR,
        status_code=200,
        summary="Registrar garantia",
        description="Alienação fiduciária de veículo (RENAVAM, chassi) ou de imóvel (matrícula, "
        "cartório), fiador "
        "(nome, CPF) ou outra, com o valor. A cobertura do saldo devedor (Lei 11.795 art. 14) é exigida "
        "quando "
        "o pagamento do bem é ordenado (422 `garantia_insuficiente` / `garantia_sobre_o_bem`)."
        + _IDEMPOTENTE,
    )
    async def garantia(
        self,
        uow: NamedDependency[UnitOfWork],
        carta_id: FromPath[uuid.UUID],
        data: JSONBody[GarantiaIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[CartaDetalheOut]:
        return await self._acao(
            uow,
            "credito:garantia",
            idempotency_key,
            carta_id,
            data,
            lambda: service.registrar_garantia(uow, carta_id, data),
        )

    @post(
        "/creditos/{carta_id:uuid}/bem",
        operation_id="indicarBemCredito",
        name="credito:bem",
        guards=ANALISAR,
        status_code=200,
        summary="Indicar o bem e o vendedor",
        description="aprovada → bem indicado (ou troca do bem enquanto nada foi pago). CPF/CNPJ do vendedor "
        "validado (422 `documento_invalido`); bem mais barato que o crédito exige `destino_diferenca` "
        "(despesas até 10% do crédito, amortizacao de parcelas ou devolucao com saldo devedor quitado); "
        "bem mais "
        "caro: o consorciado paga a diferença ao vendedor, fora do grupo." + _IDEMPOTENTE,
    )
    async def bem(
        self,
        uow: NamedDependency[UnitOfWork],
        carta_id: FromPath[uuid.UUID],
        data: JSONBody[BemIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[CartaDetalheOut]:
        return await self._acao(
            uow,
            "credito:bem",
            idempotency_key,
            carta_id,
            data,
            lambda: service.indicar_bem(uow, carta_id, data),
        )

    @post(
        "/creditos/{carta_id:uuid}/encerramento",
        operation_id="encerrarCartaCredito",
        name="credito:encerrar",
        guards=ANALISAR,
        status_code=200,
        summary="Encerrar a carta",
        description="paga → encerrada, quando nada resta do crédito (422 `saldo_remanescente` com "
        "rendimentos "
        "apropriados depois do pagamento)." + _IDEMPOTENTE,
    )
    async def encerrar(
        self,
        uow: NamedDependency[UnitOfWork],
        carta_id: FromPath[uuid.UUID],
        data: JSONBody[MotivoIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[CartaDetalheOut]:
        return await self._acao(
            uow,
            "credito:encerrar",
            idempotency_key,
            carta_id,
            data,
            lambda: service.encerrar(uow, carta_id, data.motivo),
        )

    @post(
        "/creditos/{carta_id:uuid}/conversao-especie",
        operation_id="converterCreditoEmEspecie",
        name="credito:especie",
        guards=ANALISAR,
        status_code=200,
        summary="Converter o crédito em espécie",
        description="Crédito não utilizado → convertida em espécie: 180 dias após a contemplação com o saldo "
        "devedor quitado, ou no encerramento do grupo (422 `especie_antes_do_prazo`, "
        "`especie_com_saldo_devedor`, `credito_em_uso`). O dinheiro sai por um pagamento de destino "
        "`especie` à "
        "conta do consorciado." + _IDEMPOTENTE,
    )
    async def especie(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        carta_id: FromPath[uuid.UUID],
        data: JSONBody[MotivoIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[CartaDetalheOut]:
        hoje = calendario.hoje()
        return await self._acao(
            uow,
            "credito:especie",
            idempotency_key,
            carta_id,
            data,
            lambda: service.converter_em_especie(uow, carta_id, data.motivo, hoje),
        )
