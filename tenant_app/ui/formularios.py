"""Form plumbing shared by the screens: CSRF, reading fields, redirects, API errors next to fields."""

from __future__ import annotations

import hmac
import uuid
from typing import Any
from urllib.parse import urlencode, urlparse

from litestar import Request, Response
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect

from tenant_app.ui.sessao import Sessao

_SEGUROS = frozenset({"GET", "HEAD", "OPTIONS"})


async def exigir_csrf(request: Request[Any, Any, Any]) -> None:
    """``before_request`` of the UI router: every state change carries the session's CSRF token.

    The token travels as the ``csrf`` form field (plain forms) or the
    ``X-CSRF-Token`` header (htmx, set once on <body>); a cross-site Origin is
    refused before that.
    """
    if request.method in _SEGUROS:
        return
    origem = request.headers.get("origin")
    if origem and origem != "null" and urlparse(origem).netloc != request.headers.get("host", ""):
        raise PermissionDeniedException("origem cruzada")
    sessao: Sessao | None = request.scope.get("state", {}).get("ui_sessao")
    enviado = request.headers.get("x-csrf-token")
    if not enviado:
        enviado = (await request.form()).get("csrf")
    if sessao is None or not isinstance(enviado, str) or not hmac.compare_digest(enviado, sessao.csrf):
        raise PermissionDeniedException("csrf")


async def campos(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The form's text fields, trimmed (the last value when a name repeats)."""
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf"}


def deslocamento(request: Request[Any, Any, Any]) -> int:
    """The list page's ``?offset=`` (0 when absent, negative or not a number)."""
    try:
        return max(int(request.query_params.get("offset", 0)), 0)
    except ValueError:
        return 0


def nova_chave() -> str:
    """A fresh Idempotency-Key for a money form (rendered as a hidden field: a double submit
    sends the same key twice, and the API applies it once)."""
    return str(uuid.uuid4())


def ir_para(caminho: str, **aviso: str) -> Response[Any]:
    """303 to ``caminho`` (after a POST), with an optional ``?aviso=`` message code."""
    if aviso:
        caminho = f"{caminho}{'&' if '?' in caminho else '?'}{urlencode(aviso)}"
    return Redirect(caminho, status_code=303)


def opcional(valor: str | None) -> str | None:
    """Empty form text as None (the API's "not sent")."""
    return valor if valor else None
