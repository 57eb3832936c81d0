"""Limit/offset pagination shared by list endpoints."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Annotated, Any, Generic, TypeVar

import msgspec
from litestar.di import Provide
from litestar.params import QueryParameter
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

MAX_LIMIT = 200
#: PostgreSQL takes a bigint; a page this far is never real, and a bigger number used to fail
#: in the driver (500) instead of being refused as malformed.
MAX_OFFSET = 2**31 - 1


class Pagina(msgspec.Struct, Generic[T], kw_only=True):
    """One page of a list."""

    items: list[T]
    total: int
    limit: int
    offset: int


class PageParams(msgspec.Struct, kw_only=True):
    """Validated pagination query parameters."""

    limit: int
    offset: int


#: ``?limit=`` and ``?offset=``: the page dependency's parameters, also for a hot handler that
#: takes them itself (a second dependency costs an anyio task group per request).
Limit = Annotated[
    int, QueryParameter(name="limit", ge=1, le=MAX_LIMIT, description=f"Itens por página (1 a {MAX_LIMIT})")
]
Offset = Annotated[
    int, QueryParameter(name="offset", ge=0, le=MAX_OFFSET, description="Itens a pular (0 a 2147483647)")
]
DEFAULT_LIMIT = 50


async def provide_page_params(limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> PageParams:
    """Dependency: ``?limit=&offset=``."""
    return PageParams(limit=limit, offset=offset)


#: Controllers with paginated lists declare ``dependencies = PAGE_DEPENDENCY``.
PAGE_DEPENDENCY = {"page": Provide(provide_page_params)}


async def paginate(session: AsyncSession, stmt: Select[Any], params: PageParams) -> tuple[list[Any], int]:
    """Rows of one page and the total count of the filtered query."""
    total = (
        await session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
    ).scalar_one()
    rows = (await session.execute(stmt.limit(params.limit).offset(params.offset))).scalars().all()
    return list(rows), int(total)


async def paginate_rows(
    session: AsyncSession, stmt: Select[Any], params: PageParams, values: Mapping[str, Any] | None = None
) -> tuple[list[Any], int]:
    """Like ``paginate`` for column (Core) selects, in one round trip: the total rides along
    as an uncorrelated scalar subquery, which PostgreSQL runs once (an index-only count),
    while the page itself walks the ordering index and stops after ``offset + limit`` rows.
    (A ``count(*) OVER ()`` window would read and sort every matching row per request.)
    Used by hot list endpoints where ORM instances are not needed.

    ``stmt`` may use bind parameters whose ``values`` come per request: a statement built
    once per process (e.g. under ``functools.lru_cache``) then gets its page form, and
    SQLAlchemy's compiled form, from cache instead of being rebuilt for every request.

    Must be the session's first statement: it runs in autocommit mode, which saves the
    BEGIN and ROLLBACK round trips. That is safe for a single read: under READ COMMITTED
    each statement sees its own snapshot whether or not a transaction is open.
    """
    paged, total_only = _paged(stmt)
    bound = {**(values or {}), "_limit": params.limit, "_offset": params.offset}
    conn = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    # Core execution on the connection: no ORM result processing for plain columns.
    rows = (await conn.execute(paged, bound)).mappings().all()
    if rows:
        return list(rows), int(rows[0]["_total"])
    total = (await conn.execute(total_only, bound)).scalar_one()
    return [], int(total)


@functools.lru_cache(maxsize=64)
def _paged(stmt: Select[Any]) -> tuple[Select[Any], Select[Any]]:
    """(page with the total as a column, the total alone) of ``stmt``; limit and offset are bound."""
    total_sq = select(func.count()).select_from(stmt.order_by(None).subquery()).scalar_subquery()
    paged = stmt.add_columns(total_sq.label("_total")).limit(bindparam("_limit")).offset(bindparam("_offset"))
    return paged, select(total_sq)
