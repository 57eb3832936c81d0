"""Object storage in aws-irsa mode, pure pieces: config checked at start, the app's S3_* variables
(the shared bucket, the tenant's prefix, no static key), the ServiceAccount's IRSA annotation, the
step's outcome and the egress rule. On the real S3 server:
tests/integration/tenant_operator/test_operator_storage_prefix.py."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest
from tenant_operator import conditions as c
from tenant_operator import deletion
from tenant_operator.config import ConfigError, OperatorConfig
from tenant_operator.credentials import TenantCredentials
from tenant_operator.kube.client import KubeApiError
from tenant_operator.provisioners.object_store import BucketCopy
from tenant_operator.specs.app_secret import app_env
from tenant_operator.specs.network_policies import egress_targets
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.workload import IRSA_ROLE_ANNOTATION, service_account
from tenant_operator.steps.context import StepFailed
from tenant_operator.steps.ensure_storage import REASON_IRSA, ensure_storage

from consorcio_contract.tenant_resource import TenantSpec

pytestmark = pytest.mark.unit

BASE_ENV = {
    "OPERATOR_PG_ADMIN_DSN": "postgresql://postgres:pw@db.internal:5433/postgres",
    "OPERATOR_REDIS_ADMIN_URL": "redis://default:pw@127.0.0.1:16379/0",
}
TEMPLATE = "arn:aws:iam::123456789012:role/consorcio-prod-tenant-{tenant}"
IRSA_ENV = {
    **BASE_ENV,
    "OPERATOR_S3_MODE": "aws-irsa",
    "OPERATOR_S3_SHARED_BUCKET": "consorcio-prod-tenant-objects",
    "OPERATOR_S3_TENANT_ROLE_ARN_TEMPLATE": TEMPLATE,
    "OPERATOR_S3_REGION": "sa-east-1",
}


def view(config: OperatorConfig, name: str = "acme") -> TenantView:
    spec = TenantSpec.from_dict({"displayName": "A", "cnpj": "11222333000181", "plan": "starter"})
    return TenantView(name, spec, config.workload)


# --- config ------------------------------------------------------------------
def test_aws_irsa_mode_needs_no_endpoint_and_no_admin_key():
    s3 = OperatorConfig.from_env(IRSA_ENV).s3
    assert s3.enabled and s3.irsa
    assert (s3.endpoint, s3.admin_access_key, s3.region) == ("", "", "sa-east-1")
    assert s3.tenant_bucket("acme") == "consorcio-prod-tenant-objects"
    assert s3.tenant_prefix("acme") == "tenants/acme/"
    assert s3.tenant_role_arn("acme") == "arn:aws:iam::123456789012:role/consorcio-prod-tenant-acme"
    # Snapshot copies go where Terraform lets the operator's role write: backups/ of the same bucket.
    assert (s3.backup_bucket, s3.backup_key_prefix) == ("consorcio-prod-tenant-objects", "backups/")


def test_admin_api_stays_the_default_mode():
    s3 = OperatorConfig.from_env(
        {
            **BASE_ENV,
            "OPERATOR_S3_ENDPOINT": "http://10.9.8.7:17070",
            "OPERATOR_S3_ADMIN_ACCESS_KEY_ID": "root",
            "OPERATOR_S3_ADMIN_SECRET_ACCESS_KEY": "root-secret",
        }
    ).s3
    assert not s3.irsa and s3.tenant_bucket("acme") == "tenant-acme" and s3.tenant_prefix("acme") == ""
    assert s3.tenant_role_arn("acme") == "" and s3.backup_key_prefix == ""


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"OPERATOR_S3_MODE": "aws"}, "OPERATOR_S3_MODE must be one of admin-api, aws-irsa"),
        ({"OPERATOR_S3_TENANT_ROLE_ARN_TEMPLATE": ""}, "must be an IAM role ARN containing {tenant}"),
        # Without {tenant} every tenant would assume one role that reaches every prefix.
        (
            {"OPERATOR_S3_TENANT_ROLE_ARN_TEMPLATE": "arn:aws:iam::123456789012:role/consorcio-tenant"},
            "containing {tenant}",
        ),
        ({"OPERATOR_S3_TENANT_ROLE_ARN_TEMPLATE": "consorcio-prod-tenant-{tenant}"}, "IAM role ARN"),
        ({"OPERATOR_S3_SHARED_BUCKET": ""}, "OPERATOR_S3_SHARED_BUCKET is required in aws-irsa mode"),
        ({"OPERATOR_S3_SHARED_BUCKET": "Tenant_Objects"}, "OPERATOR_S3_SHARED_BUCKET"),
        ({"OPERATOR_S3_ADMIN_ACCESS_KEY_ID": "AKIA"}, "go together"),
        ({"OPERATOR_S3_TENANT_ENDPOINT": "s3.internal"}, "http:// or https://"),
    ],
)
def test_bad_aws_irsa_config_is_refused_at_startup(override, message):
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        OperatorConfig.from_env({**IRSA_ENV, **override})


def test_the_operator_exits_non_zero_on_a_role_template_without_tenant():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OPERATOR_")},
        **IRSA_ENV,
        "OPERATOR_S3_TENANT_ROLE_ARN_TEMPLATE": "arn:aws:iam::123456789012:role/shared",
    }
    run = subprocess.run(
        [sys.executable, "-m", "tenant_operator", "run"], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2, run.stderr
    assert "configuration error: OPERATOR_S3_TENANT_ROLE_ARN_TEMPLATE" in run.stderr


# --- the app's environment and its ServiceAccount ---------------------------------
def test_app_env_has_the_shared_bucket_and_the_tenants_prefix_and_no_static_key():
    config = OperatorConfig.from_env(IRSA_ENV)
    env = app_env(view(config), TenantCredentials("db", "redis", "jwt", "s3-secret"), config)
    assert {k: v for k, v in env.items() if k.startswith("S3_")} == {
        "S3_ENDPOINT": "",  # AWS's endpoint for S3_REGION
        "S3_REGION": "sa-east-1",
        "S3_BUCKET": "consorcio-prod-tenant-objects",
        "S3_PREFIX": "tenants/acme/",
    }
    assert "s3-secret" not in env.values()


def test_the_service_account_carries_the_tenants_role_only_in_aws_irsa_mode():
    config = OperatorConfig.from_env(IRSA_ENV)
    sa = service_account(view(config, "beta"), role_arn=config.s3.tenant_role_arn("beta"))
    assert sa["metadata"]["annotations"] == {
        IRSA_ROLE_ANNOTATION: "arn:aws:iam::123456789012:role/consorcio-prod-tenant-beta"
    }
    assert sa["automountServiceAccountToken"] is False  # the webhook projects its own token
    assert "annotations" not in service_account(view(config))["metadata"]


def test_tenant_pods_may_reach_aws_s3_and_sts_on_443():
    targets = {t.service: t for t in egress_targets(OperatorConfig.from_env(IRSA_ENV))}
    assert targets["object-storage"].port == 443 and targets["object-storage"].cidr is None


# --- the step ----------------------------------------------------------------------
class FakeKube:
    """Records the objects the step ensures; fails with ``error`` when given one."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.ensured: list[dict[str, Any]] = []

    async def ensure_object(self, desired: dict[str, Any]) -> dict[str, Any]:
        if self.error:
            raise self.error
        self.ensured.append(desired)
        return desired


