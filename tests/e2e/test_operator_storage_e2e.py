"""The object storage plane end to end: the operator (a subprocess, as its
ServiceAccount) against the real API server, PostgreSQL, Redis, Vault and
the devstack S3 server.

Provisioning to StorageReady, the key stored in Vault and the Secret,
isolation between two tenants, drift repair, rotation, and every deletion
policy. Tests run in file order and share one operator (module scope).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator

import boto3
import hvac
import pytest
from botocore.exceptions import ClientError
from kubernetes import client
from tenant_operator import names
from tenant_operator.provisioners.object_store import client_config
from tenant_operator.provisioners.s3_admin import AdminClient

from consorcio_contract import crd_identity
from devstack.binaries import binary_path
from tests.support.object_store_fixtures import root_client as root_s3_client
from tests.support.operator_harness import (
    OperatorProcess,
    apply_crd,
    condition,
    devstack_operator_env,
    running_operator,
    tenant_body,
    wait_until,
)

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:5]
TIMEOUT = 90
BACKUP_BUCKET = f"e2e-backups-{RUN}"


def tname(label: str) -> str:
    return f"s{RUN}-{label}"


@pytest.fixture(scope="module")
def stack(devstack_env, kubeconfig, s3) -> dict[str, str]:
    apply_crd(kubeconfig, str(binary_path("kubectl")))
    return devstack_env


@pytest.fixture(scope="module")
def operator(stack, k8s_api_client, kubeconfig, tmp_path_factory) -> Iterator[OperatorProcess]:
    env = devstack_operator_env(stack, backup_dir=tmp_path_factory.mktemp("backups")) | {
        "OPERATOR_S3_BACKUP_BUCKET": BACKUP_BUCKET,
        "OPERATOR_RESYNC_INTERVAL": "2",
        "OPERATOR_TIMER_WAIT_SECONDS": "2",
        "OPERATOR_WATCH_SERVER_TIMEOUT": "10",
    }
    assert env["OPERATOR_S3_ENDPOINT"] == stack["AWS_ENDPOINT_URL_S3"]
    with running_operator(k8s_api_client, kubeconfig, tmp_path_factory, env, suffix=f"s{RUN}") as op:
        yield op


class Tenants:
    """This module's ConsorcioTenants (admin API client) and their S3 side."""

    def __init__(self, api_client, operator: OperatorProcess, s3) -> None:
        self.api = client.CustomObjectsApi(api_client)
        self.core = client.CoreV1Api(api_client)
        self.operator = operator
        self.s3 = s3
        self.admin = AdminClient(s3.endpoint, s3.access_key, s3.secret_key, s3.region)
        self.created: list[str] = []

    def create(self, label: str, **spec) -> str:
        name = tname(label)
        self._create(name, **spec)
        self.created.append(name)
        return name

    def _create(self, name: str, **spec) -> None:
        body = tenant_body(name, self.operator.instance, **spec)
        self.api.create_cluster_custom_object(
            crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, body
        )

    def get(self, name: str) -> dict | None:
        try:
            return self.api.get_cluster_custom_object(
                crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, name
            )
        except client.ApiException as err:
            if err.status == 404:
                return None
            raise

    def patch(self, name: str, patch: dict) -> None:
        self.api.patch_cluster_custom_object(
            crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, name, patch
        )

    def delete_and_wait(self, name: str) -> None:
        self.api.delete_cluster_custom_object(
            crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, name
        )
        wait_until(lambda: self.get(name) is None, timeout=TIMEOUT, what=f"{name} deleted")

    def wait_ready(self, name: str) -> dict:
        def ready():
            obj = self.get(name)
            cond = condition(obj, "Ready")
            return obj if cond and cond["status"] == "True" else None

        try:
            return wait_until(ready, timeout=TIMEOUT, what=f"{name} Ready")
        except AssertionError as err:
            status = (self.get(name) or {}).get("status")
            raise AssertionError(f"{err}\nstatus: {status}\n{self.operator.log_tail()}") from None

    def secret_env(self, name: str) -> dict[str, str]:
        secret = self.core.read_namespaced_secret(names.APP_SECRET, names.namespace(name))
        return {k: base64.b64decode(v).decode() for k, v in secret.data.items()}

    def s3_client(self, env: dict[str, str]):
        """An S3 client exactly as the tenant app would build it from its Secret."""
        return boto3.session.Session().client(
            "s3",
            endpoint_url=env["S3_ENDPOINT"],
            aws_access_key_id=env["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
            region_name=env["S3_REGION"],
            config=client_config(),
        )

    def root_client(self):
        return root_s3_client(self.s3)


@pytest.fixture(scope="module")
def tenants(operator, k8s_api_client, s3) -> Iterator[Tenants]:
    t = Tenants(k8s_api_client, operator, s3)
    yield t
    for name in t.created:
        if t.get(name) is not None:
            t.patch(name, {"spec": {"deletionPolicy": "Delete"}})
            t.delete_and_wait(name)
    root = t.root_client()
    if BACKUP_BUCKET in t.admin.bucket_owners():
        for obj in root.list_objects_v2(Bucket=BACKUP_BUCKET).get("Contents") or []:
            root.delete_object(Bucket=BACKUP_BUCKET, Key=obj["Key"])
        root.delete_bucket(Bucket=BACKUP_BUCKET)
    t.admin.close()


def error_code(call) -> str:
    with pytest.raises(ClientError) as failed:
        call()
    return failed.value.response["Error"]["Code"]


# --- provisioning -----------------------------------------------------------------


def test_a_new_tenant_becomes_storage_ready_with_its_key_in_vault_and_the_secret(tenants, vault):
    name = tenants.create("a")
    obj = tenants.wait_ready(name)
    storage = condition(obj, "StorageReady")
    assert storage is not None and storage["status"] == "True" and storage["reason"] == "StorageReady"
    env = tenants.secret_env(name)
    bucket = f"tenant-{name}"
    assert {k: v for k, v in env.items() if k.startswith("S3_") and k != "S3_SECRET_ACCESS_KEY"} == {
        "S3_ENDPOINT": tenants.s3.endpoint,
        "S3_REGION": tenants.s3.region,
        "S3_BUCKET": bucket,
        "S3_ACCESS_KEY_ID": f"tenant-{name}",
    }
    assert len(env["S3_SECRET_ACCESS_KEY"]) >= 40
    stored = hvac.Client(url=vault.addr, token=vault.token).secrets.kv.v2.read_secret_version(
        path=names.vault_secret_path(name), mount_point="secret", raise_on_deleted_version=True
    )["data"]["data"]
    assert stored["S3_SECRET_ACCESS_KEY"] == env["S3_SECRET_ACCESS_KEY"]
    assert tenants.admin.bucket_owners()[bucket] == env["S3_ACCESS_KEY_ID"]

    s3 = tenants.s3_client(env)
    s3.put_object(Bucket=bucket, Key="contratos/1.pdf", Body=b"%PDF-1.7 a")
    assert s3.get_object(Bucket=bucket, Key="contratos/1.pdf")["Body"].read() == b"%PDF-1.7 a"


def test_two_tenants_keys_cannot_reach_each_others_bucket(tenants):
    a, b = tname("a"), tenants.create("b")
    tenants.wait_ready(b)
    env_a, env_b = tenants.secret_env(a), tenants.secret_env(b)
    s3_b = tenants.s3_client(env_b)
    s3_b.put_object(Bucket=env_b["S3_BUCKET"], Key="b.txt", Body=b"b")
    s3_a = tenants.s3_client(env_a)
    assert error_code(lambda: s3_a.list_objects_v2(Bucket=env_b["S3_BUCKET"])) == "AccessDenied"
    assert error_code(lambda: s3_a.get_object(Bucket=env_b["S3_BUCKET"], Key="b.txt")) == "AccessDenied"
    assert (
        error_code(lambda: s3_a.put_object(Bucket=env_b["S3_BUCKET"], Key="x", Body=b"x")) == "AccessDenied"
    )
    assert error_code(lambda: s3_b.get_object(Bucket=env_a["S3_BUCKET"], Key="contratos/1.pdf")) == (
        "AccessDenied"
    )


def test_a_deleted_s3_user_is_recreated_by_the_next_pass(tenants):
    name = tname("a")
    env = tenants.secret_env(name)
    tenants.admin.delete_user(env["S3_ACCESS_KEY_ID"])
    s3 = tenants.s3_client(env)
    # Repaired by the drift timer (every 2 s here) with the stored key.
    wait_until(
        lambda: s3.get_object(Bucket=env["S3_BUCKET"], Key="contratos/1.pdf")["Body"].read() == b"%PDF-1.7 a",
        timeout=TIMEOUT,
        what="the S3 user recreated with the stored key",
    )


def test_rotation_gives_a_new_s3_secret_and_retires_the_old_one(tenants):
    name = tname("a")
    old = tenants.secret_env(name)
    tenants.patch(name, {"metadata": {"annotations": {names.ROTATE_ANNOTATION: "s3-rotation-1"}}})
    wait_until(
        lambda: (
            (tenants.get(name).get("status") or {}).get("credentialsRotation") == "s3-rotation-1"
            and condition(tenants.get(name), "Ready")["status"] == "True"
        ),
        timeout=TIMEOUT,
        what="credentials rotated",
    )
    new = tenants.secret_env(name)
    assert new["S3_SECRET_ACCESS_KEY"] != old["S3_SECRET_ACCESS_KEY"]
    assert new["S3_ACCESS_KEY_ID"] == old["S3_ACCESS_KEY_ID"] and new["S3_BUCKET"] == old["S3_BUCKET"]
    assert error_code(lambda: tenants.s3_client(old).list_objects_v2(Bucket=old["S3_BUCKET"])) == (
        "SignatureDoesNotMatch"
    )
    # The objects stay; only the key changed.
    body = tenants.s3_client(new).get_object(Bucket=new["S3_BUCKET"], Key="contratos/1.pdf")["Body"]
    assert body.read() == b"%PDF-1.7 a"


# --- deletion policies ---------------------------------------------------------------


def test_retain_keeps_the_bucket_disables_the_key_and_adoption_restores_it(tenants):
    name = tenants.create("retain", deletionPolicy="Retain")
    tenants.wait_ready(name)
    env = tenants.secret_env(name)
    tenants.s3_client(env).put_object(Bucket=env["S3_BUCKET"], Key="kept.pdf", Body=b"kept")
    tenants.delete_and_wait(name)

    assert tenants.admin.bucket_owners()[env["S3_BUCKET"]] == env["S3_ACCESS_KEY_ID"]
    root = tenants.root_client()
    assert root.get_object(Bucket=env["S3_BUCKET"], Key="kept.pdf")["Body"].read() == b"kept"
    assert error_code(lambda: tenants.s3_client(env).list_objects_v2(Bucket=env["S3_BUCKET"])) == (
        "SignatureDoesNotMatch"
    )
    # A new ConsorcioTenant of the same name adopts the bucket with the retained key.
    tenants._create(name, deletionPolicy="Delete")
    tenants.wait_ready(name)
    assert tenants.secret_env(name)["S3_SECRET_ACCESS_KEY"] == env["S3_SECRET_ACCESS_KEY"]
    assert (
        tenants.s3_client(env).get_object(Bucket=env["S3_BUCKET"], Key="kept.pdf")["Body"].read() == b"kept"
    )


def test_snapshot_copies_the_objects_then_removes_bucket_and_user(tenants):
    name = tenants.create("snap", deletionPolicy="Snapshot")
    tenants.wait_ready(name)
    env = tenants.secret_env(name)
    objects = {f"relatorios/{i}.csv": f"linha {i}\n".encode() * (i + 1) for i in range(3)}
    for key, body in objects.items():
        tenants.s3_client(env).put_object(Bucket=env["S3_BUCKET"], Key=key, Body=body)
    tenants.delete_and_wait(name)

    root = tenants.root_client()
    listed = root.list_objects_v2(Bucket=BACKUP_BUCKET, Prefix=f"{name}/").get("Contents") or []
    manifests = [o["Key"] for o in listed if o["Key"].endswith(".json")]
    assert len(manifests) == 1
    prefix = manifests[0].removesuffix(".json") + "/"
    for key, body in objects.items():
        assert root.get_object(Bucket=BACKUP_BUCKET, Key=prefix + key)["Body"].read() == body
    assert_storage_gone(tenants, env)


def test_delete_removes_bucket_objects_and_user(tenants):
    name = tenants.create("delete", deletionPolicy="Delete")
    tenants.wait_ready(name)
    env = tenants.secret_env(name)
    tenants.s3_client(env).put_object(Bucket=env["S3_BUCKET"], Key="x.pdf", Body=b"x")
    tenants.delete_and_wait(name)
    assert_storage_gone(tenants, env)
    if BACKUP_BUCKET in tenants.admin.bucket_owners():  # made by the Snapshot test, if it ran
        listed = tenants.root_client().list_objects_v2(Bucket=BACKUP_BUCKET, Prefix=f"{name}/")
        assert not listed.get("Contents"), "Delete must not copy anything"


def assert_storage_gone(tenants: Tenants, env: dict[str, str]) -> None:
    assert env["S3_BUCKET"] not in tenants.admin.bucket_owners()
    assert env["S3_ACCESS_KEY_ID"] not in tenants.admin.list_users()
    assert error_code(lambda: tenants.s3_client(env).list_objects_v2(Bucket=env["S3_BUCKET"])) == (
        "InvalidAccessKeyId"
    )


def test_backups_are_out_of_every_tenants_reach(tenants):
    env = tenants.secret_env(tname("b"))
    assert error_code(lambda: tenants.s3_client(env).list_objects_v2(Bucket=BACKUP_BUCKET)) == "AccessDenied"
