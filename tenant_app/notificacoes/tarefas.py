"""Celery tasks of the delivery side, and the nudge that queues them after a commit.

* ``notificacoes.despachar`` — outbox → deliveries, then delivers the webhooks due in the same run
  (one task hop from COMMIT to the POST) and queues the e-mails;
* ``notificacoes.entregar_webhooks`` / ``notificacoes.enviar_emails`` — due deliveries until none;
* ``notificacoes.varrer`` (beat, every 5 s) — all three: repairs any lost message or lease;
* ``notificacoes.vencimentos`` (beat, daily) — ``parcela.vencendo`` / ``parcela.vencida``.

All state is in PostgreSQL; a task message lost with Redis, or a worker killed mid-batch,
only delays delivery until the next sweep (at-least-once).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from celery import shared_task
from opentelemetry import context as otel_context

from tenant_app import calendario
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.unit_of_work import Actor, UnitOfWork

log = logging.getLogger("tenant_app.notificacoes")

DESPACHAR = "notificacoes.despachar"
ENTREGAR_WEBHOOKS = "notificacoes.entregar_webhooks"
ENVIAR_EMAILS = "notificacoes.enviar_emails"
VARRER = "notificacoes.varrer"
VENCIMENTOS = "notificacoes.vencimentos"

ATOR = Actor(None, "notificacoes")
T = TypeVar("T")

#: Upper bound of batches per task run, so one run never starves the others' turn.
MAX_LOTES = 200


async def _com_recursos(trabalho: Callable[[Any, Any, NotificacoesSettings, Any], Awaitable[T]]) -> T:
    import tenant_app.model_registry  # noqa: F401  (every mapped table; foreign keys resolve)
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.settings import Settings
    from tenant_app.system.redis_keys import create_redis

    settings = Settings.from_env()
    engine = create_engine(settings.database)
    redis = create_redis(settings.redis)
    try:
        return await trabalho(
            create_session_factory(engine), settings, NotificacoesSettings.of(settings), redis
        )
    finally:
        await redis.aclose()  # type: ignore[attr-defined]
        await engine.dispose()


async def despachar_tudo(
    factory: Any, settings: Any, nset: NotificacoesSettings, redis: Any
) -> tuple[int, int, int]:
    from tenant_app.notificacoes.despacho import despachar_lote

    total = [0, 0, 0]
    for _ in range(MAX_LOTES):
        async with UnitOfWork.start(factory, ATOR) as uow:
            feitos = await despachar_lote(uow, settings, nset, redis)
        total = [a + b for a, b in zip(total, feitos, strict=True)]
        if feitos[0] == 0:
            break
    return total[0], total[1], total[2]


async def entregar_tudo(factory: Any, settings: Any, nset: NotificacoesSettings, redis: Any) -> int:
    from tenant_app.notificacoes.webhooks.entrega import entregar_lote

    total = 0
    for _ in range(MAX_LOTES):
        async with UnitOfWork.start(factory, ATOR) as uow:
            n = await entregar_lote(uow, nset)
        total += n
        if n == 0:
            break
    return total


async def enviar_tudo(factory: Any, settings: Any, nset: NotificacoesSettings, redis: Any) -> int:
    from tenant_app.notificacoes.email.envio import enviar_lote

    total = 0
    for _ in range(MAX_LOTES):
        async with UnitOfWork.start(factory, ATOR) as uow:
            n = await enviar_lote(uow, nset)
        total += n
        if n == 0:
            break
    return total


async def mover_segredos(factory: Any, nset: NotificacoesSettings) -> int:
    """Webhook secrets still encrypted in the database go to the tenant's Vault (see webhooks/cofre.py)."""
    from tenant_app.erros import IndisponivelError
    from tenant_app.notificacoes.webhooks.cofre import cofre_do_ambiente, mover_para_o_cofre

    cofre = cofre_do_ambiente()
    if cofre is None:
        return 0
    try:
        async with UnitOfWork.start(factory, ATOR) as uow:
            movidos = await mover_para_o_cofre(uow.session, nset.chave, cofre)
            await uow.commit()
    except IndisponivelError:
        log.warning("webhook secrets not moved to Vault yet (Vault unreachable); next sweep retries")
        return 0
    if movidos:
        log.info("%d webhook secrets moved from the database to Vault", movidos)
    return movidos


