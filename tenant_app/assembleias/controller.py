"""Routes: regras-assembleia and assembleias under a grupo, and one assembleia by id."""

from __future__ import annotations

import json
import uuid
from typing import Any

import msgspec
from litestar import Controller, Response, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from consorcio_contract.feature_flags import APURACAO_VERIFICACAO
from tenant_app.assembleias import apuracao_service, desclassificacao, pagamento_lance, service
from tenant_app.assembleias.models import (
    Apuracao,
    ContemplacaoCota,
    LanceAssembleia,
    RegrasAssembleiaGrupo,
    StatusAssembleia,
)
from tenant_app.assembleias.notificacao import enfileirar
from tenant_app.assembleias.schemas import (
    ApuracaoIn,
    ApuracaoOut,
    AssembleiaCancelamentoIn,
    AssembleiaCreate,
    AssembleiaOut,
    AssembleiaUpdate,
    ContemplacaoOut,
    DesclassificacaoIn,
    LanceCreate,
    LanceOut,
    PagamentoLanceIn,
    PagamentoLanceOut,
    RegrasAssembleiaIn,
    RegrasAssembleiaOut,
    VerificacaoOut,
)
from tenant_app.http.idempotencia import ChaveIdempotencia, exigir_chave, resposta
from tenant_app.http.schemas import to_schema
from tenant_app.idempotency import fingerprint, run_once, run_once_self_committing
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.ASSEMBLEIAS_READ)]
WRITE = [requires(Permission.ASSEMBLEIAS_WRITE)]


def _regras_out(row: RegrasAssembleiaGrupo) -> RegrasAssembleiaOut:
    return to_schema(RegrasAssembleiaOut, row, tipos_lance=list(row.tipos_lance))


def _lance_out(row: LanceAssembleia, numero: int, *, selado: bool = False) -> LanceOut:
    if selado:
        return to_schema(
            LanceOut, row, cota_numero=numero, percentual=None, percentual_embutido=None, sigiloso=True
        )
    return to_schema(LanceOut, row, cota_numero=numero, sigiloso=False)


def _apuracao_out(apuracao: Apuracao, contemplacoes: list[ContemplacaoCota]) -> ApuracaoOut:
    return ApuracaoOut(
        assembleia_id=apuracao.assembleia_id,
        revisao=apuracao.revisao,
        hash_entrada=apuracao.hash_entrada,
        apurada_em=apuracao.apurada_em,
        contemplacoes=[
            to_schema(
                ContemplacaoOut,
                c,
                modalidade=c.modalidade.value,
                status=c.status.value,
                # After an estorno of the lance's pagamento the lance is unpaid again.
                lance_pago_em=c.lance_pago_em if c.lance_pago else None,
            )
            for c in contemplacoes
        ],
        resultado=json.loads(apuracao.resultado_canonico),
    )


def _celery(state: State) -> Any:
    """The tenant's Celery app, created on first use (None when the worker package is absent)."""
    app = state.get("celery")
    if app is None:
        try:
            from tenant_app.worker import create_celery  # type: ignore[import-not-found]
        except ImportError:
            return None
        app = create_celery(state.settings)
        state.celery = app
    return app


class RegrasAssembleiaController(Controller):
    """The group contract's assembleia parameters."""

    path = "/api/grupos/{grupo_id:uuid}/regras-assembleia"
    tags = ["assembleias"]  # noqa: RUF012

    @get("/", operation_id="getRegrasAssembleia", name="assembleias:regras", guards=READ)
    async def get_regras(
        self, uow: NamedDependency[UnitOfWork], grupo_id: FromPath[uuid.UUID]
    ) -> RegrasAssembleiaOut:
        """The stored rules (404 until entered)."""
        return _regras_out(await service.get_regras(uow.session, grupo_id))

    @put(
        "/",
        operation_id="putRegrasAssembleia",
        name="assembleias:regras-definir",
        guards=[requires(Permission.GRUPOS_WRITE)],
    )
    async def put_regras(
        self,
        uow: NamedDependency[UnitOfWork],
        grupo_id: FromPath[uuid.UUID],
        data: JSONBody[RegrasAssembleiaIn],
    ) -> RegrasAssembleiaOut:
        """Enter or replace the rules; fixed once an assembleia was apurada."""
        row = await service.definir_regras(uow, grupo_id, data)
        return _regras_out(row)


class AssembleiasDoGrupoController(Controller):
    """Assembleias of one group."""

    path = "/api/grupos/{grupo_id:uuid}/assembleias"
    tags = ["assembleias"]  # noqa: RUF012

    @post("/", operation_id="createAssembleia", name="assembleias:create", guards=WRITE)
    async def create(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        grupo_id: FromPath[uuid.UUID],
        data: JSONBody[AssembleiaCreate],
    ) -> AssembleiaOut:
        """Schedule an AGO: the cut-off (with time zone) in the future and on or before the date (422
        ``datas_invalidas`` otherwise). Requires the group's regras de assembleia only to open lances."""
        assembleia = await service.criar_assembleia(uow, grupo_id, data, state.settings.time_zone)
        return to_schema(AssembleiaOut, assembleia)

    @get("/", operation_id="listAssembleias", name="assembleias:list", guards=READ)
    async def list_assembleias(
        self, uow: NamedDependency[UnitOfWork], grupo_id: FromPath[uuid.UUID]
    ) -> list[AssembleiaOut]:
        """Every assembleia of the group, by number."""
        return [to_schema(AssembleiaOut, a) for a in await service.listar_assembleias(uow.session, grupo_id)]


