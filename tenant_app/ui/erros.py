"""Errors of UI routes as pages (the API's stay problem+json): 401 → login, 403/404/409/5xx explained."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect

from tenant_app.erros import ErroDominio
from tenant_app.http.problems import status_of
from tenant_app.ui.api import ErroApi
from tenant_app.ui.paginas import pagina

log = logging.getLogger("tenant_app.ui")

_TITULOS = {
    400: "Requisição inválida",
    403: "Acesso negado",
    404: "Não encontrado",
    405: "Método não permitido",
    409: "Operação não permitida agora",
    422: "Regra de negócio",
    423: "Conta bloqueada",
    429: "Muitas requisições",
}


def _erro(request: Request[Any, Any, Any], status: int, detalhe: str) -> Response[Any]:
    if status == 401:
        return Redirect("/app/entrar", status_code=303)
    titulo = _TITULOS.get(status, "Erro interno" if status >= 500 else "Erro")
    return pagina(request, "erro.html", status=status, titulo=titulo, detalhe=detalhe)


def tratar(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The router's exception handler."""
    if isinstance(exc, ErroApi):
        return _erro(request, exc.status, exc.detail)
    if isinstance(exc, NotAuthorizedException):
        return _erro(request, 401, "")
    if isinstance(exc, PermissionDeniedException):
        detalhe = (
            "A sessão expirou ou o formulário veio de outra página. Recarregue a página e tente de novo."
            if exc.detail in ("csrf", "origem cruzada")
            else "Seu perfil não permite abrir esta tela ou fazer esta operação."
        )
        return _erro(request, 403, detalhe)
    if isinstance(exc, ErroDominio):
        return _erro(request, status_of(exc), exc.detail or "")
    if isinstance(exc, HTTPException):
        detalhe = "Endereço não encontrado." if exc.status_code == 404 else str(exc.detail)
        return _erro(request, exc.status_code, detalhe)
    log.exception("erro na tela %s", request.url.path, exc_info=exc)
    return _erro(request, 500, "Ocorreu um erro inesperado. Tente de novo; se persistir, avise o suporte.")
