"""``/api/notificacoes``: sender settings, e-mail log, marketing comunicados; the public unsubscribe page."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy import select

from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina, paginate
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.email import marketing
from tenant_app.notificacoes.email.configuracao import ID_UNICO, carregar
from tenant_app.notificacoes.email.schemas import ComunicadoIn, ComunicadoOut, ConfiguracaoIO, EmailOut
from tenant_app.notificacoes.models import (
    CategoriaEmail,
    ConfiguracaoNotificacoes,
    EmailMensagem,
    StatusEntrega,
)
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission


def _nset(request: Request[Any, Any, Any]) -> NotificacoesSettings:
    return NotificacoesSettings.of(request.app.state.settings)


def _base_url(request: Request[Any, Any, Any]) -> str:
    return request.app.state.settings.app_base_url or str(request.base_url)


class NotificacoesController(Controller):
    path = "/api/notificacoes"
    tags = ["notificacoes"]  # noqa: RUF012
    guards = [requires(Permission.INTEGRACOES_MANAGE)]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @get("/configuracao", operation_id="getNotificationSettings")
    async def obter(
        self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> ConfiguracaoIO:
        """The sender (name, address, reply-to) and reminder settings; defaults until saved."""
        r = await carregar(uow.session, _nset(request))
        return ConfiguracaoIO(
            nome_administradora=r.administradora,
            remetente_nome=r.nome,
            remetente_email=r.email,
            responder_para=r.responder_para,
            email_alertas=r.email_alertas,
            emails_consorciados=r.emails_consorciados,
            dias_aviso_vencimento=r.dias_aviso_vencimento,
        )

    @put("/configuracao", operation_id="putNotificationSettings")
    async def salvar(
        self, data: JSONBody[ConfiguracaoIO], uow: NamedDependency[UnitOfWork]
    ) -> ConfiguracaoIO:
        """Save the settings. The sender's domain must be authorised at the SMTP provider (SPF/DKIM)."""
        row = await uow.session.get(ConfiguracaoNotificacoes, ID_UNICO, with_for_update=True)
        valores = {f: getattr(data, f) for f in data.__struct_fields__}
        if row is None:
            uow.add(ConfiguracaoNotificacoes(id=ID_UNICO, **valores))
        else:
            uow.track(row)
            for k, v in valores.items():
                setattr(row, k, v)
        await uow.commit()
        return data

    @get("/emails", operation_id="listEmails")
    async def emails(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        status: Annotated[StatusEntrega | None, QueryParameter(name="status")] = None,
        categoria: Annotated[CategoriaEmail | None, QueryParameter(name="categoria")] = None,
        consorciado_id: Annotated[uuid.UUID | None, QueryParameter(name="consorciado_id")] = None,
    ) -> Pagina[EmailOut]:
        """The e-mail log (newest first)."""
        stmt = select(EmailMensagem).order_by(EmailMensagem.criado_em.desc(), EmailMensagem.id)
        if status is not None:
            stmt = stmt.where(EmailMensagem.status == status)
        if categoria is not None:
            stmt = stmt.where(EmailMensagem.categoria == categoria)
        if consorciado_id is not None:
            stmt = stmt.where(EmailMensagem.consorciado_id == consorciado_id)
        rows, total = await paginate(uow.session, stmt, page)
        return Pagina(
            items=[
                EmailOut(
                    id=m.id,
                    evento_id=m.evento_id,
                    consorciado_id=m.consorciado_id,
                    categoria=m.categoria.value,
                    destinatario=m.destinatario,
                    assunto=m.assunto,
                    status=m.status.value,
                    tentativas=m.tentativas,
                    ultimo_erro=m.ultimo_erro,
                    enviado_em=m.enviado_em,
                    criado_em=m.criado_em,
                )
                for m in rows
            ],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @post("/comunicados", operation_id="sendMarketingEmail", status_code=202)
    async def comunicado(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ComunicadoIn],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[ComunicadoOut]:
        """A marketing e-mail to the consorciados whose latest ``marketing`` consent is granted, each
        with an unsubscribe link. Answers how many were queued. Requires Idempotency-Key (428
        without it): a sent e-mail cannot be recalled, so a retry must not send it twice."""

        async def trabalho() -> ComunicadoOut:
            n = await marketing.enviar_comunicado(
                uow, _nset(request), _base_url(request), data.assunto, data.paragrafos, data.consorciado_ids
            )
            return ComunicadoOut(enfileirados=n)

        return await uma_vez(
            uow, "comunicado", idempotency_key, [msgspec.json.encode(data)], trabalho, status=202
        )


class DescadastroController(Controller):
    """Public: the link in marketing e-mails (no login; the token is an HMAC of the consorciado)."""

    path = "/publico/descadastro"
    tags = ["notificacoes"]  # noqa: RUF012
    security = []  # noqa: RUF012

    @get("/{token:str}", operation_id="unsubscribePage", media_type=MediaType.HTML)
    async def pagina(
        self, token: FromPath[str], request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> str:
        """Withdraws the marketing consent and confirms it (also works as RFC 8058 one-click POST)."""
        await marketing.descadastrar(uow, _nset(request), token)
        return (
            '<!doctype html><html lang="pt-BR"><meta charset="utf-8"><title>Descadastro</title>'
            "<p>Pronto: você não receberá mais nossas comunicações de marketing. "
            "Avisos sobre o seu contrato (vencimentos, pagamentos) continuam.</p></html>"
        )

    @post("/{token:str}", operation_id="unsubscribeOneClick", status_code=200)
    async def um_clique(
        self, token: FromPath[str], request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> dict[str, bool]:
        await marketing.descadastrar(uow, _nset(request), token)
        return {"descadastrado": True}
