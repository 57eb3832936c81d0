"""Routes: money out of the cartas — payouts, amortisation, the CNAB files, the yield."""

from __future__ import annotations

import uuid
from datetime import date

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from tenant_app import calendario
from tenant_app.credito import desembolso, remessa
from tenant_app.credito.controller.respostas import PAGAR, pagamento_out, remessa_out
from tenant_app.credito.models import RetornoCredito
from tenant_app.credito.rendimentos import apropriar
from tenant_app.credito.saidas import (
    ApropriacaoOut,
    PagamentoCreditoOut,
    RemessaOut,
    RetornoItemOut,
    RetornoOut,
)
from tenant_app.credito.schemas import AmortizacaoIn, PagamentoCreditoIn, RemessaIn, RetornoIn
from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.unit_of_work import UnitOfWork

_IDEMPOTENTE = (
    " Movimenta dinheiro: exige o cabeçalho Idempotency-Key (428 sem ele); repetir com a mesma chave e o "
    "mesmo "
    "corpo devolve a primeira resposta sem repetir o efeito."
)


def _hoje(state: State) -> date:
    return calendario.hoje()


def _retorno_out(r: RetornoCredito) -> RetornoOut:
    return RetornoOut(
        id=r.id,
        sha256=r.sha256,
        efetivados=int(r.resumo["efetivados"]),
        rejeitados=int(r.resumo["rejeitados"]),
        itens=[
            RetornoItemOut(
                seu_numero=i["seu_numero"],
                situacao=i["situacao"],
                ocorrencias=list(i["ocorrencias"]),
                pagamento_id=None if i["pagamento_id"] is None else uuid.UUID(i["pagamento_id"]),
            )
            for i in r.resumo["itens"]
        ],
    )


