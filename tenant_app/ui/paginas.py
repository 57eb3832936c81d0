"""Rendering: one Jinja environment (autoescaped), the layout's context, the security headers.

Every page gets ``usuario``, its ``menu`` (entries its role may open), ``pode(p)``
(the permission table, for buttons), ``csrf`` and ``estatico(nome)`` (versioned
URLs of the app's own CSS/JS). The Content-Security-Policy allows only this
origin's files: no inline script or style anywhere (templates use classes, the
charts use SVG presentation attributes).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.enums import MediaType

from tenant_app.ui import assets
from tenant_app.ui.formatos import FILTROS
from tenant_app.ui.navegacao import item_ativo, menu_do_papel
from tenant_app.ui.sessao import Sessao
from tenant_app.users.current_user import CurrentUser
from tenant_app.users.roles import Permission, role_can

PASTA = Path(__file__).parent
TEMPLATES = PASTA / "templates"
ESTATICO = PASTA / "estatico"

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)

CABECALHOS_SEGURANCA = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


@lru_cache(maxsize=64)
def _versao(nome: str) -> str:
    return hashlib.sha256((ESTATICO / nome).read_bytes()).hexdigest()[:12]


def estatico(nome: str) -> str:
    """``/app/estatico/<nome>?v=<content hash>`` (cached for a year, a new file gets a new URL)."""
    return f"/app/estatico/{nome}?v={_versao(nome)}"


def vendor(nome: str) -> str:
    """URL of a pinned third-party file (its name carries its version)."""
    return f"/app/estatico/vendor/{nome}"


def _ambiente() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTROS)
    env.globals.update(estatico=estatico, vendor=vendor, HTMX=assets.HTMX.file, HTMX_SSE=assets.HTMX_SSE.file)
    return env


AMBIENTE = _ambiente()


def contexto(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What every page's layout needs."""
    user = request.scope.get("user")
    usuario = user if isinstance(user, CurrentUser) else None
    sessao: Sessao | None = request.scope.get("state", {}).get("ui_sessao")

    def pode(permissao: str) -> bool:
        return usuario is not None and role_can(usuario.role, Permission(permissao))

    return {
        "usuario": usuario,
        "menu": menu_do_papel(usuario.role) if usuario else [],
        "menu_ativo": item_ativo(request.url.path),
        "pode": pode,
        "csrf": sessao.csrf if sessao else "",
        "caminho": request.url.path,
        "htmx": request.headers.get("hx-request") == "true",
        "tenant": request.app.state.settings.tenant_slug,
        "aviso_codigo": request.query_params.get("aviso", ""),
    }


def renderizar(request: Request[Any, Any, Any], template: str, **valores: Any) -> str:
    """The template's HTML with the layout context."""
    return AMBIENTE.get_template(template).render(**contexto(request), **valores)


def pagina(
    request: Request[Any, Any, Any], template: str, *, status: int = 200, **valores: Any
) -> Response[str]:
    """An HTML response (never cached: screens show personal data)."""
    return Response(
        renderizar(request, template, **valores),
        status_code=status,
        media_type=MediaType.HTML,
        headers={"Cache-Control": "no-store"},
    )
