"""How a consorciado logs in: his CPF/CNPJ, then a one-time code sent to the e-mail on file.

Why a code by e-mail and not a password or a magic link:

* A consorciado opens the área a few times a year (a boleto, the extrato, a lance):
  a password would be forgotten every time, and its reset goes through the same e-mail
  anyway — so the e-mail already is the credential; a code skips the password database
  and its leaks.
* The e-mail on file is the one the administradora verified at the contract (the issue's
  "login by CPF/CNPJ with e-mail verification"): nobody can register himself.
* A code, unlike a link, is typed into the browser that asked for it: it binds the login
  to that session, and corporate mail scanners that open every link cannot spend it.

Rules: 6 digits, valid 10 minutes, 5 wrong tries kill it, at most 5 codes per hour per
consorciado. Only an HMAC of the code rests in Redis (never the code: a Redis dump does
not log anybody in), keyed by the consorciado. Whether a CPF/CNPJ exists is never told:
the answer to "send me a code" is the same either way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from tenant_app.settings import RedisSettings

DIGITOS = 6
VALIDADE_SEGUNDOS = 10 * 60
MAX_TENTATIVAS = 5
ENVIOS_POR_HORA = 5


def gerar_codigo() -> str:
    """Six random digits (``secrets``: not guessable from earlier codes)."""
    return f"{secrets.randbelow(10**DIGITOS):0{DIGITOS}d}"


def resumo(chave: str, consorciado_id: uuid.UUID, codigo: str) -> str:
    """HMAC of the code bound to its consorciado (the same code for another one does not match). Pure."""
    return hmac.new(chave.encode(), consorciado_id.bytes + codigo.encode(), hashlib.sha256).hexdigest()


def codigo_bem_formado(codigo: str) -> bool:
    """Exactly the digits a code has. Pure."""
    return len(codigo) == DIGITOS and codigo.isascii() and codigo.isdigit()


@dataclass(frozen=True)
class Verificacao:
    """The result of typing a code."""

    valido: bool
    #: The code is gone (used, expired or too many wrong tries): ask for a new one.
    esgotado: bool


class Codigos:
    """One-time codes of one tenant, in its Redis (``<prefix>portal:codigo:<consorciado id>``)."""

    def __init__(self, redis: Redis, settings: RedisSettings, chave: str) -> None:
        self._redis = redis
        self._settings = settings
        self._chave = chave

    def _key(self, *partes: str) -> str:
        return self._settings.key("portal", *partes)

    async def emitir(self, consorciado_id: uuid.UUID) -> str | None:
        """A new code replacing any earlier one; None when the hourly quota is spent."""
        cota = self._key("envios", str(consorciado_id))
        enviados = int(await self._redis.incr(cota))
        if enviados == 1:
            await self._redis.expire(cota, 3600)
        if enviados > ENVIOS_POR_HORA:
            return None
        codigo = gerar_codigo()
        dados = {"resumo": resumo(self._chave, consorciado_id, codigo), "erros": 0}
        await self._redis.set(
            self._key("codigo", str(consorciado_id)), json.dumps(dados), ex=VALIDADE_SEGUNDOS
        )
        return codigo

    async def verificar(self, consorciado_id: uuid.UUID, codigo: str) -> Verificacao:
        """Right code: valid, and spent at once. Wrong: one try less; the last one deletes it."""
        key = self._key("codigo", str(consorciado_id))
        raw = await self._redis.get(key)
        if raw is None:
            return Verificacao(valido=False, esgotado=True)
        dados = json.loads(raw)
        if codigo_bem_formado(codigo) and hmac.compare_digest(
            dados["resumo"], resumo(self._chave, consorciado_id, codigo)
        ):
            # DELETE answers 1 only to the first of two concurrent right answers: one login per code.
            return Verificacao(valido=bool(await self._redis.delete(key)), esgotado=True)
        dados["erros"] += 1
        if dados["erros"] >= MAX_TENTATIVAS:
            await self._redis.delete(key)
            return Verificacao(valido=False, esgotado=True)
        await self._redis.set(key, json.dumps(dados), keepttl=True)
        return Verificacao(valido=False, esgotado=False)
