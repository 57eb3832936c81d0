"""The inputs every builder needs, derived once from the resource and the config."""

from __future__ import annotations

from dataclasses import dataclass

from consorcio_contract.plans import Plan, Sizing, get_plan
from consorcio_contract.tenant_resource import TenantSpec
from tenant_operator import names
from tenant_operator.config import WorkloadConfig


@dataclass(frozen=True)
class TenantView:
    """A tenant as the builders see it: slug, parsed spec and operator settings."""

    name: str
    spec: TenantSpec
    workload: WorkloadConfig

    @property
    def namespace(self) -> str:
        return names.namespace(self.name)

    @property
    def plan(self) -> Plan:
        return get_plan(self.spec.plan)

    @property
    def sizing(self) -> Sizing:
        return self.plan.sizing

    @property
    def host(self) -> str:
        return names.tenant_host(self.name, self.spec.host, self.workload.base_domain)

    @property
    def url(self) -> str:
        return names.tenant_url(self.host)

    @property
    def desired_app_version(self) -> str:
        return self.spec.app_version or self.workload.default_app_version

    def image(self, version: str) -> str:
        return f"{self.workload.image_repository}:{version}"

    @property
    def labels(self) -> dict[str, str]:
        """Labels for every object of this tenant."""
        return names.tenant_labels(self.name)

    def metadata(self, name: str, **extra_labels: str) -> dict:
        """Standard metadata of an object in the tenant namespace."""
        return {"name": name, "namespace": self.namespace, "labels": {**self.labels, **extra_labels}}
