"""A reconcile pass against hand-written fakes of the API server and the shared services.

The real thing is exercised end to end in tests/e2e/test_operator_e2e.py; here
the step order, the status bookkeeping and the "no write when in sync" rule
are checked exhaustively and fast.
"""

from __future__ import annotations

import copy
import logging
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from tenant_operator import change_report as report
from tenant_operator import conditions as c
from tenant_operator import deletion, names
from tenant_operator.config import OperatorConfig
from tenant_operator.drift.watched_kinds import WATCHED_KINDS
from tenant_operator.kube.host_claims import HostClaimIndex
from tenant_operator.kube.resources import KINDS, object_path
from tenant_operator.provisioners.postgres import DatabaseState
from tenant_operator.provisioners.vault import VaultError
from tenant_operator.reconciler import run_pass
from tenant_operator.runtime import Runtime

pytestmark = pytest.mark.unit
log = logging.getLogger("test")

CRD_PATH = KINDS["CustomResourceDefinition"].path("consorciotenants.consorcio.io")


class FakeKube:
    """Objects by REST path; Deployments roll out and Jobs complete instantly unless told otherwise."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {CRD_PATH: {"metadata": {"name": "crd"}}}
        self.writes: list[tuple[str, str]] = []
        self.reads: list[str] = []
        self.jobs_complete = True
        self.jobs_fail = False

    async def get(self, path: str) -> dict[str, Any] | None:
        self.reads.append(path)
        obj = self.objects.get(path)
        return copy.deepcopy(obj) if obj is not None else None

    async def apply(self, obj: dict[str, Any]) -> dict[str, Any]:
        path = object_path(obj)
        self.writes.append(("apply", path))
        old = self.objects.get(path)
        new = copy.deepcopy(obj)
        new["metadata"]["generation"] = (old or {"metadata": {"generation": 0}})["metadata"].get(
            "generation", 0
        ) + 1
        for key in ("labels", "annotations"):  # SSA keeps other managers' entries
            extra = {
                k: v
                for k, v in ((old or {}).get("metadata", {}).get(key) or {}).items()
                if k.startswith("other/")
            }
            if extra:
                new["metadata"].setdefault(key, {}).update(extra)
        if obj["kind"] == "Deployment":
            r = obj["spec"]["replicas"]
            new["status"] = {
                "observedGeneration": new["metadata"]["generation"],
                "replicas": r,
                "updatedReplicas": r,
                "availableReplicas": r,
            }
        if obj["kind"] == "Job" and (self.jobs_complete or self.jobs_fail):
            kind = "Failed" if self.jobs_fail else "Complete"
            new["status"] = {"conditions": [{"type": kind, "status": "True"}]}
        self.objects[path] = new
        return copy.deepcopy(new)

    async def merge_patch(self, path: str, patch: dict[str, Any]) -> dict[str, Any] | None:
        self.writes.append(("merge", path))
        obj = self.objects.get(path)
        if obj is None:
            return None
        merge_into(obj, patch)  # RFC 7386: nulls remove, maps merge, lists are replaced
        return copy.deepcopy(obj)

    async def watch_until(self, collection: str, name: str, done, *, within: float, current=None):
        # The fake world does not change by itself.
        return copy.deepcopy(current) if current is not None else await self.get(f"{collection}/{name}")

    async def delete(self, path: str, *, propagation: str = "Background") -> bool:
        self.writes.append(("delete", path))
        return self.objects.pop(path, None) is not None

    async def request(
        self, method: str, path: str, *, params=None, body=None, content_type: str = ""
    ) -> dict:
        if method == "GET":
            prefix = path + "/"
            return {"items": [copy.deepcopy(o) for p, o in self.objects.items() if p.startswith(prefix)]}
        self.writes.append((method.lower(), path))
        return {}

    async def close(self) -> None:
        pass


def merge_into(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge_into(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


class FakePostgres:
    def __init__(self) -> None:
        self.roles: dict[str, str] = {}
        self.orphaned: set[str] = set()
        self.nologin: set[str] = set()
        self.writes = 0

    async def inspect(self, ident: str, password: str) -> DatabaseState:
        exists = ident in self.roles
        return DatabaseState(exists, exists, self.roles.get(ident) == password, exists, exists, exists)

    async def ensure(
        self, ident: str, password: str, limits: object = None, cnpj: str | None = None
    ) -> list[str]:
        if self.roles.get(ident) == password and ident not in self.orphaned | self.nologin:
            return []
        self.writes += 1
        self.orphaned.discard(ident)
        self.nologin.discard(ident)  # like the real one: ensure sets LOGIN again
        changed = "set password" if ident in self.roles else "created role"
        self.roles[ident] = password
        return [changed]

    async def mark_orphaned(self, ident: str, note: str) -> None:
        self.orphaned.add(ident)

    async def disable_login(self, ident: str) -> list[str]:
        if ident not in self.roles or ident in self.nologin:
            return []
        self.nologin.add(ident)
        return ["role NOLOGIN"]

    async def drop(self, ident: str) -> list[str]:
        return ["database", "role"] if self.roles.pop(ident, None) else []

    async def close(self) -> None:
        pass


class FakeRedis:
    def __init__(self) -> None:
        self.users: dict[str, str] = {}
        self.off: set[str] = set()
        self.writes = 0

    async def ensure(self, user: str, name: str, password: str) -> list[str]:
        if self.users.get(user) == password and user not in self.off:
            return []
        self.writes += 1
        self.users[user] = password
        self.off.discard(user)
        return ["password"]

    async def disable(self, user: str) -> bool:
        if user not in self.users:
            return False
        self.off.add(user)
        return True

    async def delete(self, user: str, key_prefix: str) -> bool:
        return self.users.pop(user, None) is not None

    async def close(self) -> None:
        pass


class FakeVault:
    def __init__(self) -> None:
        self.data: dict[str, dict[str, str]] = {}
        self.error: VaultError | None = None
        self.roles_removed: set[str] = set()
        self.writes = 0
        #: What OPERATOR_VAULT_SMTP_PATH holds (None: no relay configured), or the error reading it.
        self.smtp_relay: dict[str, str] | None = None
        self.smtp_error: VaultError | None = None
        #: Tenants whose Transit key exists (created by ensure, destroyed only by Delete).
        self.transit_keys: set[str] = set()

    async def read_smtp_relay(self) -> dict[str, str] | None:
        if self.error or self.smtp_error:
            raise self.error or self.smtp_error  # type: ignore[misc]
        return self.smtp_relay

    async def read_app_env(self, name: str) -> dict[str, str] | None:
        if self.error:
            raise self.error
        return self.data.get(name)

    async def ensure(self, name: str, env: dict[str, str], cnpj: str | None = None) -> list[str]:
        if self.error:
            raise self.error
        if self.data.get(name) == env and name not in self.roles_removed and name in self.transit_keys:
            return []
        self.writes += 1
        self.data[name] = dict(env)
        self.roles_removed.discard(name)
        self.transit_keys.add(name)
        return ["KV data"]

    async def destroy_transit_key(self, name: str) -> bool:
        if name not in self.transit_keys:
            return False
        self.transit_keys.discard(name)
        return True

    async def remove_role(self, name: str) -> bool:
        if self.error:
            raise self.error
        self.roles_removed.add(name)
        return True

    async def delete(self, name: str) -> list[str]:
        self.data.pop(name, None)
        return ["KV data", "policy", "kubernetes auth role"]

    async def mark_orphaned(self, name: str, when: str, cnpj: str = "") -> None:
        pass

    async def close(self) -> None:
        pass


CONFIG_ENV = {
    "OPERATOR_PG_ADMIN_DSN": "postgresql://postgres:pw@127.0.0.1:5432/postgres",
    "OPERATOR_REDIS_ADMIN_URL": "redis://default:pw@127.0.0.1:6379/0",
    "OPERATOR_VAULT_ADDR": "http://127.0.0.1:8200",
    "OPERATOR_VAULT_TOKEN": "root",
    "OPERATOR_DEFAULT_APP_VERSION": "1.0.0",
}


@pytest.fixture
def world():
    config = OperatorConfig.from_env(CONFIG_ENV)
    runtime = Runtime(
        config=config, kube=FakeKube(), postgres=FakePostgres(), redis=FakeRedis(), vault=FakeVault()
    )  # type: ignore[arg-type]
    return runtime


class Tenant:
    """A ConsorcioTenant as Kopf would hand it over, with the status we keep writing back."""

    def __init__(self, **spec: Any) -> None:
        self.name = "acme"
        self.spec = {"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "professional", **spec}
        self.status: dict[str, Any] = {}
        self.generation = 1
        self.annotations: dict[str, str] = {}

    def change(self, **spec: Any) -> None:
        self.spec.update(spec)
        self.generation += 1

    async def reconcile(self, runtime: Runtime, trigger: str = "update"):
        result = await run_pass(
            runtime,
            name=self.name,
            spec=self.spec,
            status_now=copy.deepcopy(self.status),
            meta={"generation": self.generation, "annotations": self.annotations},
            trigger=trigger,
            wait_budget=0,
            logger=log,
        )
        self.status.update(copy.deepcopy(result.status_patch))
        return result

    def condition(self, type_: str) -> dict[str, Any]:
        return next(x for x in self.status["conditions"] if x["type"] == type_)


def ns_path(kind: str, name: str) -> str:
    return KINDS[kind].path(name, "tenant-acme")


async def test_first_pass_provisions_everything_and_reports_ready(world):
    t = Tenant()
    result = await t.reconcile(world, "create")
    assert result.failure is None
    assert {x["type"]: x["status"] for x in t.status["conditions"]} == {
        **{type_: "True" for type_ in c.STEP_CONDITION_TYPES},
        "Ready": "True",
        "DriftDetected": "False",
        "Suspended": "False",
    }
    assert (t.status["plan"], t.status["suspended"]) == ("professional", False)
    assert t.status["url"] == "https://acme.consorcio.localhost"
    assert t.status["appVersion"] == "1.0.0" and t.status["schemaRevision"]
    assert t.status["observedGeneration"] == 1
    kube = world.kube
    for kind, name in [
        ("ResourceQuota", names.RESOURCE_QUOTA),
        ("LimitRange", names.LIMIT_RANGE),
        ("NetworkPolicy", "default-deny"),
        ("Secret", names.APP_SECRET),
        ("ServiceAccount", names.SERVICE_ACCOUNT),
        ("Deployment", names.APP_DEPLOYMENT),
        ("Deployment", names.WORKER_DEPLOYMENT),
        ("Service", names.APP_SERVICE),
        ("Ingress", names.APP_INGRESS),
        ("HorizontalPodAutoscaler", names.APP_HPA),
        ("PodDisruptionBudget", names.APP_PDB),
    ]:
        assert ns_path(kind, name) in kube.objects, kind
    assert KINDS["Namespace"].path("tenant-acme") in kube.objects
    assert world.vault.data["acme"]["TENANT_SLUG"] == "acme"
    assert any(e[1] == "Ready" and "Ready is True" in e[2] for e in result.events)
    assert not any("Suspended is" in e[2] for e in result.events)  # never suspended: no news


async def test_a_second_pass_in_sync_writes_nothing_anywhere(world):
    t = Tenant()
    await t.reconcile(world, "create")
    writes = len(world.kube.writes), world.postgres.writes, world.redis.writes, world.vault.writes
    result = await t.reconcile(world, "timer")
    assert result.status_patch == {}
    assert result.events == []
    assert (len(world.kube.writes), world.postgres.writes, world.redis.writes, world.vault.writes) == writes


async def test_credentials_survive_re_runs_and_rotate_only_on_request(world):
    t = Tenant()
    await t.reconcile(world, "create")
    password = world.postgres.roles["tenant_acme"]
    await t.reconcile(world, "timer")
    assert world.postgres.roles["tenant_acme"] == password
    t.annotations[names.ROTATE_ANNOTATION] = "2026-11-23"
    result = await t.reconcile(world, "update")
    assert world.postgres.roles["tenant_acme"] != password
    assert (
        world.redis.users["tenant-acme"] == world.postgres.roles["tenant_acme"] or True
    )  # independent secrets
    assert t.status["credentialsRotation"] == "2026-11-23"
    assert any("rotated" in e[2] for e in result.events)
    rotated = world.postgres.roles["tenant_acme"]
    await t.reconcile(world, "timer")
    assert world.postgres.roles["tenant_acme"] == rotated


async def test_a_lost_secret_is_recovered_from_vault_without_rotation(world):
    t = Tenant()
    await t.reconcile(world, "create")
    password = world.postgres.roles["tenant_acme"]
    del world.kube.objects[ns_path("Secret", names.APP_SECRET)]
    result = await t.reconcile(world, "timer")
    assert world.postgres.roles["tenant_acme"] == password
    assert ns_path("Secret", names.APP_SECRET) in world.kube.objects
    assert ("Normal", "DriftRepaired", "1 change: Secret 1 (tenant-acme/tenant-app-env)") in result.events


async def test_drift_is_repaired_and_reported(world):
    t = Tenant()
    await t.reconcile(world, "create")
    del world.kube.objects[ns_path("Deployment", names.APP_DEPLOYMENT)]
    del world.kube.objects[ns_path("NetworkPolicy", "default-deny")]
    world.kube.objects[ns_path("ResourceQuota", names.RESOURCE_QUOTA)]["spec"]["hard"]["pods"] = "999"
    world.redis.users.clear()
    result = await t.reconcile(world, "timer")
    (repair,) = [e for e in result.events if e[1] == "DriftRepaired"]
    assert repair[2] == (
        "4 changes: ResourceQuota 1 (tenant-acme/tenant-quota: spec.hard.pods); "
        "NetworkPolicy 1 (tenant-acme/default-deny); Redis user 1 (tenant-acme: set password); "
        "Deployment 1 (tenant-acme/tenant-app)"
    )
    assert not [e for e in result.events if e[1] in ("Created", "Updated")]
    assert world.kube.objects[ns_path("ResourceQuota", names.RESOURCE_QUOTA)]["spec"]["hard"]["pods"] == "50"
    assert result.status_patch == {}  # still Ready: nothing to write in the status


async def test_plan_change_resizes_quota_hpa_and_pdb(world):
    t = Tenant(plan="starter")
    await t.reconcile(world, "create")
    t.change(plan="enterprise")
    await t.reconcile(world)
    objs = world.kube.objects
    assert objs[ns_path("ResourceQuota", names.RESOURCE_QUOTA)]["spec"]["hard"]["pods"] == "200"
    assert objs[ns_path("HorizontalPodAutoscaler", names.APP_HPA)]["spec"]["maxReplicas"] == 20
    assert objs[ns_path("PodDisruptionBudget", names.APP_PDB)]["spec"]["minAvailable"] == 2
    assert objs[ns_path("Deployment", names.APP_DEPLOYMENT)]["spec"]["replicas"] == 3
    assert (
        objs[KINDS["Namespace"].path("tenant-acme")]["metadata"]["labels"][names.PLAN_LABEL] == "enterprise"
    )
    assert t.condition("Ready")["status"] == "True" and t.status["observedGeneration"] == 2
    assert t.status["plan"] == "enterprise"


async def refuse_connection(*args: object, **_: object) -> list[str]:
    raise ConnectionRefusedError(111, "Connection refused")


async def test_status_plan_is_the_plan_of_the_last_complete_pass(world):
    t = Tenant(plan="starter")
    await t.reconcile(world, "create")
    world.postgres.ensure = refuse_connection  # type: ignore[method-assign]
    t.change(plan="enterprise")
    result = await t.reconcile(world)
    assert result.failure is not None
    assert t.status["plan"] == "starter"  # not every component is sized for enterprise yet
    del world.postgres.ensure
    await t.reconcile(world)
    assert t.status["plan"] == "enterprise"


async def test_suspend_scales_to_zero_and_resume_restores(world):
    t = Tenant()
    await t.reconcile(world, "create")
    t.change(suspended=True)
    result = await t.reconcile(world)
    assert result.failure is None
    objs = world.kube.objects
    assert objs[ns_path("Deployment", names.APP_DEPLOYMENT)]["spec"]["replicas"] == 0
    assert objs[ns_path("Deployment", names.WORKER_DEPLOYMENT)]["spec"]["replicas"] == 0
    # Stopped on purpose is the spec met: Ready stays True (no page), Suspended says why.
    assert (t.condition("Ready")["status"], t.condition("Ready")["reason"]) == ("True", "Suspended")
    assert (t.condition("Suspended")["status"], t.condition("Suspended")["reason"]) == ("True", "Suspended")
    assert (t.condition("AppAvailable")["status"], t.condition("AppAvailable")["reason"]) == (
        "False",
        "Suspended",
    )
    assert t.status["suspended"] is True
    assert not any(kind == "Warning" for kind, _, _ in result.events)
    assert world.postgres.roles["tenant_acme"]  # data kept
    t.change(suspended=False)
    result = await t.reconcile(world)
    assert objs[ns_path("Deployment", names.APP_DEPLOYMENT)]["spec"]["replicas"] == 2
    assert objs[ns_path("Deployment", names.WORKER_DEPLOYMENT)]["spec"]["replicas"] == 2
    assert (t.condition("Ready")["status"], t.condition("Ready")["reason"]) == ("True", "Ready")
    assert (t.condition("Suspended")["status"], t.condition("Suspended")["reason"]) == ("False", "Active")
    assert t.status["suspended"] is False
    assert not any(kind == "Warning" for kind, _, _ in result.events)


async def test_a_suspended_tenant_with_a_failing_step_is_not_ready_and_suspending(world):
    t = Tenant()
    await t.reconcile(world, "create")
    world.postgres.ensure = refuse_connection  # type: ignore[method-assign]
    t.change(suspended=True)
    await t.reconcile(world)
    assert (t.condition("Ready")["status"], t.condition("Ready")["reason"]) == (
        "False",
        "DatabaseUnavailable",
    )
    assert (t.condition("Suspended")["status"], t.condition("Suspended")["reason"]) == (
        "True",
        "Suspending",
    )
    assert t.status["suspended"] is False  # the workloads were not scaled down yet


async def test_vault_failing_is_reported_without_falling_back_to_a_plain_secret(world):
    world.vault.error = VaultError("VaultSealed", "Vault is sealed")
    t = Tenant()
    result = await t.reconcile(world, "create")
    assert result.failure is not None and not result.failure.permanent
    assert (t.condition("SecretsReady")["status"], t.condition("SecretsReady")["reason"]) == (
        "False",
        "VaultSealed",
    )
    assert t.condition("Ready")["reason"] == "VaultSealed"
    assert ns_path("Secret", names.APP_SECRET) not in world.kube.objects
    assert not any(x["type"] == "AppAvailable" for x in t.status["conditions"])
    world.vault.error = None
    await t.reconcile(world)
    assert t.condition("Ready")["status"] == "True"


async def test_the_platform_smtp_relay_in_vault_reaches_the_tenants_environment(world):
    """Production e-mail: the relay (Amazon SES) is read from Vault and written into the
    tenant's SMTP_* variables, in Vault and in the Secret; a rotation rolls the pods."""
    world.vault.smtp_relay = {
        "host": "email-smtp.sa-east-1.amazonaws.com",
        "port": "587",
        "username": "AKIAEXAMPLE",
        "password": "ses-smtp-password",
        "tls": "starttls",
    }
    t = Tenant()
    await t.reconcile(world, "create")
    env = world.vault.data["acme"]
    assert {k: v for k, v in env.items() if k.startswith("SMTP_")} == {
        "SMTP_HOST": "email-smtp.sa-east-1.amazonaws.com",
        "SMTP_PORT": "587",
        "SMTP_TLS": "starttls",
        "SMTP_USERNAME": "AKIAEXAMPLE",
        "SMTP_PASSWORD": "ses-smtp-password",
    }
    assert t.condition("Ready")["status"] == "True"
    world.vault.smtp_relay = {**world.vault.smtp_relay, "password": "rotated"}
    await t.reconcile(world, "timer")
    assert world.vault.data["acme"]["SMTP_PASSWORD"] == "rotated"


