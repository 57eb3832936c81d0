"""The administradora's saved e-mail templates: read for sending, written by the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.erros import FieldError, NaoEncontrado, RegraVioladaError
from tenant_app.notificacoes.email import personalizacao
from tenant_app.notificacoes.models import ModeloEmail
from tenant_app.unit_of_work import UnitOfWork

Texto = Callable[[dict[str, Any]], tuple[str, list[str]]]


async def salvos(session: AsyncSession) -> dict[str, ModeloEmail]:
    """Every saved template by type (a handful of rows: one query per dispatch batch)."""
    return {m.tipo: m for m in await session.scalars(select(ModeloEmail))}


def texto(modelo: ModeloEmail | None) -> Texto | None:
    """The wording function ``modelos.para_evento`` takes, or None for the app's own."""
    if modelo is None:
        return None
    tipo, assunto, paragrafos = modelo.tipo, modelo.assunto, list(modelo.paragrafos)
    return lambda dados: personalizacao.preencher(tipo, assunto, paragrafos, dados)


def _conhecido(tipo: str) -> None:
    if tipo not in personalizacao.CAMPOS:
        raise NaoEncontrado("Modelo de e-mail")


async def salvar(uow: UnitOfWork, tipo: str, assunto: str, paragrafos: list[str]) -> ModeloEmail:
    """Create or replace the template of ``tipo``; 422 naming each text with an unknown field."""
    _conhecido(tipo)
    erros = personalizacao.erros_do_modelo(tipo, assunto, paragrafos)
    if erros:
        raise RegraVioladaError(
            "O modelo usa campos que este e-mail não tem, ou chaves sem par.",
            code="modelo_email_invalido",
            errors=[FieldError(campo, mensagem) for campo, mensagem in erros],
        )
    paragrafos = [p.strip() for p in paragrafos if p.strip()]
    agora = datetime.now(UTC)
    row = await uow.session.get(ModeloEmail, tipo, with_for_update=True)
    if row is None:
        row = ModeloEmail(tipo=tipo, assunto=assunto, paragrafos=paragrafos, atualizado_em=agora)
        uow.add(row)
    else:
        uow.track(row)
        row.assunto, row.paragrafos, row.atualizado_em = assunto, paragrafos, agora
    await uow.commit()
    return row


async def restaurar(uow: UnitOfWork, tipo: str) -> None:
    """Back to the app's wording (nothing to do when the type has no template)."""
    _conhecido(tipo)
    row = await uow.session.get(ModeloEmail, tipo, with_for_update=True)
    if row is not None:
        await uow.delete(row)
    await uow.commit()
