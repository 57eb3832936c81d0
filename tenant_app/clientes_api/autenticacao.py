"""An API key presented as ``Authorization: Bearer cak....`` becomes the client's ``CurrentUser``.

Looked up on every request, without a cache: a revocation or a new scope
applies to the very next call. A key of another tenant fails on the slug inside
it (and would find no row in this tenant's database anyway).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenant_app.clientes_api import chaves
from tenant_app.clientes_api.models import ChaveApi, ClienteApi
from tenant_app.clientes_api.service import escopo
from tenant_app.users.current_user import CurrentUser

#: ``ultimo_uso_em`` is refreshed at most this often per key.
_USO_PRECISAO = timedelta(minutes=1)


class ChaveInvalida(Exception):
    """Malformed, unknown, of another tenant, expired or revoked (the caller answers 401 alike)."""


def identidade(cliente: ClienteApi) -> str:
    """How the client appears as the actor of audit entries and logs (``actor_email``)."""
    return f"cliente-api:{cliente.nome}"


async def autenticar(
    session_factory: async_sessionmaker[AsyncSession], tenant: str, texto: str, agora: datetime | None = None
) -> CurrentUser:
    """The client of a valid key, or ``ChaveInvalida``."""
    lida = chaves.ler(texto)
    if lida is None or lida[0] != tenant:
        raise ChaveInvalida("formato ou tenant")
    agora = agora or datetime.now(UTC)
    async with session_factory() as session:
        linha = (
            await session.execute(
                select(ChaveApi, ClienteApi)
                .join(ClienteApi, ClienteApi.id == ChaveApi.cliente_id)
                .where(ChaveApi.prefixo == lida[1])
            )
        ).first()
        if linha is None:
            raise ChaveInvalida("desconhecida")
        chave, cliente = linha
        if not chaves.confere(texto, chave.hash):
            raise ChaveInvalida("segredo")
        if chave.revogada_em is not None or not cliente.ativo:
            raise ChaveInvalida("revogada")
        if chave.expira_em is not None and chave.expira_em <= agora:
            raise ChaveInvalida("expirada")
        if chave.ultimo_uso_em is None or chave.ultimo_uso_em < agora - _USO_PRECISAO:
            await session.execute(update(ChaveApi).where(ChaveApi.id == chave.id).values(ultimo_uso_em=agora))
            await session.commit()
        return CurrentUser(
            id=cliente.id,
            email=identidade(cliente),
            role=cliente.perfil,
            permissoes=escopo(cliente.perfil, cliente.permissoes),
            limite_por_minuto=cliente.limite_por_minuto,
        )