async def test_a_missing_or_broken_smtp_relay_is_named_not_silent(world):
    world.vault.smtp_error = VaultError("SmtpRelayMissing", "no SMTP relay at secret/consorcio/smtp")
    t = Tenant()
    await t.reconcile(world, "create")
    assert (t.condition("SecretsReady")["status"], t.condition("SecretsReady")["reason"]) == (
        "False",
        "SmtpRelayMissing",
    )
    world.vault.smtp_error = None
    world.vault.smtp_relay = {"host": "smtp.example", "port": "25x"}
    await t.reconcile(world, "timer")
    assert t.condition("SecretsReady")["reason"] == "SmtpRelayInvalid"
    assert "port" in t.condition("SecretsReady")["message"]


async def test_vault_disabled_means_kubernetes_secret_only(world):
    world.vault = None
    t = Tenant()
    await t.reconcile(world, "create")
    assert "Vault disabled" in t.condition("SecretsReady")["message"]
    assert t.condition("Ready")["status"] == "True"


async def test_invalid_cnpj_is_a_permanent_condition_without_side_effects(world):
    t = Tenant(cnpj="11.222.333/0001-82")
    result = await t.reconcile(world, "create")
    assert result.failure is not None and result.failure.permanent
    ready = t.condition("Ready")
    assert (ready["status"], ready["reason"]) == ("False", "InvalidSpec")
    assert "check digits" in ready["message"]
    assert world.kube.writes == [] and world.postgres.roles == {}
    again = await t.reconcile(world, "timer")
    assert again.status_patch == {} and again.events == []  # no storm: nothing rewritten


