"""``ObjectStore``: the tenant's bucket through boto3 (sync client, async methods on a thread).

One client per process (boto3 clients are thread-safe); every call signs with
the tenant's own key, which reaches that bucket only, or (on AWS) with the
tenant's IAM role from boto3's default chain, which reaches only the tenant's
prefix of a shared bucket. Callers always use keys relative to the tenant's
storage (``chave(...)``): ``_key`` puts them under ``S3_PREFIX`` and listings
take it off again, so no feature knows the prefix exists. Uploads compute the
SHA-256 while the bytes go out, so a document's hash is what was stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import IO, Any
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tenant_app.erros import IndisponivelError, NaoEncontrado
from tenant_app.settings import ObjectStoreSettings

#: Multipart above this size; parts of this size (S3 minimum is 5 MiB).
PART_SIZE = 8 * 1024 * 1024
#: Chunk size of streamed downloads.
CHUNK_SIZE = 256 * 1024


class Finalidade(StrEnum):
    """The prefix of each kind of file in the bucket (one folder per feature)."""

    DOCUMENTOS = "documentos"
    CONTRATOS = "contratos"
    RELATORIOS = "relatorios"
    #: CNAB remessa/retorno files (cobrança).
    COBRANCA = "cobranca"
    #: Payment files of contemplações' créditos and their documents.
    CREDITO = "credito"


_SAFE = re.compile(r"[^A-Za-z0-9._/-]")


def chave(finalidade: Finalidade, *partes: str) -> str:
    """``<finalidade>/<parte>/<parte>...``: parts are sanitised (no ``..``, no empty segments)."""
    segmentos = [finalidade.value]
    for parte in partes:
        for seg in str(parte).split("/"):
            seg = _SAFE.sub("_", seg)
            if seg and seg not in (".", ".."):
                segmentos.append(seg)
    if len(segmentos) < 2:
        raise ValueError("a key needs at least one part after the prefix")
    return "/".join(segmentos)


class ArmazenamentoIndisponivel(IndisponivelError):
    """The bucket did not answer, or the tenant has no object storage configured (503)."""

    code = "armazenamento_indisponivel"


@dataclass(frozen=True)
class StoredObject:
    """What an upload wrote: the key, its size, the SHA-256 of the bytes and the server's version id."""

    key: str
    size: int
    sha256: str
    etag: str | None = None
    version_id: str | None = None


@dataclass(frozen=True)
class ObjectInfo:
    """One listed object."""

    key: str
    size: int
    last_modified: datetime


def client_config(addressing_style: str = "path") -> Config:
    """Path-style URLs (S3-compatible servers), checksums only when required, bounded retries."""
    return Config(
        signature_version="s3v4",
        s3={"addressing_style": addressing_style},
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        max_pool_connections=20,
    )


