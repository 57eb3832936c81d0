"""The process's personal-data keys: loaded once at start (app, worker, CLI), used by ``TextoCifrado``.

Where the data key comes from, in order:

1. ``DADOS_PESSOAIS_CHAVE_LOCAL_SOMENTE_DEV`` (base64 of 32 bytes): local runs and tests only; the
   operator never sets it. Refused when the database already holds a Transit-wrapped key (the
   data is not this key's).
2. Vault (``VAULT_ADDR`` and ``TENANT_SLUG``, see ``cofre_vault``): the row of
   ``chaves_dados_pessoais`` unwrapped by the tenant's Transit key. The first process to start
   asks Transit for a wrapped key and inserts it (``ON CONFLICT DO NOTHING``: replicas racing
   keep the first); a row wrapped by an older version of the Transit key than its latest is
   rewrapped (that is how the operator's rotation reaches the data key).
3. Neither: :class:`ChaveIndisponivel` — the process refuses to start rather than write
   personal data in clear or with a key nobody can recover.

A destroyed Transit key (the tenant deleted with ``deletionPolicy: Delete``) makes the row
unopenable: the process refuses to start, and the personal data stays unreadable.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import os
from collections.abc import Mapping

import hvac
from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from consorcio_contract.names import DADOS_PESSOAIS_TABELA_CHAVES
from tenant_app.cofre_vault import ConfigCofre
from tenant_app.dados_pessoais import cifra
from tenant_app.dados_pessoais.models import ChaveDadosPessoais
from tenant_app.dados_pessoais.transit import ChaveTransitAusente, Transit, versao
from tenant_app.database.base import utcnow

log = logging.getLogger("tenant_app.dados_pessoais")

VARIAVEL_LOCAL = "DADOS_PESSOAIS_CHAVE_LOCAL_SOMENTE_DEV"
_LINHA = 1

_processo: dict[str, cifra.Chaves] = {}


class ChaveIndisponivel(RuntimeError):
    """The personal-data key cannot be had: the process must not start."""


def instalar(chaves: cifra.Chaves) -> None:
    """Make ``chaves`` the process's keys (what ``TextoCifrado`` uses)."""
    _processo["chaves"] = chaves


def atuais() -> cifra.Chaves:
    """The process's keys. A process that never loaded them (a test helper, a script) falls back to
    the local development key when it is set; otherwise :class:`ChaveIndisponivel`."""
    chaves = _processo.get("chaves")
    if chaves is None:
        local = chave_local(os.environ)
        if local is None:
            raise ChaveIndisponivel(
                "As chaves dos dados pessoais não foram carregadas neste processo "
                "(tenant_app.dados_pessoais.chaves.carregar_no_processo)."
            )
        chaves = cifra.derivar(local)
        instalar(chaves)
    return chaves


def chave_local(env: Mapping[str, str]) -> bytes | None:
    """The development key of ``DADOS_PESSOAIS_CHAVE_LOCAL_SOMENTE_DEV``, None when unset."""
    valor = env.get(VARIAVEL_LOCAL, "").strip()
    if not valor:
        return None
    try:
        chave = base64.b64decode(valor, validate=True)
    except binascii.Error:
        raise ChaveIndisponivel(f"{VARIAVEL_LOCAL} não é base64.") from None
    if len(chave) != cifra.TAMANHO_CHAVE:
        raise ChaveIndisponivel(f"{VARIAVEL_LOCAL} deve ter {cifra.TAMANHO_CHAVE} bytes, tem {len(chave)}.")
    return chave


async def _linha(conn: AsyncConnection) -> str | None:
    return await conn.scalar(select(ChaveDadosPessoais.chave_cifrada).where(ChaveDadosPessoais.id == _LINHA))


async def _ha_dados_cifrados(conn: AsyncConnection) -> bool:
    # Encrypted rows and no wrapped key: they were written with a local key, which Vault's would not open.
    achado = await conn.scalar(
        text("SELECT 1 FROM consorciados WHERE documento LIKE 'dp1:%' OR email LIKE 'dp1:%' LIMIT 1")
    )
    return achado is not None


