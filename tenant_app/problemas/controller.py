"""``GET /problemas`` and ``GET /problemas/{codigo}``: the page each problem ``type`` points to."""

from __future__ import annotations

import html

from litestar import Controller, MediaType, get
from litestar.params import FromPath

from tenant_app.erros import NaoEncontrado
from tenant_app.http.catalogo import CAMINHO, CATALOGO, TipoProblema

_ESTILO = "body{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.5}code{background:#eee}"


def _pagina(titulo: str, corpo: str) -> str:
    return (
        f'<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>{html.escape(titulo)}</title>'
        f"<style>{_ESTILO}</style></head><body>{corpo}</body></html>"
    )


def _secao(codigo: str, tipo: TipoProblema) -> str:
    return (
        f'<h2 id="{codigo}">{html.escape(tipo.titulo)}</h2>'
        f"<p><code>type</code>: <code>{CAMINHO}/{codigo}</code> · <code>status</code>: {tipo.status}</p>"
        f"<p>{html.escape(tipo.descricao)}</p>"
    )


class ProblemasController(Controller):
    """The documented catalogue of problem types (RFC 9457 ``type`` URIs resolve here)."""

    path = CAMINHO
    tags = ["problemas"]  # noqa: RUF012
    include_in_schema = False

    @get("/", operation_id="listProblemas", name="problemas:list", media_type=MediaType.HTML)
    async def listar(self) -> str:
        """Every problem type the API answers with."""
        itens = "".join(
            f'<li><a href="{CAMINHO}/{c}">{c}</a> ({t.status}) — {html.escape(t.titulo)}</li>'
            for c, t in sorted(CATALOGO.items(), key=lambda x: (x[1].status, x[0]))
        )
        intro = (
            "<h1>Tipos de problema da API</h1><p>Todo erro é respondido como <code>application/problem+json"
            "</code> (RFC 9457): <code>type</code> é o endereço de uma destas páginas, <code>status</code> o "
            "código HTTP, <code>detail</code> a explicação em português e <code>errors</code> a lista de "
            "campos com problema (<code>campo</code>, <code>mensagem</code>), todos de uma vez. 400: a "
            "requisição não segue o formato; 409: o estado atual não permite a operação; 422: uma regra "
            "legal ou do contrato foi violada; 428: falta um cabeçalho obrigatório.</p>"
        )
        return _pagina("Tipos de problema", f"{intro}<ul>{itens}</ul>")

    @get("/{codigo:str}", operation_id="getProblema", name="problemas:get", media_type=MediaType.HTML)
    async def mostrar(self, codigo: FromPath[str]) -> str:
        """One problem type's page."""
        tipo = CATALOGO.get(codigo)
        if tipo is None:
            raise NaoEncontrado("Tipo de problema")
        voltar = f'<p><a href="{CAMINHO}">Todos os tipos de problema</a></p>'
        return _pagina(tipo.titulo, _secao(codigo, tipo) + voltar)
