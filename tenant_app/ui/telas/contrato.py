"""Modelo de contrato: the versions of the contrato de adesão template, and a new one.

The regulated clauses (Lei 11.795, Circular BCB 3.432) are the app's; the administradora gives its
identification, the BCB authorisation, the foro and any extra clauses. Versions are never changed:
each generated contract records the version it used, so a new version only affects new contracts.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import ir_para
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

DADOS = ("administradora_nome", "administradora_cnpj", "administradora_endereco", "autorizacao_bcb", "foro")
#: Empty clause slots offered after the current ones.
VAGAS = 2


def corpo_modelo(form: dict[str, list[str]]) -> dict[str, Any]:
    """The form (clauses as parallel ``clausula_titulo``/``clausula_texto`` lists) as the API's
    ModeloContratoIn; a clause with neither title nor text is an unused slot. Pure."""
    corpo: dict[str, Any] = {k: (form.get(k) or [""])[-1].strip() for k in DADOS}
    titulos, textos = form.get("clausula_titulo", []), form.get("clausula_texto", [])
    corpo["clausulas_adicionais"] = [
        {"titulo": t.strip(), "texto": x.strip()}
        for t, x in zip(titulos, textos, strict=False)
        if t.strip() or x.strip()
    ]
    return corpo


def erros_no_formulario(erros: dict[str, str]) -> dict[str, str]:
    """``clausulas_adicionais[i].texto`` → ``clausula-<i>`` (the slot's box). Pure."""
    saida: dict[str, str] = {}
    for campo, mensagem in erros.items():
        if campo.startswith("clausulas_adicionais["):
            indice, _, parte = campo[len("clausulas_adicionais[") :].partition("]")
            chave = f"clausula-{indice}"
            texto = f"{'título' if parte == '.titulo' else 'texto'}: {mensagem}"
            saida[chave] = f"{saida[chave]}; {texto}" if chave in saida else texto
        else:
            saida[campo] = mensagem
    return saida


class ContratoController(Controller):
    """``/app/contrato`` (reading: cotas:read; a new version: grupos:write, like the API)."""

    path = "/contrato"
    guards = [requires(Permission.COTAS_READ)]  # noqa: RUF012

    @get("/", name="ui:contrato")
    async def tela(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The versions, newest first, and the form prefilled with the current one."""
        return await self._tela(request)

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        *,
        status: int = 200,
        erro: ErroApi | None = None,
        valores: dict[str, Any] | None = None,
    ) -> Response[str]:
        versoes = await Api(request).get("/api/contratos/modelos")
        atual = valores if valores is not None else (versoes[0] if versoes else {})
        clausulas = list(atual.get("clausulas_adicionais") or []) + [{"titulo": "", "texto": ""}] * VAGAS
        return pagina(
            request,
            "contrato/modelo.html",
            status=status,
            titulo="Modelo de contrato",
            versoes=versoes,
            atual=atual,
            clausulas=clausulas,
            erro=erro.detail if erro else None,
            erros=erros_no_formulario(erro.erros) if erro else {},
        )

    @post("/", name="ui:contrato-salvar", guards=[requires(Permission.GRUPOS_WRITE)])
    async def salvar(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """A new version of the template."""
        form = await request.form()
        corpo = corpo_modelo({k: [v for v in form.getall(k) if isinstance(v, str)] for k in form})
        try:
            await Api(request).post("/api/contratos/modelos", corpo)
        except ErroApi as erro:
            if erro.status >= 500 or erro.status == 403:
                raise
            return await self._tela(request, status=erro.status, erro=erro, valores=corpo)
        return ir_para("/app/contrato", aviso="modelo_contrato_salvo")
