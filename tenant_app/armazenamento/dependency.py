"""The ``armazenamento`` dependency: the app's ``ObjectStore`` (503 when the tenant has none)."""

from __future__ import annotations

from litestar.datastructures import State

from tenant_app.armazenamento.store import ArmazenamentoIndisponivel, ObjectStore


def provide_object_store(state: State) -> ObjectStore:
    """Handlers declare ``armazenamento: ObjectStore``; built once per app from ``settings.object_store``."""
    store = getattr(state, "object_store", None)
    if store is None:
        raise ArmazenamentoIndisponivel(
            "Este tenant não tem armazenamento de arquivos configurado (S3_ENDPOINT)."
        )
    return store  # type: ignore[no-any-return]
