"""Credentials: generated strong, written into the app's env exactly, read back unchanged."""

from __future__ import annotations

import base64
import hashlib

import pytest
from tenant_operator import credentials, names
from tenant_operator.config import ConfigError, OperatorConfig
from tenant_operator.credentials import TenantCredentials
from tenant_operator.provisioners import scram
from tenant_operator.specs.app_secret import app_env, app_secret, decode_secret_data, env_hash
from tenant_operator.specs.redis_acl import ALLOWED_COMMANDS, VETTED_SCRIPTS, acl_rules
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.vault_policy import kubernetes_role, shared_policy_hcl, tenant_policy_hcl

from consorcio_contract.tenant_resource import TenantSpec

pytestmark = pytest.mark.unit

BASE_ENV = {
    "OPERATOR_PG_ADMIN_DSN": "postgresql://postgres:pw@db.internal:5433/postgres",
    "OPERATOR_REDIS_ADMIN_URL": "redis://default:pw@127.0.0.1:16379/0",
}


def view(config: OperatorConfig) -> TenantView:
    spec = TenantSpec.from_dict({"displayName": "A", "cnpj": "11222333000181", "plan": "starter"})
    return TenantView("acme", spec, config.workload)


def test_generated_credentials_are_long_random_and_distinct():
    a, b = credentials.generate(), credentials.generate()
    assert a != b
    assert min(len(a.db_password), len(a.redis_password)) >= 43 and len(a.jwt_secret) >= 64


def test_app_env_has_exactly_the_contract_variables():
    config = OperatorConfig.from_env({**BASE_ENV, "OPERATOR_CONTROL_PLANE_URL": "http://cp:8100"})
    creds = TenantCredentials("p/w:@x", "r pw", "jwt")
    env = app_env(view(config), creds, config)
    assert env == {
        "TENANT_SLUG": "acme",
        # verify-full unless configured otherwise (issue 20 item 5: DATABASE_URL had no sslmode).
        "DATABASE_URL": "postgresql://tenant_acme:p%2Fw%3A%40x@db.internal:5433/tenant_acme?sslmode=verify-full",
        "REDIS_URL": "redis://tenant-acme:r%20pw@127.0.0.1:16379/0",
        "REDIS_KEY_PREFIX": "tenant:acme:",
        "JWT_SECRET": "jwt",
        "APP_BASE_URL": "https://acme.consorcio.localhost",
        "CONTROL_PLANE_URL": "http://cp:8100",
    }
    # Read back from the Secret, the credentials are the same (no rotation on re-run).
    secret = app_secret(view(config), env)
    assert credentials.from_app_env(decode_secret_data(secret)) == creds


def test_control_plane_url_is_left_out_when_not_configured_and_tenant_hosts_override():
    config = OperatorConfig.from_env(
        {**BASE_ENV, "OPERATOR_PG_TENANT_HOST": "pg.svc", "OPERATOR_REDIS_TENANT_URL_HOST": "redis.svc:6379"}
    )
    env = app_env(view(config), credentials.generate(), config)
    assert "CONTROL_PLANE_URL" not in env
    assert "@pg.svc:5433/" in env["DATABASE_URL"] and "@redis.svc:6379/0" in env["REDIS_URL"]


def test_database_url_sslmode_is_verify_full_by_default_and_configurable():
    env = app_env(
        view(OperatorConfig.from_env(BASE_ENV)), credentials.generate(), OperatorConfig.from_env(BASE_ENV)
    )
    assert env["DATABASE_URL"].endswith("?sslmode=verify-full") and "PGSSLROOTCERT" not in env
    config = OperatorConfig.from_env(
        {
            **BASE_ENV,
            "OPERATOR_PG_TENANT_SSLMODE": "disable",
            "OPERATOR_PG_TENANT_SSLROOTCERT": "/etc/pg/ca.crt",
        }
    )
    env = app_env(view(config), credentials.generate(), config)
    assert env["DATABASE_URL"].endswith("?sslmode=disable") and env["PGSSLROOTCERT"] == "/etc/pg/ca.crt"
    with pytest.raises(ConfigError, match="SSLMODE"):
        OperatorConfig.from_env({**BASE_ENV, "OPERATOR_PG_TENANT_SSLMODE": "sometimes"})


