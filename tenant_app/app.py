"""The one wiring place: ``create_app(settings)``.

To add a feature's routes, append its controller (or handler) to
``ROUTE_HANDLERS`` below: that is the only edit needed.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme, Server
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from sqlalchemy.exc import SQLAlchemyError

from consorcio_kit import tracing
from tenant_app import calendario
from tenant_app.armazenamento.dependency import provide_object_store
from tenant_app.armazenamento.store import ObjectStore
from tenant_app.assembleias.controller import CONTROLLERS as ASSEMBLEIAS_CONTROLLERS
from tenant_app.auditoria.controller import AuditoriaController
from tenant_app.auth.controller import AuthController
from tenant_app.auth.middleware import PUBLIC_PATHS, JWTAuthenticationMiddleware
from tenant_app.clientes_api.controller import ClienteApiController, TokenClienteController
from tenant_app.cobranca.controller import CONTROLLERS as COBRANCA_CONTROLLERS
from tenant_app.consorciados.controller import ConsorciadoController
from tenant_app.cotas.controller import CotaController
from tenant_app.credito.controller import CONTROLLERS as CREDITO_CONTROLLERS
from tenant_app.dados_pessoais.inicio import carregar_chaves_e_cifrar_legados
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.dependencies import provide_unit_of_work
from tenant_app.documentos.contrato.controller import ContratoController
from tenant_app.documentos.controller import DocumentoController
from tenant_app.encerramento.controller import EncerramentoController, NaoProcuradosController
from tenant_app.grupos.controller import GrupoController
from tenant_app.http.entrada import verificar_entrada
from tenant_app.http.openapi_doc import documentar
from tenant_app.http.problems import handle_exception
from tenant_app.inadimplencia.controller import InadimplenciaController
from tenant_app.notificacoes.app import NOTIFICACOES_CONTROLLERS, notificacoes_lifespan
from tenant_app.observability.middleware import RequestContextMiddleware
from tenant_app.pagamentos.controller import PagamentoController
from tenant_app.painel.controller import PainelController
from tenant_app.parcelas.controller import ParcelaController
from tenant_app.platform_client.feature_flags import FeatureFlags, feature_flag_guard, provide_feature_flags
from tenant_app.platform_client.usage_meter import UsageMeter
from tenant_app.platform_client.usage_middleware import ApiRequestCounter
from tenant_app.platform_link.lifespan import control_plane_link
from tenant_app.problemas.controller import ProblemasController
from tenant_app.relatorios.controller import RelatorioController
from tenant_app.rendimentos.controller import RendimentoController
from tenant_app.settings import Settings
from tenant_app.system.controller import health, ready
from tenant_app.system.rate_limit import RateLimitMiddleware
from tenant_app.system.redis_keys import create_redis
from tenant_app.ui.rotas import UI_HANDLERS, UI_PATHS
from tenant_app.unit_of_work import Actor, UnitOfWork
from tenant_app.users.controller import UserController
from tenant_app.users.service import ensure_initial_admin

log = logging.getLogger("tenant_app")


class MetricsController(PrometheusController):
    """``/metrics`` in the Prometheus text format."""

    path = "/metrics"


ROUTE_HANDLERS: list[Any] = [
    health,
    ready,
    MetricsController,
    AuthController,
    UserController,
    ClienteApiController,
    TokenClienteController,
    *ASSEMBLEIAS_CONTROLLERS,
    ConsorciadoController,
    GrupoController,
    EncerramentoController,
    NaoProcuradosController,
    RendimentoController,
    CotaController,
    ParcelaController,
    PagamentoController,
    *CREDITO_CONTROLLERS,
    *COBRANCA_CONTROLLERS,
    InadimplenciaController,
    AuditoriaController,
    *NOTIFICACOES_CONTROLLERS,
    DocumentoController,
    ContratoController,
    RelatorioController,
    ProblemasController,
    PainelController,
    # The web UI (server-rendered, session cookie; see tenant_app/ui/README.md).
    *UI_HANDLERS,
]


def create_app(settings: Settings) -> Litestar:
    """Build the ASGI app for one tenant."""
    calendario.definir_fuso(settings.time_zone)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        engine = create_engine(settings.database)
        app.state.engine = engine
        app.state.session_factory = create_session_factory(engine)
        app.state.redis = create_redis(settings.redis)
        # Before serving: the personal-data key (refuses to start without one) and the rows still in clear.
        await carregar_chaves_e_cifrar_legados(engine)
        if settings.initial_admin_email and settings.initial_admin_password:
            try:
                actor = Actor(None, "inicializacao")
                async with UnitOfWork.start(app.state.session_factory, actor) as uow:
                    if await ensure_initial_admin(
                        uow, settings.initial_admin_email, settings.initial_admin_password
                    ):
                        log.info("initial admin created")
            except SQLAlchemyError:
                log.exception("could not create the initial admin (database not migrated?)")
        try:
            yield
        finally:
            await app.state.redis.aclose()
            await engine.dispose()

    prometheus = PrometheusConfig(app_name="tenant_app", prefix="tenant_app", group_path=True)
    # Measures only when there is a control plane to report to (see platform_client).
    usage_meter = UsageMeter(enabled=settings.control_plane is not None)
    app = Litestar(
        route_handlers=ROUTE_HANDLERS,
        dependencies={
            "uow": Provide(provide_unit_of_work),
            "feature_flags": Provide(provide_feature_flags, sync_to_thread=False),
            "usage_meter": Provide(lambda: usage_meter, sync_to_thread=False),
            "armazenamento": Provide(provide_object_store, sync_to_thread=False),
        },
        middleware=[
            # Outermost: one SERVER span per request, child of the caller's traceparent.
            tracing.TracingMiddleware,
            RequestContextMiddleware,
            ApiRequestCounter(usage_meter),
            prometheus.middleware,
            DefineMiddleware(JWTAuthenticationMiddleware, exclude=[*PUBLIC_PATHS, *UI_PATHS]),
            RateLimitMiddleware,
        ],
        # Routes naming a flag in opt={"feature_flag": ...} answer 403 while it is off.
        guards=[feature_flag_guard],
        exception_handlers={Exception: handle_exception},
        # Text without control characters, 32-bit integers: every input (http/entrada.py).
        before_request=verificar_entrada,
        lifespan=[lifespan, notificacoes_lifespan, control_plane_link],
        state=_initial_state(settings, usage_meter),
        openapi_config=OpenAPIConfig(
            title="Consórcio — aplicação da administradora",
            version="1.0.0",
            path="/schema",
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        bearer_format="JWT ou chave de API",
                        description=(
                            "Um token de acesso de `POST /api/auth/login` (pessoas) ou a chave de um "
                            "cliente de API (`cak.<tenant>.…`, integrações; `POST /api/clientes-api`)."
                        ),
                    )
                }
            ),
            security=[{"BearerToken": []}],
            servers=[Server(url=settings.app_base_url)] if settings.app_base_url else [Server(url="/")],
        ),
        debug=False,
        # Logging is configured once by the process (JSON lines, see observability.logging).
        logging_config=None,
    )
    # Error responses, descriptions and links from the routes themselves (http/openapi_doc.py).
    documentar(app)
    return app


def _initial_state(settings: Settings, usage_meter: UsageMeter) -> Any:
    from litestar.datastructures import State

    # Flags answer their offline defaults until control_plane_link has a snapshot.
    return State(
        {
            "settings": settings,
            "usage_meter": usage_meter,
            "feature_flags": FeatureFlags.offline(),
            # The tenant's bucket (None without S3_*): the `armazenamento` dependency.
            "object_store": ObjectStore.from_settings(settings.object_store),
        }
    )


def create_app_from_env() -> Litestar:
    """uvicorn factory: settings from the environment (the tenant's Secret)."""
    from tenant_app.observability.logging import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.tenant_slug)
    tracing.configure("consorcio-tenant-app", attributes={"consorcio.tenant": settings.tenant_slug})
    return create_app(settings)