class RefusingStore:
    """aws-irsa must never create users or buckets."""

    async def ensure(self, *args: Any) -> None:
        raise AssertionError("ensure() called in aws-irsa mode")


def _ctx(config: OperatorConfig, kube: FakeKube) -> Any:
    async def tenant_credentials() -> TenantCredentials:
        raise AssertionError("aws-irsa stores no key: credentials are not needed")

    return SimpleNamespace(
        name="acme",
        tenant=view(config),
        runtime=SimpleNamespace(config=config, object_store=RefusingStore()),
        ensure_object=kube.ensure_object,
        tenant_credentials=tenant_credentials,
    )


def test_the_step_annotates_the_service_account_and_says_irsa():
    kube = FakeKube()
    cond = asyncio.run(ensure_storage(_ctx(OperatorConfig.from_env(IRSA_ENV), kube)))
    assert cond.type == c.STORAGE_READY and cond.is_true and cond.reason == REASON_IRSA
    assert "IRSA" in cond.message and "s3://consorcio-prod-tenant-objects/tenants/acme/" in cond.message
    [sa] = kube.ensured
    assert (sa["kind"], sa["metadata"]["namespace"], sa["metadata"]["name"]) == (
        "ServiceAccount",
        "tenant-acme",
        "tenant-app",
    )
    assert sa["metadata"]["annotations"][IRSA_ROLE_ANNOTATION].endswith(":role/consorcio-prod-tenant-acme")