class AssembleiaController(Controller):
    """One assembleia: lifecycle, sealed lances, apuração."""

    path = "/api/assembleias/{assembleia_id:uuid}"
    tags = ["assembleias"]  # noqa: RUF012

    @get("/", operation_id="getAssembleia", name="assembleias:get", guards=READ)
    async def get_assembleia(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> AssembleiaOut:
        """The assembleia."""
        return to_schema(AssembleiaOut, await service.get_assembleia(uow.session, assembleia_id))

    @patch("/", operation_id="corrigirAssembleia", name="assembleias:corrigir", guards=WRITE)
    async def corrigir(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        data: JSONBody[AssembleiaUpdate],
    ) -> AssembleiaOut:
        """Correct the date or the cut-off while agendada (409 once the lance window opened; audited)."""
        assembleia = await service.corrigir_assembleia(uow, assembleia_id, data, state.settings.time_zone)
        return to_schema(AssembleiaOut, assembleia)

    @post(
        "/cancelamento",
        operation_id="cancelarAssembleia",
        name="assembleias:cancelar",
        guards=WRITE,
        status_code=200,
    )
    async def cancelar(
        self,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        data: JSONBody[AssembleiaCancelamentoIn],
    ) -> AssembleiaOut:
        """Call off an agendada assembleia (409 once the lance window opened); the reason is audited."""
        assembleia = await service.cancelar_assembleia(uow, assembleia_id, data.motivo)
        return to_schema(AssembleiaOut, assembleia)

    @post(
        "/abertura-lances",
        operation_id="abrirLances",
        name="assembleias:abrir",
        guards=WRITE,
        status_code=200,
    )
    async def abrir(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> AssembleiaOut:
        """agendada → recebendo lances."""
        assembleia = await service.avancar(uow, assembleia_id, StatusAssembleia.RECEBENDO_LANCES)
        return to_schema(AssembleiaOut, assembleia)

    @post(
        "/encerramento",
        operation_id="encerrarAssembleia",
        name="assembleias:encerrar",
        guards=WRITE,
        status_code=200,
    )
    async def encerrar(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> AssembleiaOut:
        """apurada → encerrada."""
        assembleia = await service.avancar(uow, assembleia_id, StatusAssembleia.ENCERRADA)
        return to_schema(AssembleiaOut, assembleia)

    @post("/lances", operation_id="registrarLance", name="assembleias:lance", guards=WRITE)
    async def registrar_lance(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        data: JSONBody[LanceCreate],
    ) -> LanceOut:
        """Register a sealed bid; the receipt is the only place it shows before the apuração."""
        row, numero = await service.registrar_lance(
            uow, assembleia_id, data, uow.actor.user_id, state.settings.time_zone
        )
        return _lance_out(row, numero)

    @get("/lances", operation_id="listLances", name="assembleias:lances", guards=READ)
    async def list_lances(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> list[LanceOut]:
        """Every lance, only after the apuração (sealed until then)."""
        return [_lance_out(r, n) for r, n in await service.listar_lances(uow.session, assembleia_id)]

    @get("/lances/{lance_id:uuid}", operation_id="getLance", name="assembleias:lance-get", guards=WRITE)
    async def get_lance(
        self,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        lance_id: FromPath[uuid.UUID],
    ) -> LanceOut:
        """One lance; its percentages stay sealed (null) until the apuração."""
        row, numero, selado = await service.consultar_lance(uow.session, assembleia_id, lance_id)
        return _lance_out(row, numero, selado=selado)

    @delete(
        "/lances/{lance_id:uuid}",
        operation_id="cancelarLance",
        name="assembleias:lance-cancelar",
        guards=WRITE,
        status_code=200,
    )
    async def cancelar_lance(
        self,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        lance_id: FromPath[uuid.UUID],
    ) -> LanceOut:
        """Withdraw a bid before the cut-off (the answer keeps its percentages sealed)."""
        row, numero = await service.cancelar_lance(uow, assembleia_id, lance_id)
        return _lance_out(row, numero, selado=True)

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
            enfileirar(_celery(state), apuracao.id)
            return 201, msgspec.to_builtins(_apuracao_out(apuracao, contemplacoes))

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
            enfileirar(_celery(state), apuracao.id)
            record = _apuracao_out(*await apuracao_service.get_apuracao(uow.session, assembleia_id))
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
        dia = service.hoje(state.settings.time_zone)

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
        hoje = service.hoje(state.settings.time_zone)

        async def work() -> tuple[int, dict[str, Any]]:
            await service.get_assembleia(uow.session, assembleia_id)
            feitos = await pagamento_lance.desclassificar_vencidos(
                uow, state.redis, state.settings, hoje, assembleia_id
            )
            apuracao, contemplacoes = await apuracao_service.get_apuracao(uow.session, assembleia_id)
            if feitos:
                enfileirar(_celery(state), apuracao.id)
            return 200, msgspec.to_builtins(_apuracao_out(apuracao, contemplacoes))

        digest = fingerprint(str(assembleia_id), hoje.isoformat())
        return resposta(
            *(await run_once_self_committing(uow, "desclassificacao_vencidos", key, digest, work))
        )

    @get("/apuracao", operation_id="getApuracao", name="assembleias:apuracao", guards=READ)
    async def get_apuracao(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> ApuracaoOut:
        """The assembly record."""
        return _apuracao_out(*await apuracao_service.get_apuracao(uow.session, assembleia_id))

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


CONTROLLERS = [RegrasAssembleiaController, AssembleiasDoGrupoController, AssembleiaController]
