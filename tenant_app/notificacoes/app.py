"""What the app wires: the routes of this feature and its lifespan (the dispatcher nudge, the SSE fan-out)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar

from tenant_app.eventos import sinal
from tenant_app.notificacoes.email.controller import DescadastroController, NotificacoesController
from tenant_app.notificacoes.email.modelos_controller import ModelosEmailController
from tenant_app.notificacoes.sse.controller import EventosController
from tenant_app.notificacoes.sse.difusor import Difusor
from tenant_app.notificacoes.tarefas import Despertador
from tenant_app.notificacoes.webhooks.controller import WebhookController

NOTIFICACOES_CONTROLLERS: list[Any] = [
    WebhookController,
    NotificacoesController,
    ModelosEmailController,
    DescadastroController,
    EventosController,
]


@asynccontextmanager
async def notificacoes_lifespan(app: Litestar) -> AsyncGenerator[None, None]:
    """After a request commits events, queue the dispatcher (without blocking the request)."""
    from tenant_app.worker import create_celery

    despertador = Despertador(create_celery(app.state.settings))
    remover = sinal.registrar(despertador)
    try:
        yield
    finally:
        remover()
        despertador.parar()
        difusor: Difusor | None = app.state.get("sse_difusor")
        if difusor is not None:
            await difusor.fechar()
