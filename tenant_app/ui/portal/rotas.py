"""The área do consorciado's router: ``/cliente``, its own session gate, the UI's CSRF check, error pages.

``tenant_app.ui.rotas`` adds ``ROUTER`` to ``UI_HANDLERS`` and ``^/cliente`` to ``UI_PATHS``
(kept away from the API's bearer-token middleware). Static files are the staff UI's
(``/app/estatico``: public, no session).
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response, Router
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect

from tenant_app.erros import ErroDominio
from tenant_app.http.problems import status_of
from tenant_app.ui.erros import _TITULOS
from tenant_app.ui.formularios import exigir_csrf
from tenant_app.ui.portal.sessao import ENTRAR, SessaoPortalMiddleware
from tenant_app.ui.portal.telas import AreaController, EntradaPortalController, tela

log = logging.getLogger("tenant_app.portal")


def _erro(request: Request[Any, Any, Any], status: int, detalhe: str) -> Response[Any]:
    if status == 401:
        return Redirect(ENTRAR, status_code=303)
    titulo = _TITULOS.get(status, "Erro interno" if status >= 500 else "Erro")
    return tela(request, "erro.html", status=status, titulo=titulo, detalhe=detalhe)


def tratar(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Errors as pages of the área (never a staff page, never a stack trace)."""
    if isinstance(exc, NotAuthorizedException):
        return _erro(request, 401, "")
    if isinstance(exc, PermissionDeniedException):
        return _erro(
            request,
            403,
            "A sessão expirou ou o formulário veio de outra página. Recarregue a página e tente de novo.",
        )
    if isinstance(exc, ErroDominio):
        return _erro(request, status_of(exc), exc.detail or "")
    if isinstance(exc, HTTPException):
        detalhe = "Endereço não encontrado." if exc.status_code == 404 else str(exc.detail)
        return _erro(request, exc.status_code, detalhe)
    log.exception("erro na área do consorciado %s", request.url.path, exc_info=exc)
    return _erro(
        request, 500, "Ocorreu um erro inesperado. Tente de novo; se persistir, fale com a administradora."
    )


_EXCECOES: dict[Any, Any] = {Exception: tratar}

ROUTER = Router(
    path="/cliente",
    route_handlers=[EntradaPortalController, AreaController],
    middleware=[SessaoPortalMiddleware],
    before_request=exigir_csrf,
    exception_handlers=_EXCECOES,
    include_in_schema=False,
)

#: Paths the API's bearer-token middleware leaves alone.
PORTAL_PATHS = ["^/cliente(/|$)"]
