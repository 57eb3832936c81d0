"""Delivering webhook rows: claim (a lease), POST (endpoints concurrently, each endpoint's
events one at a time in the order they were recorded), record each attempt, reschedule.

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
from tenant_app.notificacoes.webhooks.cliente import Conexao, Resultado
from tenant_app.notificacoes.webhooks.cofre import cofre_do_ambiente, segredos_vigentes
from tenant_app.unit_of_work import UnitOfWork

#: Seconds to wait after the 1st, 2nd, ... failed attempt.
ESPERAS = (5, 300, 1800, 7200, 18000, 36000, 36000)
MAX_TENTATIVAS = len(ESPERAS) + 1
JITTER = 0.2
_tracer = trace.get_tracer("tenant_app.notificacoes")
#: Requests pipelined on an endpoint's connection (HTTP/1.1, answered in order): the worker does
#: not wait a round trip per delivery, and the endpoint still receives its events one by one in order.
JANELA = 16
#: Deliveries claimed per batch: each batch costs a few round trips to PostgreSQL (claim, events,
#: secrets, commit, the attempts' log), shared by more deliveries in a bigger batch.
LOTE = 1200


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


async def entregar_lote(uow: UnitOfWork, nset: NotificacoesSettings, limite: int = LOTE) -> int:
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

    # Each endpoint gets its deliveries one at a time, in the order the events were recorded,
    # over one keep-alive connection; the endpoints are served concurrently.
    seqs = {i: e.seq for i, e in eventos.items()}
    filas: dict[uuid.UUID, list[_Trabalho]] = {}
    for t in sorted(trabalhos, key=lambda t: seqs.get(t.evento_id, 0)):
        filas.setdefault(t.endpoint_id, []).append(t)
    resolvidos: dict[tuple[str, int], asyncio.Future[str]] = {}
    # A slow endpoint must not hold its claim past the lease (another worker would send again).
    prazo = time.monotonic() + lease / 3
    #: Claimed but not attempted, and when they are due again: now (the batch's time ran out)
    #: or after the first retry delay (their endpoint just failed).
    liberados: list[tuple[_Trabalho, float]] = []

    # Each attempt is a span in the trace of the request that recorded the event (payment →
    # event → delivery is one trace), linked to the task that made it (which may serve many).
    lote = trace.get_current_span().get_span_context()
    vinculos = [trace.Link(lote)] if lote.is_valid else []

    def span_de(t: _Trabalho) -> Any:
        return _tracer.start_span(
            "webhook.entregar",
            context=origens.get(t.evento_id),
            kind=trace.SpanKind.CLIENT,
            links=vinculos,
            attributes={
                "consorcio.evento.id": corpos[t.evento_id][0],
                "consorcio.webhook.endpoint": str(t.endpoint_id),
                "consorcio.webhook.tentativa": t.tentativa,
            },
        )

    async def janela(ts: list[_Trabalho], conexao: Conexao) -> list[tuple[_Trabalho, Resultado, datetime]]:
        """One pipelined window of an endpoint's deliveries; results for the prefix that was answered."""
        spans = [span_de(t) for t in ts]
        em = datetime.now(UTC)
        agora_s = int(time.time())
        pedidos = [
            (
                corpos[t.evento_id][1],
                assinatura.cabecalhos(
                    segredos.get(t.endpoint_id, []), corpos[t.evento_id][0], agora_s, corpos[t.evento_id][1]
                ),
            )
            for t in ts
        ]
        resultados = await conexao.enviar_varios(urls[ts[0].endpoint_id], pedidos)
        for span, r in zip(spans, resultados, strict=False):
            span.set_attribute("http.response.status_code", r.status_http or 0)
            if not r.sucesso:
                span.set_status(trace.Status(trace.StatusCode.ERROR, r.erro))
        for span in spans:
            span.end()
        return [(t, r, em) for t, r in zip(ts, resultados, strict=False)]

    async def servir(fila: list[_Trabalho]) -> list[tuple[_Trabalho, Resultado, datetime]]:
        conexao = Conexao(
            producao=nset.producao,
            limite_segundos=nset.webhook_timeout_seconds,
            max_resposta=nset.webhook_max_resposta_bytes,
            resolvidos=resolvidos,
        )
        feitos: list[tuple[_Trabalho, Resultado, datetime]] = []
        i = 0
        try:
            while i < len(fila):
                if time.monotonic() > prazo:
                    liberados.extend((t, 0.0) for t in fila[i:])
                    break
                # Pipelined windows, the first of one request: an endpoint that is down or slow
                # costs one attempt before anything else is sent to it.
                tamanho = 1 if i == 0 else JANELA
                obtidos = await janela(fila[i : i + tamanho], conexao)
                feitos.extend(obtidos)
                i += len(obtidos)
                if not obtidos or not obtidos[-1][1].sucesso:
                    # An endpoint that just failed is not sent the rest of the batch now (a down
                    # receiver costs one timeout, not one per event); they go again shortly, while
                    # the failed one follows its retry schedule.
                    liberados.extend((t, float(ESPERAS[0])) for t in fila[i:])
                    break
        finally:
            conexao.fechar()
        return feitos

    resultados = [r for feitos in await asyncio.gather(*map(servir, filas.values())) for r in feitos]
    await registrar(uow, nset, resultados, liberados)
    return len(trabalhos)


async def registrar(
    uow: UnitOfWork,
    nset: NotificacoesSettings,
    resultados: list[tuple[_Trabalho, Resultado, datetime]],
    liberados: list[tuple[_Trabalho, float]] | None = None,
) -> None:
    """Log every attempt, reschedule or settle each delivery, update the endpoints' streaks.

    ``liberados`` were claimed but not attempted: their claim is undone (not counted as an
    attempt) and they are due again after the given seconds.
    """
    session = uow.session
    agora = datetime.now(UTC)
    if liberados:
        await session.execute(
            update(_ENTREGAS)
            .where(_ENTREGAS.c.id == bindparam("b_id"))
            .values(tentativas=_ENTREGAS.c.tentativas - 1, proxima_tentativa_em=bindparam("b_quando"))
            .execution_options(synchronize_session=False),
            [
                {"b_id": t.entrega_id, "b_quando": agora + timedelta(seconds=espera)}
                for t, espera in liberados
            ],
        )
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
