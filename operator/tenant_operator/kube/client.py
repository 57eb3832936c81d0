"""An asyncio Kubernetes REST client on aiohttp (which Kopf already uses).

The synchronous ``kubernetes`` client would block the event loop; this one
needs nothing but a server URL, TLS settings and a bearer token or client
certificate, which it takes from the same place Kopf does (in-cluster
ServiceAccount, else the kubeconfig).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from typing import Any

import aiohttp

from tenant_operator import metrics, names
from tenant_operator.kube.resources import object_path


class KubeApiError(Exception):
    """A failed API request; ``status`` 0 means the server was not reached."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        self.status = status
        self.reason = reason
        self.message = message
        super().__init__(f"{status} {reason}: {message}")

    @property
    def retryable(self) -> bool:
        """Conflicts, throttling, server errors and network errors pass; bad requests do not."""
        return self.status in (0, 409, 429) or self.status >= 500


class KubeClient:
    """Just the verbs the operator uses: get, server-side apply, merge patch, create, delete."""

    def __init__(
        self,
        server: str,
        *,
        ssl_context: ssl.SSLContext | bool,
        auth_header: Callable[[], str | None],
        timeout: float = 30.0,
    ) -> None:
        self._server = server.rstrip("/")
        self._ssl = ssl_context
        self._auth_header = auth_header
        # No total: time spent waiting for a pooled connection is not the
        # server's slowness and must not turn into a TimeoutError; a server
        # that accepts but does not answer still times out (sock_read).
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._watch_session: aiohttp.ClientSession | None = None

    @classmethod
    def from_environment(cls) -> KubeClient:
        """In-cluster ServiceAccount when running in a pod, else $KUBECONFIG / ~/.kube/config."""
        from kubernetes import client as k8s
        from kubernetes import config as k8s_config

        cfg = k8s.Configuration()
        try:
            k8s_config.load_incluster_config(client_configuration=cfg)
        except k8s_config.ConfigException:
            k8s_config.load_kube_config(client_configuration=cfg)
        return cls.from_configuration(cfg)

    @classmethod
    def from_configuration(cls, cfg: Any) -> KubeClient:
        """From a loaded ``kubernetes.client.Configuration``."""
        ctx: ssl.SSLContext | bool
        if cfg.verify_ssl:
            ctx = ssl.create_default_context(cafile=cfg.ssl_ca_cert) if cfg.ssl_ca_cert else True
        else:
            ctx = False
        if cfg.cert_file and cfg.key_file:
            if not isinstance(ctx, ssl.SSLContext):
                ctx = ssl.create_default_context()
                if not cfg.verify_ssl:
                    ctx.check_hostname = False
                    ctx.verify_mode = ssl.CERT_NONE
            ctx.load_cert_chain(cfg.cert_file, cfg.key_file)

        def auth_header() -> str | None:
            # auth_settings() calls the refresh hook, so in-cluster tokens are
            # re-read as they rotate.
            for setting in cfg.auth_settings().values():
                if setting.get("in") == "header" and setting.get("key", "").lower() == "authorization":
                    return str(setting["value"]) if setting.get("value") else None
            return None

        return cls(cfg.host, ssl_context=ctx, auth_header=auth_header)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self._ssl, limit=100),
                timeout=self._timeout,
            )
        return self._session

    def _watch_client(self) -> aiohttp.ClientSession:
        # Watches hold their connection for seconds: a pool of their own, so
        # a fleet of waiting tenants never starves the short requests.
        if self._watch_session is None or self._watch_session.closed:
            self._watch_session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self._ssl, limit=0)
            )
        return self._watch_session

    async def close(self) -> None:
        for session in (self._session, self._watch_session):
            if session is not None:
                await session.close()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        content_type: str = "application/json",
    ) -> dict[str, Any]:
        """One request; the decoded JSON answer, or KubeApiError."""
        headers = {"Accept": "application/json"}
        token = self._auth_header()
        if token:
            headers["Authorization"] = token
        data = None
        if body is not None:
            headers["Content-Type"] = content_type
            data = json.dumps(body)
        metrics.API_REQUESTS.labels(method.lower()).inc()
        try:
            async with self._client().request(
                method, self._server + path, params=params, data=data, headers=headers
            ) as resp:
                text = await resp.text()
                if resp.status >= 400:
                    raise _error(resp.status, text)
                return json.loads(text) if text else {}
        except (aiohttp.ClientError, TimeoutError) as err:
            raise KubeApiError(0, "Unreachable", f"{type(err).__name__}: {err}") from err

    async def get(self, path: str) -> dict[str, Any] | None:
        """The object at ``path``, or None when it does not exist."""
        try:
            return await self.request("GET", path)
        except KubeApiError as err:
            if err.status == 404:
                return None
            raise

    async def apply(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        """Server-side apply (create or update) of a full desired object, taking ownership."""
        return await self.request(
            "PATCH",
            object_path(obj),
            params={"fieldManager": names.FIELD_MANAGER, "force": "true"},
            body=obj,
            content_type="application/apply-patch+yaml",
        )

    async def merge_patch(self, path: str, patch: Mapping[str, Any]) -> dict[str, Any] | None:
        """JSON merge patch; None when the object does not exist."""
        try:
            return await self.request(
                "PATCH",
                path,
                params={"fieldManager": names.FIELD_MANAGER},
                body=patch,
                content_type="application/merge-patch+json",
            )
        except KubeApiError as err:
            if err.status == 404:
                return None
            raise

    async def create(self, collection: str, obj: Mapping[str, Any]) -> dict[str, Any] | None:
        """POST; None when it already exists (409 AlreadyExists)."""
        try:
            return await self.request(
                "POST", collection, params={"fieldManager": names.FIELD_MANAGER}, body=obj
            )
        except KubeApiError as err:
            if err.status == 409 and err.reason == "AlreadyExists":
                return None
            raise

    async def watch_until(
        self,
        collection: str,
        name: str,
        done: Callable[[dict[str, Any] | None], bool],
        *,
        within: float,
        current: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """The object ``name`` once ``done(obj)`` holds (None: deleted), or the last state seen.

        One GET (skipped when the caller passes the ``current`` object it
        just read or wrote), then a watch on just that object from its
        resourceVersion: the caller hears of a completed Job or rollout the
        moment it happens, without polling.
        """
        loop_deadline = asyncio.get_running_loop().time() + within
        obj = current if current is not None else await self.get(f"{collection}/{name}")
        while not done(obj):
            remaining = loop_deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            params = {
                "watch": "1",
                "fieldSelector": f"metadata.name={name}",
                "timeoutSeconds": str(max(1, int(remaining))),
            }
            if obj is not None:
                params["resourceVersion"] = obj["metadata"]["resourceVersion"]
            try:
                obj = await self._watch_for(collection, params, done, remaining, obj)
            except KubeApiError as err:
                if err.status != 410:  # 410 Gone: the version is too old, read again
                    raise
                obj = await self.get(f"{collection}/{name}")
        return obj

    async def _events(
        self, collection: str, query: Mapping[str, str], total: float
    ) -> AsyncGenerator[tuple[str, dict[str, Any]], None]:
        """(type, object) of each event of one watch request; an ERROR event or an HTTP error is a
        KubeApiError, network errors and the time limit pass through as aiohttp/TimeoutError."""
        headers = {"Accept": "application/json"}
        token = self._auth_header()
        if token:
            headers["Authorization"] = token
        metrics.API_REQUESTS.labels("watch").inc()
        async with self._watch_client().get(
            self._server + collection,
            params=dict(query),
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=total),
        ) as resp:
            if resp.status >= 400:
                raise _error(resp.status, await resp.text())
            async for line in resp.content:
                if not line.strip():
                    continue
                event = json.loads(line)
                obj = event.get("object") or {}
                if event.get("type") == "ERROR":
                    code = int(obj.get("code", 500))
                    raise KubeApiError(code, obj.get("reason", ""), obj.get("message", ""))
                yield str(event.get("type")), obj

    async def _watch_for(
        self,
        collection: str,
        params: dict[str, str],
        done: Callable[[dict[str, Any] | None], bool],
        remaining: float,
        obj: dict[str, Any] | None,
    ) -> dict[str, Any] | None:
        try:
            async with contextlib.aclosing(self._events(collection, params, remaining + 5)) as events:
                async for event_type, event_obj in events:
                    obj = None if event_type == "DELETED" else event_obj
                    if done(obj):
                        return obj
        except TimeoutError:
            return obj
        except aiohttp.ClientError as err:
            raise KubeApiError(0, "Unreachable", f"{type(err).__name__}: {err}") from err
        return obj

    async def watch_events(
        self,
        collection: str,
        params: Mapping[str, str],
        *,
        resource_version: str | None = None,
        seconds: int = 300,
    ) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """(type, object) of every change in a collection after ``resource_version``.

        Without a version, the collection's current one (a LIST, whose items
        are not reported: the caller's level-based checks cover them). Ends
        after about ``seconds`` (the caller goes on from the last object's
        version); a 410 Gone or any API error is raised as KubeApiError.
        """
        if resource_version is None:
            listed = await self.request("GET", collection, params={**params, "limit": "1"})
            resource_version = (listed.get("metadata") or {}).get("resourceVersion", "")
        query = {**params, "watch": "1", "resourceVersion": resource_version, "timeoutSeconds": str(seconds)}
        try:
            async with contextlib.aclosing(self._events(collection, query, seconds + 30)) as events:
                async for event_type, obj in events:
                    if event_type in ("ADDED", "MODIFIED", "DELETED"):
                        yield event_type, obj
        except (aiohttp.ClientError, TimeoutError) as err:
            raise KubeApiError(0, "Unreachable", f"{type(err).__name__}: {err}") from err

    async def delete(self, path: str, *, propagation: str = "Background") -> bool:
        """DELETE; False when it was already gone."""
        try:
            await self.request(
                "DELETE",
                path,
                body={"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": propagation},
            )
            return True
        except KubeApiError as err:
            if err.status == 404:
                return False
            raise


def _error(status: int, text: str) -> KubeApiError:
    try:
        doc = json.loads(text)
        return KubeApiError(status, doc.get("reason") or "Error", doc.get("message") or text)
    except ValueError:
        return KubeApiError(status, "Error", text[:500])
