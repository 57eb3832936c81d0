"""The tenant app's platform client against a fake HTTP transport (no network)."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import httpx
import pytest
from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode

from consorcio_contract.flag_rules import (
    FlagDefinition,
    Rollout,
    RolloutUnit,
    ValueType,
    evaluate,
    resolve_for_tenant,
)
from tenant_app.platform_client import flag_provider
from tenant_app.platform_client.flag_provider import ControlPlaneFlagProvider
from tenant_app.platform_client.token import ServiceAccountToken, TokenUnavailable
from tenant_app.settings import PlatformClientSettings

pytestmark = pytest.mark.unit


def snapshot_of(*definitions: FlagDefinition, tenant: str = "acme", plan: str = "starter") -> dict:
    return {d.key: resolve_for_tenant(d, tenant, plan).to_wire() for d in definitions}


def provider_with(flags: dict) -> ControlPlaneFlagProvider:
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500)), base_url="http://cp")
    provider = ControlPlaneFlagProvider(http, "acme", lambda: {})
    provider.load_snapshot(flags, '"v1"')
    return provider


def test_local_evaluation_matches_the_shared_rules_for_every_user() -> None:
    user_flag = FlagDefinition(
        "novo-extrato", ValueType.BOOLEAN, False, rollout=Rollout(3000, True, RolloutUnit.USER)
    )
    resolved = resolve_for_tenant(user_flag, "acme", "starter")
    provider = provider_with(snapshot_of(user_flag))
    for i in range(2000):
        user = f"user-{i}"
        got = provider.resolve_boolean_details("novo-extrato", False, EvaluationContext(targeting_key=user))
        assert got.value is evaluate(resolved, user).value


def test_the_bucket_cache_is_bounded_and_answers_stay_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flag_provider, "_MAX_CACHED_BUCKETS", 50)
    definitions = [
        FlagDefinition(key, ValueType.BOOLEAN, False, rollout=Rollout(5000, True, RolloutUnit.USER))
        for key in ("extrato", "boleto")
    ]
    resolved = {d.key: resolve_for_tenant(d, "acme", "starter") for d in definitions}
    provider = provider_with(snapshot_of(*definitions))
    for round_ in range(2):  # the second round finds some users cached, others evicted
        for i in range(120):
            user = f"user-{i}"
            for key in resolved:
                got = provider.resolve_boolean_details(key, False, EvaluationContext(targeting_key=user))
                assert got.value is evaluate(resolved[key], user).value, (round_, user, key)
            assert sum(len(users) for users in provider._buckets.values()) <= 50


def test_types_defaults_and_errors() -> None:
    provider = provider_with(
        snapshot_of(
            FlagDefinition("limite", ValueType.INTEGER, 10, plan_values={"starter": 5}),
            FlagDefinition("taxa", ValueType.FLOAT, 1),
            FlagDefinition("tema", ValueType.STRING, "claro"),
            FlagDefinition("config", ValueType.OBJECT, {"a": 1}),
        )
    )
    assert provider.resolve_integer_details("limite", 0).value == 5
    assert provider.resolve_integer_details("limite", 0).reason == "TARGETING_MATCH"
    taxa = provider.resolve_float_details("taxa", 0.0).value
    assert taxa == 1.0 and isinstance(taxa, float)
    assert provider.resolve_string_details("tema", "x").value == "claro"
    assert provider.resolve_object_details("config", {}).value == {"a": 1}
    mismatch = provider.resolve_boolean_details("tema", True)
    assert (mismatch.value, mismatch.error_code) == (True, ErrorCode.TYPE_MISMATCH)
    missing = provider.resolve_boolean_details("nao-existe", True)
    assert (missing.value, missing.error_code) == (True, ErrorCode.FLAG_NOT_FOUND)


def test_before_the_first_snapshot_callers_get_their_default() -> None:
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(503)), base_url="http://cp")
    provider = ControlPlaneFlagProvider(http, "acme", lambda: {})
    result = provider.resolve_boolean_details("qualquer", True)
    assert (result.value, result.error_code) == (True, ErrorCode.PROVIDER_NOT_READY)


def test_refresh_sends_the_etag_and_keeps_the_snapshot_on_304() -> None:
    seen: list[httpx.Request] = []
    flags = snapshot_of(FlagDefinition("a", ValueType.BOOLEAN, True))

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, json={"flags": flags, "etag": '"v1"'}, headers={"ETag": '"v1"'})

    http = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://cp")
    provider = ControlPlaneFlagProvider(http, "acme", lambda: {"Authorization": "Bearer t"})
    assert provider.refresh(wait=0, timeout=1) is True
    assert provider.refresh(wait=5, timeout=1) is False
    assert seen[1].headers["if-none-match"] == '"v1"'
    assert seen[1].url.params["wait"] == "5"
    assert seen[0].url.path == "/api/tenant-app/tenants/acme/flag-snapshot"
    assert provider.resolve_boolean_details("a", False).value is True


# Usage delivery (ids kept across retries, 422 dropped, spool) is tested in
# tests/unit/tenant_app/platform_client/test_usage_delivery.py.


def _jwt(claims: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2ln"


def test_tenant_slug_comes_from_the_token(tmp_path: Path) -> None:
    token_file = tmp_path / "cp-token"
    token_file.write_text(_jwt({"sub": "system:serviceaccount:tenant-acme:tenant-app"}))
    assert ServiceAccountToken(token_file).tenant_slug() == "acme"
    token_file.write_text(_jwt({"kubernetes.io": {"namespace": "tenant-beta"}, "sub": "x"}))
    assert ServiceAccountToken(token_file).tenant_slug() == "beta"
    token_file.write_text(_jwt({"sub": "system:serviceaccount:kube-system:default"}))
    with pytest.raises(TokenUnavailable):
        ServiceAccountToken(token_file).tenant_slug()


def test_token_file_is_reread_after_rotation(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("first")
    token = ServiceAccountToken(token_file)
    assert token.value() == "first"
    token_file.write_text("second-token")
    assert token.value() == "second-token"


def test_settings_from_env() -> None:
    assert PlatformClientSettings.from_env({}) is None
    settings = PlatformClientSettings.from_env(
        {"CONTROL_PLANE_URL": "http://cp:8100/", "CONTROL_PLANE_TOKEN_FILE": "/tmp/t", "TENANT_SLUG": "acme"}
    )
    assert settings is not None
    assert (settings.url, str(settings.token_file), settings.tenant) == ("http://cp:8100", "/tmp/t", "acme")


def test_projected_token_rotation_by_symlink_swap_is_seen(tmp_path: Path) -> None:
    """The kubelet's layout: ``token -> ..data/token``, ``..data -> ..<stamp>/``, swapped atomically.

    The rotated token has the same size and may carry the same mtime; the
    file behind the symlink is new, and that is enough to re-read it.
    """
    first, second = tmp_path / "..2026_01_01_00_00_00.1", tmp_path / "..2026_01_01_00_48_00.2"
    for folder, value in ((first, "token-aaaa"), (second, "token-bbbb")):
        folder.mkdir()
        (folder / "token").write_text(value)
    os.utime(second / "token", ns=(os.stat(first / "token").st_mtime_ns,) * 2)
    (tmp_path / "..data").symlink_to(first.name)
    (tmp_path / "token").symlink_to("..data/token")
    token = ServiceAccountToken(tmp_path / "token")
    assert token.value() == "token-aaaa"
    (tmp_path / "..data_tmp").symlink_to(second.name)
    os.replace(tmp_path / "..data_tmp", tmp_path / "..data")
    assert token.value() == "token-bbbb"


def test_the_default_token_file_is_the_projected_control_plane_token() -> None:
    settings = PlatformClientSettings.from_env({"CONTROL_PLANE_URL": "http://cp:8100"})
    assert settings is not None
    assert str(settings.token_file) == "/var/run/secrets/consorcio.io/control-plane/token"
