"""Server-side sessions of the web UI, kept in the tenant's Redis.

The browser holds only a random id in a cookie (HttpOnly, SameSite=Lax, Secure
whenever the app is served over https — everywhere but devstack's plain-http
localhost; ``__Host-`` prefixed then). Redis keeps the session under the SHA-256
of that id (a Redis dump does not hand out live sessions) with an idle expiry
renewed on each request (GETEX) and an absolute lifetime. Logging in, passing
the second factor and logging out give a new id (no session fixation), and every
session carries its own CSRF token.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

from redis.asyncio import Redis

from tenant_app.settings import RedisSettings

Etapa = Literal["anonima", "segundo_fator", "autenticada"]

#: Minutes without a request before the session ends.
INATIVIDADE_SEGUNDOS = 30 * 60
#: A working day; then log in again whatever the activity.
VIDA_MAXIMA_SEGUNDOS = 12 * 60 * 60


def nome_cookie(segura: bool) -> str:
    """``__Host-`` binds the cookie to this host, https and path / (the browser enforces it)."""
    return "__Host-sessao" if segura else "sessao"


@dataclass(frozen=True)
class Sessao:
    """What the server knows about one browser."""

    id: str
    csrf: str
    etapa: Etapa = "anonima"
    user_id: str | None = None
    criada_em: float = field(default_factory=time.time)
    #: Set when the id changed during this request (the response sets the cookie).
    nova: bool = False

    @property
    def usuario(self) -> uuid.UUID | None:
        """The user once the password was right (second factor maybe still pending)."""
        return uuid.UUID(self.user_id) if self.user_id else None

    @property
    def autenticada(self) -> bool:
        return self.etapa == "autenticada" and self.user_id is not None


def _novo_id() -> str:
    return secrets.token_urlsafe(32)


class Sessoes:
    """Sessions of one tenant (keys ``<prefix>ui:sessao:<sha256(id)>``)."""

    def __init__(self, redis: Redis, settings: RedisSettings) -> None:
        self._redis = redis
        self._settings = settings

    def _key(self, sid: str) -> str:
        return self._settings.key("ui", "sessao", hashlib.sha256(sid.encode()).hexdigest())

    async def ler(self, sid: str) -> Sessao | None:
        """The live session of ``sid`` (its idle expiry renewed), or None."""
        if not sid or len(sid) > 100:
            return None
        raw = await self._redis.getex(self._key(sid), ex=INATIVIDADE_SEGUNDOS)
        if raw is None:
            return None
        dados = json.loads(raw)
        sessao = Sessao(id=sid, **dados)
        if time.time() - sessao.criada_em > VIDA_MAXIMA_SEGUNDOS:
            await self.apagar(sessao)
            return None
        return sessao

    async def _gravar(self, sessao: Sessao) -> None:
        dados = asdict(sessao)
        del dados["id"], dados["nova"]
        await self._redis.set(self._key(sessao.id), json.dumps(dados), ex=INATIVIDADE_SEGUNDOS)

    async def criar(self) -> Sessao:
        """An anonymous session (it carries the login form's CSRF token)."""
        sessao = Sessao(id=_novo_id(), csrf=secrets.token_urlsafe(32), nova=True)
        await self._gravar(sessao)
        return sessao

    async def trocar(self, antiga: Sessao, etapa: Etapa, user_id: uuid.UUID | None) -> Sessao:
        """A new id and CSRF token for a new stage; the old id stops working at once."""
        nova = replace(
            antiga,
            id=_novo_id(),
            csrf=secrets.token_urlsafe(32),
            etapa=etapa,
            user_id=str(user_id) if user_id else None,
            criada_em=time.time()
            if etapa != "autenticada" or antiga.etapa == "anonima"
            else antiga.criada_em,
            nova=True,
        )
        await self._gravar(nova)
        await self.apagar(antiga)
        return nova

    async def apagar(self, sessao: Sessao) -> None:
        """End the session (logout)."""
        await self._redis.delete(self._key(sessao.id))