async def test_the_app_is_not_rolled_before_the_new_version_migrated(world):
    t = Tenant(appVersion="1.0.0")
    await t.reconcile(world, "create")
    world.kube.jobs_complete = False
    t.change(appVersion="1.1.0")
    result = await t.reconcile(world)
    assert result.failure is not None and result.failure.reason == "MigrationRunning"
    image = world.kube.objects[ns_path("Deployment", names.APP_DEPLOYMENT)]["spec"]["template"]["spec"][
        "containers"
    ][0]["image"]
    assert image.endswith(":1.0.0")
    assert t.status["appVersion"] == "1.0.0"
    job_path = next(p for p in world.kube.objects if "/jobs/" in p and "1-1-0" in p)
    world.kube.objects[job_path]["status"] = {"conditions": [{"type": "Complete", "status": "True"}]}
    await t.reconcile(world)
    image = world.kube.objects[ns_path("Deployment", names.APP_DEPLOYMENT)]["spec"]["template"]["spec"][
        "containers"
    ][0]["image"]
    assert image.endswith(":1.1.0") and t.status["appVersion"] == "1.1.0"
    assert t.status["schemaRevision"] == "app-1.1.0"
    assert not any("/jobs/" in p and "1-0-0" in p for p in world.kube.objects)  # old Job cleaned up


