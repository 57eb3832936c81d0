"""``GET /api/eventos/stream``: Server-Sent Events of the tenant's domain events for the logged-in user.

Each message: ``id`` = the event's ``seq``, ``event`` = its type, ``data`` = JSON
``{"id", "tipo", "ocorrido_em", "dados"}``. Events addressed to another staff user
(``usuario_id``) are not sent. Reconnecting with ``Last-Event-ID`` replays what was
dispatched after it (up to 500 events), then goes live; a message may come twice
(same ``id``), never be skipped. Authenticate with the ``Authorization: Bearer`` header
(a fetch-based EventSource): the token is checked when the stream opens.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from litestar import Controller, Request, get
from litestar.response import ServerSentEvent, ServerSentEventMessage
from sqlalchemy import or_, select

from tenant_app.eventos.models import EventoOutbox
from tenant_app.notificacoes.despacho import canal_sse
from tenant_app.notificacoes.sse.difusor import DESCONECTAR, Difusor

REPLAY_MAXIMO = 500
BATIMENTO_SEGUNDOS = 15.0


def difusor_do_app(request: Request[Any, Any, Any]) -> Difusor:
    state = request.app.state
    d: Difusor | None = state.get("sse_difusor")
    if d is None:
        d = Difusor(state.redis, canal_sse(state.settings))
        state.sse_difusor = d
    return d


def _mensagem(seq: int, ident: str, tipo: str, ocorrido_em: str, dados: Any) -> ServerSentEventMessage:
    corpo = json.dumps(
        {"id": ident, "tipo": tipo, "ocorrido_em": ocorrido_em, "dados": dados}, separators=(",", ":")
    )
    return ServerSentEventMessage(data=corpo, event=tipo, id=seq)


def _para(usuario: uuid.UUID, alvo: str | None) -> bool:
    return alvo is None or alvo == str(usuario)


class EventosController(Controller):
    path = "/api/eventos"
    tags = ["eventos"]  # noqa: RUF012

    @get("/stream", operation_id="streamEvents", media_type="text/event-stream")
    async def stream(self, request: Request[Any, Any, Any]) -> ServerSentEvent:
        """Live domain events (payment confirmed, report ready, assembleia result, ...) as SSE."""
        usuario = uuid.UUID(str(request.user.id))
        ultimo_txt = request.headers.get("last-event-id", "").strip()
        ultimo = int(ultimo_txt) if ultimo_txt.isdigit() else None
        difusor = difusor_do_app(request)
        fila = await difusor.assinar()  # subscribe first: nothing dispatched meanwhile is lost
        replay: list[ServerSentEventMessage] = []
        visto = ultimo or 0
        if ultimo is not None:
            async with request.app.state.session_factory() as session:
                rows = (
                    await session.scalars(
                        select(EventoOutbox)
                        .where(
                            EventoOutbox.seq > ultimo,
                            EventoOutbox.despachado_em.is_not(None),
                            or_(EventoOutbox.usuario_id.is_(None), EventoOutbox.usuario_id == usuario),
                        )
                        .order_by(EventoOutbox.seq)
                        .limit(REPLAY_MAXIMO)
                    )
                ).all()
            for e in rows:
                replay.append(_mensagem(e.seq, str(e.id), e.tipo, e.ocorrido_em.isoformat(), e.dados))
                visto = max(visto, e.seq)

        async def gerar() -> AsyncIterator[ServerSentEventMessage]:
            try:
                yield ServerSentEventMessage(comment="conectado", retry=3000, data=None)
                for m in replay:
                    yield m
                while True:
                    try:
                        ev = await asyncio.wait_for(fila.get(), timeout=BATIMENTO_SEGUNDOS)
                    except TimeoutError:
                        yield ServerSentEventMessage(comment="batimento", data=None)
                        continue
                    if ev is DESCONECTAR:
                        return
                    if ev["seq"] <= visto or not _para(usuario, ev.get("usuario_id")):
                        continue
                    yield _mensagem(ev["seq"], ev["id"], ev["tipo"], ev["ocorrido_em"], ev["dados"])
            finally:
                difusor.cancelar(fila)

        return ServerSentEvent(gerar(), headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
