"""Routes: an assembleia's apuração, its verification, lance payment and desclassificação."""

from __future__ import annotations

import json
import uuid
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from consorcio_contract.feature_flags import APURACAO_VERIFICACAO
from tenant_app import calendario
from tenant_app.assembleias import apuracao_service, desclassificacao, pagamento_lance, service
from tenant_app.assembleias.controller.respostas import (
    READ,
    WRITE,
    apuracao_out,
    celery_do_tenant,
)
from tenant_app.assembleias.notificacao import enfileirar
from tenant_app.assembleias.schemas import (
    ApuracaoIn,
    ApuracaoOut,
    DesclassificacaoIn,
    PagamentoLanceIn,
    PagamentoLanceOut,
    VerificacaoOut,
)
from tenant_app.http.idempotencia import ChaveIdempotencia, exigir_chave, resposta
from tenant_app.idempotency import fingerprint, run_once, run_once_self_committing
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission


class ApuracaoController(Controller):
    """An assembleia's apuração and what follows it."""

    path = "/api/assembleias/{assembleia_id:uuid}"
    tags = ["assembleias"]  # noqa: RUF012

    @post("/apuracao", operation_id="apurarAssembleia", name="assembleias:apurar", guards=WRITE)
    async def apurar(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        data: JSONBody[ApuracaoIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[ApuracaoOut]:
        """Run the apuração with the extraction: once per assembleia, one group at a time (409 otherwise).

        It contemplates cotas (money leaves the fundo comum): requires Idempotency-Key (428 without it);
        a repeat with the same key returns the first record.
        """
        key = exigir_chave(idempotency_key)

        async def work() -> tuple[int, dict[str, Any]]:
            apuracao, contemplacoes = await apuracao_service.executar_apuracao(
                uow,
                state.redis,
                state.settings,
                assembleia_id,
                data.concurso,
                data.premios,
                uow.actor.user_id,
            )
            enfileirar(celery_do_tenant(state), apuracao.id)
            return 201, msgspec.to_builtins(apuracao_out(apuracao, contemplacoes))

        digest = fingerprint(str(assembleia_id), msgspec.json.encode(data))
        return resposta(*(await run_once_self_committing(uow, "apuracao", key, digest, work)))

    @post(
        "/desclassificacoes",
        operation_id="desclassificarLance",
        name="assembleias:desclassificar",
        guards=WRITE,
    )
    async def desclassificar(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        data: JSONBody[DesclassificacaoIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[ApuracaoOut]:
        """The lance winner did not pay: a new revision awards the next bids the money covers.

        Requires Idempotency-Key (428 without it); a repeat with the same key returns the first record.
        """
        key = exigir_chave(idempotency_key)

        async def work() -> tuple[int, dict[str, Any]]:
            apuracao, _ = await desclassificacao.desclassificar(
                uow, state.redis, state.settings, assembleia_id, data.cota_numero, uow.actor.user_id
            )
            enfileirar(celery_do_tenant(state), apuracao.id)
            record = apuracao_out(*await apuracao_service.get_apuracao(uow.session, assembleia_id))
            return 201, msgspec.to_builtins(record)

        digest = fingerprint(str(assembleia_id), msgspec.json.encode(data))
        return resposta(*(await run_once_self_committing(uow, "desclassificacao", key, digest, work)))

    @post(
        "/pagamentos-lance",
        operation_id="pagarLance",
        name="assembleias:pagar-lance",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
        status_code=201,
    )
    async def pagar_lance(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        data: JSONBody[PagamentoLanceIn],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[PagamentoLanceOut]:
        """The lance winner paid in cash: amortise its parcelas, money into the fundo comum.

        Requires Idempotency-Key (428 without it); a repeat with the same key returns the first result.
        """
        key = exigir_chave(idempotency_key)
        digest = fingerprint(str(assembleia_id), msgspec.json.encode(data))
        dia = calendario.hoje()

        async def work() -> tuple[int, dict[str, Any]]:
            corpo = await pagamento_lance.registrar_pagamento_lance(
                uow, assembleia_id, data.cota_numero, data.valor, dia
            )
            await uow.flush()
            return 201, corpo

        status, body, replayed = await run_once(uow, "pagamento_lance", key, digest, work)
        return resposta(status, body, replayed)

    @post(
        "/desclassificacoes-vencidas",
        operation_id="desclassificarLancesVencidos",
        name="assembleias:desclassificar-vencidos",
        guards=WRITE,
        status_code=200,
    )
    async def desclassificar_vencidos(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[ApuracaoOut]:
        """Disqualify the winners of this assembleia whose lance deadline passed unpaid.

        Requires Idempotency-Key (428 without it); a repeat with the same key returns the first record.
        """
        key = exigir_chave(idempotency_key)
        hoje = calendario.hoje()

        async def work() -> tuple[int, dict[str, Any]]:
            await service.get_assembleia(uow.session, assembleia_id)
            feitos = await pagamento_lance.desclassificar_vencidos(
                uow, state.redis, state.settings, hoje, assembleia_id
            )
            apuracao, contemplacoes = await apuracao_service.get_apuracao(uow.session, assembleia_id)
            if feitos:
                enfileirar(celery_do_tenant(state), apuracao.id)
            return 200, msgspec.to_builtins(apuracao_out(apuracao, contemplacoes))

        digest = fingerprint(str(assembleia_id), hoje.isoformat())
        return resposta(
            *(await run_once_self_committing(uow, "desclassificacao_vencidos", key, digest, work))
        )

    @get("/apuracao", operation_id="getApuracao", name="assembleias:apuracao", guards=READ)
    async def get_apuracao(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> ApuracaoOut:
        """The assembly record."""
        return apuracao_out(*await apuracao_service.get_apuracao(uow.session, assembleia_id))

    @get("/apuracao/entrada", operation_id="getApuracaoEntrada", name="assembleias:entrada", guards=READ)
    async def get_entrada(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> dict[str, Any]:
        """The stored canonical inputs: SHA-256 of their compact UTF-8 JSON is ``hash_entrada``."""
        apuracao, _ = await apuracao_service.get_apuracao(uow.session, assembleia_id)
        return dict(json.loads(apuracao.entrada_canonica))

    @get(
        "/apuracao/verificacao",
        operation_id="verificarApuracao",
        name="assembleias:verificar",
        guards=READ,
        opt={"feature_flag": APURACAO_VERIFICACAO.key},
    )
    async def verificar(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> VerificacaoOut:
        """Recompute hash and result from the stored inputs."""
        apuracao, _ = await apuracao_service.get_apuracao(uow.session, assembleia_id)
        recalculado, mesmo = apuracao_service.verificar(apuracao)
        return VerificacaoOut(
            hash_armazenado=apuracao.hash_entrada,
            hash_recalculado=recalculado,
            hash_confere=recalculado == apuracao.hash_entrada,
            resultado_confere=mesmo,
        )