async def test_a_failed_migration_is_permanent_until_the_spec_changes(world):
    world.kube.jobs_fail = True
    t = Tenant()
    result = await t.reconcile(world, "create")
    assert result.failure is not None and result.failure.permanent
    assert t.condition("MigrationsComplete")["reason"] == "MigrationFailed"


async def test_retain_marks_what_is_kept_as_orphaned(world):
    t = Tenant(deletionPolicy="Retain")
    await t.reconcile(world, "create")
    policy, _ = await deletion.delete_tenant(world, name="acme", spec=t.spec, meta={}, logger=log)
    assert policy == "Retain"
    ns = world.kube.objects[KINDS["Namespace"].path("tenant-acme")]
    assert ns["metadata"]["labels"][names.ORPHANED_LABEL] == "true"
    assert (
        world.kube.objects[ns_path("Secret", names.APP_SECRET)]["metadata"]["labels"][names.ORPHANED_LABEL]
        == "true"
    )
    assert "tenant_acme" in world.postgres.orphaned and world.redis.users
    # Stopped: nothing serves it and no credential works, the data stays.
    assert_stopped(world)
    # A new ConsorcioTenant of the same name adopts the data with the same credentials.
    password = world.postgres.roles["tenant_acme"]
    again = Tenant()
    await again.reconcile(world, "create")
    assert names.ORPHANED_LABEL not in ns["metadata"]["labels"]
    assert world.postgres.roles["tenant_acme"] == password and not world.postgres.orphaned
    assert not world.postgres.nologin and not world.redis.off and not world.vault.roles_removed
    assert ns_path("Ingress", names.APP_INGRESS) in world.kube.objects
    assert world.kube.objects[ns_path("Deployment", names.WORKER_DEPLOYMENT)]["spec"]["replicas"] > 0


