"""The unit of work: one per request or Celery task, and the only place that commits.

It owns the database session and carries what the transaction gathers on the
way: the actor, the audit entries of the entities services register with it,
and the group-balance changes of ledger postings. ``commit()`` finishes all of
it in one transaction, in this order:

1. flush the ORM changes (collecting their audit entries);
2. move the group balances by the deferred postings — last, because every
   payment of a group needs that row's lock, so it is held for the shortest time;
3. append the audit entries to the hash chain (under the chain's advisory lock);
4. COMMIT.

Anything not committed is rolled back when the unit of work closes.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from types import TracebackType
from typing import Any, Self, cast

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenant_app.audit_log.trail import Actor, AuditTrail, append_entries
from tenant_app.database import copia
from tenant_app.eventos import sinal
from tenant_app.eventos.models import EventoOutbox
from tenant_app.eventos.outbox import COLUNAS_LINHA, linhas_de_eventos, novo_evento
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.ledger.service import apply_balance, lancamentos

__all__ = ["Actor", "UnitOfWork"]

_EVENTOS = cast(Table, EventoOutbox.__table__)


class UnitOfWork:
    """The session plus the explicit participants of its transaction (audit trail, ledger balances)."""

    def __init__(self, session: AsyncSession, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self._trail = AuditTrail()
        #: Deferred balance moves per group: [fundo comum, fundo de reserva].
        self._balances: dict[uuid.UUID, list[Decimal]] = {}
        #: Depth of ``one_transaction()`` blocks: inside one, ``commit()`` only flushes.
        self._held = 0
        #: Events added to the outbox since the last commit (nudge the dispatcher after it).
        self._eventos = 0

    @classmethod
    def start(cls, session_factory: async_sessionmaker[AsyncSession], actor: Actor) -> UnitOfWork:
        """A unit of work on a new session (use it with ``async with``)."""
        return cls(session_factory(), actor)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # -- entities ---------------------------------------------------------------

    def add(self, obj: Any) -> None:
        """A new entity: inserted at the next flush and audited as an insert."""
        self.session.add(obj)
        self._trail.inserted(obj)

    def add_all(self, objs: Iterable[Any]) -> None:
        """``add`` for each entity."""
        for obj in objs:
            self.add(obj)

    def track(self, obj: Any) -> None:
        """An existing entity this unit of work changes: its changed columns are audited."""
        self._trail.tracked(obj)

    async def delete(self, obj: Any) -> None:
        """Delete an entity, audited with its last row."""
        self._trail.deleted(obj)
        await self.session.delete(obj)

    def auditar(
        self,
        acao: str,
        entidade: str,
        entidade_id: str | None,
        antes: dict[str, Any] | None = None,
        depois: dict[str, Any] | None = None,
    ) -> None:
        """An audit entry for something the ORM does not see (bulk writes, logins, exports)."""
        self._trail.event(acao, entidade, entidade_id, antes, depois)

    # -- domain events ------------------------------------------------------------

    def publicar(
        self,
        tipo: str,
        dados: dict[str, Any],
        *,
        chave: str | None = None,
        usuario_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        """Record a domain event in the outbox, in this transaction; returns its id.

        ``tipo`` is one of ``tenant_app.eventos.tipos``; ``dados`` is JSON-able (Decimal,
        UUID, dates are converted); ``chave`` names the entity (``"cota:<id>"``);
        ``usuario_id`` restricts live updates to one staff user. Delivered (webhooks,
        e-mail, SSE) at least once after COMMIT; nothing is sent if the transaction rolls back.
        """
        evento = novo_evento(tipo, dados, chave=chave, usuario_id=usuario_id)
        self.session.add(evento)
        self._eventos += 1
        return evento.id

    async def publicar_lote(self, tipo: str, eventos: Sequence[tuple[dict[str, Any], str | None]]) -> None:
        """``publicar`` for many events of one ``tipo`` (``(dados, chave)`` each), written now with
        COPY in this transaction: a bulk settlement's 100,000 confirmations as ORM rows
        cost more CPU than the settling itself. Delivered after COMMIT like any other."""
        linhas = linhas_de_eventos(tipo, eventos)
        await copia.copiar(self.session, _EVENTOS, COLUNAS_LINHA, linhas)
        self._eventos += len(linhas)

    # -- ledger -----------------------------------------------------------------

    async def lancar(
        self,
        grupo_id: uuid.UUID,
        entries: Iterable[tuple[Fundo, Decimal]],
        origem: OrigemLancamento,
        *,
        pagamento_id: uuid.UUID | None = None,
        cota_id: uuid.UUID | None = None,
        referencia_id: uuid.UUID | None = None,
        descricao: str | None = None,
        defer_balance: bool = False,
    ) -> None:
        """Post signed movements to the group's ledger and move its balances by the same amounts.

        With ``defer_balance`` the balance UPDATE waits for ``commit()`` (see the
        module docstring); the group's balances are then stale inside this unit of
        work, so code that reads them after posting must not defer. Use a negative
        value to take money out (e.g. a contemplação paid from the fundo comum).
        """
        # Entries reference payments/cotas by id without ORM relationships: write those first.
        await self.flush()
        rows, fc, fr = lancamentos(
            grupo_id,
            entries,
            origem,
            pagamento_id=pagamento_id,
            cota_id=cota_id,
            referencia_id=referencia_id,
            descricao=descricao,
        )
        self.session.add_all(rows)  # the ledger is not audited: it is derived from audited changes
        if not (fc or fr):
            return
        if not defer_balance:
            await apply_balance(self.session, grupo_id, fc, fr)
            return
        totals = self._balances.setdefault(grupo_id, [Decimal(0), Decimal(0)])
        totals[0] += fc
        totals[1] += fr

    def adiar_saldo(self, grupo_id: uuid.UUID, fc: Decimal, fr: Decimal) -> None:
        """The balance moves of ledger rows a bulk writer (``pagamentos.lote``) inserted itself:
        applied at ``commit()`` with the deferred ones of ``lancar``, in the same lock order."""
        totals = self._balances.setdefault(grupo_id, [Decimal(0), Decimal(0)])
        totals[0] += fc
        totals[1] += fr

    # -- transaction ------------------------------------------------------------

    async def flush(self) -> None:
        """Write the pending changes now (ids, constraints), collecting their audit entries first."""
        self._trail.collect(self.session)
        await self.session.flush()

    @asynccontextmanager
    async def one_transaction(self) -> AsyncIterator[UnitOfWork]:
        """Run several service calls (each ending with ``commit()``) as one transaction.

        Inside the block their commits only flush; the block commits once when it
        ends without an exception (e.g. the daily exclusion of many cotas, the demo seed).
        """
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1
        if self._held == 0:
            await self.commit()

    async def commit(self) -> None:
        """Flush, move the deferred balances, append the audit entries, COMMIT: one transaction."""
        await self.flush()
        if self._held:
            return
        balances, self._balances = self._balances, {}
        for grupo_id, (fc, fr) in sorted(balances.items()):  # one lock order for every writer
            await apply_balance(self.session, grupo_id, fc, fr)
        await append_entries(self.session, self._trail.take(), self.actor)
        await self.session.commit()
        if self._eventos:
            self._eventos = 0
            sinal.avisar()

    async def rollback(self) -> None:
        """Drop everything gathered since the last commit."""
        self._trail.take()
        self._balances = {}
        self._eventos = 0
        await self.session.rollback()

    async def close(self) -> None:
        """Roll back whatever was not committed and release the connection."""
        self._trail.take()
        self._balances = {}
        self._eventos = 0
        await self.session.close()
