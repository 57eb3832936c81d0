"""The tenant app's storage settings and credentials for both operator modes: a static key on an S3
server (admin-api), or the shared bucket, ``S3_PREFIX`` and no key on AWS (aws-irsa), where boto3's
default chain must pick the web identity EKS injects. The exchange with STS itself is proven only
on AWS (no STS here): this checks which provider the client was given, without calling it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenant_app.armazenamento import ObjectStore
from tenant_app.settings import ObjectStoreSettings, SettingsError

pytestmark = pytest.mark.unit

IRSA_ENV = {
    "S3_ENDPOINT": "",
    "S3_REGION": "sa-east-1",
    "S3_BUCKET": "consorcio-prod-tenant-objects",
    "S3_PREFIX": "tenants/acme/",
}


def test_aws_irsa_env_gives_the_shared_bucket_the_prefix_and_no_key():
    s = ObjectStoreSettings.from_env(IRSA_ENV)
    assert s is not None
    assert (s.endpoint, s.region, s.bucket, s.prefix) == (
        "",
        "sa-east-1",
        "consorcio-prod-tenant-objects",
        "tenants/acme/",
    )
    assert (s.access_key_id, s.secret_access_key) == ("", "")


@pytest.mark.parametrize(
    ("given", "prefix"), [("tenants/acme", "tenants/acme/"), ("/tenants/acme/", "tenants/acme/"), ("", "")]
)
def test_the_prefix_is_always_a_whole_folder(given: str, prefix: str):
    s = ObjectStoreSettings.from_env({**IRSA_ENV, "S3_PREFIX": given})
    assert s is not None and s.prefix == prefix


def test_no_storage_without_endpoint_and_bucket_and_half_a_key_is_refused():
    assert ObjectStoreSettings.from_env({}) is None
    with pytest.raises(SettingsError, match="S3_SECRET_ACCESS_KEY missing"):
        ObjectStoreSettings.from_env({**IRSA_ENV, "S3_ACCESS_KEY_ID": "AKIA"})
    with pytest.raises(SettingsError, match="S3_BUCKET missing"):
        ObjectStoreSettings.from_env({"S3_ENDPOINT": "http://127.0.0.1:17070"})


def test_without_a_static_key_the_client_assumes_the_role_from_the_web_identity(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Only what EKS's pod identity webhook injects: no key in the environment or in files, and no
    # endpoint override (devstack exports AWS_ENDPOINT_URL_S3 for its S3 server; boto3 honours it).
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    token = tmp_path / "token"
    token.write_text("eyJ.projected.token")
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/consorcio-prod-tenant-acme")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    settings = ObjectStoreSettings.from_env(IRSA_ENV)
    assert settings is not None
    store = ObjectStore(settings)
    try:
        credentials = store._client._request_signer._credentials
        # Deferred: STS is called on the first request, not here.
        assert credentials.method == "assume-role-with-web-identity"
        assert store._client.meta.region_name == "sa-east-1"
        assert store._client.meta.endpoint_url == "https://s3.sa-east-1.amazonaws.com"
    finally:
        store.close()


def test_a_static_key_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ignored")
    settings = ObjectStoreSettings.from_env(
        {
            "S3_ENDPOINT": "http://127.0.0.1:17070",
            "S3_BUCKET": "tenant-acme",
            "S3_ACCESS_KEY_ID": "tenant-acme",
            "S3_SECRET_ACCESS_KEY": "s3-secret",
        }
    )
    assert settings is not None and settings.prefix == ""
    store = ObjectStore(settings)
    try:
        credentials = store._client._request_signer._credentials
        assert (credentials.access_key, credentials.method) == ("tenant-acme", "explicit")
    finally:
        store.close()
