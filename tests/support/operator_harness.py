"""Running the real operator from tests and benchmarks (like ``kopf.testing``).

Lives under tests/ (it reads the repository's charts): nothing shipped imports it.

The operator runs as a subprocess (``python -m tenant_operator run``) so a
test can kill it mid-provisioning and start another, and it runs as a
ServiceAccount bound to exactly the chart's ClusterRole rules, not as
cluster admin. It is an *instance* (``OPERATOR_INSTANCE``): it handles only
ConsorcioTenants labelled for it, so a developer's ``make up`` operator and
the test operator never handle the same tenant.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from tenant_operator import names

from consorcio_contract import crd_identity, tenant_resource
from consorcio_contract.identifiers import format_cnpj
from consorcio_contract.identifiers.check_digits import mod11_digit
from consorcio_contract.identifiers.cnpj import FIRST_WEIGHTS, SECOND_WEIGHTS

REPO_ROOT = Path(__file__).resolve().parents[2]
RBAC_RULES_FILE = REPO_ROOT / "charts" / "consorcio-operator" / "files" / "clusterrole-rules.yaml"
TENANT_RULES_FILE = REPO_ROOT / "charts" / "consorcio-operator" / "files" / "tenant-role-rules.yaml"
CONFINEMENT_FILE = REPO_ROOT / "charts" / "consorcio-operator" / "files" / "operator-confinement.yaml"
CRD_FILE = REPO_ROOT / "charts" / "consorcio-operator" / "crds" / f"{crd_identity.CRD_NAME}.yaml"
ADMISSION_POLICY_FILE = REPO_ROOT / "charts" / "consorcio-operator" / "files" / "deletion-protection.yaml"

T = TypeVar("T")


class WaitTimeout(AssertionError):
    """What was awaited did not happen in time."""


def wait_until(check: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.1) -> T:
    """Poll ``check`` until it returns something truthy; its value is returned."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            value = check()
            if value:
                return value
        except Exception as err:  # the API may answer 404 until the object exists
            last_error = err
        if time.monotonic() > deadline:
            raise WaitTimeout(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last_error})")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- RBAC: a ServiceAccount bound to exactly the chart's ClusterRole rules ---------


def load_rbac_rules(tenant_role: str = "TENANT_ROLE_NAME") -> list[dict[str, Any]]:
    """The cluster-wide rules the chart installs (charts/consorcio-operator/files/clusterrole-rules.yaml),
    with the tenant role's name filled in as the chart does."""
    rules = yaml.safe_load(RBAC_RULES_FILE.read_text().replace("TENANT_ROLE_NAME", tenant_role))
    if not isinstance(rules, list):
        raise ValueError(f"{RBAC_RULES_FILE} must be a YAML list of rules")
    return rules


def load_tenant_rules() -> list[dict[str, Any]]:
    """The rules the operator binds to itself in each tenant namespace (files/tenant-role-rules.yaml)."""
    rules = yaml.safe_load(TENANT_RULES_FILE.read_text())
    if not isinstance(rules, list):
        raise ValueError(f"{TENANT_RULES_FILE} must be a YAML list of rules")
    return rules


def confinement_policy(sa_namespace: str, sa_name: str, tenant_role: str) -> list[dict[str, Any]]:
    """files/operator-confinement.yaml filled in as templates/operator-confinement.yaml does."""
    text = (
        CONFINEMENT_FILE.read_text()
        .replace("OPERATOR_SA_NAMESPACE", sa_namespace)
        .replace("OPERATOR_SA_NAME", sa_name)
        .replace("TENANT_ROLE_NAME", tenant_role)
    )
    return [doc for doc in yaml.safe_load_all(text) if doc]


def rbac_env_file(kubeconfig: Path) -> Path:
    """Beside an operator kubeconfig: the OPERATOR_* variables of its identity (OperatorProcess reads it)."""
    return kubeconfig.with_name(kubeconfig.name + ".env.yaml")


