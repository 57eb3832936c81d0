"""Watch the ConsorcioTenants and keep the registry in step (``sync.TenantSync``).

Runs inside the API process (started by the app's lifespan when
``CONTROL_PLANE_WATCH_TENANTS`` is on, the default). The kubernetes client is
synchronous, so the list and the watch run in a thread and hand events to the
event loop; each event is one short transaction. Only the tenants of this
control plane's operator instance are watched (the same label selector the
operator uses). Several API replicas may each run a watch: the record lock
makes them agree, so the work is repeated but never recorded twice.

After a start or a broken watch (410 Gone, network), everything is listed
again and compared: a change made while nobody watched is caught up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from kubernetes import client, watch
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from consorcio_contract.crd_identity import GROUP, PLURAL, VERSION
from consorcio_contract.names import INSTANCE_LABEL, PURGE_LABEL
from control_plane.tenants.models import Tenant
from control_plane.tenants.sync import TenantSync

_log = logging.getLogger("control_plane.tenant_watch")

Publisher = Callable[[], Awaitable[None]]
#: Seconds the API server keeps one watch request open before we re-watch
#: (also the longest a stop waits for the watching thread).
WATCH_TIMEOUT_SECONDS = 10
RETRY_SECONDS = 2.0


def label_selector(operator_instance: str | None) -> str:
    """The tenants this control plane manages: those of its operator instance."""
    return f"{INSTANCE_LABEL}={operator_instance}" if operator_instance else f"!{INSTANCE_LABEL}"


def _interesting(obj: Mapping[str, Any]) -> tuple[Any, ...]:
    """The parts of a resource the registry follows (status updates are not among them)."""
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    return (
        spec.get("plan"),
        bool(spec.get("suspended", False)),
        spec.get("cnpj"),
        spec.get("displayName"),
        bool(meta.get("deletionTimestamp")),
    )


class TenantWatcher:
    def __init__(
        self,
        api_client: client.ApiClient,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        operator_instance: str | None,
        publish_change: Publisher,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._api = client.CustomObjectsApi(api_client)
        self._sessions = session_factory
        self._selector = label_selector(operator_instance)
        self._publish = publish_change
        self._seen: dict[str, tuple[Any, ...]] = {}
        #: When the last comparison of each resource started: it agreed with the record
        #: then, so a change found later happened after it (billing's lower bound).
        self._compared_at: dict[str, datetime] = {}
        self._clock = clock
        self._stop = threading.Event()
        self._task: asyncio.Task[None] | None = None
        self._watch: watch.Watch | None = None
        #: Events handled (tests wait on it; also a liveness hint in logs).
        self.handled = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="tenant-watch")

    async def stop(self) -> None:
        self._stop.set()
        if self._watch is not None:
            self._watch.stop()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stop.is_set():
            try:
                version: str | None = await self._resync()
                while version is not None and not self._stop.is_set():
                    queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue()
                    reader = loop.run_in_executor(None, self._stream, version, loop, queue)
                    while (item := await queue.get()) is not None:
                        await self._handle(*item)
                    # None after an ERROR event (410 Gone...): list everything again.
                    version = await reader
            except asyncio.CancelledError:
                raise
            except Exception:  # the API server or the database went away: list again shortly
                _log.exception("tenant watch interrupted; listing again in %.0f s", RETRY_SECONDS)
                await asyncio.sleep(RETRY_SECONDS)

    async def _resync(self) -> str:
        listing = await asyncio.to_thread(
            self._api.list_cluster_custom_object, GROUP, VERSION, PLURAL, label_selector=self._selector
        )
        items = listing.get("items", [])
        live = {item["metadata"]["name"]: item for item in items}
        for item in live.values():
            await self._handle("ADDED", item)
        # Deleted while nobody watched: live records without a resource any more.
        async with self._sessions() as session:
            recorded = set(await session.scalars(select(Tenant.slug).where(Tenant.deleted_at.is_(None))))
        for name in (recorded | set(self._seen)) - set(live):
            await self._handle("DELETED", {"metadata": {"name": name}, "spec": {}})
        return str(listing["metadata"]["resourceVersion"])

    def _stream(
        self,
        version: str,
        loop: asyncio.AbstractEventLoop,
        queue: asyncio.Queue[tuple[str, dict[str, Any]] | None],
    ) -> str | None:
        """Thread: one watch request's events onto the loop's queue, then None.

        Returns the resourceVersion to watch from next, or None to list again.
        """
        try:
            self._watch = watch.Watch()
            for event in self._watch.stream(
                self._api.list_cluster_custom_object,
                GROUP,
                VERSION,
                PLURAL,
                label_selector=self._selector,
                resource_version=version,
                timeout_seconds=WATCH_TIMEOUT_SECONDS,
            ):
                if self._stop.is_set():
                    break
                if event["type"] in ("ADDED", "MODIFIED", "DELETED"):
                    loop.call_soon_threadsafe(queue.put_nowait, (event["type"], event["object"]))
                    version = event["object"]["metadata"].get("resourceVersion") or version
                elif event["type"] == "ERROR":
                    return None  # 410 Gone and the like: list again
            return version
        except Exception:  # a dropped connection: list again (quietly when stopping)
            if not self._stop.is_set():
                _log.warning("tenant watch connection lost; listing again", exc_info=True)
            return None
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, None)

    async def _fetch(self, name: str) -> dict[str, Any] | None:
        def get() -> dict[str, Any] | None:
            try:
                return self._api.get_cluster_custom_object(GROUP, VERSION, PLURAL, name)  # type: ignore[no-any-return]
            except client.ApiException as err:
                if err.status == 404:
                    return None
                raise

        return await asyncio.to_thread(get)

    async def _handle(self, kind: str, obj: dict[str, Any]) -> None:
        name = obj["metadata"]["name"]
        if PURGE_LABEL in (obj["metadata"].get("labels") or {}):
            return  # created by a purge only to be deleted: not a tenant
        async with self._sessions() as session:
            sync = TenantSync(session, self._fetch, self._publish)
            started = self._clock()
            if kind == "DELETED":
                self._seen.pop(name, None)
                self._compared_at.pop(name, None)
                changes = await sync.observe_gone(name, obj.get("spec") or {}, started)
            else:
                key = _interesting(obj)
                if self._seen.get(name) == key:
                    return
                changes = await sync.observe(obj, started, seen_before=self._compared_at.get(name))
                self._seen[name] = key
                self._compared_at[name] = started
        self.handled += 1
        if changes:
            _log.info("tenant %s followed from the cluster: %s", name, ", ".join(changes))
