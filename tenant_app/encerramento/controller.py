"""``/api/grupos/{id}/encerramento``: the notice (art. 31), the closing (art. 32), the final accounts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from tenant_app import calendario
from tenant_app.encerramento import nao_procurados, service
from tenant_app.encerramento.schemas import (
    ComunicacaoIn,
    ConciliacaoOut,
    EncerramentoOut,
    NaoProcuradoOut,
    NaoProcuradosOut,
    linha_guardada,
    linhas_previas,
    montar,
)
from tenant_app.http.idempotencia import ChaveIdempotencia, exigir_chave, resposta, uma_vez
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams
from tenant_app.http.schemas import to_schema
from tenant_app.idempotency import fingerprint, run_once_self_committing
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.GRUPOS_READ)]
WRITE = [requires(Permission.GRUPOS_WRITE)]
#: Money out to a consorciado: the financeiro's permission, as for payments.
PAGAR = [requires(Permission.PAGAMENTOS_WRITE)]


class EncerramentoController(Controller):
    """Closing a group: nobody left unpaid, every centavo of the funds accounted for."""

    path = "/api/grupos/{grupo_id:uuid}/encerramento"
    tags = ["encerramento"]  # noqa: RUF012

    @post(
        "/comunicacao",
        operation_id="comunicarEncerramento",
        name="encerramento:comunicacao",
        guards=WRITE,
        status_code=201,
    )
    async def comunicar(
        self,
        grupo_id: FromPath[uuid.UUID],
        data: JSONBody[ComunicacaoIn],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[EncerramentoOut]:
        """Record the notice to the consorciados (Lei 11.795 art. 31); answers the accounts as of today.

        Starts the closing (cannot be undone): requires Idempotency-Key (428 without it).
        """

        async def trabalho() -> EncerramentoOut:
            previa = await service.comunicar(uow, grupo_id, data.data_comunicacao, calendario.hoje())
            return montar(previa.encerramento, linhas_previas(previa.demonstrativo, previa.cotas), None)

        return await uma_vez(
            uow,
            "encerramento_comunicacao",
            idempotency_key,
            (str(grupo_id), msgspec.json.encode(data)),
            trabalho,
            status=201,
        )

    @post("/", operation_id="encerrarGrupo", name="encerramento:encerrar", guards=WRITE, status_code=200)
    async def encerrar(
        self,
        grupo_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[EncerramentoOut]:
        """Close the group with its final accounts (Lei 11.795 art. 32; Res. BCB 285/2023 arts. 38–41).

        Restitutes the excluded cotas still waiting, shares the funds' remainder among the
        participants, pays those with a known account and keeps the rest as recursos não
        procurados. Moves money: requires Idempotency-Key (428 without it).
        """

        key = exigir_chave(idempotency_key)

        async def work() -> tuple[int, dict[str, Any]]:
            # The closing commits on its own (the group's balances move at COMMIT); the accounts
            # answered are then read back reconciled with the ledger, and stored for a replay.
            await service.encerrar_grupo(uow, grupo_id, calendario.hoje())
            return 200, msgspec.to_builtins(await _demonstrativo(uow, grupo_id))

        digest = fingerprint(str(grupo_id))
        return resposta(*(await run_once_self_committing(uow, "encerramento_grupo", key, digest, work)))

    @get("/", operation_id="getEncerramento", name="encerramento:get", guards=READ)
    async def consultar(
        self, grupo_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> EncerramentoOut:
        """The final accounts per group and per cota, reconciled with the ledger (404 before the notice)."""
        return await _demonstrativo(uow, grupo_id)


async def _demonstrativo(uow: UnitOfWork, grupo_id: uuid.UUID) -> EncerramentoOut:
    encerramento, linhas, conciliacao = await service.demonstrativo(uow.session, grupo_id)
    return montar(encerramento, [linha_guardada(x) for x in linhas], to_schema(ConciliacaoOut, conciliacao))


class NaoProcuradosController(Controller):
    """The recursos não procurados of the tenant's closed groups (Lei 11.795 arts. 33–34)."""

    path = "/api/recursos-nao-procurados"
    tags = ["encerramento"]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @get("/", operation_id="listNaoProcurados", name="encerramento:nao_procurados", guards=READ)
    async def listar(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        grupo_id: Annotated[uuid.UUID | None, QueryParameter(name="grupo_id")] = None,
    ) -> NaoProcuradosOut:
        """Amounts closed groups keep for consorciados who gave no account, oldest closing first.

        What the Doc 2080 reports until each is claimed or its claim expires (5 years after the closing).
        """
        itens, total, soma = await nao_procurados.listar(uow.session, page, grupo_id)
        return NaoProcuradosOut(
            items=[_nao_procurado(i) for i in itens],
            total=total,
            limit=page.limit,
            offset=page.offset,
            valor_total=soma,
        )

    @post(
        "/{linha_id:uuid}/pagamento",
        operation_id="pagarNaoProcurado",
        name="encerramento:pagar_nao_procurado",
        guards=PAGAR,
        status_code=200,
    )
    async def pagar(
        self,
        linha_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[NaoProcuradoOut]:
        """Pay a recurso não procurado to the consorciado who claimed it (Lei 11.795 arts. 33–34).

        The amount leaves the group's não procurados fund (pagamentos.devolucoes) and the line leaves
        the report. 422 after the claim expired (5 years after the closing) or while the consorciado
        has no PIX key or deposit account on file; 409 once paid. Requires Idempotency-Key.
        """

        async def trabalho() -> NaoProcuradoOut:
            return _nao_procurado(await nao_procurados.pagar(uow, linha_id, datetime.now(UTC)))

        return await uma_vez(
            uow, "pagamento_nao_procurado", idempotency_key, (str(linha_id),), trabalho, status=200
        )


def _nao_procurado(i: nao_procurados.NaoProcurado) -> NaoProcuradoOut:
    return NaoProcuradoOut(
        id=i.linha.id,
        grupo_id=i.linha.grupo_id,
        grupo_codigo=i.grupo_codigo,
        cota_id=i.linha.cota_id,
        cota_numero=i.linha.cota_numero,
        consorciado_id=i.linha.consorciado_id,
        valor=i.linha.total,
        data_encerramento=i.data_encerramento,
        prescreve_em=i.prescreve_em,
        pago_em=i.linha.pago_em,
    )
