"""Live updates: the notifications SSE stream, for the session's user (the page's EventSource cannot
send a bearer token, so the UI serves the same stream under its cookie session)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import ServerSentEvent

from tenant_app.notificacoes.sse.controller import EventosController as EventosApi


class EventosController(Controller):
    """``/app/eventos``: exactly ``GET /api/eventos/stream`` (replay after Last-Event-ID, the user's and
    the tenant-wide events only), authenticated by the UI session instead of a token."""

    path = "/eventos"

    @get("/", name="ui:eventos", media_type="text/event-stream")
    async def stream(self, request: Request[Any, Any, Any]) -> ServerSentEvent:
        """The API handler's own body, run with this request (it reads only the user, Last-Event-ID and
        the app's state), so the two streams cannot drift apart."""
        resposta: ServerSentEvent = await EventosApi.stream.fn(None, request)
        return resposta
