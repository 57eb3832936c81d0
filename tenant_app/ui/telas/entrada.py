"""Login (e-mail + password, the API's lockout), the TOTP second factor and its enrolment, logout."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency

from consorcio_kit import totp
from tenant_app.auth import dois_fatores
from tenant_app.auth.service import verificar_credenciais
from tenant_app.erros import ConflitoError, ContaBloqueada, DadosInvalidos, MuitasTentativas, NaoAutenticado
from tenant_app.ui.formularios import campos, ir_para
from tenant_app.ui.paginas import pagina
from tenant_app.ui.sessao import Sessao, Sessoes
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.models import User
from tenant_app.users.roles import exige_segundo_fator
from tenant_app.users.throttle import login_throttle, origem

PUBLICA = {"ui_acesso": "publica"}
SEGUNDO_FATOR = {"ui_acesso": "segundo_fator"}


def _sessao(request: Request[Any, Any, Any]) -> tuple[Sessoes, Sessao]:
    state = request.scope["state"]  # type: ignore[typeddict-item]
    return state["ui_sessoes"], state["ui_sessao"]


def _usar(request: Request[Any, Any, Any], sessao: Sessao) -> None:
    request.scope["state"]["ui_sessao"] = sessao  # type: ignore[typeddict-item]


def _tela_ativacao(
    request: Request[Any, Any, Any], segredo: str, uri: str, erro: str | None, status: int = 200
) -> Response[str]:
    qr = totp.qr_svg(uri)
    grupos = " ".join(segredo[i : i + 4] for i in range(0, len(segredo), 4))
    return pagina(request, "entrada/ativacao.html", status=status, qr=qr, segredo=grupos, erro=erro)


class EntradaController(Controller):
    """``/app/entrar``, ``/app/entrar/codigo``, ``/app/entrar/ativacao``, ``/app/sair``."""

    path = "/"

    @get("/entrar", opt=PUBLICA, name="ui:entrar")
    async def formulario(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The login form."""
        return pagina(request, "entrada/login.html", email="", erro=None)

    @post("/entrar", opt=PUBLICA, name="ui:entrar-enviar")
    async def entrar(
        self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> Response[Any]:
        """Check the password; the roles that need it go on to the second factor."""
        dados = await campos(request)
        email, senha = dados.get("email", ""), (await request.form()).get("senha", "")
        try:
            state = request.app.state
            user = await verificar_credenciais(
                uow,
                state.settings.auth,
                email,
                str(senha),
                throttle=login_throttle(state),
                origem=origem(request.scope),
            )
            user_id, role, totp_ativo = user.id, user.role, user.totp_ativado_em is not None
            await uow.commit()
        except (NaoAutenticado, ContaBloqueada, MuitasTentativas) as exc:
            status = {ContaBloqueada: 423, MuitasTentativas: 429}.get(type(exc), 401)
            return pagina(request, "entrada/login.html", status=status, email=email, erro=exc.detail)
        sessoes, sessao = _sessao(request)
        if exige_segundo_fator(role):
            _usar(request, await sessoes.trocar(sessao, "segundo_fator", user_id))
            return ir_para("/app/entrar/codigo" if totp_ativo else "/app/entrar/ativacao")
        _usar(request, await sessoes.trocar(sessao, "autenticada", user_id))
        return ir_para("/app/")

    @get("/entrar/codigo", opt=SEGUNDO_FATOR, name="ui:codigo")
    async def pedir_codigo(
        self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> Response[Any]:
        """Ask for the authenticator's code (enrol first when there is no active secret)."""
        _, sessao = _sessao(request)
        user = await uow.session.get(User, sessao.usuario)
        if user is None or user.totp_ativado_em is None:
            return ir_para("/app/entrar/ativacao")
        return pagina(request, "entrada/codigo.html", erro=None)

    @get("/entrar/ativacao", opt=SEGUNDO_FATOR, name="ui:ativacao")
    async def ativacao(
        self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> Response[Any]:
        """A new secret as a QR code and as text, and the field for the first code."""
        _, sessao = _sessao(request)
        try:
            segredo, uri = await dois_fatores.iniciar_ativacao(uow, sessao.usuario)  # type: ignore[arg-type]
        except ConflitoError:
            return ir_para("/app/entrar/codigo")
        return _tela_ativacao(request, segredo, uri, None)

    @post("/entrar/codigo", opt=SEGUNDO_FATOR, name="ui:codigo-enviar")
    async def verificar(
        self, request: Request[Any, Any, Any], uow: NamedDependency[UnitOfWork]
    ) -> Response[Any]:
        """Check the code (activating an enrolment); wrong codes count toward the lockout."""
        sessoes, sessao = _sessao(request)
        codigo = (await campos(request)).get("codigo", "")
        try:
            await dois_fatores.verificar(uow, request.app.state.settings.auth, sessao.usuario, codigo)  # type: ignore[arg-type]
        except DadosInvalidos as exc:
            user = await uow.session.get(User, sessao.usuario)
            if user is not None and user.totp_secret and user.totp_ativado_em is None:
                uri = dois_fatores.uri_provisionamento(user.totp_secret, user.email)
                return _tela_ativacao(request, user.totp_secret, uri, exc.detail, status=400)
            return pagina(request, "entrada/codigo.html", status=400, erro=exc.detail)
        except (NaoAutenticado, ContaBloqueada, ConflitoError) as exc:
            await sessoes.apagar(sessao)
            _usar(request, await sessoes.criar())
            return pagina(request, "entrada/login.html", status=401, email="", erro=exc.detail)
        _usar(request, await sessoes.trocar(sessao, "autenticada", sessao.usuario))
        return ir_para("/app/")

    @post("/sair", name="ui:sair")
    async def sair(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """End the session."""
        sessoes, sessao = _sessao(request)
        await sessoes.apagar(sessao)
        request.scope["state"]["ui_sessao_encerrada"] = True  # type: ignore[typeddict-item]
        return ir_para("/app/entrar", aviso="saiu")
