"""The control plane's one wiring place: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from kubernetes import client
from litestar import Litestar
from litestar.config.response_cache import ResponseCacheConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig

from consorcio_kit import tracing
from control_plane.audit.controller import AuditController
from control_plane.auth.controller import AuthController
from control_plane.auth.service import ensure_signing_key
from control_plane.auth.token_review import TokenReviewer
from control_plane.billing.controller import BillingRunController, InvoiceController
from control_plane.billing.preview_controller import InvoicePreviewController
from control_plane.database.engine import make_engine, make_session_factory
from control_plane.dependencies import (
    provide_action_context,
    provide_db_session,
    provide_resources,
    provide_settings,
)
from control_plane.flags.controller import FlagAdminController, TenantFlagController
from control_plane.flags.notifier import FlagChangeNotifier
from control_plane.health import healthz, readyz
from control_plane.kube import make_api_client
from control_plane.openapi_doc import check_inputs, finish
from control_plane.plans.controller import PlanController
from control_plane.problems import EXCEPTION_HANDLERS
from control_plane.settings import Settings
from control_plane.tenants.controller import TenantController
from control_plane.tenants.resources import TenantResources
from control_plane.tenants.watcher import TenantWatcher
from control_plane.usage.controller import UsageIngestController, UsageReportController


def create_app(settings: Settings, *, kube_api_client: client.ApiClient | None = None) -> Litestar:
    """Build the ASGI app. ``kube_api_client`` overrides the one built from settings."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        state = app.state
        engine = make_engine(settings.database)
        state.engine = engine
        state.session_factory = make_session_factory(engine)
        async with state.session_factory() as session:
            state.signing_key = settings.auth.secret_key or await ensure_signing_key(session)
        api_client = kube_api_client or make_api_client(settings.kubernetes)
        state.tenant_resources = TenantResources(
            api_client, operator_instance=settings.kubernetes.operator_instance
        )
        state.token_reviewer = TokenReviewer(
            api_client,
            audience=settings.kubernetes.token_audience,
            accept_api_server_audience=settings.kubernetes.accept_api_server_tokens,
            cache_seconds=settings.kubernetes.token_review_cache_seconds,
        )
        state.flag_notifier = FlagChangeNotifier(settings.redis.url)
        await state.flag_notifier.start()
        watcher = None
        if settings.kubernetes.watch_tenants:
            # One truth: tenants applied or changed with kubectl land in the registry too.
            watcher = state.tenant_watcher = TenantWatcher(
                api_client,
                state.session_factory,
                operator_instance=settings.kubernetes.operator_instance,
                publish_change=state.flag_notifier.publish,
            )
            watcher.start()
        try:
            yield
        finally:
            if watcher is not None:
                await watcher.stop()
            await state.flag_notifier.stop()
            if kube_api_client is None:
                api_client.close()
            await engine.dispose()

    app = Litestar(
        route_handlers=[
            healthz,
            readyz,
            AuthController,
            PlanController,
            TenantController,
            UsageReportController,
            UsageIngestController,
            BillingRunController,
            InvoiceController,
            InvoicePreviewController,
            FlagAdminController,
            TenantFlagController,
            AuditController,
        ],
        dependencies={
            "db_session": Provide(provide_db_session),
            "action_context": Provide(provide_action_context, sync_to_thread=False),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "tenant_resources": Provide(provide_resources, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        state=State({"settings": settings}),
        openapi_config=OpenAPIConfig(title="Consórcio control plane", version="1.0.0", path="/api/schema"),
        response_cache_config=ResponseCacheConfig(),
        request_max_body_size=8 * 1024 * 1024,
        # Text without control characters, 32-bit integers: every input (openapi_doc.check_inputs).
        before_request=check_inputs,
        # A SERVER span per request, joining the caller's trace (traceparent header).
        middleware=[tracing.TracingMiddleware],
    )
    # Error responses, descriptions and links from the routes themselves (openapi_doc.py).
    finish(app)
    return app
