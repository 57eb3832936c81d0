"""Encrypt the personal data still in clear (rows written before the migration) and fill their blind indexes.

The migration Job has no key, so the app does this at start, after loading the keys and before
serving: every ``TextoCifrado`` column of the metadata, in batches, each batch its own
transaction with ``FOR UPDATE SKIP LOCKED`` (replicas starting together share the work). A row
counts as legacy while one of its encrypted columns holds text without the ``dp1:`` prefix;
once written it is not selected again, so running it twice is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Column, MetaData, Table, and_, bindparam, column, or_, select, table
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import Text

from tenant_app.dados_pessoais import cifra
from tenant_app.dados_pessoais.indices import INDICE_DE
from tenant_app.dados_pessoais.tipo import TextoCifrado

log = logging.getLogger("tenant_app.dados_pessoais")

LOTE = 500


@dataclass(frozen=True)
class Alvo:
    """One table's encrypted columns (name → context) and blind indexes (index column → column)."""

    tabela: str
    cifradas: dict[str, str]
    indices: dict[str, str]


def alvos(metadata: MetaData) -> list[Alvo]:
    """Every table of ``metadata`` with ``TextoCifrado`` columns."""
    achados: list[Alvo] = []
    for t in metadata.sorted_tables:
        cifradas = {c.name: c.type.contexto for c in t.columns if isinstance(c.type, TextoCifrado)}
        if cifradas:
            indices = {c.name: c.info[INDICE_DE] for c in t.columns if INDICE_DE in c.info}
            achados.append(Alvo(t.name, cifradas, indices))
    return achados


def _crua(alvo: Alvo) -> Table:
    # Plain Text columns: read and write the stored text, not through TextoCifrado.
    t = table(alvo.tabela, column("id"), *(column(n, Text) for n in [*alvo.cifradas, *alvo.indices]))
    return t  # type: ignore[return-value]


def _novos_valores(chaves: cifra.Chaves, alvo: Alvo, linha: dict[str, str | None]) -> dict[str, str | None]:
    novos: dict[str, str | None] = {}
    for nome, contexto in alvo.cifradas.items():
        valor = linha[nome]
        novos[nome] = (
            None if valor is None else cifra.cifrar(chaves, contexto, cifra.decifrar(chaves, contexto, valor))
        )
    for nome_indice, nome in alvo.indices.items():
        valor = linha[nome]
        claro = None if valor is None else cifra.decifrar(chaves, alvo.cifradas[nome], valor)
        novos[nome_indice] = None if claro is None else cifra.indice(chaves, alvo.cifradas[nome], claro)
    return novos


async def _lote(engine: AsyncEngine, chaves: cifra.Chaves, alvo: Alvo) -> int:
    t = _crua(alvo)
    cols: dict[str, Column[str]] = {c.name: c for c in t.columns}  # type: ignore[misc]
    legado = or_(*(and_(cols[n].is_not(None), cols[n].not_like(f"{cifra.PREFIXO}%")) for n in alvo.cifradas))
    async with engine.begin() as conn:
        linhas = (
            (await conn.execute(select(t).where(legado).limit(LOTE).with_for_update(skip_locked=True)))
            .mappings()
            .all()
        )
        if not linhas:
            return 0
        nomes = [*alvo.cifradas, *alvo.indices]
        valores = [
            {
                "_id": linha["id"],
                **{f"v_{n}": v for n, v in _novos_valores(chaves, alvo, dict(linha)).items()},
            }
            for linha in linhas
        ]
        await conn.execute(
            t.update().where(cols["id"] == bindparam("_id")).values({n: bindparam(f"v_{n}") for n in nomes}),
            valores,
        )
    return len(linhas)


async def cifrar_legados(engine: AsyncEngine, chaves: cifra.Chaves, metadata: MetaData) -> int:
    """Encrypt every legacy row of ``metadata``'s encrypted tables; how many rows were written."""
    total = 0
    for alvo in alvos(metadata):
        while True:
            feitas = await _lote(engine, chaves, alvo)
            total += feitas
            if feitas < LOTE:
                break
    if total:
        log.info("personal data encrypted at rest: %d legacy rows", total)
    return total
