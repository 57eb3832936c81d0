"""A small client of the S3 server's admin API (Versity S3 Gateway).

The admin API is plain HTTP ``PATCH`` requests signed with SigV4 by the
server's root user, answering XML. Synchronous (requests + botocore's
signer): the provisioner calls it from its thread pool.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# Tenant users may read and write objects in the buckets they own, and
# nothing else (the "userplus" role could also create buckets).
TENANT_ROLE = "user"


class AdminApiError(Exception):
    """The admin API answered an error; ``code`` is its S3-style error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        self.message = message
        super().__init__(f"{status} {code}: {message}")


@dataclass(frozen=True)
class Account:
    access_key: str
    secret_key: str
    role: str


def account_xml(access_key: str, secret_key: str, role: str) -> bytes:
    """The body of create-user (Go's encoding/xml of auth.Account)."""
    root = ET.Element("Account")
    for tag, value in (
        ("Access", access_key),
        ("Secret", secret_key),
        ("Role", role),
        ("UserID", "0"),
        ("GroupID", "0"),
        ("ProjectID", "0"),
    ):
        ET.SubElement(root, tag).text = value
    return ET.tostring(root)


def props_xml(*, secret_key: str | None = None, role: str | None = None) -> bytes:
    """The body of update-user (auth.MutableProps): only the fields to change."""
    root = ET.Element("MutableProps")
    if secret_key is not None:
        ET.SubElement(root, "Secret").text = secret_key
    if role is not None:
        ET.SubElement(root, "Role").text = role
    return ET.tostring(root)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_accounts(body: bytes) -> dict[str, Account]:
    """list-users answer -> accounts by access key."""
    accounts = {}
    for node in ET.fromstring(body).iter():
        if _local(node.tag) != "Accounts":
            continue
        fields = {_local(child.tag): child.text or "" for child in node}
        if fields.get("Access"):
            accounts[fields["Access"]] = Account(
                fields["Access"], fields.get("Secret", ""), fields.get("Role", "")
            )
    return accounts


def parse_bucket_owners(body: bytes) -> dict[str, str]:
    """list-buckets answer -> owner access key by bucket name."""
    owners = {}
    for node in ET.fromstring(body).iter():
        if _local(node.tag) != "Buckets":
            continue
        fields = {_local(child.tag): child.text or "" for child in node}
        if fields.get("Name"):
            owners[fields["Name"]] = fields.get("Owner", "")
    return owners


def parse_bucket_names(body: bytes) -> list[str]:
    """ListBuckets (S3 API) answer -> the bucket names, in order."""
    return [
        (node.text or "")
        for bucket in ET.fromstring(body).iter()
        if _local(bucket.tag) == "Bucket"
        for node in bucket
        if _local(node.tag) == "Name"
    ]


def parse_error(status: int, body: bytes) -> AdminApiError:
    try:
        root = ET.fromstring(body)
        fields = {_local(child.tag): child.text or "" for child in root}
        return AdminApiError(status, fields.get("Code", str(status)), fields.get("Message", ""))
    except ET.ParseError:
        return AdminApiError(status, str(status), body.decode(errors="replace")[:300])


class AdminClient:
    """Users and bucket ownership on the S3 server."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, region: str) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._credentials = Credentials(access_key, secret_key)
        self._region = region
        self._http = requests.Session()

    def close(self) -> None:
        self._http.close()

    def signed(
        self,
        method: str,
        path: str,
        *,
        credentials: Credentials | None = None,
        query: dict[str, str] | None = None,
        body: bytes = b"",
        headers=None,
    ) -> requests.Response:
        """One SigV4-signed request (the root key unless ``credentials`` are given)."""
        url = f"{self._endpoint}{path}" + (f"?{urlencode(query)}" if query else "")
        request = AWSRequest(
            method=method,
            url=url,
            data=body,
            headers={"X-Amz-Content-Sha256": hashlib.sha256(body).hexdigest(), **(headers or {})},
        )
        S3SigV4Auth(credentials or self._credentials, "s3", self._region).add_auth(request)
        return self._http.request(
            method, url, data=body, headers=dict(request.headers.items()), timeout=(5, 30)
        )

    def _call(
        self, path: str, *, query: dict[str, str] | None = None, body: bytes = b"", headers=None
    ) -> bytes:
        answer = self.signed("PATCH", path, query=query, body=body, headers=headers)
        if answer.status_code >= 400:
            raise parse_error(answer.status_code, answer.content)
        return answer.content

    def buckets_seen_by(self, access_key: str, secret_key: str) -> list[str] | None:
        """The buckets a key lists (S3 ListBuckets), or None when the key is refused."""
        answer = self.signed("GET", "/", credentials=Credentials(access_key, secret_key))
        if answer.status_code != 200:
            return None
        return parse_bucket_names(answer.content)

    def list_users(self) -> dict[str, Account]:
        return parse_accounts(self._call("/list-users"))

    def create_user(self, access_key: str, secret_key: str, role: str = TENANT_ROLE) -> None:
        self._call("/create-user", body=account_xml(access_key, secret_key, role))

    def update_user(self, access_key: str, *, secret_key: str | None = None, role: str | None = None) -> None:
        self._call(
            "/update-user", query={"access": access_key}, body=props_xml(secret_key=secret_key, role=role)
        )

    def delete_user(self, access_key: str) -> None:
        self._call("/delete-user", query={"access": access_key})

    def bucket_owners(self) -> dict[str, str]:
        return parse_bucket_owners(self._call("/list-buckets"))

    def create_bucket(self, bucket: str, owner: str) -> None:
        self._call(f"/{bucket}/create", headers={"x-vgw-owner": owner})

    def change_bucket_owner(self, bucket: str, owner: str) -> None:
        self._call("/change-bucket-owner", query={"bucket": bucket, "owner": owner})