def assert_stopped(world) -> None:
    for deployment in (names.APP_DEPLOYMENT, names.WORKER_DEPLOYMENT):
        assert world.kube.objects[ns_path("Deployment", deployment)]["spec"]["replicas"] == 0
    assert ns_path("Ingress", names.APP_INGRESS) not in world.kube.objects
    assert world.postgres.nologin == {"tenant_acme"} and world.redis.off == {"tenant-acme"}
    assert world.vault.roles_removed == {"acme"}


async def test_delete_within_the_grace_period_stops_the_tenant_and_destroys_nothing(world):
    t = Tenant(deletionPolicy="Delete", deletionGracePeriodDays=7)
    await t.reconcile(world, "create")
    meta = {"deletionTimestamp": "2026-12-06T10:00:00Z"}
    outcome = await deletion.delete_tenant(
        world, name="acme", spec=t.spec, meta=meta, logger=log, now=datetime(2026, 12, 13, 9, 59, tzinfo=UTC)
    )
    assert isinstance(outcome, deletion.Pending)
    assert outcome.destruction.status("PendingDeletion")["scheduledAt"] == "2026-12-13T10:00:00Z"
    assert_stopped(world)
    assert world.postgres.roles and world.vault.data and world.redis.users
    assert KINDS["Namespace"].path("tenant-acme") in world.kube.objects
    # Once the date is reached the policy is carried out.
    policy, _ = await deletion.delete_tenant(
        world, name="acme", spec=t.spec, meta=meta, logger=log, now=datetime(2026, 12, 13, 10, tzinfo=UTC)
    )
    assert policy == "Delete" and world.postgres.roles == {} and world.vault.data == {}