def test_from_app_env_needs_all_three_secrets():
    assert (
        credentials.from_app_env({"DATABASE_URL": "postgresql://u:p@h/d", "REDIS_URL": "redis://u@h/0"})
        is None
    )
    assert credentials.from_app_env({}) is None


def test_env_hash_changes_with_any_value():
    assert env_hash({"A": "1", "B": "2"}) == env_hash({"B": "2", "A": "1"})
    assert env_hash({"A": "1"}) != env_hash({"A": "2"})


def test_secret_stores_base64_data():
    config = OperatorConfig.from_env(BASE_ENV)
    secret = app_secret(view(config), {"TENANT_SLUG": "acme"})
    assert secret["data"] == {"TENANT_SLUG": base64.b64encode(b"acme").decode()}
    assert secret["metadata"]["namespace"] == "tenant-acme"


def test_scram_verifier_accepts_only_its_password():
    verifier = scram.make_verifier("s3cret")
    assert verifier.startswith("SCRAM-SHA-256$4096:")
    assert scram.verifies(verifier, "s3cret")
    assert not scram.verifies(verifier, "s3cret!")
    assert not scram.verifies(None, "s3cret")
    assert not scram.verifies("md5abc", "s3cret")


def test_scram_matches_rfc7677_test_vector():
    # RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
    salt = base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ==")
    verifier = scram.make_verifier("pencil", salt=salt)
    server_key = verifier.rsplit(":", 1)[1]
    # The RFC's ServerSignature is HMAC(ServerKey, AuthMessage).
    auth_message = (
        "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
    )
    import hmac

    signature = hmac.new(base64.b64decode(server_key), auth_message.encode(), hashlib.sha256).digest()
    assert base64.b64encode(signature).decode() == "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def test_redis_rules_confine_keys_and_channels_and_drop_dangerous_commands():
    rules = acl_rules("acme", "ab" * 32)
    assert rules[:3] == ["reset", "on", "#" + "ab" * 32]
    assert "~tenant:acme:*" in rules and "&tenant:acme:*" in rules
    assert "-@all" in rules
    assert not any(r.startswith("~*") or r == "allkeys" or r == "+@all" for r in rules)
    # An explicit allowlist: no category (categories grow with Redis releases), one command each.
    granted = [r for r in rules if r.startswith("+")]
    assert granted and not any("@" in r for r in granted)
    assert {r[1:] for r in granted} == set(ALLOWED_COMMANDS)
    # Commands that ignore key patterns (they would leak other tenants' names), stall or
    # inspect the whole server, or run scripts (a busy script stalls every tenant).
    forbidden = (
        "scan",
        "keys",
        "randomkey",
        "dbsize",
        "pubsub",
        "pubsub|channels",
        "monitor",
        "debug",
        "config",
        "config|get",
        "config|set",
        "client",
        "client|list",
        "client|kill",
        "client|setinfo",
        "eval",
        "eval_ro",
        "evalsha_ro",
        "script",
        "script|debug",
        "script|load",
        "script|kill",
        "function",
        "function|load",
        "fcall",
        "fcall_ro",
        "select",
        "flushall",
        "flushdb",
        "shutdown",
        "acl",
        "info",
        "object",
        "wait",
        "migrate",
        "restore",
        "sort",
    )
    for cmd in forbidden:
        assert cmd not in ALLOWED_COMMANDS, cmd


def test_redis_vetted_script_is_redis_pys_lock_release():
    # kombu's mutex releases through redis-py's Lock; the operator preloads exactly that script.
    from redis.lock import Lock

    assert VETTED_SCRIPTS == (Lock.LUA_RELEASE_SCRIPT,)


