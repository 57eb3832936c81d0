"""Delivering webhook rows: claim (a lease), POST concurrently, record each attempt, reschedule.

Schedule (Standard Webhooks' recommendation): right away, then 5 s, 5 min, 30 min, 2 h,
5 h, 10 h and 10 h after each failure — 8 attempts over about 27 h — each delay with
±20 % jitter so a recovering receiver is not hit by every tenant at once. After the last
failure the delivery is ``falhou`` (the dead-letter list; ``reenviar`` replays it). An
endpoint failing ``desativar_apos_falhas`` times in a row over ``desativar_apos_horas``
is disabled and the administradora is told by e-mail.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
from opentelemetry import trace
from sqlalchemy import Table, bindparam, insert, select, text, update

from consorcio_kit import tracing
from tenant_app.eventos.models import EventoOutbox
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.models import (
    StatusEntrega,
    WebhookEndpoint,
    WebhookEntrega,
    WebhookSegredo,
    WebhookTentativa,
)
from tenant_app.notificacoes.webhooks import assinatura
from tenant_app.notificacoes.webhooks.cliente import Resultado, enviar, novo_cliente
from tenant_app.notificacoes.webhooks.cofre import cofre_do_ambiente, segredos_vigentes
from tenant_app.unit_of_work import UnitOfWork

#: Seconds to wait after the 1st, 2nd, ... failed attempt.
ESPERAS = (5, 300, 1800, 7200, 18000, 36000, 36000)
MAX_TENTATIVAS = len(ESPERAS) + 1
JITTER = 0.2
_tracer = trace.get_tracer("tenant_app.notificacoes")
#: Concurrent requests (and pooled connections) per endpoint within a batch.
POR_ENDPOINT = 10


def proxima_espera(tentativas_feitas: int, rng: random.Random | None = None) -> float | None:
    """Seconds until the next attempt after ``tentativas_feitas`` failures; None: give up."""
    if tentativas_feitas >= MAX_TENTATIVAS:
        return None
    base = ESPERAS[tentativas_feitas - 1]
    return base * (1 + (rng or random).uniform(-JITTER, JITTER))


def corpo(evento: EventoOutbox) -> bytes:
    """The payload (Standard Webhooks shape), identical on every attempt."""
    return json.dumps(
        {"type": evento.tipo, "timestamp": evento.ocorrido_em.isoformat(), "data": evento.dados},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


@dataclass
class _Trabalho:
    entrega_id: uuid.UUID
    endpoint_id: uuid.UUID
    evento_id: uuid.UUID
    tentativa: int


#: Core table: executemany UPDATEs by a bound id (the ORM's bulk path wants the key by name).
_ENTREGAS = cast(Table, WebhookEntrega.__table__)

_REIVINDICAR = text(
    """
    WITH devidas AS (
        SELECT e.id FROM webhook_entregas e
        JOIN webhook_endpoints ep ON ep.id = e.endpoint_id AND ep.ativo
        WHERE e.status = 'pendente' AND e.proxima_tentativa_em <= now()
        ORDER BY e.proxima_tentativa_em
        LIMIT :limite
        FOR UPDATE OF e SKIP LOCKED
    )
    UPDATE webhook_entregas w
    SET proxima_tentativa_em = now() + make_interval(secs => :lease), tentativas = w.tentativas + 1
    FROM devidas WHERE w.id = devidas.id
    RETURNING w.id, w.endpoint_id, w.evento_id, w.tentativas
    """
)


async def entregar_lote(uow: UnitOfWork, nset: NotificacoesSettings, limite: int = 300) -> int:
    """One batch of due deliveries; returns how many were attempted (0: nothing due)."""
    session = uow.session
    lease = nset.lease
    trabalhos = [
        _Trabalho(*row)
        for row in (await session.execute(_REIVINDICAR, {"limite": limite, "lease": lease})).all()
    ]
    if not trabalhos:
        await uow.rollback()
        return 0
    eventos = {
        e.id: e
        for e in (
            await session.scalars(
                select(EventoOutbox).where(EventoOutbox.id.in_({t.evento_id for t in trabalhos}))
            )
        ).all()
    }
    endpoint_ids = {t.endpoint_id for t in trabalhos}
    urls = dict(
        (
            await session.execute(
                select(WebhookEndpoint.id, WebhookEndpoint.url).where(WebhookEndpoint.id.in_(endpoint_ids))
            )
        ).all()
    )
    agora = datetime.now(UTC)
    vigentes = [
        s
        for s in (
            await session.scalars(
                select(WebhookSegredo)
                .where(WebhookSegredo.endpoint_id.in_(endpoint_ids))
                .order_by(WebhookSegredo.criado_em.desc())
            )
        ).all()
        if s.expira_em is None or s.expira_em > agora
    ]
    # Vault unreachable: the exception leaves the batch leased, retried once the lease ends.
    segredos = await segredos_vigentes(session, nset.chave, cofre_do_ambiente(), vigentes)
    corpos = {i: (str(e.id), corpo(e)) for i, e in eventos.items()}
    origens = {i: tracing.context_of(e.traceparent) for i, e in eventos.items()}
    # The claim (lease) is committed before the network: a crash from here on only delays.
    await uow.commit()

    # One small pool per endpoint: httpcore's pool rescans every connection for every queued
    # request, so one big shared pool cost most of a delivery's CPU (profiled: ~6 ms each).
    resolvidos: dict[tuple[str, int], asyncio.Future[str]] = {}
    clientes: dict[uuid.UUID, tuple[httpx.AsyncClient, asyncio.Semaphore]] = {}

    def cliente_de(endpoint_id: uuid.UUID) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        if endpoint_id not in clientes:
            clientes[endpoint_id] = (novo_cliente(POR_ENDPOINT), asyncio.Semaphore(POR_ENDPOINT))
        return clientes[endpoint_id]

    # Each attempt is a span in the trace of the request that recorded the event (payment →
    # event → delivery is one trace), linked to the task that made it (which may serve many).
    lote = trace.get_current_span().get_span_context()
    vinculos = [trace.Link(lote)] if lote.is_valid else []

    async def um(t: _Trabalho) -> tuple[_Trabalho, Resultado, datetime]:
        cliente, semaforo = cliente_de(t.endpoint_id)
        with _tracer.start_as_current_span(
            "webhook.entregar",
            context=origens.get(t.evento_id),
            kind=trace.SpanKind.CLIENT,
            links=vinculos,
            attributes={
                "consorcio.evento.id": str(t.evento_id),
                "consorcio.webhook.endpoint": str(t.endpoint_id),
                "consorcio.webhook.tentativa": t.tentativa,
            },
        ) as span:
            t_r_em = await _tentar(t, cliente, semaforo)
            span.set_attribute("http.response.status_code", t_r_em[1].status_http or 0)
            if not t_r_em[1].sucesso:
                span.set_status(trace.Status(trace.StatusCode.ERROR, t_r_em[1].erro))
            return t_r_em

    async def _tentar(
        t: _Trabalho, cliente: httpx.AsyncClient, semaforo: asyncio.Semaphore
    ) -> tuple[_Trabalho, Resultado, datetime]:
        async with semaforo:
            msg_id, b = corpos[t.evento_id]
            em = datetime.now(UTC)
            headers = assinatura.cabecalhos(segredos.get(t.endpoint_id, []), msg_id, int(time.time()), b)
            r = await enviar(
                cliente,
                urls[t.endpoint_id],
                b,
                headers,
                producao=nset.producao,
                limite_segundos=nset.webhook_timeout_seconds,
                max_resposta=nset.webhook_max_resposta_bytes,
                resolvidos=resolvidos,
            )
            return t, r, em

    try:
        resultados = await asyncio.gather(*(um(t) for t in trabalhos))
    finally:
        for cliente, _ in clientes.values():
            await cliente.aclose()
    await registrar(uow, nset, resultados)
    return len(trabalhos)


async def registrar(
    uow: UnitOfWork, nset: NotificacoesSettings, resultados: list[tuple[_Trabalho, Resultado, datetime]]
) -> None:
    """Log every attempt, reschedule or settle each delivery, update the endpoints' streaks."""
    session = uow.session
    agora = datetime.now(UTC)
    tentativas: list[dict[str, Any]] = []
    sucessos: dict[uuid.UUID, datetime] = {}
    falhas: dict[uuid.UUID, int] = {}
    entregues: list[uuid.UUID] = []
    mortas: list[tuple[uuid.UUID, int | None, str | None]] = []
    reagendadas: list[dict[str, Any]] = []
    for t, r, em in resultados:
        tentativas.append(
            {
                "id": uuid.uuid4(),
                "entrega_id": t.entrega_id,
                "numero": t.tentativa,
                "em": em,
                "status_http": r.status_http,
                "erro": r.erro,
                "duracao_ms": r.duracao_ms,
            }
        )
        if r.sucesso:
            entregues.append(t.entrega_id)
            sucessos[t.endpoint_id] = agora
            continue
        falhas[t.endpoint_id] = falhas.get(t.endpoint_id, 0) + 1
        espera = proxima_espera(t.tentativa)
        erro = r.erro or f"HTTP {r.status_http}"
        if espera is None:
            mortas.append((t.entrega_id, r.status_http, erro))
        else:
            reagendadas.append(
                {
                    "b_id": t.entrega_id,
                    "b_quando": agora + timedelta(seconds=espera),
                    "b_status": r.status_http,
                    "b_erro": erro[:500],
                }
            )
    await session.execute(insert(WebhookTentativa), tentativas)
    if entregues:
        # Status codes of the successes: one UPDATE per distinct code is overkill; the log has them.
        codigos = {t.entrega_id: r.status_http for t, r, _ in resultados if r.sucesso}
        await session.execute(
            update(_ENTREGAS)
            .where(_ENTREGAS.c.id == bindparam("b_id"))
            .values(
                status=StatusEntrega.ENTREGUE,
                entregue_em=agora,
                ultimo_status_http=bindparam("b_status"),
                ultimo_erro=None,
            ),
            [{"b_id": i, "b_status": codigos[i]} for i in entregues],
        )
    if reagendadas:
        await session.execute(
            update(_ENTREGAS)
            .where(_ENTREGAS.c.id == bindparam("b_id"))
            .values(
                proxima_tentativa_em=bindparam("b_quando"),
                ultimo_status_http=bindparam("b_status"),
                ultimo_erro=bindparam("b_erro"),
            )
            .execution_options(synchronize_session=False),
            reagendadas,
        )
    if mortas:
        await session.execute(
            update(_ENTREGAS)
            .where(_ENTREGAS.c.id == bindparam("b_id"))
            .values(
                status=StatusEntrega.FALHOU,
                ultimo_status_http=bindparam("b_status"),
                ultimo_erro=bindparam("b_erro"),
            ),
            [{"b_id": i, "b_status": s, "b_erro": (e or "")[:500]} for i, s, e in mortas],
        )
    for endpoint_id, quando in sucessos.items():
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(falhas_consecutivas=0, falhando_desde=None, ultimo_sucesso_em=quando)
            .execution_options(synchronize_session=False)
        )
    for endpoint_id, n in falhas.items():
        if endpoint_id in sucessos:
            continue
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(
                falhas_consecutivas=WebhookEndpoint.falhas_consecutivas + n,
                falhando_desde=text("coalesce(falhando_desde, now())"),
            )
            .execution_options(synchronize_session=False)
        )
    if falhas:
        from tenant_app.notificacoes.webhooks.desativacao import desativar_persistentes

        await desativar_persistentes(uow, nset, set(falhas) - set(sucessos))
    await uow.commit()
