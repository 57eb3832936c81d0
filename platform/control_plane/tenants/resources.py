"""The ConsorcioTenant custom resources, through the Kubernetes API.

The resource is the source of truth for what is provisioned; this module
only creates it, reads its status, and patches the few spec fields the
control plane owns (plan, suspended, displayName, deletionPolicy). The
kubernetes client is synchronous, so every call runs in a worker thread
(a blocking call on the event loop would stall every other request).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import urllib3
from kubernetes import client

from consorcio_contract.crd_identity import GROUP, PLURAL, VERSION
from consorcio_contract.identifiers import normalize_cnpj
from consorcio_contract.names import CLEANUP_FINALIZER, INSTANCE_LABEL, PURGE_LABEL
from consorcio_contract.tenant_resource import build_tenant_resource
from consorcio_kit import tracing
from control_plane.problems import Conflict, InvalidInput, UpstreamUnavailable


def _api_message(err: client.ApiException) -> str:
    try:
        return str(json.loads(err.body or "{}").get("message") or err.reason)
    except (ValueError, AttributeError):
        return str(err.reason)


class ResourceConflict(Exception):
    """A resource with that name exists already."""


@dataclass(frozen=True)
class TenantResourceStatus:
    """What the API shows of a resource: its spec highlights and the operator's status."""

    exists: bool
    spec: Mapping[str, Any] = field(default_factory=dict)
    status: Mapping[str, Any] = field(default_factory=dict)
    generation: int | None = None
    deleting: bool = False

    @classmethod
    def from_object(cls, obj: Mapping[str, Any] | None) -> TenantResourceStatus:
        if obj is None:
            return cls(exists=False)
        meta = obj.get("metadata") or {}
        return cls(
            exists=True,
            spec=obj.get("spec") or {},
            status=obj.get("status") or {},
            generation=meta.get("generation"),
            deleting=bool(meta.get("deletionTimestamp")),
        )

    @property
    def ready(self) -> bool | None:
        """The summary ``Ready`` condition: True/False, None while unknown."""
        for condition in self.status.get("conditions") or []:
            if condition.get("type") == "Ready":
                return {"True": True, "False": False}.get(condition.get("status"))
        return None

    @property
    def up_to_date(self) -> bool:
        """Whether the operator has seen the latest spec."""
        return self.generation is not None and self.status.get("observedGeneration") == self.generation


class TenantResources:
    def __init__(self, api_client: client.ApiClient, *, operator_instance: str | None = None) -> None:
        self._api = client.CustomObjectsApi(api_client)
        self._operator_instance = operator_instance

    async def create(self, name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
        body = build_tenant_resource(name, spec)
        # The operator links its pass to this request's trace.
        if trace_annotation := tracing.carrier_annotation():
            body["metadata"]["annotations"] = trace_annotation
        if self._operator_instance:
            # Hand the tenant to a specific operator instance (canary, tests).
            body["metadata"]["labels"][INSTANCE_LABEL] = self._operator_instance
        return await self._call(self._create, body)

    async def get(self, name: str) -> dict[str, Any] | None:
        return await self._call(self._get, name)

    async def list_all(self) -> dict[str, dict[str, Any]]:
        """Every ConsorcioTenant by name (one API call, for merged listings)."""
        items = await self._call(self._list)
        return {item["metadata"]["name"]: item for item in items}

    async def holders_of_cnpj(self, cnpj: str) -> list[str]:
        """Names of every ConsorcioTenant (however it was created) whose spec has ``cnpj``."""
        wanted = normalize_cnpj(cnpj)
        return sorted(
            name
            for name, item in (await self.list_all()).items()
            if normalize_cnpj(str((item.get("spec") or {}).get("cnpj", ""))) == wanted
        )

    async def patch_spec(self, name: str, changes: Mapping[str, Any]) -> dict[str, Any] | None:
        """JSON merge patch of ``spec``; None when the resource does not exist."""
        body: dict[str, Any] = {"spec": dict(changes)}
        if trace_annotation := tracing.carrier_annotation():
            body["metadata"] = {"annotations": trace_annotation}
        return await self._call(self._patch, name, body)

    async def purge(self, name: str, spec: Mapping[str, Any]) -> None:
        """Have the operator drop everything kept under ``name`` (a Retain deletion's data).

        A resource is created with the operator's finalizer already on it and
        deleted at once under deletionPolicy Delete without grace: the operator's
        delete handler drops the database, Redis user, Vault data, namespace
        and bucket of that name, even if it never provisioned this resource.
        """
        body = build_tenant_resource(
            name,
            dict(spec)
            | {"deletionPolicy": "Delete", "deletionGracePeriodDays": 0, "deletionProtection": False},
        )
        body["metadata"]["labels"][PURGE_LABEL] = "true"
        body["metadata"]["finalizers"] = [CLEANUP_FINALIZER]
        if self._operator_instance:
            body["metadata"]["labels"][INSTANCE_LABEL] = self._operator_instance
        await self._call(self._create, body)
        await self.delete(name)

    async def delete(self, name: str) -> bool:
        """Ask for deletion (the operator's finalizer applies the policy); False if absent."""
        return await self._call(self._delete, name)

    # -- synchronous halves, run in a thread ---------------------------------

    async def _call(self, fn: Any, *args: Any) -> Any:
        try:
            return await asyncio.to_thread(fn, *args)
        except ResourceConflict:
            raise
        except client.ApiException as err:
            if err.status == 403 and "is protected" in _api_message(err):
                # The deletion-protection admission policy (charts/consorcio-operator).
                raise Conflict(_api_message(err)) from None
            if err.status in (400, 422):
                # The CRD schema or a CEL rule refused it: the caller's input, not an outage.
                raise InvalidInput(f"Kubernetes rejected the ConsorcioTenant: {_api_message(err)}") from None
            raise UpstreamUnavailable(f"Kubernetes API answered HTTP {err.status}: {err.reason}") from None
        except (OSError, urllib3.exceptions.HTTPError, client.exceptions.OpenApiException) as err:
            # urllib3's MaxRetryError (API server down: connection refused after the client's
            # retries) is not an OSError; it was a 500 before the platform chaos run found it.
            raise UpstreamUnavailable(f"Kubernetes API unreachable: {type(err).__name__}") from None

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return self._api.create_cluster_custom_object(GROUP, VERSION, PLURAL, body)  # type: ignore[no-any-return]
        except client.ApiException as err:
            if err.status == 409:
                raise ResourceConflict(body["metadata"]["name"]) from None
            raise

    def _get(self, name: str) -> dict[str, Any] | None:
        try:
            return self._api.get_cluster_custom_object(GROUP, VERSION, PLURAL, name)  # type: ignore[no-any-return]
        except client.ApiException as err:
            if err.status == 404:
                return None
            raise

    def _list(self) -> list[dict[str, Any]]:
        result = self._api.list_cluster_custom_object(GROUP, VERSION, PLURAL)
        return list(result.get("items", []))

    def _patch(self, name: str, body: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return self._api.patch_cluster_custom_object(  # type: ignore[no-any-return]
                GROUP, VERSION, PLURAL, name, body, _content_type="application/merge-patch+json"
            )
        except client.ApiException as err:
            if err.status == 404:
                return None
            raise

    def _delete(self, name: str) -> bool:
        try:
            self._api.delete_cluster_custom_object(GROUP, VERSION, PLURAL, name)
            return True
        except client.ApiException as err:
            if err.status == 404:
                return False
            raise
