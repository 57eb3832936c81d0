"""The seal on lances: nobody sees a lance's percentages before its assembleia is apurada.

The amount of a bid decides who wins, so until the apuração it is visible
nowhere — not in the single-lance GET, the listing, the audit trail's API nor
the logs. The database and the audit trail keep it (the chain is complete);
every read path asks this module whether to show it. Only the receipt of the
POST that registered the bid echoes it, to the client that just sent it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.assembleias.models import Assembleia, LanceAssembleia, StatusAssembleia

#: Audited entity -> the columns sealed while its assembleia is open.
CAMPOS_SELADOS: dict[str, frozenset[str]] = {
    LanceAssembleia.__tablename__: frozenset({"percentual", "percentual_embutido"}),
}

_REVELADA = frozenset({StatusAssembleia.APURADA, StatusAssembleia.ENCERRADA})


def selada(status: StatusAssembleia) -> bool:
    """True while an assembleia in ``status`` keeps its lances sealed (before the apuração)."""
    return status not in _REVELADA


async def lances_selados(session: AsyncSession, lance_ids: Iterable[str]) -> set[str]:
    """The ids (as given) of the lances still sealed; an id that names no lance counts as sealed."""
    pedidos = set(lance_ids)
    if not pedidos:
        return set()
    validos: dict[uuid.UUID, str] = {}
    for texto in pedidos:
        try:
            validos[uuid.UUID(texto)] = texto
        except ValueError:
            continue
    rows = await session.execute(
        select(LanceAssembleia.id, Assembleia.status)
        .join(Assembleia, Assembleia.id == LanceAssembleia.assembleia_id)
        .where(LanceAssembleia.id.in_(list(validos)))
    )
    revelados = {validos[lance_id] for lance_id, status in rows if not selada(status)}
    return pedidos - revelados
