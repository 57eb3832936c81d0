"""What a process does with personal data before it serves: load the keys, encrypt what is still in clear."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from tenant_app.dados_pessoais import backfill, chaves

log = logging.getLogger("tenant_app.dados_pessoais")


async def carregar_chaves_e_cifrar_legados(engine: AsyncEngine, env: Mapping[str, str] | None = None) -> None:
    """Install the process's keys (:class:`chaves.ChaveIndisponivel` stops the start) and run the backfill.

    The backfill failing (database not migrated yet, unreachable) does not stop the start: legacy
    rows read as they are, and the next start encrypts them.
    """
    from tenant_app.model_registry import metadata

    carregadas = await chaves.carregar_no_processo(engine, env)
    try:
        await backfill.cifrar_legados(engine, carregadas, metadata)
    except (SQLAlchemyError, OSError):
        log.exception("personal data still in clear was not encrypted (next start retries)")
