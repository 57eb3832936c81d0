"""Pure pieces: settings contract, roles, tokens, hash chain, delinquency rules, error translation."""

import dataclasses
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tenant_app.audit_log.chain import GENESIS, HASHED_FIELDS, entry_hash, jsonable, verify_chain
from tenant_app.auth.tokens import CurrentUser, InvalidToken, decode_access_token, issue_access_token
from tenant_app.cotas.limite import limite_de_cotas
from tenant_app.http.problems import translate
from tenant_app.inadimplencia.rules import longest_unpaid_run, must_exclude
from tenant_app.settings import Settings, SettingsError, asyncpg_url
from tenant_app.users.roles import Permission, Role, role_can

pytestmark = pytest.mark.unit

ENV = {
    "TENANT_SLUG": "acme",
    "DATABASE_URL": "postgresql://tenant_acme:pw@db:5432/tenant_acme",
    "REDIS_URL": "redis://tenant-acme:pw@redis:6379/0",
    "REDIS_KEY_PREFIX": "tenant:acme:",
    "JWT_SECRET": "s" * 40,
}


def test_settings_from_operator_secret() -> None:
    s = Settings.from_env(ENV)
    assert s.database.async_url == "postgresql+asyncpg://tenant_acme:pw@db:5432/tenant_acme"
    assert s.redis.key("ratelimit", "user", "x") == "tenant:acme:ratelimit:user:x"
    assert s.auth.issuer.endswith(":acme") and s.auth.audience.endswith(":acme")
    assert s.initial_admin_email is None
    for missing in ("TENANT_SLUG", "DATABASE_URL", "REDIS_URL", "JWT_SECRET"):
        with pytest.raises(SettingsError, match=missing):
            Settings.from_env({k: v for k, v in ENV.items() if k != missing})
    with pytest.raises(SettingsError):
        asyncpg_url("mysql://x@y/z")


def test_retorno_sincrono_max_setting() -> None:
    assert Settings.from_env(ENV).retorno_sincrono_max == 5000
    assert Settings.from_env({**ENV, "COBRANCA_RETORNO_SINCRONO_MAX": "0"}).retorno_sincrono_max == 0
    for ruim in ("-1", "muitos", "1.5"):
        with pytest.raises(SettingsError, match="COBRANCA_RETORNO_SINCRONO_MAX"):
            Settings.from_env({**ENV, "COBRANCA_RETORNO_SINCRONO_MAX": ruim})


def test_role_matrix() -> None:
    assert all(role_can(Role.ADMIN, p) for p in Permission)
    assert not role_can(Role.AUDITOR, Permission.PAGAMENTOS_WRITE)
    assert role_can(Role.AUDITOR, Permission.AUDITORIA_READ)
    assert role_can(Role.FINANCEIRO, Permission.PAGAMENTOS_ESTORNO)
    assert not role_can(Role.FINANCEIRO, Permission.COTAS_WRITE)
    assert not role_can(Role.OPERADOR, Permission.LGPD_MANAGE)
    assert not any(role_can(r, Permission.USERS_MANAGE) for r in Role if r is not Role.ADMIN)
    assert not role_can("desconhecido", Permission.GRUPOS_READ)


def test_tokens_are_bound_to_the_tenant() -> None:
    a = Settings.from_env(ENV).auth
    user = CurrentUser(uuid.uuid4(), "a@acme.example", Role.GESTOR)
    token, ttl = issue_access_token(a, user)
    assert ttl == 15 * 60 and decode_access_token(a, token) == user
    other = dataclasses.replace(a, tenant_slug="beta")  # same secret, other tenant
    with pytest.raises(InvalidToken):
        decode_access_token(other, token)
    expired, _ = issue_access_token(a, user, now=datetime(2020, 1, 1, tzinfo=UTC))
    with pytest.raises(InvalidToken):
        decode_access_token(a, expired)


def _chain(n: int) -> list[dict]:
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        fields = {k: None for k in HASHED_FIELDS} | {
            "seq": seq,
            "action": "insert",
            "entity": "grupos",
            "after": {"valor": jsonable(Decimal("10.50"))},
            "occurred_at": jsonable(datetime(2026, 1, 1, tzinfo=UTC)),
        }
        h = entry_hash(prev, fields)
        rows.append({**fields, "prev_hash": prev, "hash": h})
        prev = h
    return rows


def test_chain_verification_finds_first_broken_link() -> None:
    rows = _chain(5)
    assert verify_chain(rows).ok
    tampered = [dict(r) for r in rows]
    tampered[2]["after"] = {"valor": "99.00"}
    report = verify_chain(tampered)
    assert not report.ok and report.first_broken_seq == 3 and report.checked == 2
    missing = rows[:2] + rows[3:]
    assert verify_chain(missing).first_broken_seq == 3
    relinked = [dict(r) for r in rows]
    relinked[4]["prev_hash"] = GENESIS
    assert verify_chain(relinked).first_broken_seq == 5


def test_delinquency_rules() -> None:
    assert longest_unpaid_run([]) == 0
    assert longest_unpaid_run([3, 4, 5]) == 3
    assert longest_unpaid_run([1, 3, 4, 7]) == 2
    assert must_exclude(3, 3, contemplada=False)
    assert not must_exclude(5, 3, contemplada=True)  # a contemplated cota is never excluded
    assert not must_exclude(2, 3, contemplada=False)


def test_ten_percent_cap() -> None:
    # 10 % of the active cotas, rounded down, at least one (Res. BCB 285/2023).
    assert limite_de_cotas(5) == 1
    assert limite_de_cotas(100) == 10
    assert limite_de_cotas(5000) == 500


def test_validation_messages_in_portuguese() -> None:
    assert translate("Object missing required field `valor`") == "campo obrigatório"
    assert translate("Expected `int`, got `str` - at `$.prazo_meses`") == "tipo inválido (esperado inteiro)"
    assert translate("Expected `int` >= 1 - at `$.prazo_meses`") == "deve ser maior ou igual a 1"
    assert translate("Invalid enum value 'navio' - at `$.tipo_bem`") == "valor não permitido: navio"