def test_the_step_reports_an_api_failure_and_is_retried():
    kube = FakeKube(KubeApiError(503, "ServiceUnavailable", "apiserver down"))
    with pytest.raises(StepFailed) as failed:
        asyncio.run(ensure_storage(_ctx(OperatorConfig.from_env(IRSA_ENV), kube)))
    assert failed.value.reason == "KubernetesApiError" and not failed.value.permanent


# --- deletion policies act on the tenant's prefix ------------------------------------
class PrefixStore:
    """Records what the deletion asked of the object store."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    async def snapshot(self, bucket: str, tenant: str, stamp: str, *, source_prefix: str = "") -> BucketCopy:
        self.calls.append(("snapshot", bucket, tenant, source_prefix))
        return BucketCopy(bucket, f"backups/{tenant}/{stamp}/", 2, 10)

    async def delete_prefix(self, bucket: str, prefix: str) -> list[str]:
        self.calls.append(("delete_prefix", bucket, prefix))
        return [f"s3://{bucket}/{prefix} emptied (2 objects)"]

    async def delete(self, *args: Any) -> list[str]:
        raise AssertionError("the shared bucket must never be deleted")

    async def disable_key(self, *args: Any) -> bool:
        raise AssertionError("aws-irsa has no key to disable")


def _runtime(store: PrefixStore) -> Any:
    async def deleted(*args: Any) -> bool:
        return True

    async def dropped(*args: Any) -> list[str]:
        return []

    return SimpleNamespace(
        config=OperatorConfig.from_env(IRSA_ENV),
        object_store=store,
        kube=SimpleNamespace(delete=deleted),
        redis=SimpleNamespace(delete=deleted),
        vault=None,
        postgres=SimpleNamespace(drop=dropped),
    )


def test_snapshot_copies_the_tenants_prefix_and_delete_removes_only_it():
    store = PrefixStore()
    runtime = _runtime(store)
    summary, location = asyncio.run(deletion._snapshot_objects(runtime, "acme"))
    assert location is not None and location.startswith("s3://consorcio-prod-tenant-objects/backups/acme/")
    assert "s3://consorcio-prod-tenant-objects/tenants/acme/ copied to" in summary
    done = asyncio.run(deletion.drop_everything(runtime, "acme"))
    assert "tenants/acme/ emptied" in done
    assert store.calls == [
        ("snapshot", "consorcio-prod-tenant-objects", "acme", "tenants/acme/"),
        ("delete_prefix", "consorcio-prod-tenant-objects", "tenants/acme/"),
    ]


def test_retain_keeps_the_prefix_and_has_no_key_to_disable():
    store = PrefixStore()
    assert asyncio.run(deletion._disable_storage_key(_runtime(store), "acme")) == ""
    assert store.calls == []
