"""Object storage plane, pure pieces: config, the app's S3_* variables, the
admin API's XML, credentials completion, step order and the step's outcomes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from tenant_operator import conditions as c
from tenant_operator import credentials
from tenant_operator.config import ConfigError, OperatorConfig
from tenant_operator.credentials import TenantCredentials
from tenant_operator.provisioners import s3_admin
from tenant_operator.provisioners.object_store import ObjectStoreError, StoreChange
from tenant_operator.specs.app_secret import app_env, app_secret, decode_secret_data
from tenant_operator.specs.network_policies import egress_targets
from tenant_operator.specs.tenant import TenantView
from tenant_operator.steps import STEPS
from tenant_operator.steps.context import StepFailed
from tenant_operator.steps.ensure_storage import REASON_NOT_CONFIGURED, ensure_storage

from consorcio_contract.tenant_resource import TenantSpec

pytestmark = pytest.mark.unit

BASE_ENV = {
    "OPERATOR_PG_ADMIN_DSN": "postgresql://postgres:pw@db.internal:5433/postgres",
    "OPERATOR_REDIS_ADMIN_URL": "redis://default:pw@127.0.0.1:16379/0",
}
S3_ENV = {
    **BASE_ENV,
    "OPERATOR_S3_ENDPOINT": "http://10.9.8.7:17070/",
    "OPERATOR_S3_ADMIN_ACCESS_KEY_ID": "root",
    "OPERATOR_S3_ADMIN_SECRET_ACCESS_KEY": "root-secret",
}


def view(config: OperatorConfig, name: str = "acme") -> TenantView:
    spec = TenantSpec.from_dict({"displayName": "A", "cnpj": "11222333000181", "plan": "starter"})
    return TenantView(name, spec, config.workload)


# --- config ------------------------------------------------------------------
def test_storage_is_disabled_unless_an_endpoint_is_configured():
    assert not OperatorConfig.from_env(BASE_ENV).s3.enabled


def test_storage_config_defaults_and_overrides():
    s3 = OperatorConfig.from_env(S3_ENV).s3
    assert (s3.endpoint, s3.app_endpoint, s3.region) == (
        "http://10.9.8.7:17070",
        "http://10.9.8.7:17070",
        "us-east-1",
    )
    assert (s3.bucket_prefix, s3.backup_bucket) == ("tenant-", "consorcio-backups")
    s3 = OperatorConfig.from_env(
        {
            **S3_ENV,
            "OPERATOR_S3_TENANT_ENDPOINT": "https://s3.internal",
            "OPERATOR_S3_REGION": "sa-east-1",
            "OPERATOR_S3_BUCKET_PREFIX": "acme-prod-",
            "OPERATOR_S3_BACKUP_BUCKET": "acme-backups",
        }
    ).s3
    assert (s3.app_endpoint, s3.region, s3.bucket_prefix, s3.backup_bucket) == (
        "https://s3.internal",
        "sa-east-1",
        "acme-prod-",
        "acme-backups",
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"OPERATOR_S3_ADMIN_SECRET_ACCESS_KEY": ""}, "OPERATOR_S3_ADMIN_ACCESS_KEY_ID and"),
        ({"OPERATOR_S3_ENDPOINT": "s3.internal:9000"}, "http:// or https://"),
        ({"OPERATOR_S3_BUCKET_PREFIX": "Tenants_"}, "OPERATOR_S3_BUCKET_PREFIX"),
        ({"OPERATOR_S3_BUCKET_PREFIX": "x" * 24}, "OPERATOR_S3_BUCKET_PREFIX"),
    ],
)
def test_bad_storage_config_is_refused_at_startup(override, message):
    with pytest.raises(ConfigError, match=message):
        OperatorConfig.from_env({**S3_ENV, **override})


# --- the app's environment ----------------------------------------------------
def test_app_env_gets_the_tenants_bucket_and_key_only_when_storage_is_configured():
    creds = TenantCredentials("db", "redis", "jwt", "s3-secret")
    assert not any(
        k.startswith("S3_")
        for k in app_env(view(OperatorConfig.from_env(BASE_ENV)), creds, OperatorConfig.from_env(BASE_ENV))
    )
    config = OperatorConfig.from_env(S3_ENV)
    env = app_env(view(config), creds, config)
    assert {k: v for k, v in env.items() if k.startswith("S3_")} == {
        "S3_ENDPOINT": "http://10.9.8.7:17070",
        "S3_REGION": "us-east-1",
        "S3_BUCKET": "tenant-acme",
        "S3_ACCESS_KEY_ID": "tenant-acme",
        "S3_SECRET_ACCESS_KEY": "s3-secret",
    }
    # Read back from the Secret: the same credentials (no rotation on re-run).
    assert credentials.from_app_env(decode_secret_data(app_secret(view(config), env))) == creds


def test_a_longest_slug_still_makes_a_valid_bucket_name():
    config = OperatorConfig.from_env({**S3_ENV, "OPERATOR_S3_BUCKET_PREFIX": "consorcio-prod-tenant-"})
    bucket = app_env(view(config, "a" * 40), credentials.generate(), config)["S3_BUCKET"]
    assert 3 <= len(bucket) <= 63


def test_a_tenant_from_before_storage_gets_an_s3_key_without_rotating_the_rest():
    config = OperatorConfig.from_env(BASE_ENV)
    old = TenantCredentials("db", "redis", "jwt")
    read = credentials.from_app_env(app_env(view(config), old, config))
    assert read is not None and read.s3_secret_key == ""
    done = credentials.completed(read)
    assert (done.db_password, done.redis_password, done.jwt_secret) == ("db", "redis", "jwt")
    assert len(done.s3_secret_key) >= 40
    assert credentials.completed(done) == done  # completing twice changes nothing


def test_generated_credentials_include_a_distinct_s3_secret():
    a, b = credentials.generate(), credentials.generate()
    assert len(a.s3_secret_key) >= 40 and a.s3_secret_key != b.s3_secret_key


def test_tenant_pods_may_reach_the_s3_endpoint():
    targets = {t.service: t for t in egress_targets(OperatorConfig.from_env(S3_ENV))}
    assert targets["object-storage"].port == 17070 and targets["object-storage"].cidr == "10.9.8.7/32"
    assert "object-storage" not in {t.service for t in egress_targets(OperatorConfig.from_env(BASE_ENV))}


# --- the admin API's XML -------------------------------------------------------
def test_account_and_props_bodies():
    assert s3_admin.account_xml("tenant-a", "s", "user") == (
        b"<Account><Access>tenant-a</Access><Secret>s</Secret><Role>user</Role>"
        b"<UserID>0</UserID><GroupID>0</GroupID><ProjectID>0</ProjectID></Account>"
    )
    assert s3_admin.props_xml(secret_key="n") == b"<MutableProps><Secret>n</Secret></MutableProps>"
    assert s3_admin.props_xml(secret_key="n&<", role="user") == (
        b"<MutableProps><Secret>n&amp;&lt;</Secret><Role>user</Role></MutableProps>"
    )


def test_list_answers_are_parsed():
    users = s3_admin.parse_accounts(
        b"<ListUserAccountsResult><Accounts><Access>tenant-a</Access><Secret>sa</Secret><Role>user</Role>"
        b"<UserID>0</UserID></Accounts><Accounts><Access>tenant-b</Access><Secret>sb</Secret>"
        b"<Role>userplus</Role></Accounts></ListUserAccountsResult>"
    )
    assert users == {
        "tenant-a": s3_admin.Account("tenant-a", "sa", "user"),
        "tenant-b": s3_admin.Account("tenant-b", "sb", "userplus"),
    }
    assert s3_admin.parse_accounts(b"<ListUserAccountsResult></ListUserAccountsResult>") == {}
    owners = s3_admin.parse_bucket_owners(
        b'<ListBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Name>tenant-a</Name>'
        b"<Owner>tenant-a</Owner></Buckets><Buckets><Name>backups</Name><Owner>root</Owner></Buckets>"
        b"</ListBucketsResult>"
    )
    assert owners == {"tenant-a": "tenant-a", "backups": "root"}


def test_list_buckets_answer_gives_the_names_in_order():
    body = (
        b'<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>tenant-a</ID>'
        b"</Owner><Buckets><Bucket><Name>tenant-a</Name><CreationDate>2026-12-06T00:00:00Z</CreationDate>"
        b"</Bucket><Bucket><Name>tenant-b</Name></Bucket></Buckets></ListAllMyBucketsResult>"
    )
    assert s3_admin.parse_bucket_names(body) == ["tenant-a", "tenant-b"]
    assert s3_admin.parse_bucket_names(b"<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>") == []


def test_errors_carry_the_s3_code():
    err = s3_admin.parse_error(
        403, b"<Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>"
    )
    assert (err.status, err.code, err.message) == (403, "AccessDenied", "Access Denied.")
    assert s3_admin.parse_error(502, b"bad gateway").code == "502"


# --- order and the step ------------------------------------------------------------
def test_storage_runs_after_the_credentials_are_stored_and_before_the_workload():
    order = [name for name, _, _ in STEPS]
    assert order.index("secrets") < order.index("storage") < order.index("workload")
    assert [cond for _, cond, _ in STEPS] == list(c.STEP_CONDITION_TYPES)
    assert c.STORAGE_READY in c.STEP_CONDITION_TYPES


@dataclass
class FakeStore:
    """Records ensure calls; fails with ``error`` when given one."""

    error: ObjectStoreError | None = None
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    async def ensure(self, bucket: str, access_key: str, secret_key: str) -> list[StoreChange]:
        self.calls.append((bucket, access_key, secret_key))
        if self.error:
            raise self.error
        return [StoreChange("S3 bucket", bucket, f"created, owned by {access_key}", created=True)]


def _ctx(config: OperatorConfig, store: Any) -> Any:
    creds = TenantCredentials("db", "redis", "jwt", "s3-secret")

    async def tenant_credentials() -> TenantCredentials:
        return creds

    recorded: list[tuple[str, str, str, bool | None]] = []

    def record(kind: str, name: str, detail: str = "", *, created: bool | None = None) -> None:
        recorded.append((kind, name, detail, created))

    return SimpleNamespace(
        name="acme",
        runtime=SimpleNamespace(config=config, object_store=store),
        recorded=recorded,
        record=record,
        tenant_credentials=tenant_credentials,
    )


def test_the_step_gives_the_bucket_to_the_tenants_user_with_the_stored_secret():
    store = FakeStore()
    ctx = _ctx(OperatorConfig.from_env(S3_ENV), store)
    cond = asyncio.run(ensure_storage(ctx))
    assert cond.type == c.STORAGE_READY and cond.is_true and cond.reason == "StorageReady"
    assert store.calls == [("tenant-acme", "tenant-acme", "s3-secret")]
    assert ctx.recorded == [("S3 bucket", "tenant-acme", "created, owned by tenant-acme", True)]


def test_the_step_reports_the_servers_reason_and_is_retried():
    store = FakeStore(error=ObjectStoreError("ObjectStoreUnavailable", "the S3 server is unreachable"))
    with pytest.raises(StepFailed) as failed:
        asyncio.run(ensure_storage(_ctx(OperatorConfig.from_env(S3_ENV), store)))
    assert failed.value.reason == "ObjectStoreUnavailable" and not failed.value.permanent


def test_without_storage_configured_the_step_says_so_and_does_not_block_ready():
    cond = asyncio.run(ensure_storage(_ctx(OperatorConfig.from_env(BASE_ENV), None)))
    assert cond.is_true and cond.reason == REASON_NOT_CONFIGURED
