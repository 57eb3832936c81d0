"""Payment routes: ``POST /api/cotas/{id}/pagamentos`` (Idempotency-Key), estorno, listings."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from consorcio_contract.usage import Metric
from tenant_app import calendario
from tenant_app.http.idempotencia import ChaveIdempotencia, exigir_chave, resposta, uma_vez
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina
from tenant_app.http.schemas import to_schema
from tenant_app.idempotency import fingerprint, run_once
from tenant_app.pagamentos import consultas, service
from tenant_app.pagamentos.models import FormaPagamento, Pagamento, StatusPagamento
from tenant_app.pagamentos.schemas import (
    AlocacaoOut,
    EstornoIn,
    PagamentoIn,
    PagamentoOut,
    PagamentoResumoOut,
)
from tenant_app.platform_client.usage_meter import UsageMeter
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.PAGAMENTOS_READ)]
WRITE = [requires(Permission.PAGAMENTOS_WRITE)]
ESTORNO = [requires(Permission.PAGAMENTOS_ESTORNO)]


def to_out(p: Pagamento) -> PagamentoOut:
    """Response body."""
    return to_schema(PagamentoOut, p, alocacoes=[to_schema(AlocacaoOut, a) for a in p.alocacoes])


def _resumo(p: Pagamento, cota_numero: int, grupo_codigo: str) -> PagamentoResumoOut:
    return to_schema(PagamentoResumoOut, p, cota_numero=cota_numero, grupo_codigo=grupo_codigo)


_DESDE = "Data de pagamento inicial, AAAA-MM-DD, inclusive."
_ATE = "Data de pagamento final, AAAA-MM-DD, inclusive."

_COLUNAS_CSV = (
    "data_pagamento;grupo;cota;valor;valor_embutido;forma;status;referencia;registrado_em;estornado_em;id"
)


def _reais(valor: Decimal) -> str:
    return f"{valor:.2f}".replace(".", ",")


def _celula(texto: str | None) -> str:
    if texto is None:
        return ""
    # Quote when needed; a leading =+-@ would run as a formula in a spreadsheet.
    if texto[:1] in ("=", "+", "-", "@"):
        texto = "'" + texto
    if any(ch in texto for ch in ';"\n\r'):
        texto = '"' + texto.replace('"', '""') + '"'
    return texto


def _csv(rows: list[tuple[Pagamento, int, str]]) -> str:
    linhas = ["\ufeff" + _COLUNAS_CSV]
    for p, numero, codigo in rows:
        linhas.append(
            ";".join(
                [
                    p.data_pagamento.isoformat(),
                    _celula(codigo),
                    str(numero),
                    _reais(p.valor),
                    _reais(p.valor_embutido),
                    p.forma.value,
                    p.status.value,
                    _celula(p.referencia),
                    p.registrado_em.isoformat(),
                    p.estornado_em.isoformat() if p.estornado_em else "",
                    str(p.id),
                ]
            )
        )
    return "\r\n".join(linhas) + "\r\n"


class PagamentoController(Controller):
    """Money in and its reversal."""

    path = "/api"
    tags = ["pagamentos"]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @post(
        "/cotas/{cota_id:uuid}/pagamentos",
        operation_id="registerPayment",
        name="pagamentos:create",
        guards=WRITE,
        status_code=201,
    )
    async def register(
        self,
        cota_id: FromPath[uuid.UUID],
        data: JSONBody[PagamentoIn],
        uow: NamedDependency[UnitOfWork],
        request: Request[Any, Any, Any],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[PagamentoOut]:
        """Record a payment. Requires Idempotency-Key (428 without it); a repeat returns the first result."""
        key = exigir_chave(idempotency_key)
        today = calendario.hoje()
        data.validate(today)
        digest = fingerprint(str(cota_id), msgspec.json.encode(data))

        async def work() -> tuple[int, dict[str, Any]]:
            pagamento = await service.registrar_pagamento(
                uow, cota_id, data.valor, data.data_pagamento or today, data.forma, data.referencia
            )
            await uow.flush()
            return 201, msgspec.to_builtins(to_out(pagamento))

        status, body, replayed = await run_once(uow, "pagamento", key, digest, work)
        if not replayed:  # committed just now: a replay was counted the first time
            # From the app state, not a second dependency: two make Litestar resolve them in
            # an anyio task group, ~0.4 ms CPU per request on the hottest write.
            usage_meter: UsageMeter = request.app.state.usage_meter
            usage_meter.count(Metric.PAGAMENTOS_REGISTRADOS)
        return resposta(status, body, replayed)

    @post(
        "/pagamentos/{pagamento_id:uuid}/estorno",
        operation_id="reversePayment",
        name="pagamentos:estorno",
        guards=ESTORNO,
        status_code=200,
    )
    async def estorno(
        self,
        pagamento_id: FromPath[uuid.UUID],
        data: JSONBody[EstornoIn],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[PagamentoOut]:
        """Reverse a payment with a reason (once). Requires Idempotency-Key (428 without it)."""

        async def trabalho() -> PagamentoOut:
            return to_out(await service.estornar_pagamento(uow, pagamento_id, data.motivo))

        return await uma_vez(
            uow, "estorno", idempotency_key, (str(pagamento_id), msgspec.json.encode(data)), trabalho
        )

    @get("/pagamentos", operation_id="listAllPayments", name="pagamentos:list-all", guards=READ)
    async def list_all(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        grupo_id: Annotated[uuid.UUID | None, QueryParameter(name="grupo_id")] = None,
        desde: Annotated[
            date | None, QueryParameter(name="desde", description="AAAA-MM-DD, inclusive")
        ] = None,
        ate: Annotated[date | None, QueryParameter(name="ate", description="AAAA-MM-DD, inclusive")] = None,
        forma: Annotated[FormaPagamento | None, QueryParameter(name="forma")] = None,
        status: Annotated[StatusPagamento | None, QueryParameter(name="status")] = None,
    ) -> Pagina[PagamentoResumoOut]:
        """The tenant's payments (or one grupo's) by payment date, forma and status, newest first:
        the day's cash reconciliation in one call (``GET /api/pagamentos/exportacao``: the same as CSV)."""
        filtro = consultas.FiltroPagamentos(grupo_id, desde, ate, forma, status)
        rows, total = await consultas.listar_pagamentos(uow.session, page, filtro)
        items = [_resumo(p, numero, codigo) for p, numero, codigo in rows]
        return Pagina(items=items, total=total, limit=page.limit, offset=page.offset)

    @get(
        "/pagamentos/exportacao",
        operation_id="exportPayments",
        name="pagamentos:export",
        guards=READ,
        media_type="text/csv; charset=utf-8",
    )
    async def export(
        self,
        uow: NamedDependency[UnitOfWork],
        grupo_id: Annotated[uuid.UUID | None, QueryParameter(name="grupo_id")] = None,
        desde: Annotated[
            date | None, QueryParameter(name="desde", description="AAAA-MM-DD, inclusive")
        ] = None,
        ate: Annotated[date | None, QueryParameter(name="ate", description="AAAA-MM-DD, inclusive")] = None,
        forma: Annotated[FormaPagamento | None, QueryParameter(name="forma")] = None,
        status: Annotated[StatusPagamento | None, QueryParameter(name="status")] = None,
    ) -> Response[str]:
        """The same payments as CSV for a spreadsheet: ``;``-separated, decimal comma, UTF-8 with BOM
        (opens as columns in a pt-BR spreadsheet), newest first, at most 100 000 rows."""
        filtro = consultas.FiltroPagamentos(grupo_id, desde, ate, forma, status)
        rows = await consultas.exportar_pagamentos(uow.session, filtro)
        return Response(
            _csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="pagamentos.csv"'},
        )

    @get("/pagamentos/{pagamento_id:uuid}", operation_id="getPayment", name="pagamentos:get", guards=READ)
    async def get_one(
        self, pagamento_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> PagamentoOut:
        """One payment with its allocation."""
        return to_out(await service.get_pagamento(uow.session, pagamento_id))

    @get("/cotas/{cota_id:uuid}/pagamentos", operation_id="listPayments", name="pagamentos:list", guards=READ)
    async def list_for_cota(
        self,
        cota_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        status: Annotated[StatusPagamento | None, QueryParameter(name="status")] = None,
        desde: Annotated[date | None, QueryParameter(name="desde")] = None,
        ate: Annotated[date | None, QueryParameter(name="ate")] = None,
    ) -> Pagina[PagamentoOut]:
        """Payments of a cota, newest first, with status and date filters."""
        rows, total = await consultas.listar_pagamentos_da_cota(
            uow.session, cota_id, page, status=status, desde=desde, ate=ate
        )
        return Pagina(items=[to_out(p) for p in rows], total=total, limit=page.limit, offset=page.offset)