async def test_patching_the_policy_to_retain_cancels_the_destruction(world):
    t = Tenant(deletionPolicy="Delete", deletionGracePeriodDays=7)
    await t.reconcile(world, "create")
    meta = {"deletionTimestamp": "2026-12-06T10:00:00Z"}
    far_later = datetime(2027, 1, 1, tzinfo=UTC)
    policy, _ = await deletion.delete_tenant(
        world, name="acme", spec=t.spec | {"deletionPolicy": "Retain"}, meta=meta, logger=log, now=far_later
    )
    assert policy == "Retain" and world.postgres.roles and "tenant_acme" in world.postgres.orphaned


async def test_delete_drops_everything(world):
    t = Tenant(deletionPolicy="Delete", deletionGracePeriodDays=0)
    await t.reconcile(world, "create")
    policy, summary = await deletion.delete_tenant(world, name="acme", spec=t.spec, meta={}, logger=log)
    assert policy == "Delete" and "namespace tenant-acme deleted" in summary
    assert KINDS["Namespace"].path("tenant-acme") not in world.kube.objects
    assert world.postgres.roles == {} and world.redis.users == {} and world.vault.data == {}
    # Crypto-shredding: the personal data in every backup of the tenant is unreadable.
    assert world.vault.transit_keys == set() and "Transit key tenant-acme destroyed" in summary


async def test_snapshot_and_retain_keep_the_transit_key(world):
    """Snapshot drops like Delete but keeps the key its snapshot's wrapped data key needs."""
    t = Tenant(deletionPolicy="Retain")
    await t.reconcile(world, "create")
    await deletion.delete_tenant(world, name="acme", spec=t.spec, meta={}, logger=log)
    assert world.vault.transit_keys == {"acme"}
    summary = await deletion.drop_everything(world, "acme")  # what Snapshot runs after the dump
    assert world.vault.data == {} and world.vault.transit_keys == {"acme"} and "Transit" not in summary


async def test_deleting_the_crd_never_drops_tenant_data(world):
    t = Tenant(deletionPolicy="Delete")
    await t.reconcile(world, "create")
    world.kube.objects[CRD_PATH]["metadata"]["deletionTimestamp"] = "2026-11-23T10:00:00Z"
    policy, _ = await deletion.delete_tenant(world, name="acme", spec=t.spec, meta={}, logger=log)
    assert policy == "Orphaned"
    assert KINDS["Namespace"].path("tenant-acme") in world.kube.objects
    assert world.postgres.roles and world.redis.users and world.vault.data
    assert "tenant_acme" in world.postgres.orphaned and world.vault.transit_keys == {"acme"}


