"""Crédito: each grupo's cartas de crédito by stage, and a carta's whole file (análise, documents
missing, guarantees and their coverage, the bem and its seller, payouts and their confirmation, history)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from tenant_app.ui.api import Api
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission


class CreditosController(Controller):
    """``/app/creditos`` (read; the actions stay in the API for now)."""

    path = "/creditos"
    guards = [requires(Permission.COTAS_READ)]  # noqa: RUF012

    @get("/", name="ui:creditos")
    async def lista(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The cartas of every grupo, newest contemplação first."""
        api = Api(request)
        cartas: list[dict[str, Any]] = []
        for g in (await api.get("/api/grupos", limit=200))["items"]:
            cartas += [
                {**c, "grupo_codigo": g["codigo"]} for c in await api.get(f"/api/grupos/{g['id']}/creditos")
            ]
        cartas.sort(key=lambda c: (c["contemplada_em"], c["grupo_codigo"], c["cota_numero"]), reverse=True)
        return pagina(request, "creditos/lista.html", titulo="Créditos", cartas=cartas)

    @get("/{carta_id:uuid}", name="ui:credito")
    async def detalhe(self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]) -> Response[str]:
        """The carta's file."""
        d = await Api(request).get(f"/api/creditos/{carta_id}")
        return pagina(
            request, "creditos/detalhe.html", titulo=f"Carta da cota {d['carta']['cota_numero']}", d=d
        )
