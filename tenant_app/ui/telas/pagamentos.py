"""Pagamentos: the daily listing (period, forma, situação), its CSV, and the estorno form's target."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from tenant_app import calendario
from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import campos, deslocamento, ir_para
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

LIMITE = 50
FILTROS = ("desde", "ate", "forma", "status")


class PagamentosController(Controller):
    """``/app/pagamentos``."""

    path = "/pagamentos"
    guards = [requires(Permission.PAGAMENTOS_READ)]  # noqa: RUF012

    @get("/", name="ui:pagamentos")
    async def lista(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Payments by payment date (this month by default)."""
        hoje = calendario.hoje()
        filtros = {k: request.query_params.get(k, "") for k in FILTROS}
        if not filtros["desde"] and not filtros["ate"]:
            filtros["desde"] = hoje.replace(day=1).isoformat()
        offset = deslocamento(request)
        erro = None
        try:
            dados = await Api(request).get("/api/pagamentos", **filtros, limit=LIMITE, offset=offset)
        except ErroApi as exc:
            if exc.status != 400:
                raise
            erro, dados = exc, {"items": [], "total": 0}
        extra = "".join(f"&{k}={v}" for k, v in filtros.items() if v)
        return pagina(
            request,
            "pagamentos/lista.html",
            titulo="Pagamentos",
            dados=dados,
            filtros=filtros,
            limite=LIMITE,
            offset=offset,
            extra=extra,
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )

    @get("/exportacao.csv", name="ui:pagamentos-csv")
    async def exportacao(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """The API's CSV for the same filters, as a download."""
        filtros = {k: request.query_params.get(k, "") for k in FILTROS}
        resposta = await Api(request).chamar(
            "GET", "/api/pagamentos/exportacao", params={k: v for k, v in filtros.items() if v}
        )
        return Response(
            resposta.content,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="pagamentos.csv"',
                "Cache-Control": "no-store",
            },
        )

    @post("/{pagamento_id:uuid}/estorno", name="ui:estorno", guards=[requires(Permission.PAGAMENTOS_ESTORNO)])
    async def estornar(
        self, request: Request[Any, Any, Any], pagamento_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Reverse a payment (Idempotency-Key from the form), then back to where it was asked."""
        v = await campos(request)
        voltar = v.get("voltar", "")
        if not voltar.startswith("/app/") or "//" in voltar:
            voltar = "/app/pagamentos"
        await Api(request).post(
            f"/api/pagamentos/{pagamento_id}/estorno", {"motivo": v.get("motivo", "")}, chave=v.get("chave")
        )
        return ir_para(voltar, aviso="pagamento_estornado")
