"""OAuth 2.0 client credentials (RFC 6749 §4.4) for integrations whose library speaks OAuth.

``POST /api/auth/token`` with ``grant_type=client_credentials`` and the client's key as
``client_secret`` (form fields or HTTP Basic) answers a short-lived opaque access token
``cat.<tenant>.<random>``. Redis holds only its SHA-256, mapped to the client and the key
that obtained it, for ``TTL_SEGUNDOS``; every request still checks that key and client in
the database, so revoking either ends its tokens at once, like the keys themselves. Errors
follow the app's one contract (problem+json, 401 ``credenciais_invalidas``) rather than
RFC 6749's ``{"error": ...}`` body.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import select

from tenant_app.clientes_api import chaves
from tenant_app.clientes_api.models import ChaveApi, ClienteApi
from tenant_app.erros import IndisponivelError, NaoAutenticado
from tenant_app.settings import RedisSettings
from tenant_app.unit_of_work import UnitOfWork

ESQUEMA = "cat"
TTL_SEGUNDOS = 900


def parece_token(texto: str) -> bool:
    """True when a bearer credential is an access token of this module."""
    return texto.startswith(ESQUEMA + ".")


def chave_redis(redis: RedisSettings, token: str) -> str:
    """Where the token's owner is kept (the digest only: a Redis dump leaks no token)."""
    return redis.key("oauth", hashlib.sha256(token.encode()).hexdigest())


def valida(chave: ChaveApi, cliente: ClienteApi, agora: datetime) -> bool:
    """The key and its client may authenticate now. Pure."""
    if chave.revogada_em is not None or not cliente.ativo:
        return False
    return chave.expira_em is None or chave.expira_em > agora


async def emitir(
    uow: UnitOfWork,
    redis: Redis,
    redis_settings: RedisSettings,
    tenant: str,
    client_id: str | None,
    segredo: str,
) -> tuple[str, ClienteApi]:
    """A new access token for the client whose key is ``segredo`` (401 otherwise)."""
    lida = chaves.ler(segredo)
    recusa = NaoAutenticado("Credenciais do cliente de API inválidas.")
    if lida is None or lida[0] != tenant:
        raise recusa
    linha = (
        await uow.session.execute(
            select(ChaveApi, ClienteApi)
            .join(ClienteApi, ClienteApi.id == ChaveApi.cliente_id)
            .where(ChaveApi.prefixo == lida[1])
        )
    ).first()
    agora = datetime.now(UTC)
    if linha is None or not chaves.confere(segredo, linha[0].hash) or not valida(linha[0], linha[1], agora):
        raise recusa
    chave, cliente = linha
    if client_id is not None and client_id.strip().lower() != str(cliente.id):
        raise recusa
    token = f"{ESQUEMA}.{tenant}.{secrets.token_urlsafe(32)}"
    try:
        await redis.set(chave_redis(redis_settings, token), f"{cliente.id}:{chave.id}", ex=TTL_SEGUNDOS)
    except RedisError as exc:
        raise IndisponivelError("Não foi possível emitir o token agora; tente de novo.") from exc
    uow.auditar("token_emitido", ClienteApi.__tablename__, str(cliente.id), depois={"chave": chave.prefixo})
    await uow.commit()
    return token, cliente


async def dono(
    redis: Redis, redis_settings: RedisSettings, tenant: str, token: str
) -> tuple[uuid.UUID, uuid.UUID] | None:
    """(client id, key id) of a live token of ``tenant``, else None."""
    partes = token.split(".")
    if len(partes) != 3 or partes[1] != tenant or len(token) > 200:
        return None
    try:
        valor = await redis.get(chave_redis(redis_settings, token))
    except RedisError:
        return None
    if valor is None:
        return None
    cliente_id, _, chave_id = (valor.decode() if isinstance(valor, bytes) else str(valor)).partition(":")
    try:
        return uuid.UUID(cliente_id), uuid.UUID(chave_id)
    except ValueError:
        return None