class _HashingReader:
    """File-like wrapper that hashes and counts what boto3 reads from it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


class ObjectStore:
    """The tenant's bucket. Build with ``from_settings``; ``close()`` when the process ends."""

    def __init__(self, settings: ObjectStoreSettings) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self.prefix = settings.prefix
        session = boto3.session.Session()
        common: dict[str, Any] = {
            "region_name": settings.region,
            # AWS's own endpoint (none given) picks virtual-hosted URLs itself.
            "config": client_config("path" if settings.endpoint else "auto"),
        }
        if settings.access_key_id:
            common["aws_access_key_id"] = settings.access_key_id
            common["aws_secret_access_key"] = settings.secret_access_key
        # else boto3's default chain: on EKS the web identity of the tenant's IAM role
        # (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), refreshed before it expires.
        self._client = session.client("s3", endpoint_url=settings.endpoint or None, **common)
        # Presigned URLs are signed for the host the browser will call.
        self._presigner = (
            session.client("s3", endpoint_url=settings.public_endpoint, **common)
            if settings.public_endpoint
            else self._client
        )

    @classmethod
    def from_settings(cls, settings: ObjectStoreSettings | None) -> ObjectStore | None:
        return cls(settings) if settings is not None else None

    def _key(self, key: str) -> str:
        """Where a tenant-relative key lives in the bucket."""
        return self.prefix + key

    def close(self) -> None:
        self._client.close()
        if self._presigner is not self._client:
            self._presigner.close()

    # -- sync core (Celery tasks may call these directly) ---------------------------------

    def put_sync(
        self, key: str, data: bytes, content_type: str, metadata: dict[str, str] | None = None
    ) -> StoredObject:
        digest = hashlib.sha256(data).hexdigest()
        with _errors(key):
            resp = self._client.put_object(
                Bucket=self.bucket,
                Key=self._key(key),
                Body=data,
                ContentType=content_type,
                Metadata={"sha256": digest, **(metadata or {})},
            )
        return StoredObject(key, len(data), digest, resp.get("ETag"), resp.get("VersionId"))

    def upload_sync(
        self, key: str, fileobj: IO[bytes], content_type: str, metadata: dict[str, str] | None = None
    ) -> StoredObject:
        """Stream a file of any size (multipart in ``PART_SIZE`` parts); memory stays ~one part."""
        from boto3.s3.transfer import TransferConfig

        reader = _HashingReader(fileobj)
        transfer = TransferConfig(
            multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=1, use_threads=False
        )
        with _errors(key):
            self._client.upload_fileobj(
                reader,
                self.bucket,
                self._key(key),
                ExtraArgs={"ContentType": content_type, "Metadata": dict(metadata or {})},
                Config=transfer,
            )
        return StoredObject(key, reader.size, reader.sha.hexdigest())

    def get_sync(self, key: str) -> bytes:
        with _errors(key):
            return bytes(self._client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read())

    def iter_sync(self, key: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        with _errors(key):
            body = self._client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    def delete_sync(self, key: str) -> None:
        with _errors(key):
            self._client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def list_sync(self, prefix: str) -> list[ObjectInfo]:
        out: list[ObjectInfo] = []
        with _errors(prefix):
            for page in self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self._key(prefix)
            ):
                for obj in page.get("Contents", []):
                    key = obj["Key"][len(self.prefix) :]  # back to the tenant-relative key
                    out.append(ObjectInfo(key, int(obj["Size"]), obj["LastModified"]))
        return out

    def purge_sync(self, key: str) -> int:
        """Delete every stored version of ``key`` (the bucket keeps old versions: a plain delete
        only hides the object). For data that must really go (LGPD). Returns versions removed."""
        removed = 0
        full = self._key(key)
        with _errors(key):
            for page in self._client.get_paginator("list_object_versions").paginate(
                Bucket=self.bucket, Prefix=full
            ):
                for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                    if v["Key"] != full:
                        continue
                    self._client.delete_object(Bucket=self.bucket, Key=full, VersionId=v["VersionId"])
                    removed += 1
            # Unversioned buckets list no versions: the plain delete is the removal.
            self._client.delete_object(Bucket=self.bucket, Key=full)
        return removed

    def delete_prefix_sync(self, prefix: str) -> int:
        keys = [o.key for o in self.list_sync(prefix)]
        for i in range(0, len(keys), 1000):
            with _errors(prefix):
                self._client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": self._key(k)} for k in keys[i : i + 1000]], "Quiet": True},
                )
        return len(keys)

    def presigned_get_url(
        self, key: str, *, expires_seconds: int | None = None, filename: str | None = None
    ) -> str:
        """A GET URL valid ``expires_seconds`` (default the settings'); no request is made."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self._key(key)}
        if filename:
            params["ResponseContentDisposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return str(
            self._presigner.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=expires_seconds or self.settings.presign_seconds
            )
        )

    # -- async API (request handlers) -----------------------------------------------------

    async def put(
        self, key: str, data: bytes, content_type: str, metadata: dict[str, str] | None = None
    ) -> StoredObject:
        """Write ``data`` at ``key`` (one request); returns size and SHA-256."""
        return await asyncio.to_thread(self.put_sync, key, data, content_type, metadata)

    async def upload(
        self, key: str, fileobj: IO[bytes], content_type: str, metadata: dict[str, str] | None = None
    ) -> StoredObject:
        """Stream a file object (spooled upload, generated report) to ``key``."""
        return await asyncio.to_thread(self.upload_sync, key, fileobj, content_type, metadata)

    async def get(self, key: str) -> bytes:
        """The whole object (small files only; use ``stream`` for big ones). 404 when missing."""
        return await asyncio.to_thread(self.get_sync, key)

    async def stream(self, key: str, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The object's bytes chunk by chunk."""
        iterator = await asyncio.to_thread(self.iter_sync, key, chunk_size)
        sentinel = object()
        while True:
            chunk = await asyncio.to_thread(next, iterator, sentinel)
            if chunk is sentinel:
                return
            yield chunk  # type: ignore[misc]

    async def delete(self, key: str) -> None:
        """Remove ``key`` (no error when it does not exist)."""
        await asyncio.to_thread(self.delete_sync, key)

    async def purge(self, key: str) -> int:
        """Remove ``key`` and all its stored versions (see ``purge_sync``)."""
        return await asyncio.to_thread(self.purge_sync, key)

    async def delete_prefix(self, prefix: str) -> int:
        """Remove every object under ``prefix``; returns how many."""
        return await asyncio.to_thread(self.delete_prefix_sync, prefix)

    async def list(self, prefix: str) -> list[ObjectInfo]:
        """Every object under ``prefix`` (all pages)."""
        return await asyncio.to_thread(self.list_sync, prefix)

    async def usage_bytes(self, prefix: str = "") -> int:
        """Bytes stored under ``prefix`` (all of the tenant's storage by default)."""
        return sum(o.size for o in await self.list(prefix))


@contextmanager
def _errors(key: str) -> Iterator[None]:
    """Turn S3 failures into domain errors: missing key → 404, anything else → 503."""
    try:
        yield
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("NoSuchKey", "404", "NotFound"):
            raise NaoEncontrado("Arquivo") from exc
        raise ArmazenamentoIndisponivel(
            f"O armazenamento de arquivos recusou a operação ({code or 'erro'})."
        ) from exc
    except BotoCoreError as exc:
        raise ArmazenamentoIndisponivel("O armazenamento de arquivos não respondeu.") from exc
