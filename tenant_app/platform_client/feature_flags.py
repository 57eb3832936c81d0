"""Feature flags for request handlers: an OpenFeature client and a route guard.

A route is gated by naming its flag in ``opt``::

    @get("/verificacao", ..., opt={"feature_flag": AUDITORIA_VERIFICACAO.key})

and the app-wide :func:`feature_flag_guard` answers 403 problem+json
(type ``funcionalidade_desativada``) when the flag is off for this tenant
(and user, for user rollouts). Handlers that need a flag inside their logic
take the ``feature_flags`` dependency and call ``is_enabled``.

Values come from the control plane's snapshot, evaluated locally; the last
snapshot stays in force while the control plane is unreachable, and a
process that never got one answers each flag's ``offline_default``.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from openfeature import api as openfeature_api
from openfeature.client import OpenFeatureClient
from openfeature.evaluation_context import EvaluationContext
from openfeature.provider import ProviderStatus

from consorcio_contract.feature_flags import PLATFORM_FLAGS_BY_KEY, PlatformFlag
from tenant_app.erros import AcessoNegado

#: The OpenFeature domain of an app with no control plane: no provider is ever
#: registered under it, so every evaluation answers the caller's default.
OFFLINE_DOMAIN = "consorcio-sem-control-plane"
OPT_KEY = "feature_flag"


class FuncionalidadeDesativada(AcessoNegado):
    """The route's feature is off for this administradora (plan or platform decision): 403."""

    code = "funcionalidade_desativada"

    def __init__(self, flag: PlatformFlag) -> None:
        super().__init__(
            f"A {flag.nome or flag.key} não está disponível para esta administradora.",
            title="Funcionalidade desativada",
        )


class FeatureFlags:
    """Boolean platform flags for this tenant, evaluated locally."""

    def __init__(self, client: OpenFeatureClient) -> None:
        self._client = client

    @classmethod
    def for_domain(cls, domain: str) -> FeatureFlags:
        return cls(openfeature_api.get_client(domain))

    @classmethod
    def offline(cls) -> FeatureFlags:
        """Flags of an app without a control plane: every flag at its offline default."""
        return cls.for_domain(OFFLINE_DOMAIN)

    @property
    def initialized(self) -> bool:
        """False while the provider is still initializing (OpenFeature answers defaults meanwhile)."""
        return self._client.get_provider_status() is not ProviderStatus.NOT_READY

    def is_enabled(self, flag: PlatformFlag, user: str | None = None) -> bool:
        """The flag's value for this tenant (and ``user``, which only user rollouts look at)."""
        context = EvaluationContext(targeting_key=user) if user else None
        return bool(self._client.get_boolean_value(flag.key, flag.offline_default, context))


async def feature_flag_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """App-wide guard: a route whose ``opt`` names a flag answers 403 while the flag is off.

    ``async`` on purpose, though it never awaits: it runs on every request, and
    Litestar runs a sync guard in a worker thread (a hop that cost ~0.5 ms of CPU).
    Evaluation is a local lookup in the last snapshot, so it never blocks the loop.
    """
    key = handler.opt.get(OPT_KEY)
    if key is None:
        return
    flag = PLATFORM_FLAGS_BY_KEY[key]
    user = connection.scope.get("user")
    user_id = getattr(user, "id", None)
    flags: FeatureFlags = connection.app.state.feature_flags
    if not flags.is_enabled(flag, str(user_id) if user_id is not None else None):
        raise FuncionalidadeDesativada(flag)


def provide_feature_flags(connection: ASGIConnection[Any, Any, Any, Any]) -> FeatureFlags:
    """Dependency ``feature_flags`` for handlers that branch on a flag."""
    flags: FeatureFlags = connection.app.state.feature_flags
    return flags
