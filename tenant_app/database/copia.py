"""Bulk writes of plain rows on a session's own connection (same transaction), without the ORM.

For the writers of hundreds of thousands of rows in one transaction (a bank's retorno): SQLAlchemy's
per-row parameter processing of an executemany cost more CPU than building the rows. Here the rows are
tuples in the named columns' order, encoded by asyncpg in binary:

* ``copiar``: ``COPY ... FROM STDIN`` (inserts; defaults, constraints and triggers apply as usual);
* ``atualizar``: the rows COPYed into a temporary table, then one ``UPDATE ... FROM`` it keyed by ``id``;
* ``ler``: a query's rows as asyncpg records (no Row layer: 100,000 rows through it cost a second).

Values are what asyncpg takes for the column's type: ``uuid.UUID``, ``Decimal``, ``date``, aware
``datetime``, ``str`` (a ``StrEnum`` member is its value) and, for JSON/JSONB, the JSON text.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import asyncpg
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession


@contextmanager
def sem_coleta_ciclica() -> Iterator[None]:
    """The cyclic garbage collector paused for a bulk job (restored after).

    A retorno of 100,000 títulos builds millions of small objects that live until it is written:
    each full pass of the collector walks all of them, a third of the job's CPU. Reference counting
    still frees what is dropped; only cycles wait for the end. Process-wide for the job's duration.
    """
    ativo = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if ativo:
            gc.enable()


async def conexao(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under the session (its transaction begun, as for any statement)."""
    conn = await session.connection()
    bruta = (await conn.get_raw_connection()).driver_connection
    assert isinstance(bruta, asyncpg.Connection)
    return bruta


async def ajustar_para_lote(session: AsyncSession) -> None:
    """Planner settings for a bulk job, for the rest of its transaction only (``SET LOCAL``).

    * JIT off: these statements cross the JIT cost threshold and PostgreSQL spent about half a second
      compiling each one, more than running it;
    * a larger ``work_mem``: the joins and sorts of a 5,000-row batch spilled to disk at the default.
    """
    conn = await conexao(session)
    await conn.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")


async def copiar(
    session: AsyncSession, tabela: Table, colunas: Sequence[str], linhas: Iterable[Sequence[Any]]
) -> None:
    """Insert ``linhas`` with COPY (an iterator is consumed as the data streams)."""
    if isinstance(linhas, Sequence) and not linhas:
        return
    conn = await conexao(session)
    await conn.copy_records_to_table(tabela.name, records=linhas, columns=list(colunas))


@asynccontextmanager
async def _temporaria(
    session: AsyncSession, tabela: Table, colunas: Sequence[str], linhas: Sequence[Sequence[Any]]
) -> AsyncIterator[tuple[asyncpg.Connection, str]]:
    """``linhas`` COPYed into a temporary table of ``colunas`` typed as ``tabela``'s, dropped after.
    (COPY rather than array parameters: asyncpg checks every array element against an ABC, which
    cost more than the statement.)"""
    conn = await conexao(session)
    nome = f"_copia_{tabela.name}_{uuid.uuid4().hex[:8]}"
    await conn.execute(
        f"CREATE TEMP TABLE {nome} AS SELECT {', '.join(colunas)} FROM {tabela.name} WITH NO DATA"
    )
    try:
        await conn.copy_records_to_table(nome, records=linhas, columns=list(colunas))
        yield conn, nome
    finally:
        await conn.execute(f"DROP TABLE {nome}")


async def atualizar(
    session: AsyncSession, tabela: Table, colunas: Sequence[str], linhas: Sequence[Sequence[Any]]
) -> int:
    """Set ``colunas[1:]`` of the rows whose id is ``colunas[0]`` (each row: id, new values); how many."""
    if not linhas:
        return 0
    if colunas[0] != "id":
        raise ValueError("the first column is the key, id")
    sets = ", ".join(f"{c} = u.{c}" for c in colunas[1:])
    async with _temporaria(session, tabela, colunas, linhas) as (conn, nome):
        status = await conn.execute(
            f"UPDATE {tabela.name} AS d SET {sets} FROM {nome} AS u WHERE d.id = u.id"
        )
    return int(status.rsplit(" ", 1)[1])


async def ler_planejando(session: AsyncSession, sql: str, *argumentos: Any) -> list[asyncpg.Record]:
    """``ler`` through a statement prepared for this call, so PostgreSQL plans it with these arguments.

    For a statement that tests ``= ANY($n)`` with thousands of ids row by row: once the same prepared
    statement has run five times PostgreSQL may switch to a generic plan, which cannot see the array
    and scans it for every row instead of hashing it once (a second 100,000-título retorno on one
    connection spent a minute per batch of the parcelas read that way). Forcing custom plans for the
    whole transaction instead re-planned every foreign-key check of its COPYs (twice the time)."""
    conn = await conexao(session)
    return await (await conn.prepare(sql)).fetch(*argumentos)


async def ler(session: AsyncSession, sql: str, *argumentos: Any) -> list[asyncpg.Record]:
    """The rows of ``sql`` (asyncpg's ``$n`` parameters); VARCHAR enums come back as ``str``."""
    return await (await conexao(session)).fetch(sql, *argumentos)