@dataclass
class OperatorIdentity:
    """The ServiceAccount, ClusterRoles, binding and admission policy an operator instance runs as."""

    namespace: str
    service_account: str
    cluster_role: str
    kubeconfig: Path

    @property
    def tenant_role(self) -> str:
        return f"{self.cluster_role}-tenant"

    @property
    def env(self) -> dict[str, str]:
        """What the chart's Deployment sets for the per-tenant RoleBinding."""
        return {
            "OPERATOR_TENANT_ROLE": self.tenant_role,
            "OPERATOR_SERVICE_ACCOUNT_NAMESPACE": self.namespace,
            "OPERATOR_SERVICE_ACCOUNT_NAME": self.service_account,
        }

    def delete(self, api_client: Any) -> None:
        from kubernetes import client

        rbac = client.RbacAuthorizationV1Api(api_client)
        admission = client.AdmissionregistrationV1Api(api_client)
        policy = f"consorcio-operator-confinement-{self.namespace}"
        for delete in (
            lambda: admission.delete_validating_admission_policy_binding(policy),
            lambda: admission.delete_validating_admission_policy(policy),
            lambda: rbac.delete_cluster_role_binding(self.cluster_role),
            lambda: rbac.delete_cluster_role(self.cluster_role),
            lambda: rbac.delete_cluster_role(self.tenant_role),
            lambda: client.CoreV1Api(api_client).delete_namespace(self.namespace),
        ):
            try:
                delete()
            except client.ApiException as err:
                if err.status != 404:
                    raise


def create_operator_identity(
    api_client: Any, admin_kubeconfig: Path, out_dir: Path, *, suffix: str, token_seconds: int = 4 * 3600
) -> OperatorIdentity:
    """ServiceAccount + the chart's two ClusterRoles (cluster-wide rules bound, tenant rules for the
    operator to bind per tenant namespace) + the confinement admission policy, and a kubeconfig
    holding a TokenRequest token for that ServiceAccount."""
    from kubernetes import client

    core = client.CoreV1Api(api_client)
    rbac = client.RbacAuthorizationV1Api(api_client)
    ns = f"consorcio-operator-{suffix}"
    sa = "consorcio-operator"
    role = f"consorcio-operator-{suffix}"
    core.create_namespace({"metadata": {"name": ns, "labels": {"consorcio.io/test": "true"}}})
    core.create_namespaced_service_account(ns, {"metadata": {"name": sa}})
    identity = OperatorIdentity(ns, sa, role, out_dir / f"operator-{suffix}.kubeconfig")
    rbac.create_cluster_role({"metadata": {"name": role}, "rules": load_rbac_rules(identity.tenant_role)})
    rbac.create_cluster_role({"metadata": {"name": identity.tenant_role}, "rules": load_tenant_rules()})
    rbac.create_cluster_role_binding(
        {
            "metadata": {"name": role},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": ns}],
        }
    )
    admission = client.AdmissionregistrationV1Api(api_client)
    policy, binding = confinement_policy(ns, sa, identity.tenant_role)
    admission.create_validating_admission_policy(policy)
    admission.create_validating_admission_policy_binding(binding)
    token = core.create_namespaced_service_account_token(
        sa, ns, {"spec": {"expirationSeconds": token_seconds}}
    ).status.token
    admin = yaml.safe_load(admin_kubeconfig.read_text())
    cluster = admin["clusters"][0]["cluster"]
    kubeconfig = identity.kubeconfig
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "devstack", "cluster": cluster}],
                "users": [{"name": sa, "user": {"token": token}}],
                "contexts": [{"name": "operator", "context": {"cluster": "devstack", "user": sa}}],
                "current-context": "operator",
            }
        )
    )
    kubeconfig.chmod(0o600)
    rbac_env_file(kubeconfig).write_text(yaml.safe_dump(identity.env))
    return identity


def apply_crd(admin_kubeconfig: Path, kubectl: str) -> None:
    """Server-side apply of the chart's CRD (as an SRE or Helm would) and wait until it is served."""
    base = [kubectl, f"--kubeconfig={admin_kubeconfig}"]
    subprocess.run([*base, "apply", "--server-side", "--force-conflicts", "-f", str(CRD_FILE)], check=True)
    # The deletion-protection ValidatingAdmissionPolicy the chart installs with it.
    subprocess.run(
        [*base, "apply", "--server-side", "--force-conflicts", "-f", str(ADMISSION_POLICY_FILE)], check=True
    )
    subprocess.run(
        [*base, "wait", "--for=condition=Established", f"crd/{crd_identity.CRD_NAME}", "--timeout=60s"],
        check=True,
    )
    from kubernetes import config

    from tests.support.crds import wait_until_protection_enforced

    api_client = config.new_client_from_config(str(admin_kubeconfig))
    try:
        wait_until_protection_enforced(api_client)
    finally:
        api_client.close()