async def test_unreadable_deletion_policy_counts_as_retain(world):
    assert deletion.effective_policy({"deletionPolicy": "Purge"}).value == "Retain"
    assert deletion.effective_policy({}).value == "Retain"


async def test_database_down_is_a_retryable_false_condition(world):
    class DownPostgres(FakePostgres):
        async def ensure(
            self, ident: str, password: str, limits: object = None, cnpj: str | None = None
        ) -> list[str]:
            raise ConnectionRefusedError(111, "Connection refused")

    world.postgres = DownPostgres()
    t = Tenant()
    result = await t.reconcile(world, "create")
    assert result.failure is not None and not result.failure.permanent and result.failure.delay is None
    cond = t.condition("DatabaseReady")
    assert (cond["status"], cond["reason"]) == ("False", "DatabaseUnavailable")
    assert "Connection refused" in cond["message"]
    assert t.condition("Ready")["reason"] == "DatabaseUnavailable"
    assert any(e[0] == "Warning" and e[1] == "DatabaseUnavailable" for e in result.events)


async def test_an_api_conflict_is_retried_not_fatal(world):
    from tenant_operator.kube.client import KubeApiError

    class ConflictKube(FakeKube):
        async def apply(self, obj):
            if obj["kind"] == "LimitRange":
                raise KubeApiError(409, "Conflict", "the object has been modified")
            return await super().apply(obj)

    world.kube = ConflictKube()
    t = Tenant()
    result = await t.reconcile(world, "create")
    assert result.failure is not None and not result.failure.permanent
    assert t.condition("NamespaceReady")["reason"] == "Conflict"


async def test_a_rejected_object_is_permanent_but_forbidden_is_not(world):
    from tenant_operator.kube.client import KubeApiError

    class RejectingKube(FakeKube):
        status = 422

        async def apply(self, obj):
            raise KubeApiError(self.status, "Invalid", "spec.hard: invalid")

    world.kube = RejectingKube()
    result = await Tenant().reconcile(world, "create")
    assert result.failure is not None and result.failure.permanent
    RejectingKube.status = 403
    result = await Tenant().reconcile(world, "create")
    assert result.failure is not None and not result.failure.permanent
    assert result.failure.reason == "Forbidden"


async def test_retain_is_not_held_hostage_by_an_unavailable_vault(world):
    t = Tenant(deletionPolicy="Retain")
    await t.reconcile(world, "create")

    async def sealed(name: str, when: str, cnpj: str = "") -> None:
        raise VaultError("VaultSealed", "sealed")

    world.vault.mark_orphaned = sealed
    policy, summary = await deletion.delete_tenant(world, name="acme", spec=t.spec, meta={}, logger=log)
    assert policy == "Retain" and "not marked orphaned (VaultSealed" in summary
    assert world.vault.data["acme"]  # kept


async def test_a_host_another_tenant_owns_is_a_permanent_conflict_without_ingress(world):
    world._hosts = HostClaimIndex(world.kube, world.config.workload.base_domain, max_age=0)
    rival_path = KINDS["ConsorcioTenant"].path("rival")
    world.kube.objects[rival_path] = {
        "metadata": {"name": "rival", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"host": "portal.acme.com.br"},
    }
    t = Tenant(host="portal.acme.com.br")
    result = await t.reconcile(world, "create")
    assert result.failure is not None and result.failure.permanent  # no Kopf retries
    app = t.condition("AppAvailable")
    assert (app["status"], app["reason"]) == ("False", "HostConflict")
    assert "ConsorcioTenant rival" in app["message"] and "portal.acme.com.br" in app["message"]
    assert (t.condition("Ready")["status"], t.condition("Ready")["reason"]) == ("False", "HostConflict")
    assert t.condition("DatabaseReady")["status"] == "True"  # everything before the workload is there
    assert ns_path("Ingress", names.APP_INGRESS) not in world.kube.objects
    assert ns_path("Deployment", names.APP_DEPLOYMENT) not in world.kube.objects
    assert any(e[0] == "Warning" and e[1] == "HostConflict" for e in result.events)

    writes = len(world.kube.writes)
    again = await t.reconcile(world, "timer")
    assert again.status_patch == {} and again.events == [] and len(world.kube.writes) == writes

    # The rival moves to another host: the next timer pass recovers the tenant.
    world.kube.objects[rival_path]["spec"]["host"] = "rival.example.com"
    await t.reconcile(world, "timer")
    assert t.condition("Ready")["status"] == "True"
    assert world.kube.objects[ns_path("Ingress", names.APP_INGRESS)]["spec"]["rules"][0]["host"] == (
        "portal.acme.com.br"
    )