async def _do_transit(engine: AsyncEngine, transit: Transit) -> bytes:
    async with engine.connect() as conn:
        embrulhada = await _linha(conn)
    try:
        atual = await asyncio.to_thread(transit.versao_atual)
    except ChaveTransitAusente:
        if embrulhada is not None:
            raise ChaveIndisponivel(
                f"A chave Transit {transit.nome} não existe mais (tenant excluído: crypto-shredding); "
                "a chave dos dados pessoais deste banco não abre em lugar nenhum."
            ) from None
        raise ChaveIndisponivel(
            f"A chave Transit {transit.nome} ainda não existe no Vault (o operador a cria)."
        ) from None
    if embrulhada is None:
        async with engine.begin() as conn:
            if await _ha_dados_cifrados(conn):
                raise ChaveIndisponivel(
                    "Há dados pessoais cifrados e nenhuma chave embrulhada pelo Transit: foram escritos com "
                    f"{VARIAVEL_LOCAL}, que o Vault não conhece."
                )
            nova = await asyncio.to_thread(transit.nova_chave_embrulhada)
            await conn.execute(
                insert(ChaveDadosPessoais)
                .values(id=_LINHA, chave_cifrada=nova, criada_em=utcnow())
                .on_conflict_do_nothing(index_elements=["id"])
            )
        async with engine.connect() as conn:
            embrulhada = await _linha(conn)
        assert embrulhada is not None
        log.info("personal-data key created, wrapped by Transit key %s v%d", transit.nome, versao(embrulhada))
    chave = await asyncio.to_thread(transit.abrir, embrulhada)
    if versao(embrulhada) < atual:
        nova = await asyncio.to_thread(transit.reembrulhar, embrulhada)
        async with engine.begin() as conn:
            await conn.execute(
                update(ChaveDadosPessoais)
                .where(ChaveDadosPessoais.id == _LINHA, ChaveDadosPessoais.chave_cifrada == embrulhada)
                .values(chave_cifrada=nova, reembrulhada_em=utcnow())
            )
        log.info("personal-data key rewrapped: v%d -> v%d", versao(embrulhada), versao(nova))
    return chave


async def carregar(engine: AsyncEngine, config: ConfigCofre | None, local: bytes | None) -> cifra.Chaves:
    """The tenant's personal-data keys (see the module's docstring for the order); nothing installed."""
    if local is not None:
        try:
            async with engine.connect() as conn:
                embrulhada = await _linha(conn)
        except (SQLAlchemyError, OSError):
            # Only a guard against mixing keys: a database not reachable (or not migrated)
            # yet does not stop a dev run.
            log.warning("could not check %s for a Transit-wrapped key", DADOS_PESSOAIS_TABELA_CHAVES)
            embrulhada = None
        if embrulhada is not None:
            raise ChaveIndisponivel(
                f"{VARIAVEL_LOCAL} está definida, mas a chave deste banco é a do Vault Transit: "
                "remova a variável."
            )
        if config is not None:
            log.warning("%s is set: the Transit key is not used", VARIAVEL_LOCAL)
        return cifra.derivar(local)
    if config is None:
        raise ChaveIndisponivel(
            "Sem chave para os dados pessoais: configure o Vault (VAULT_ADDR e TENANT_SLUG, com a chave "
            f"Transit do tenant) ou, só em desenvolvimento, {VARIAVEL_LOCAL}."
        )
    try:
        chave = await _do_transit(engine, Transit(config))
    except (hvac.exceptions.VaultError, OSError) as erro:
        raise ChaveIndisponivel(
            f"O Vault não entregou a chave dos dados pessoais ({type(erro).__name__}: {erro})."
        ) from None
    return cifra.derivar(chave)


async def carregar_no_processo(engine: AsyncEngine, env: Mapping[str, str] | None = None) -> cifra.Chaves:
    """Load the keys from the environment (``os.environ`` by default) and install them for this process."""
    env = os.environ if env is None else env
    chaves = await carregar(engine, ConfigCofre.from_env(env), chave_local(env))
    instalar(chaves)
    return chaves