async def varrer_tudo(factory: Any, settings: Any, nset: NotificacoesSettings, redis: Any) -> list[int]:
    await mover_segredos(factory, nset)
    despachados = await despachar_tudo(factory, settings, nset, redis)
    return [
        despachados[0],
        await entregar_tudo(factory, settings, nset, redis),
        await enviar_tudo(factory, settings, nset, redis),
    ]


async def despachar_e_entregar(
    factory: Any, settings: Any, nset: NotificacoesSettings, redis: Any
) -> list[int]:
    """Dispatch, then deliver the webhooks due (the new ones included) on the same connection pool:
    one task hop from COMMIT to the POST, which is most of the latency on a busy worker."""
    eventos, entregas, emails = await despachar_tudo(factory, settings, nset, redis)
    entregues = await entregar_tudo(factory, settings, nset, redis) if entregas else 0
    return [eventos, entregues, emails]


@shared_task(name=DESPACHAR, ignore_result=True)
def despachar() -> list[int]:
    eventos, entregas, emails = asyncio.run(_com_recursos(despachar_e_entregar))
    # E-mails in their own task: a slow SMTP server does not hold the next events back.
    if emails:
        enviar_emails.apply_async(retry=False)
    return [eventos, entregas, emails]


@shared_task(name=ENTREGAR_WEBHOOKS, ignore_result=True)
def entregar_webhooks() -> int:
    return asyncio.run(_com_recursos(entregar_tudo))


@shared_task(name=ENVIAR_EMAILS, ignore_result=True)
def enviar_emails() -> int:
    return asyncio.run(_com_recursos(enviar_tudo))


@shared_task(name=VARRER, ignore_result=True)
def varrer() -> list[int]:
    return asyncio.run(_com_recursos(varrer_tudo))


@shared_task(name=VENCIMENTOS, ignore_result=True)
def vencimentos(hoje_iso: str | None = None) -> tuple[int, int]:
    from datetime import date

    from tenant_app.notificacoes.vencimentos import emitir_vencimentos

    async def rodar(factory: Any, settings: Any, nset: NotificacoesSettings, redis: Any) -> tuple[int, int]:
        hoje = date.fromisoformat(hoje_iso) if hoje_iso else calendario.hoje()
        async with UnitOfWork.start(factory, ATOR) as uow:
            return await emitir_vencimentos(uow, nset, hoje)

    return asyncio.run(_com_recursos(rodar))


BEAT: dict[str, dict[str, Any]] = {
    "notificacoes-varrer": {"task": VARRER, "schedule": 5.0},
    "notificacoes-vencimentos": {"task": VENCIMENTOS, "schedule": 3600.0},
}


class Despertador:
    """The nudge from a process that commits events (the app): queue ``despachar`` without
    blocking the request — a daemon thread sends at most one message per burst of commits."""

    def __init__(self, celery_app: Any) -> None:
        self._celery = celery_app
        self._pedido = threading.Event()
        #: The trace of the latest commit that nudged: the queued dispatch continues it
        #: (a burst of commits is one message, in the trace of the last of them).
        self._contexto: otel_context.Context | None = None
        self._thread = threading.Thread(target=self._rodar, name="notificacoes-despertador", daemon=True)
        self._parar = False
        self._thread.start()

    def __call__(self) -> None:
        self._contexto = otel_context.get_current()
        self._pedido.set()

    def _rodar(self) -> None:
        while True:
            self._pedido.wait()
            if self._parar:
                return
            self._pedido.clear()
            token = otel_context.attach(self._contexto or otel_context.Context())
            try:
                self._celery.send_task(DESPACHAR, retry=False)
            except Exception:  # the broker's errors vary; the 5 s sweep dispatches anyway
                log.warning("could not queue the event dispatcher", exc_info=True)
            finally:
                otel_context.detach(token)

    def parar(self) -> None:
        self._parar = True
        self._pedido.set()
        self._thread.join(timeout=5)


def agora() -> datetime:
    return datetime.now(UTC)