def test_vault_policy_reads_only_the_login_namespace_folder_and_role_binds_its_service_account():
    hcl = shared_policy_hcl("secret", "auth_kubernetes_1234")
    folder = (
        "secret/data/namespaces/"
        "{{identity.entity.aliases.auth_kubernetes_1234.metadata.service_account_namespace}}"
    )
    writable = '{\n  capabilities = ["create", "update", "read"]\n}\n'
    # The Transit key named like the login's namespace: envelope encryption only (issue 20, item 8).
    key = "{{identity.entity.aliases.auth_kubernetes_1234.metadata.service_account_namespace}}"
    update, read = '{\n  capabilities = ["update"]\n}\n', '{\n  capabilities = ["read"]\n}\n'
    assert hcl == (
        f'path "{folder}/*" {{\n  capabilities = ["read"]\n}}\n'
        f'path "{folder}/psp/*" {writable}'
        f'path "{folder}/webhooks/*" {writable}'
        f'path "transit/datakey/wrapped/{key}" {update}'
        f'path "transit/decrypt/{key}" {update}'
        f'path "transit/rewrap/{key}" {update}'
        f'path "transit/keys/{key}" {read}'
    )
    assert 'path "vault-transit/keys/tenant-acme" ' in tenant_policy_hcl(
        "secret", "tenant-acme", "vault-transit"
    )
    # The key is named like the namespace the template fills in.
    assert names.transit_key_name("acme") == names.namespace("acme") == "tenant-acme"
    role = kubernetes_role("acme")
    assert role["bound_service_account_names"] == ["tenant-app"]
    assert role["bound_service_account_namespaces"] == ["tenant-acme"]
    assert role["policies"] == ["consorcio-tenant"]
    # The folder the policy templates on is the one the operator and the app write.
    assert names.vault_secret_path("acme") == "namespaces/tenant-acme/app"
    assert names.vault_tenant_prefix("acme") == "namespaces/tenant-acme"


def test_the_charts_tenant_policy_file_is_the_generated_shared_policy():
    from pathlib import Path

    from tenant_operator.specs.vault_policy import ACCESSOR_PLACEHOLDER

    chart = Path(__file__).resolve().parents[3] / "charts/consorcio-operator/files/vault-tenant-policy.hcl"
    assert chart.read_text().endswith("\n\n" + shared_policy_hcl("secret", ACCESSOR_PLACEHOLDER))


def test_config_requires_admin_urls_and_a_vault_token_when_vault_is_on():
    with pytest.raises(ConfigError, match="OPERATOR_PG_ADMIN_DSN"):
        OperatorConfig.from_env({})
    with pytest.raises(ConfigError, match="OPERATOR_VAULT_TOKEN"):
        OperatorConfig.from_env({**BASE_ENV, "OPERATOR_VAULT_ADDR": "http://vault:8200"})
    config = OperatorConfig.from_env(BASE_ENV)
    assert not config.vault.enabled
    assert (config.postgres.tenant_host, config.postgres.tenant_port) == ("db.internal", 5433)
    assert (config.redis.tenant_host, config.redis.tenant_port) == ("127.0.0.1", 16379)
    assert config.vault.kv_mount == "secret" and config.vault.kubernetes_auth_mount == "kubernetes"


def test_scram_verifier_above_the_iteration_bound_is_refused_without_computing_it():
    import time

    from tenant_operator.provisioners import scram

    # 2·10⁹ iterations would take minutes to derive; it is refused at once.
    costly = "SCRAM-SHA-256$2000000000:c2FsdA==$" + "QQ==" + ":" + "QQ=="
    assert scram.iterations(costly) == 2_000_000_000
    started = time.monotonic()
    assert not scram.verifies(costly, "pw")
    assert time.monotonic() - started < 0.1
    assert scram.iterations("md5abc") is None and scram.iterations(None) is None
    ok = scram.make_verifier("pw", iterations=scram.MAX_ITERATIONS)
    assert scram.verifies(ok, "pw")
    assert not scram.verifies(scram.make_verifier("pw", iterations=scram.MAX_ITERATIONS + 1), "pw")
