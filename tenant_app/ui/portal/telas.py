"""The área do consorciado's screens (``/cliente``): login by code, cotas, extrato, 2ª via, assembleias
and lances, documents, privacy.

Unlike the staff screens these call ``tenant_app.portal.service`` in process instead of the JSON
API: the API's permission table is about staff roles, and a consorciado is none of them. The
service scopes every query to the session's consorciado and delegates every rule to the feature
that owns it (emissão, lances, documentos, LGPD), so there is still one copy of each rule.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from tenant_app import calendario
from tenant_app.armazenamento.store import ObjectStore
from tenant_app.assembleias.apuracao.regras import TipoLance
from tenant_app.cobranca.boleto import formatar_linha
from tenant_app.cobranca.controller.comum import cofre_do_app
from tenant_app.erros import ErroDominio
from tenant_app.http.problems import status_of
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.portal import entrada, service
from tenant_app.portal.acesso import Codigos
from tenant_app.ui.formatos import apenas_documento, percentual_do_formulario, qr_do_pix
from tenant_app.ui.formularios import campos, ir_para
from tenant_app.ui.paginas import pagina
from tenant_app.ui.sessao import Sessao, Sessoes
from tenant_app.unit_of_work import UnitOfWork

PUBLICA = {"ui_acesso": "publica"}
CODIGO = {"ui_acesso": "segundo_fator"}
TIPOS_LANCE = (("livre", "Livre"), ("fixo", "Fixo"), ("embutido", "Embutido"))


def _sessao(request: Request[Any, Any, Any]) -> tuple[Sessoes, Sessao]:
    state = request.scope["state"]  # type: ignore[typeddict-item]
    return state["ui_sessoes"], state["ui_sessao"]


def _usar(request: Request[Any, Any, Any], sessao: Sessao) -> None:
    request.scope["state"]["ui_sessao"] = sessao  # type: ignore[typeddict-item]


def _eu(request: Request[Any, Any, Any]) -> uuid.UUID:
    consorciado: uuid.UUID = request.scope["state"]["portal_consorciado"]  # type: ignore[typeddict-item]
    return consorciado


def _codigos(request: Request[Any, Any, Any]) -> Codigos:
    settings = request.app.state.settings
    return Codigos(request.app.state.redis, settings.redis, "portal\0" + settings.auth.jwt_secret)


def _hoje(request: Request[Any, Any, Any]) -> date:
    return calendario.hoje()


def tela(
    request: Request[Any, Any, Any], template: str, *, status: int = 200, **valores: Any
) -> Response[str]:
    """A portal page: the layout gets the consorciado's name (and never a staff user)."""
    nome = request.scope.get("state", {}).get("portal_nome")
    return pagina(request, f"portal/{template}", status=status, cliente=nome, **valores)


def _uow(request: Request[Any, Any, Any]) -> UnitOfWork:
    """A unit of work whose audit actor is the consorciado himself."""
    request_id = request.scope.get("state", {}).get("request_id")
    return UnitOfWork.start(request.app.state.session_factory, service.ator(_eu(request), request_id))


