"""The tenant's object storage: its own S3 bucket, reached with the key the operator provisioned.

Every feature keeps its files under its own prefix (``Finalidade``); keys are
never reused for different content (a new version is a new key), so nothing
is silently overwritten. See ``store.ObjectStore`` for the API.
"""

from tenant_app.armazenamento.store import (
    ArmazenamentoIndisponivel,
    Finalidade,
    ObjectInfo,
    ObjectStore,
    StoredObject,
    chave,
)

__all__ = [
    "ArmazenamentoIndisponivel",
    "Finalidade",
    "ObjectInfo",
    "ObjectStore",
    "StoredObject",
    "chave",
]
