"""Live updates in Chromium: a page left open announces a payment registered elsewhere, through the
notifications SSE stream (real outbox → Redis → the app's fan-out → EventSource under the UI session).

The outbox is dispatched by the notifications worker's own step (``tarefas.despachar_tudo``), run
here in the test instead of a Celery worker process."""

from __future__ import annotations

import re

import pytest

from tests.support.tenant_app_ui_fixtures import Tela, UIServer

pytestmark = pytest.mark.e2e


async def test_pagamento_aparece_ao_vivo_em_outra_aba(logado, ui_server: UIServer) -> None:
    tela: Tela = await logado("financeiro")
    aberta = tela.page
    await tela.ir("/app/pagamentos")
    await aberta.wait_for_function(
        "() => window.consorcioEventos && window.consorcioEventos.readyState === 1"
    )

    outra = await aberta.context.new_page()
    await outra.goto(ui_server.url + "/app/grupos")
    await outra.click("text=DEMO-AUTO-01")
    linhas = await outra.locator("#t-cotas ~ div tbody tr").all()
    for linha in linhas:
        celulas = await linha.locator("td").all_inner_texts()
        if celulas[1] == "ativa" and celulas[3] == "—":
            await linha.locator("a").click()
            break
    await outra.wait_for_url(re.compile(r"/app/cotas/[0-9a-f-]{36}$"))
    await outra.fill("#c-valor", "12,34")
    await outra.click("button:has-text('Registrar pagamento')")
    assert "Pagamento registrado." in await outra.inner_text("[role=status]")
    await outra.close()
    await _despachar(ui_server)

    aviso = aberta.locator("#ao-vivo .evento-ao-vivo[data-tipo='pagamento.confirmado']")
    await aviso.first.wait_for(timeout=15_000)
    assert "Pagamento confirmado" in await aviso.first.inner_text()
    await tela.conferir("70-ao-vivo")


async def _despachar(server: UIServer) -> None:
    import tenant_app.model_registry  # noqa: F401  (every mapped table, as the worker loads them)
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.notificacoes.config import NotificacoesSettings
    from tenant_app.notificacoes.tarefas import despachar_tudo
    from tenant_app.system.redis_keys import create_redis

    settings = server.settings
    engine = create_engine(settings.database)
    redis = create_redis(settings.redis)
    try:
        eventos, _, _ = await despachar_tudo(
            create_session_factory(engine), settings, NotificacoesSettings.of(settings), redis
        )
        assert eventos >= 1
    finally:
        await redis.aclose()  # type: ignore[attr-defined]
        await engine.dispose()
