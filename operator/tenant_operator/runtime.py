"""Long-lived clients and per-tenant locks, created at operator startup."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from tenant_operator import names
from tenant_operator.config import OperatorConfig
from tenant_operator.drift.expectations import Expectations
from tenant_operator.drift.fleet import Fleet
from tenant_operator.drift.repair_queue import RepairQueue
from tenant_operator.kube.client import KubeClient
from tenant_operator.kube.host_claims import HostClaimIndex
from tenant_operator.pass_slots import PassSlots
from tenant_operator.provisioners.object_store import ObjectStoreProvisioner
from tenant_operator.provisioners.postgres import PostgresProvisioner
from tenant_operator.provisioners.redis_acl import RedisProvisioner
from tenant_operator.provisioners.vault import VaultProvisioner


@dataclass
class Runtime:
    """Everything a reconcile pass talks to."""

    config: OperatorConfig
    kube: KubeClient
    postgres: PostgresProvisioner
    redis: RedisProvisioner
    vault: VaultProvisioner | None
    #: None when object storage is not configured (config.s3.enabled).
    object_store: ObjectStoreProvisioner | None = None
    #: What each owned object should look like (the watches compare events with it).
    expectations: Expectations = field(default_factory=Expectations)
    #: This operator's tenants by state (gauges; whose namespace is whose).
    fleet: Fleet = field(default_factory=Fleet)
    #: Tenants waiting for a repair pass (set at startup: it needs the repair handler).
    repairs: RepairQueue | None = None
    #: The last pruning of foreign objects per tenant (time.monotonic(), message), kept on the
    #: NamespaceReady condition for a while (steps.ensure_namespace.PRUNED_REPORT_SECONDS).
    pruned_reports: dict[str, tuple[float, str]] = field(default_factory=dict)
    #: One scheduled backup at a time per operator: a dump and its verifying restore are heavy
    #: on the shared PostgreSQL, and the schedule has hours of slack.
    backup_slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))
    #: Loops the operator runs beside Kopf's handlers (the Redis usage measurement), cancelled at close.
    background: list[asyncio.Task[None]] = field(default_factory=list)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _hosts: HostClaimIndex | None = None
    _active: PassSlots | None = None
    #: time.monotonic() at which each tenant's last pass ended.
    _pass_ended: dict[str, float] = field(default_factory=dict)

    @classmethod
    def create(cls, config: OperatorConfig, kube: KubeClient | None = None) -> Runtime:
        return cls(
            config=config,
            kube=kube or KubeClient.from_environment(),
            postgres=PostgresProvisioner(config.postgres.admin_dsn),
            redis=RedisProvisioner(config.redis.admin_url, require_save=config.redis.require_acl_save),
            vault=VaultProvisioner(config.vault) if config.vault.enabled else None,
            object_store=ObjectStoreProvisioner(config.s3) if config.s3.enabled else None,
        )

    @property
    def hosts(self) -> HostClaimIndex:
        """Every tenant's Ingress host claim (one cached LIST shared by all passes)."""
        if self._hosts is None:
            self._hosts = HostClaimIndex(self.kube, self.config.workload.base_domain)
        return self._hosts

    @property
    def active_passes(self) -> PassSlots:
        """Slots for passes doing API work (``config.max_active_passes``); waits give theirs back.

        Without a bound, a fleet created at once starts hundreds of passes whose
        requests all queue together (in the client pool and in the API server's
        fairness queues): every request slows down, many time out, and the
        retries repeat the early steps. With it, the first tenants get through
        their steps at full speed and start their Jobs while the rest queue;
        a pass back from a wait is served before new ones (PassSlots).
        """
        if self._active is None:
            self._active = PassSlots(self.config.max_active_passes)
        return self._active

    def lock(self, tenant: str) -> asyncio.Lock:
        """One pass at a time per tenant: the timer and the change handlers run concurrently in Kopf."""
        return self._locks.setdefault(tenant, asyncio.Lock())

    def pass_ended(self, tenant: str) -> None:
        """Record that a pass over ``tenant`` just ended."""
        self._pass_ended[tenant] = time.monotonic()

    def passed_since(self, tenant: str, moment: float) -> bool:
        """Did a pass over ``tenant`` end after ``moment`` (time.monotonic())?"""
        return self._pass_ended.get(tenant, float("-inf")) > moment

    def forget(self, tenant: str) -> None:
        self._locks.pop(tenant, None)
        self._pass_ended.pop(tenant, None)
        self.expectations.forget_namespace(names.namespace(tenant))
        if self.repairs is not None:
            self.repairs.forget(tenant)

    async def close(self) -> None:
        for task in self.background:
            task.cancel()
        await asyncio.gather(*self.background, return_exceptions=True)
        self.background.clear()
        if self.repairs is not None:
            await self.repairs.close()
        await self.kube.close()
        await self.postgres.close()
        await self.redis.close()
        if self.vault is not None:
            await self.vault.close()
        if self.object_store is not None:
            await self.object_store.close()