# --- the operator process -----------------------------------------------------------


def devstack_operator_env(stack_env: Mapping[str, str], *, backup_dir: Path) -> dict[str, str]:
    """OPERATOR_* variables pointing at devstack's PostgreSQL, Redis, Vault and S3 server."""
    s3 = {}
    if stack_env.get("AWS_ENDPOINT_URL_S3"):
        s3 = {
            "OPERATOR_S3_ENDPOINT": stack_env["AWS_ENDPOINT_URL_S3"],
            "OPERATOR_S3_ADMIN_ACCESS_KEY_ID": stack_env["AWS_ACCESS_KEY_ID"],
            "OPERATOR_S3_ADMIN_SECRET_ACCESS_KEY": stack_env["AWS_SECRET_ACCESS_KEY"],
            "OPERATOR_S3_REGION": stack_env.get("AWS_REGION", "us-east-1"),
        }
    return s3 | {
        "OPERATOR_PG_ADMIN_DSN": stack_env["DATABASE_URL"],
        # devstack's PostgreSQL has no TLS (production: verify-full, the default).
        "OPERATOR_PG_TENANT_SSLMODE": "disable",
        "OPERATOR_REDIS_ADMIN_URL": stack_env["REDIS_URL"],
        "OPERATOR_VAULT_ADDR": stack_env.get("VAULT_ADDR", ""),
        "OPERATOR_VAULT_TOKEN": stack_env.get("VAULT_TOKEN", ""),
        "OPERATOR_IMAGE_REPOSITORY": "registry.local/consorcio/tenant-app",
        "OPERATOR_DEFAULT_APP_VERSION": "1.0.0",
        "OPERATOR_BASE_DOMAIN": "tenants.test",
        "OPERATOR_BACKUP_DIR": str(backup_dir),
        "OPERATOR_CONTROL_PLANE_URL": "http://127.0.0.1:8100",
        "OPERATOR_INGRESS_NAMESPACE": "ingress-nginx",
        # Off unless a test is about them: a dump and its verifying restore would compete with the
        # test's own work (tests/e2e/test_operator_backup_schedule_e2e.py turns them on).
        "OPERATOR_SCHEDULED_BACKUPS": "off",
    }


@dataclass
class OperatorProcess:
    """``python -m tenant_operator run`` as a subprocess with its own log file."""

    kubeconfig: Path
    env: dict[str, str]
    log_path: Path
    instance: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:10]}")
    health_port: int = field(default_factory=free_port)
    metrics_port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    _log_offset: int = 0

    def start(self, *, wait: float = 120) -> OperatorProcess:
        # The identity's OPERATOR_TENANT_ROLE & co travel with its kubeconfig, as the chart sets them.
        identity_env = rbac_env_file(self.kubeconfig)
        env = {
            **os.environ,
            **(yaml.safe_load(identity_env.read_text()) if identity_env.exists() else {}),
            **self.env,
            "KUBECONFIG": str(self.kubeconfig),
            "OPERATOR_INSTANCE": self.instance,
            "PYTHONUNBUFFERED": "1",
        }
        # Never inherit a kubeconfig token from the parent: the operator must be the ServiceAccount.
        env.pop("KUBERNETES_SERVICE_HOST", None)
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tenant_operator",
                "run",
                f"--liveness=http://127.0.0.1:{self.health_port}/healthz",
                f"--metrics-port={self.metrics_port}",
                "--metrics-addr=127.0.0.1",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO_ROOT,
        )
        log.close()
        wait_until(self._healthy, timeout=wait, what=f"operator {self.instance} liveness endpoint")
        return self

    def _healthy(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"operator exited with {self.proc.returncode}:\n{self.log_tail()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}/healthz", timeout=1) as resp:
                return resp.status == 200
        except OSError:
            return False

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM (Kopf shuts down gracefully), SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(10)

    def kill(self) -> None:
        """SIGKILL: an abrupt crash, e.g. in the middle of provisioning."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def wait_for_log(self, pattern: str, *, timeout: float = 60) -> str:
        """Wait for a log line of *this run* matching ``pattern``; the line is returned."""
        regex = re.compile(pattern)

        def find() -> str | None:
            with self.log_path.open("rb") as f:
                f.seek(self._log_offset)
                for raw in f.read().decode(errors="replace").splitlines():
                    if regex.search(raw):
                        return raw
            return None

        return wait_until(find, timeout=timeout, what=f"operator log line /{pattern}/")

    def metrics(self) -> dict[str, float]:
        """The Prometheus samples of the operator, by ``name{labels}``."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as resp:
            text = resp.read().decode()
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                samples[key] = float(value)
        return samples

    def metric(self, name: str, **labels: str) -> float:
        """Sum of the samples of ``name`` whose labels include ``labels``."""
        total = 0.0
        for key, value in self.metrics().items():
            metric, _, rest = key.partition("{")
            if metric != name:
                continue
            have = dict(re.findall(r'(\w+)="([^"]*)"', rest))
            if all(have.get(k) == v for k, v in labels.items()):
                total += value
        return total

    def writes(self) -> float:
        """Kubernetes API writes made by the reconcile steps so far."""
        return sum(
            self.metric("consorcio_operator_api_requests_total", verb=v) for v in ("post", "patch", "delete")
        )


