"""Route gating by platform flags: defaults without a snapshot, the snapshot's values with one."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import httpx
import pytest
from openfeature import api as openfeature_api
from openfeature.provider.no_op_provider import NoOpProvider

from consorcio_contract.feature_flags import APURACAO_VERIFICACAO, AUDITORIA_VERIFICACAO, PLATFORM_FLAGS
from consorcio_contract.flag_rules import FlagDefinition, ValueType, resolve_for_tenant
from tenant_app.http.problems import status_of
from tenant_app.platform_client.feature_flags import (
    FeatureFlags,
    FuncionalidadeDesativada,
    feature_flag_guard,
)
from tenant_app.platform_client.flag_provider import ControlPlaneFlagProvider

pytestmark = pytest.mark.unit


def definition(flag, **overrides) -> FlagDefinition:  # type: ignore[no-untyped-def]
    values = {
        "default_value": flag.default_value,
        "plan_values": {p.value: v for p, v in flag.plan_values.items()},
    } | overrides
    return FlagDefinition(flag.key, ValueType.BOOLEAN, **values)


def unchanged(request: httpx.Request) -> httpx.Response:
    """A long poll that finds nothing new (short, so the poller thread stops quickly)."""
    time.sleep(0.05)
    return httpx.Response(304, headers={"ETag": '"v1"'})


@pytest.fixture
def provider_for():  # type: ignore[no-untyped-def]
    domains: list[str] = []

    def make(plan: str, *definitions: FlagDefinition) -> FeatureFlags:
        http = httpx.Client(transport=httpx.MockTransport(unchanged), base_url="http://cp")
        provider = ControlPlaneFlagProvider(http, "acme", lambda: {})
        provider.load_snapshot(
            {d.key: resolve_for_tenant(d, "acme", plan).to_wire() for d in definitions}, '"v1"'
        )
        domain = f"test-{len(domains)}-{plan}"
        openfeature_api.set_provider(provider, domain)
        domains.append(domain)
        flags = FeatureFlags.for_domain(domain)
        deadline = time.monotonic() + 5
        while not flags.initialized:
            assert time.monotonic() < deadline, "the provider never initialized"
            time.sleep(0.01)
        return flags

    yield make
    for domain in domains:
        openfeature_api.set_provider(NoOpProvider(), domain)


def guard(flags: FeatureFlags, opt: dict, user_id: str | None = "u1") -> None:
    connection = SimpleNamespace(
        app=SimpleNamespace(state=SimpleNamespace(feature_flags=flags)),
        scope={"user": SimpleNamespace(id=user_id)} if user_id else {},
    )
    asyncio.run(feature_flag_guard(connection, SimpleNamespace(opt=opt)))  # type: ignore[arg-type]


def test_without_a_snapshot_every_flag_answers_its_offline_default() -> None:
    flags = FeatureFlags.offline()
    for flag in PLATFORM_FLAGS:
        assert flags.is_enabled(flag) is flag.offline_default


def test_the_plan_decides_the_plan_dependent_flag(provider_for) -> None:  # type: ignore[no-untyped-def]
    starter = provider_for("starter", definition(AUDITORIA_VERIFICACAO))
    enterprise = provider_for("enterprise", definition(AUDITORIA_VERIFICACAO))
    assert starter.is_enabled(AUDITORIA_VERIFICACAO) is False
    assert enterprise.is_enabled(AUDITORIA_VERIFICACAO) is True


def test_a_flag_missing_from_the_snapshot_answers_its_offline_default(provider_for) -> None:  # type: ignore[no-untyped-def]
    flags = provider_for("starter", definition(AUDITORIA_VERIFICACAO))
    assert flags.is_enabled(APURACAO_VERIFICACAO) is APURACAO_VERIFICACAO.offline_default


def test_the_guard_answers_403_funcionalidade_desativada_only_while_the_flag_is_off(provider_for) -> None:  # type: ignore[no-untyped-def]
    off = provider_for("starter", definition(APURACAO_VERIFICACAO, enabled=False, default_value=False))
    on = provider_for("starter", definition(APURACAO_VERIFICACAO))
    opt = {"feature_flag": APURACAO_VERIFICACAO.key}
    with pytest.raises(FuncionalidadeDesativada) as refused:
        guard(off, opt)
    assert status_of(refused.value) == 403
    assert refused.value.code == "funcionalidade_desativada"
    assert "verificação da apuração" in str(refused.value)
    guard(on, opt)
    guard(off, {})  # routes without a flag are never gated
    guard(off, {"permission": "x"}, user_id=None)
