"""An API key (``Authorization: Bearer cak....``) or an OAuth access token obtained with one
(``cat....``, see ``oauth.py``) becomes the client's ``CurrentUser``.

Looked up on every request, without a cache: a revocation or a new scope
applies to the very next call. A key of another tenant fails on the slug inside
it (and would find no row in this tenant's database anyway).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenant_app.clientes_api import chaves, oauth
from tenant_app.clientes_api.models import ChaveApi, ClienteApi
from tenant_app.clientes_api.service import escopo
from tenant_app.settings import RedisSettings
from tenant_app.users.current_user import CurrentUser

#: ``ultimo_uso_em`` is refreshed at most this often per key.
_USO_PRECISAO = timedelta(minutes=1)


class ChaveInvalida(Exception):
    """Malformed, unknown, of another tenant, expired or revoked (the caller answers 401 alike)."""


def identidade(cliente: ClienteApi) -> str:
    """How the client appears as the actor of audit entries and logs (``actor_email``)."""
    return f"cliente-api:{cliente.nome}"


async def autenticar(
    session_factory: async_sessionmaker[AsyncSession],
    tenant: str,
    texto: str,
    agora: datetime | None = None,
    *,
    redis: Redis | None = None,
    redis_settings: RedisSettings | None = None,
) -> CurrentUser:
    """The client of a valid key, or of a live OAuth access token (``oauth.py``); else ``ChaveInvalida``."""
    agora = agora or datetime.now(UTC)
    if oauth.parece_token(texto):
        if redis is None or redis_settings is None:
            raise ChaveInvalida("sem redis")
        dono = await oauth.dono(redis, redis_settings, tenant, texto)
        if dono is None:
            raise ChaveInvalida("token desconhecido ou expirado")
        return await _cliente(session_factory, ChaveApi.id == dono[1], None, agora, cliente_id=dono[0])
    lida = chaves.ler(texto)
    if lida is None or lida[0] != tenant:
        raise ChaveInvalida("formato ou tenant")
    return await _cliente(session_factory, ChaveApi.prefixo == lida[1], texto, agora)


async def _cliente(
    session_factory: async_sessionmaker[AsyncSession],
    onde: ColumnElement[bool],
    texto: str | None,
    agora: datetime,
    *,
    cliente_id: uuid.UUID | None = None,
) -> CurrentUser:
    async with session_factory() as session:
        linha = (
            await session.execute(
                select(ChaveApi, ClienteApi)
                .join(ClienteApi, ClienteApi.id == ChaveApi.cliente_id)
                .where(onde)
            )
        ).first()
        if linha is None:
            raise ChaveInvalida("desconhecida")
        chave, cliente = linha
        if texto is not None and not chaves.confere(texto, chave.hash):
            raise ChaveInvalida("segredo")
        if cliente_id is not None and cliente.id != cliente_id:
            raise ChaveInvalida("cliente")
        if not oauth.valida(chave, cliente, agora):
            raise ChaveInvalida("revogada ou expirada")
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