async def test_a_tenant_that_loses_its_host_loses_its_ingress(world):
    world._hosts = HostClaimIndex(world.kube, world.config.workload.base_domain, max_age=0)
    t = Tenant(host="shared.example.com")
    await t.reconcile(world, "create")
    assert ns_path("Ingress", names.APP_INGRESS) in world.kube.objects
    # A tenant already serving the host (say, both predate host checks) owns it.
    world.kube.objects[KINDS["ConsorcioTenant"].path("owner")] = {
        "metadata": {"name": "owner", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"host": "shared.example.com"},
        "status": {
            "url": "https://shared.example.com",
            "conditions": [{"type": "AppAvailable", "status": "True", "reason": "AppAvailable"}],
        },
    }
    result = await t.reconcile(world, "timer")
    assert t.condition("AppAvailable")["reason"] == "HostConflict"
    assert ns_path("Ingress", names.APP_INGRESS) not in world.kube.objects
    assert ("delete", ns_path("Ingress", names.APP_INGRESS)) in world.kube.writes
    assert any("Ingress 1 (tenant-acme/tenant-app: deleted (host" in e[2] for e in result.events)


async def test_a_new_tenant_reads_nothing_inside_the_namespace_it_just_created(world):
    t = Tenant()
    await t.reconcile(world, "create")
    inside = [p for p in world.kube.reads if "/namespaces/tenant-acme/" in p]
    assert inside == []  # every object there was created without a GET first
    assert t.condition("Ready")["status"] == "True"
    # The next pass compares every object with its live state again.
    world.kube.reads.clear()
    await t.reconcile(world, "timer")
    assert ns_path("Secret", names.APP_SECRET) in world.kube.reads
    assert ns_path("NetworkPolicy", "default-deny") in world.kube.reads


# --- exact repair, DriftDetected, classified Events -------------------------------------------------


async def test_a_loosened_network_policy_is_put_back_exactly(world):
    t = Tenant()
    await t.reconcile(world, "create")
    path = ns_path("NetworkPolicy", "default-deny")
    desired_spec = copy.deepcopy(world.kube.objects[path]["spec"])
    world.kube.objects[path]["spec"].update(ingress=[{}], egress=[{}])  # kubectl patch --type=merge
    writes = len(world.kube.writes)
    result = await t.reconcile(world, "repair")
    assert world.kube.objects[path]["spec"] == desired_spec
    assert world.kube.writes[writes:] == [("merge", path)]  # SSA alone cannot remove another manager's rules
    assert (
        "Normal",
        "DriftRepaired",
        "1 change: NetworkPolicy 1 (tenant-acme/default-deny: spec.ingress, spec.egress)",
    ) in (result.events)
    again = await t.reconcile(world, "timer")
    assert again.events == [] and len(world.kube.writes) == writes + 1


async def test_a_successful_pass_clears_drift_detected(world):
    t = Tenant()
    await t.reconcile(world, "create")
    drift = t.condition("DriftDetected")
    assert (drift["status"], drift["reason"]) == ("False", "InSync")
    t.status["conditions"] = [
        {**x, "status": "True", "reason": "ObjectDeleted"} if x["type"] == "DriftDetected" else x
        for x in t.status["conditions"]
    ]
    del world.kube.objects[ns_path("Deployment", names.APP_DEPLOYMENT)]
    result = await t.reconcile(world, "repair")
    assert (t.condition("DriftDetected")["status"], t.condition("DriftDetected")["reason"]) == (
        "False",
        "InSync",
    )
    assert result.status_patch.keys() == {"conditions"}
    assert not [e for e in result.events if e[1] == "InSync"]  # the DriftRepaired Event says it


async def test_first_creation_and_plan_changes_are_not_counted_as_repairs(world):
    t = Tenant(plan="starter")
    created = await t.reconcile(world, "create")
    reasons = [e[1] for e in created.events]
    assert "Created" in reasons and "DriftRepaired" not in reasons and "Updated" not in reasons
    (message,) = [e[2] for e in created.events if e[1] == "Created"]
    assert re.match(r"\d+ changes: Namespace 1 \(tenant-acme\); ", message)
    assert "NetworkPolicy 4 (" in message and "Deployment 2 (" in message
    t.change(plan="enterprise")
    updated = await t.reconcile(world, "update")
    assert [e[1] for e in updated.events if e[1] in report.REASONS] == ["Updated"]
    (message,) = [e[2] for e in updated.events if e[1] == "Updated"]
    assert "ResourceQuota 1 (tenant-acme/tenant-quota: " in message and "spec.hard" in message


async def test_every_owned_object_has_an_expectation_for_the_watch(world):
    t = Tenant()
    await t.reconcile(world, "create")
    kinds = {key[0] for key in world.expectations._by_key}
    assert {kind.kind for kind in WATCHED_KINDS} <= kinds
    app = world.expectations.get(("Deployment", "tenant-acme", names.APP_DEPLOYMENT))
    assert app is not None and app.replica_bounds == (2, 6)
    worker = world.expectations.get(("Deployment", "tenant-acme", names.WORKER_DEPLOYMENT))
    assert worker is not None and worker.replica_bounds is None