# --- ConsorcioTenants -------------------------------------------------------------------


@contextlib.contextmanager
def running_operator(
    api_client: Any, admin_kubeconfig: Path, tmp_path_factory: Any, env: dict[str, str], *, suffix: str
) -> Iterator[OperatorProcess]:
    """The operator started with ``env`` as its own ServiceAccount (``create_operator_identity``),
    logging to a fresh ``operator.log``; stopped and its identity deleted on the way out."""
    identity = create_operator_identity(
        api_client, admin_kubeconfig, tmp_path_factory.mktemp("rbac"), suffix=suffix
    )
    op = OperatorProcess(identity.kubeconfig, env, tmp_path_factory.mktemp("logs") / "operator.log")
    op.start()
    try:
        yield op
    finally:
        op.stop()
        identity.delete(api_client)


def cnpj_for(name: str) -> str:
    """A valid CNPJ of its own for each tenant name (the operator gives a shared one CnpjConflict)."""
    base = f"{int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10**12:012d}"
    values = [int(d) for d in base]
    first = mod11_digit(values, FIRST_WEIGHTS)
    second = mod11_digit([*values, first], SECOND_WEIGHTS)
    return format_cnpj(f"{base}{first}{second}")


def tenant_body(name: str, instance: str, **spec: Any) -> dict[str, Any]:
    """A valid ConsorcioTenant for ``instance`` (defaults: starter plan, a CNPJ of its own, and
    no deletion grace period: a test's Delete/Snapshot cleanup happens at once; the grace-period
    tests set ``deletionGracePeriodDays`` themselves)."""
    body = tenant_resource.build_tenant_resource(
        name,
        {
            "displayName": f"{name} Administradora de Consórcios",
            "cnpj": cnpj_for(name),
            "plan": "starter",
            "deletionGracePeriodDays": 0,
        }
        | spec,
    )
    body["metadata"]["labels"][names.INSTANCE_LABEL] = instance
    return body


def condition(obj: Mapping[str, Any] | None, type_: str) -> Mapping[str, Any] | None:
    for cond in ((obj or {}).get("status") or {}).get("conditions") or []:
        if cond.get("type") == type_:
            return cond
    return None


#: Operator environment for pure spec tests: fixed, obviously fake endpoints.
EXAMPLE_ENV = {
    "OPERATOR_PG_ADMIN_DSN": "postgresql://postgres:pw@10.1.2.3:5432/postgres",
    "OPERATOR_REDIS_ADMIN_URL": "redis://default:pw@redis.internal:6380/0",
    "OPERATOR_IMAGE_REPOSITORY": "registry.example/tenant-app",
    "OPERATOR_DEFAULT_APP_VERSION": "2.0.0",
    "OPERATOR_BASE_DOMAIN": "consorcio.example",
    "OPERATOR_CONTROL_PLANE_URL": "http://control-plane.system.svc:8100",
}


def example_config(**overrides: str) -> Any:
    """An ``OperatorConfig`` from ``EXAMPLE_ENV`` plus ``overrides`` (tests build specs with it)."""
    from tenant_operator.config import OperatorConfig

    return OperatorConfig.from_env({**EXAMPLE_ENV, **overrides})
