"""``/api/cobranca/retornos``: import a CNAB 240 retorno (settles the liquidações), list, inspect."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from sqlalchemy import select

from tenant_app.cobranca import retornos, retornos_fila
from tenant_app.cobranca.cnab240 import ErroCnab
from tenant_app.cobranca.controller.comum import ESCREVER, LER
from tenant_app.cobranca.controller.pix import celery_do_tenant
from tenant_app.cobranca.models import RetornoArquivo, StatusRetorno
from tenant_app.cobranca.schemas import OcorrenciaOut, RetornoOut
from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina, paginate
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork

#: A retorno of 100,000 títulos is ~48 MB (two 242-byte lines each).
TAMANHO_MAXIMO = 64 * 1024 * 1024

Arquivo = Annotated[
    UploadFile,
    Body(
        media_type=RequestEncodingType.MULTI_PART,
        title="Arquivo de retorno",
        description="O arquivo CNAB 240 de retorno de cobrança como o banco o entregou (multipart).",
    ),
]


def _out(r: RetornoArquivo, resumo: retornos.Resumo | None = None) -> RetornoOut:
    zero = Decimal("0.00")
    return to_schema(
        RetornoOut,
        r,
        repetido=resumo.repetido if resumo else False,
        contagem=resumo.contagem if resumo else {},
        valor_liquidado=resumo.valor_liquidado if resumo else zero,
        valor_a_identificar=resumo.valor_a_identificar if resumo else zero,
        tarifas=resumo.tarifas if resumo else zero,
    )


class RetornoController(Controller):
    path = "/api/cobranca/retornos"
    tags = ["cobrança"]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @post(
        "/",
        operation_id="importRetorno",
        summary="Importar retorno CNAB 240",
        guards=ESCREVER,
        status_code=201,
        request_max_body_size=TAMANHO_MAXIMO,
    )
    async def importar(
        self,
        request: Request[Any, Any, Any],
        data: Arquivo,
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[RetornoOut]:
        """Read the retorno (segments T/U), keep the file and act on each ocorrência in one transaction:
        liquidação (06, 17) is paid into the título's cota through the payment path (forma ``boleto``,
        the bank's credit date) — paying less than the título, more than the cota owes, an unknown nosso
        número or a título no longer live go to the valores a identificar; 02 registers the título,
        03 rejects it, 09 is a baixa, 28 a tarifa. The same file again, or an ocorrência already
        imported in another file, changes nothing (``repetido``). A malformed file, wrong counts or an
        account not configured here: 422 ``retorno_invalido`` naming the line and the reason, and the
        file is kept (``GET /api/cobranca/retornos``). A file of more títulos than the tenant settles
        within a request (5,000 by default) is checked the same way, kept as ``processando`` and
        answered 202; the worker settles it (``GET /api/cobranca/retornos/{retorno_id}`` shows when it
        is ``processado`` and what it did). Requires Idempotency-Key."""
        nome = data.filename or "retorno"
        conteudo = await data.read()
        try:
            lido = retornos.ler(conteudo)
        except ErroCnab as erro:
            arquivo = await retornos.guardar_rejeitado(uow, nome, conteudo, erro.linha, erro.motivo)
            raise retornos.RetornoRejeitado(arquivo.id, erro.linha, erro.motivo) from None
        conta = await retornos.conta_do_arquivo(uow, lido)
        if conta is None:
            motivo = (
                f"nenhuma conta de cobrança configurada para banco {lido.banco}, agência {lido.agencia}, "
                f"conta {lido.conta}"
            )
            arquivo = await retornos.guardar_rejeitado(uow, nome, conteudo, 1, motivo)
            raise retornos.RetornoRejeitado(arquivo.id, 1, motivo)
        identidade = (retornos.sha256(conteudo),)
        if len(lido.titulos) > request.app.state.settings.retorno_sincrono_max:

            async def guardar() -> RetornoOut:
                resumo = await retornos.receber(uow, nome, conteudo, lido, conta)
                await uow.commit()
                if resumo.repetido and resumo.retorno.status is not StatusRetorno.PROCESSANDO:
                    resumo = await retornos_fila.resumo_gravado(uow, resumo.retorno)
                    resumo.repetido = True
                else:
                    retornos_fila.enfileirar(celery_do_tenant(request.app.state), resumo.retorno.id)
                return _out(resumo.retorno, resumo)

            return await uma_vez(uow, "retorno", idempotency_key, identidade, guardar, status=202)

        async def trabalho() -> RetornoOut:
            resumo = await retornos.importar(uow, nome, conteudo, lido, conta)
            await uow.commit()
            return _out(resumo.retorno, resumo)

        return await uma_vez(uow, "retorno", idempotency_key, identidade, trabalho, status=201)

    @get(
        "/{retorno_id:uuid}",
        operation_id="getRetorno",
        summary="Um retorno e o que ele fez",
        guards=LER,
    )
    async def obter(self, retorno_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]) -> RetornoOut:
        """The file's status (``processando`` while the worker settles a big file, then ``processado``;
        ``rejeitado`` with the line and reason) and what its ocorrências did: counts per result, the
        money settled, the money left to identify, the bank's fees."""
        arquivo = await retornos.obter_retorno(uow, retorno_id)
        return _out(arquivo, await retornos_fila.resumo_gravado(uow, arquivo))

    @get("/", operation_id="listRetornos", summary="Listar retornos recebidos", guards=LER)
    async def listar(
        self, uow: NamedDependency[UnitOfWork], page: NamedDependency[PageParams]
    ) -> Pagina[RetornoOut]:
        """Every retorno received, newest first, the rejected ones with the line and reason."""
        stmt = select(RetornoArquivo).order_by(RetornoArquivo.recebido_em.desc())
        rows, total = await paginate(uow.session, stmt, page)
        return Pagina(items=[_out(r) for r in rows], total=total, limit=page.limit, offset=page.offset)

    @get(
        "/{retorno_id:uuid}/ocorrencias",
        operation_id="listRetornoOcorrencias",
        summary="Ocorrências",
        guards=LER,
    )
    async def ocorrencias(
        self,
        retorno_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
    ) -> Pagina[OcorrenciaOut]:
        """Each ocorrência of the file as it was applied (liquidado, a_identificar, registrado...), in
        file order, a page at a time (``limit``/``offset``: a bank's file may hold 100,000)."""
        await retornos.obter_retorno(uow, retorno_id)
        rows, total = await paginate(uow.session, retornos.ocorrencias_do_retorno(retorno_id), page)
        return Pagina(
            items=[to_schema(OcorrenciaOut, o) for o in rows],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @get(
        "/{retorno_id:uuid}/arquivo",
        operation_id="downloadRetorno",
        summary="Arquivo do retorno como recebido",
        guards=LER,
        media_type="application/octet-stream",
    )
    async def arquivo(
        self, retorno_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> Response[bytes]:
        """The bytes as received (also of a rejected file), for inspection."""
        r = await retornos.obter_retorno(uow, retorno_id)
        return Response(
            r.conteudo,
            media_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{r.nome_arquivo}"'},
        )
