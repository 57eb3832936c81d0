"""``/api/notificacoes/modelos``: the administradora's own wording of each event e-mail."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from tenant_app.notificacoes.email import modelos, modelos_salvos, personalizacao
from tenant_app.notificacoes.email.schemas import (
    CampoModeloOut,
    ModeloEmailIn,
    ModeloEmailOut,
    TipoModeloEmail,
)
from tenant_app.notificacoes.models import ModeloEmail
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

TipoPath = Annotated[TipoModeloEmail, Parameter(description="O evento do e-mail")]


def _saida(tipo: str, row: ModeloEmail | None) -> ModeloEmailOut:
    exemplo = personalizacao.EXEMPLOS[tipo]
    assunto, paragrafos = (modelos_salvos.texto(row) or modelos.MODELOS[tipo])(exemplo)
    return ModeloEmailOut(
        tipo=tipo,
        descricao=personalizacao.DESCRICOES[tipo],
        personalizado=row is not None,
        assunto=row.assunto if row else None,
        paragrafos=list(row.paragrafos) if row else None,
        campos=[CampoModeloOut(nome=c.nome, descricao=c.descricao) for c in personalizacao.CAMPOS[tipo]],
        exemplo_assunto=assunto,
        exemplo_paragrafos=paragrafos,
        atualizado_em=row.atualizado_em if row else None,
    )


class ModelosEmailController(Controller):
    path = "/api/notificacoes/modelos"
    tags = ["notificacoes"]  # noqa: RUF012
    guards = [requires(Permission.INTEGRACOES_MANAGE)]  # noqa: RUF012

    @get("/", operation_id="listEmailTemplates")
    async def listar(self, uow: NamedDependency[UnitOfWork]) -> list[ModeloEmailOut]:
        """Every event e-mail: the wording in use, the fields it may use, and an example."""
        salvos = await modelos_salvos.salvos(uow.session)
        return [_saida(t.value, salvos.get(t.value)) for t in TipoModeloEmail]

    @put("/{tipo:str}", operation_id="putEmailTemplate")
    async def salvar(
        self, tipo: TipoPath, data: JSONBody[ModeloEmailIn], uow: NamedDependency[UnitOfWork]
    ) -> ModeloEmailOut:
        """Use the administradora's wording for this e-mail. ``{campo}`` takes the event's values;
        a paragraph whose fields are all empty for an event is left out. 422
        ``modelo_email_invalido`` names each text with an unknown field or a lone brace."""
        row = await modelos_salvos.salvar(uow, tipo.value, data.assunto, data.paragrafos)
        return _saida(tipo.value, row)

    @delete("/{tipo:str}", operation_id="resetEmailTemplate", status_code=200)
    async def restaurar(self, tipo: TipoPath, uow: NamedDependency[UnitOfWork]) -> ModeloEmailOut:
        """Back to the app's wording for this e-mail."""
        await modelos_salvos.restaurar(uow, tipo.value)
        return _saida(tipo.value, None)