class PagamentosCreditoController(Controller):
    """Paying the crédito out: to the seller, for expenses, to the consorciado; by CNAB 240 files."""

    path = "/api"
    tags = ["créditos"]  # noqa: RUF012

    @post(
        "/creditos/{carta_id:uuid}/pagamentos",
        operation_id="ordenarPagamentoCredito",
        name="credito:pagamento",
        guards=PAGAR,
        status_code=201,
        summary="Ordenar pagamento com a carta",
        description="Ao vendedor do bem (destino `bem`, favorecido = o vendedor indicado), despesas do bem "
        "(`despesas`, até 10% do crédito), devolução da diferença ou crédito em espécie ao consorciado "
        "(`devolucao`, `especie`), por TED (banco, agência, conta) ou PIX (chave). O valor fica "
        "reservado até o "
        "retorno do banco. Regras (422): `valor_acima_do_credito`, `garantia_insuficiente`, "
        "`garantia_sobre_o_bem`, `valor_acima_do_bem`, `despesas_acima_do_limite`, `documento_invalido`, "
        "`favorecido_nao_e_o_vendedor`, `favorecido_nao_e_o_consorciado`." + _IDEMPOTENTE,
    )
    async def pagamento(
        self,
        uow: NamedDependency[UnitOfWork],
        carta_id: FromPath[uuid.UUID],
        data: JSONBody[PagamentoCreditoIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[PagamentoCreditoOut]:
        async def work() -> PagamentoCreditoOut:
            return pagamento_out(await desembolso.solicitar(uow, carta_id, data))

        return await uma_vez(
            uow,
            "credito:pagamento",
            idempotency_key,
            [str(carta_id), msgspec.json.encode(data)],
            work,
            status=201,
        )

    @post(
        "/creditos/{carta_id:uuid}/amortizacao",
        operation_id="amortizarComCredito",
        name="credito:amortizacao",
        guards=PAGAR,
        status_code=201,
        summary="Amortizar parcelas com a diferença",
        description="Bem mais barato que o crédito, destino da diferença `amortizacao`: o valor paga as "
        "parcelas "
        "da cota (a mais antiga primeiro) pelo caminho único de pagamentos (forma `credito`) e sai da "
        "carta na "
        "mesma transação." + _IDEMPOTENTE,
    )
    async def amortizacao(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        carta_id: FromPath[uuid.UUID],
        data: JSONBody[AmortizacaoIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[PagamentoCreditoOut]:
        data.validate()
        hoje = _hoje(state)

        async def work() -> PagamentoCreditoOut:
            return pagamento_out(await desembolso.amortizar(uow, carta_id, data.valor, hoje))

        return await uma_vez(
            uow,
            "credito:amortizacao",
            idempotency_key,
            [str(carta_id), msgspec.json.encode(data)],
            work,
            status=201,
        )

    @post(
        "/grupos/{grupo_id:uuid}/creditos/remessas",
        operation_id="gerarRemessaPagamentosCredito",
        name="credito:remessa",
        guards=PAGAR,
        status_code=201,
        summary="Gerar arquivo CNAB 240 de pagamentos",
        description="Um arquivo FEBRABAN CNAB 240 (serviço Pagamentos, segmentos A e B; TED forma 41 ou "
        "PIX forma "
        "45) com os pagamentos pendentes do grupo na forma pedida; guardado e baixado em `arquivo`. 422 "
        "`sem_pagamentos_pendentes` quando não há nada a pagar." + _IDEMPOTENTE,
    )
    async def gerar_remessa(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        grupo_id: FromPath[uuid.UUID],
        data: JSONBody[RemessaIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[RemessaOut]:
        hoje = _hoje(state)

        async def work() -> RemessaOut:
            r, pagos = await remessa.gerar_remessa(uow, grupo_id, data.forma, data.conta, hoje)
            return remessa_out(r, pagos)

        return await uma_vez(
            uow,
            "credito:remessa",
            idempotency_key,
            [str(grupo_id), msgspec.json.encode(data)],
            work,
            status=201,
        )

    @get(
        "/creditos/remessas/{remessa_id:uuid}/arquivo",
        operation_id="baixarRemessaCredito",
        name="credito:remessa-arquivo",
        guards=PAGAR,
        media_type="text/plain",
        summary="Baixar o arquivo de remessa",
        description="O arquivo CNAB 240 exatamente como gerado (linhas de 240 posições, CRLF, ASCII).",
    )
    async def arquivo(
        self, uow: NamedDependency[UnitOfWork], remessa_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        r = await remessa.get_remessa(uow, remessa_id)
        return Response(
            r.conteudo,
            media_type="text/plain; charset=ascii",
            headers={"Content-Disposition": f'attachment; filename="pagamentos-credito-{r.numero:06d}.rem"'},
        )

    @post(
        "/creditos/retornos",
        operation_id="importarRetornoCredito",
        name="credito:retorno",
        guards=PAGAR,
        status_code=200,
        summary="Importar o retorno do banco",
        description="O retorno CNAB 240 de pagamentos: ocorrência 00 confirma o pagamento (o dinheiro sai da "
        "carta no razão), BD = agendado, as demais rejeitam (o valor volta a ficar livre). O mesmo arquivo "
        "importado de novo devolve o primeiro resultado; pagamento já liquidado é `ja_processado`. 422 "
        "`retorno_invalido` com a linha do problema." + _IDEMPOTENTE,
    )
    async def retorno(
        self,
        uow: NamedDependency[UnitOfWork],
        data: JSONBody[RetornoIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[RetornoOut]:
        async def work() -> RetornoOut:
            return _retorno_out(await remessa.importar_retorno(uow, data.conteudo))

        return await uma_vez(uow, "credito:retorno", idempotency_key, [msgspec.json.encode(data)], work)

    @post(
        "/grupos/{grupo_id:uuid}/creditos/rendimentos",
        operation_id="apropriarRendimentosCartas",
        name="credito:rendimentos",
        guards=PAGAR,
        status_code=200,
        summary="Apropriar rendimentos às cartas",
        description="Reparte com as cartas de crédito do grupo cada período de rendimento líquido já lançado "
        "(POST /api/grupos/{id}/rendimentos) e ainda não repartido, pelo saldo-dia de cada carta, ao centavo "
        "(maiores restos); a parte das cartas sai do fundo comum (Lei 11.795 art. 24 §1). Também roda "
        "antes de "
        "cada pagamento e na rotina diária." + _IDEMPOTENTE,
    )
    async def rendimentos(
        self,
        uow: NamedDependency[UnitOfWork],
        grupo_id: FromPath[uuid.UUID],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[ApropriacaoOut]:
        async def work() -> ApropriacaoOut:
            periodos, total = await apropriar(uow, grupo_id)
            await uow.commit()
            return ApropriacaoOut(periodos=periodos, total_cartas=total.quantize(total.__class__("0.01")))

        return await uma_vez(uow, "credito:rendimentos", idempotency_key, [str(grupo_id)], work)