class EntradaPortalController(Controller):
    """``/cliente/entrar`` (CPF/CNPJ), ``/cliente/entrar/codigo``, ``/cliente/sair``."""

    path = "/"

    @get("/entrar", opt=PUBLICA, name="portal:entrar")
    async def formulario(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The CPF/CNPJ form."""
        return tela(request, "entrar.html", documento="", erro=None)

    @post("/entrar", opt=PUBLICA, name="portal:entrar-enviar")
    async def pedir(self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]) -> Response[Any]:
        """Send the code (when the CPF/CNPJ has an e-mail on file) and ask for it — the same answer
        either way, so the form does not tell who is a consorciado."""
        documento = apenas_documento((await campos(request)).get("documento", ""))
        if len(documento) not in (11, 14):
            return tela(
                request, "entrar.html", status=422, documento=documento, erro="Informe um CPF ou CNPJ."
            )
        nset = NotificacoesSettings.of(request.app.state.settings)
        try:
            consorciado = await entrada.pedir_codigo(uow, _codigos(request), nset, documento)
        except ErroDominio as exc:
            return tela(request, "entrar.html", status=503, documento=documento, erro=exc.detail)
        sessoes, sessao = _sessao(request)
        _usar(request, await sessoes.trocar(sessao, "segundo_fator", consorciado))
        return ir_para("/cliente/entrar/codigo")

    @get("/entrar/codigo", opt=CODIGO, name="portal:codigo")
    async def pedir_codigo(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The code form."""
        return tela(request, "codigo.html", erro=None)

    @post("/entrar/codigo", opt=CODIGO, name="portal:codigo-enviar")
    async def confirmar(
        self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> Response[Any]:
        """A right code opens the área (new session id); a spent code sends back to the start."""
        sessoes, sessao = _sessao(request)
        codigo = (await campos(request)).get("codigo", "").replace(" ", "")
        certo, recomecar = await entrada.confirmar_codigo(uow, _codigos(request), sessao.usuario, codigo)
        if certo:
            _usar(request, await sessoes.trocar(sessao, "autenticada", sessao.usuario))
            return ir_para("/cliente/")
        if recomecar:
            await sessoes.apagar(sessao)
            _usar(request, await sessoes.criar())
            erro = "Código expirado ou tentativas esgotadas. Peça um novo código."
            return tela(request, "entrar.html", status=400, documento="", erro=erro)
        return tela(
            request, "codigo.html", status=400, erro="Código inválido. Confira o e-mail e digite de novo."
        )

    @post("/sair", name="portal:sair")
    async def sair(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """End the session."""
        sessoes, sessao = _sessao(request)
        await sessoes.apagar(sessao)
        request.scope["state"]["ui_sessao_encerrada"] = True  # type: ignore[typeddict-item]
        return ir_para("/cliente/entrar", aviso="saiu")


class AreaController(Controller):
    """The logged-in pages; every one starts from the session's consorciado."""

    path = "/"

    @get("/", name="portal:inicio")
    async def inicio(
        self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> Response[str]:
        """His cotas with what is open on each."""
        hoje = _hoje(request)
        cotas = await service.resumo_das_cotas(uow.session, _eu(request), hoje)
        return tela(request, "inicio.html", titulo="Minhas cotas", cotas=cotas, hoje=hoje)

    @get("/cotas/{cota_id:uuid}", name="portal:cota")
    async def cota(
        self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> Response[str]:
        """Extrato: parcelas, boletos/PIX, payments."""
        hoje = _hoje(request)
        extrato = await service.extrato(uow.session, _eu(request), cota_id, hoje)
        titulo = f"Cota {extrato.cota.numero} — grupo {extrato.grupo.codigo}"
        return tela(request, "cota.html", titulo=titulo, e=extrato, hoje=hoje, formatar_linha=formatar_linha)

    @post("/parcelas/{parcela_id:uuid}/segunda-via", name="portal:segunda-via")
    async def segunda_via(
        self, request: Request[Any, Any, Any], parcela_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """A payable título for the parcela (issued or re-issued for today when needed)."""
        async with _uow(request) as uow:
            titulo = await service.segunda_via(
                uow, _eu(request), parcela_id, _hoje(request), cofre_do_app(request.app.state)
            )
        return ir_para(f"/cliente/titulos/{titulo.id}")

    @get("/titulos/{titulo_id:uuid}", name="portal:titulo")
    async def titulo(
        self,
        request: Request[Any, Any, Any],
        titulo_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
    ) -> Response[str]:
        """Boleto (linha digitável) and PIX copia e cola with its QR code."""
        t = await service.meu_titulo(uow.session, _eu(request), titulo_id)
        qr = qr_do_pix(t.brcode) if t.brcode else None
        return tela(
            request,
            "titulo.html",
            titulo=f"Parcela {t.parcela_numero} — 2ª via",
            t=t,
            linha=formatar_linha(t.linha_digitavel),
            qr=qr,
        )

    @get("/assembleias", name="portal:assembleias")
    async def assembleias(
        self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> Response[str]:
        """Results of his grupos' assembleias; the lance form while one receives lances."""
        return await self._assembleias(request, uow)

    async def _assembleias(
        self,
        request: Request[Any, Any, Any],
        uow: UnitOfWork,
        *,
        status: int = 200,
        erro: str | None = None,
        valores: dict[str, str] | None = None,
    ) -> Response[str]:
        itens = await service.minhas_assembleias(uow.session, _eu(request))
        return tela(
            request,
            "assembleias.html",
            status=status,
            titulo="Assembleias",
            itens=itens,
            agora=datetime.now(ZoneInfo(request.app.state.settings.time_zone)),
            tipos_lance=TIPOS_LANCE,
            erro=erro,
            valores=valores or {},
        )

    @post("/assembleias/{assembleia_id:uuid}/lances", name="portal:lance")
    async def lance(
        self,
        request: Request[Any, Any, Any],
        assembleia_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
    ) -> Response[Any]:
        """Offer a sealed lance for one of his cotas."""
        v = await campos(request)
        try:
            tipo = TipoLance(v.get("tipo", ""))
            percentual = Decimal(percentual_do_formulario(v.get("percentual", "")))
            embutido = Decimal(percentual_do_formulario(v.get("percentual_embutido") or "0"))
            cota_id = uuid.UUID(v.get("cota_id", ""))
            if not (percentual.is_finite() and embutido.is_finite()):
                raise InvalidOperation
        except (ValueError, InvalidOperation):
            erro = "Informe a cota, o tipo e o percentual do lance (ex.: 25,5)."
            return await self._assembleias(request, uow, status=422, erro=erro, valores=v)
        try:
            async with _uow(request) as acao:
                await service.oferecer_lance(
                    acao,
                    _eu(request),
                    assembleia_id,
                    cota_id,
                    tipo,
                    percentual,
                    embutido,
                )
        except (ErroDominio, msgspec.ValidationError) as exc:
            if isinstance(exc, ErroDominio) and status_of(exc) == 404:
                raise
            if isinstance(exc, ErroDominio):
                # The contract's rule and each field's message (minimum, types allowed, ceiling).
                partes = [exc.detail or "Lance recusado.", *[e.message for e in exc.errors]]
            else:
                partes = [str(exc)]
            erro = " ".join(p if p.endswith(".") else p + "." for p in partes)
            return await self._assembleias(request, uow, status=422, erro=erro, valores=v)
        return ir_para("/cliente/assembleias", aviso="lance_registrado")

    @post("/assembleias/{assembleia_id:uuid}/lances/{lance_id:uuid}/cancelar", name="portal:lance-cancelar")
    async def cancelar(
        self,
        request: Request[Any, Any, Any],
        assembleia_id: FromPath[uuid.UUID],
        lance_id: FromPath[uuid.UUID],
    ) -> Response[Any]:
        """Withdraw one of his lances before the cut-off."""
        async with _uow(request) as uow:
            await service.retirar_lance(uow, _eu(request), assembleia_id, lance_id)
        return ir_para("/cliente/assembleias", aviso="lance_cancelado")

    @get("/documentos", name="portal:documentos")
    async def documentos(
        self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> Response[str]:
        """His contract and documents, and his grupos' regulamento and atas."""
        docs = await service.meus_documentos(uow.session, _eu(request))
        return tela(request, "documentos.html", titulo="Documentos", documentos=docs)

    @get("/documentos/{documento_id:uuid}", name="portal:documento")
    async def baixar(
        self,
        request: Request[Any, Any, Any],
        documento_id: FromPath[uuid.UUID],
        armazenamento: NamedDependency[ObjectStore],
    ) -> Redirect:
        """To a short-lived link of the file in the tenant's bucket (the download is audited)."""
        async with _uow(request) as uow:
            url = await service.baixar_documento(uow, armazenamento, _eu(request), documento_id)
        return Redirect(url, status_code=303)

    @get("/privacidade", name="portal:privacidade")
    async def privacidade(
        self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> Response[str]:
        """His personal data on file, his consents (with history), export."""
        dados = await service.privacidade(uow.session, _eu(request))
        return tela(
            request,
            "privacidade.html",
            titulo="Meus dados e privacidade",
            p=dados,
            livres=service.FINALIDADES_LIVRES,
        )

    @post("/privacidade/consentimentos", name="portal:consentimento")
    async def consentir(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Grant or withdraw a consent (LGPD art. 8 §5)."""
        v = await campos(request)
        async with _uow(request) as uow:
            await service.decidir_consentimento(
                uow, _eu(request), v.get("finalidade", ""), v.get("concedido") == "sim"
            )
        return ir_para("/cliente/privacidade", aviso="consentimento_registrado")

    @get("/privacidade/meus-dados.json", name="portal:exportacao")
    async def exportar(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Everything held about him as JSON (LGPD art. 18 V)."""
        async with _uow(request) as uow:
            dados = await service.exportar(uow, _eu(request))
        return Response(
            msgspec.json.format(msgspec.json.encode(dados), indent=2),
            media_type="application/json",
            headers={
                "Content-Disposition": 'attachment; filename="meus-dados.json"',
                "Cache-Control": "no-store",
            },
        )
