"""The UI's routes: one Router under ``/app`` with its session gate, CSRF check and error pages.

``app.py`` adds ``UI_HANDLERS`` to the route list and keeps ``UI_PATHS`` out of
the API's bearer-token middleware (the UI authenticates by session cookie).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Router, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Redirect

from tenant_app.ui import assets
from tenant_app.ui.erros import tratar
from tenant_app.ui.formularios import exigir_csrf
from tenant_app.ui.middleware import SessaoUIMiddleware
from tenant_app.ui.paginas import ESTATICO
from tenant_app.ui.portal.rotas import PORTAL_PATHS
from tenant_app.ui.portal.rotas import ROUTER as PORTAL
from tenant_app.ui.telas import TELAS

#: Paths the API's bearer-token middleware leaves alone.
UI_PATHS = ["^/$", "^/app(/|$)", *PORTAL_PATHS]

ESTATICO_OPT = {"ui_acesso": "estatico"}
_UM_ANO = "public, max-age=31536000, immutable"
_TIPOS = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


def _arquivo(caminho: Path) -> File:
    return File(
        caminho,
        content_disposition_type="inline",
        media_type=_TIPOS.get(caminho.suffix, "application/octet-stream"),
        headers={"Cache-Control": _UM_ANO},
    )


@get("/estatico/vendor/{nome:str}", opt=ESTATICO_OPT, name="ui:vendor", include_in_schema=False)
async def vendor(nome: FromPath[str]) -> File:
    """A pinned third-party file (fetched by ``python -m tenant_app.ui.assets fetch``)."""
    caminho = assets.locate(nome)
    if caminho is None:
        raise NotFoundException()
    return _arquivo(caminho)


@get("/estatico/{nome:str}", opt=ESTATICO_OPT, name="ui:estatico", include_in_schema=False)
async def estatico(nome: FromPath[str]) -> File:
    """The app's own CSS/JS (``?v=<hash>`` in the URL: cached for a year)."""
    caminho = ESTATICO / nome
    if Path(nome).name != nome or not caminho.is_file():
        raise NotFoundException()
    return _arquivo(caminho)


@get("/", include_in_schema=False, name="ui:raiz")
async def raiz() -> Redirect:
    """The app's root opens the UI."""
    return Redirect("/app/", status_code=303)


_EXCECOES: dict[Any, Any] = {Exception: tratar}

ROUTER = Router(
    path="/app",
    route_handlers=[vendor, estatico, *TELAS],
    middleware=[SessaoUIMiddleware],
    before_request=exigir_csrf,
    exception_handlers=_EXCECOES,
    include_in_schema=False,
)

UI_HANDLERS: list[Any] = [raiz, ROUTER, PORTAL]
