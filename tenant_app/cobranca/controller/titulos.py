"""Títulos: issue for a parcela or a carnê, list, re-issue, baixa."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy import select

from tenant_app.cobranca import carne, carne_dados, emissao, pix_imediato
from tenant_app.cobranca.controller.comum import ESCREVER, LER, cofre_do_app, pix_imediato_out, titulo_out
from tenant_app.cobranca.models import StatusTitulo, Titulo
from tenant_app.cobranca.schemas import BaixaIn, CarneIn, EmissaoIn, PixImediatoOut, ReemissaoIn, TituloOut
from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina, paginate
from tenant_app.unit_of_work import UnitOfWork


class TituloController(Controller):
    path = "/api"
    tags = ["cobrança"]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @post(
        "/parcelas/{parcela_id:uuid}/titulo",
        operation_id="issueTitulo",
        summary="Emitir boleto/PIX da parcela",
        guards=ESCREVER,
        status_code=201,
    )
    async def emitir(
        self,
        parcela_id: FromPath[uuid.UUID],
        data: JSONBody[EmissaoIn],
        uow: NamedDependency[UnitOfWork],
        request: Request[Any, Any, Any],
    ) -> Response[TituloOut]:
        """The parcela's título: boleto (nosso número from the account's sequence, barcode, linha digitável)
        and, with a chave PIX on the account, a BR Code for the same amount: dynamic (a cobv at the
        account's PSP, BCB Pix API) when the account has a PSP, else static. 201 when issued now,
        200 with the live one when the parcela already has it (asking twice issues nothing twice); another
        due date for a parcela with a live título is 409 ``titulo_ativo`` (use the reemissão)."""
        cofre = cofre_do_app(request.app.state)
        titulo, criado = await emissao.emitir(uow, parcela_id, data.vencimento, cofre=cofre)
        return Response(titulo_out(titulo), status_code=201 if criado else 200)

    @post(
        "/cotas/{cota_id:uuid}/carne",
        operation_id="issueCarne",
        summary="Emitir carnê (próximas N parcelas)",
        guards=ESCREVER,
        status_code=201,
    )
    async def carne(
        self,
        cota_id: FromPath[uuid.UUID],
        data: JSONBody[CarneIn],
        uow: NamedDependency[UnitOfWork],
        request: Request[Any, Any, Any],
    ) -> list[TituloOut]:
        """Títulos for the cota's next ``quantidade`` open parcelas, oldest first (parcelas with a live
        título keep it). The PDF of the carnê: ``GET /api/cotas/{cota_id}/carne.pdf``."""
        cofre = cofre_do_app(request.app.state)
        return [titulo_out(t) for t in await emissao.emitir_carne(uow, cota_id, data.quantidade, cofre=cofre)]

    @get(
        "/cotas/{cota_id:uuid}/carne.pdf",
        operation_id="carnePdf",
        summary="Carnê em PDF",
        guards=LER,
        media_type="application/pdf",
    )
    async def carne_pdf(
        self,
        cota_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        quantidade: Annotated[int, QueryParameter(name="quantidade", ge=1, le=60)] = 12,
    ) -> Response[bytes]:
        """The cota's carnê as a PDF for A4: one page per live título (the next ``quantidade`` by due
        date) with the linha digitável, the ITF-25 barcode and the PIX QR code. 422 ``sem_titulos``
        before the carnê is issued (``POST /api/cotas/{cota_id}/carne``)."""
        folhas = await carne_dados.folhas_da_cota(uow, cota_id, quantidade)
        return Response(
            carne.gerar_pdf(folhas, f"Carnê grupo {folhas[0].grupo} cota {folhas[0].cota}"),
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="carne-{folhas[0].grupo}-{folhas[0].cota}.pdf"'
            },
        )

    @get("/cobranca/titulos", operation_id="listTitulos", summary="Listar títulos", guards=LER)
    async def listar(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        cota_id: Annotated[uuid.UUID | None, QueryParameter(name="cota_id")] = None,
        grupo_id: Annotated[uuid.UUID | None, QueryParameter(name="grupo_id")] = None,
        status: Annotated[StatusTitulo | None, QueryParameter(name="status")] = None,
        vencimento_desde: Annotated[date | None, QueryParameter(name="vencimento_desde")] = None,
        vencimento_ate: Annotated[date | None, QueryParameter(name="vencimento_ate")] = None,
    ) -> Pagina[TituloOut]:
        """Títulos by cota, grupo, status and due-date range (AAAA-MM-DD, inclusive), by due date."""
        stmt = select(Titulo).order_by(Titulo.vencimento, Titulo.numero)
        if cota_id is not None:
            stmt = stmt.where(Titulo.cota_id == cota_id)
        if grupo_id is not None:
            stmt = stmt.where(Titulo.grupo_id == grupo_id)
        if status is not None:
            stmt = stmt.where(Titulo.status == status)
        if vencimento_desde is not None:
            stmt = stmt.where(Titulo.vencimento >= vencimento_desde)
        if vencimento_ate is not None:
            stmt = stmt.where(Titulo.vencimento <= vencimento_ate)
        rows, total = await paginate(uow.session, stmt, page)
        return Pagina(items=[titulo_out(t) for t in rows], total=total, limit=page.limit, offset=page.offset)

    @get("/cobranca/titulos/{titulo_id:uuid}", operation_id="getTitulo", summary="Título", guards=LER)
    async def obter(self, titulo_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]) -> TituloOut:
        """One título with its linha digitável (also formatted) and BR Code."""
        return titulo_out(await emissao.obter_titulo(uow, titulo_id))

    @post(
        "/cobranca/titulos/{titulo_id:uuid}/reemissao",
        operation_id="reissueTitulo",
        summary="Reemitir título com novo vencimento",
        guards=ESCREVER,
        status_code=201,
    )
    async def reemitir(
        self,
        titulo_id: FromPath[uuid.UUID],
        data: JSONBody[ReemissaoIn],
        uow: NamedDependency[UnitOfWork],
        request: Request[Any, Any, Any],
    ) -> TituloOut:
        """A new título for the same parcela due on ``vencimento`` (today or later; 422
        ``vencimento_passado``), with multa and juros recomputed up to that date; the old one is baixado
        (the next remessa sends its baixa) and the new one names it in ``substitui_id``."""
        cofre = cofre_do_app(request.app.state)
        return titulo_out(await emissao.reemitir(uow, titulo_id, data.vencimento, cofre=cofre))

    @post(
        "/cobranca/titulos/{titulo_id:uuid}/pix-imediato",
        operation_id="issueTituloPixImediato",
        name="cobranca:pix-imediato",
        summary="PIX para pagar hoje (cobrança imediata no PSP)",
        guards=ESCREVER,
        status_code=201,
    )
    async def pix_imediato(
        self,
        titulo_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        request: Request[Any, Any, Any],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[PixImediatoOut]:
        """A dynamic PIX for what the live título's parcela owes today: an immediate charge (``cob`` of the
        BCB Pix API) at the account's PSP, valid for ``expiracao`` seconds (one hour), for the open principal
        plus multa and juros up to today (the reemissão's computation) when the título is overdue, else the
        título's amount. Answers the BR Code (PIX copia e cola) of the charge's ``location``. When the PSP
        notifies the payment (webhook), the título is settled like any PIX, once per ``endToEndId``. The
        título, its boleto and its own BR Code stay valid.

        409 ``titulo_inativo`` (liquidado, baixado, rejeitado), ``titulo_desatualizado`` (the parcela was
        paid in part since: reissue it); 422 ``parcela_paga``, ``psp_nao_configurado`` (no PSP on the
        account — reissue with vencimento hoje for a boleto and static PIX with today's amount — no secret
        in Vault, or no webhook registered), ``psp_recusou``; 503 ``psp_indisponivel``,
        ``cofre_indisponivel``. Requires Idempotency-Key (428 without it): a repeat with the same key
        answers the same charge without creating another."""
        cofre = cofre_do_app(request.app.state)

        async def work() -> PixImediatoOut:
            return pix_imediato_out(await pix_imediato.criar(uow, titulo_id, cofre))

        return await uma_vez(
            uow, "cobranca:pix-imediato", idempotency_key, [str(titulo_id)], work, status=201
        )

    @post(
        "/cobranca/titulos/{titulo_id:uuid}/baixa",
        operation_id="cancelTitulo",
        summary="Baixar (cancelar) título",
        guards=ESCREVER,
        status_code=200,
    )
    async def baixar(
        self, titulo_id: FromPath[uuid.UUID], data: JSONBody[BaixaIn], uow: NamedDependency[UnitOfWork]
    ) -> TituloOut:
        """Cancel a live título with a reason (409 ``transicao_invalida`` when it is liquidado, baixado or
        rejeitado). The next remessa asks the bank for the baixa of a título it had received."""
        return titulo_out(await emissao.baixar(uow, titulo_id, data.motivo))
