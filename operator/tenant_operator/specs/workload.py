"""The tenant app workload: ServiceAccount, Deployments, Service, Ingress, HPA, PDB."""

from __future__ import annotations

from typing import Any

from consorcio_contract.plans import Sizing
from tenant_operator import names
from tenant_operator.specs.network_policies import APP_PORT, WEB_COMPONENT
from tenant_operator.specs.pod import container, pod_template, selector_labels
from tenant_operator.specs.tenant import TenantView

WEB = WEB_COMPONENT
WORKER = "worker"
SERVE_COMMAND = ["python", "-m", "tenant_app", "serve", "--host", "0.0.0.0", "--port", str(APP_PORT)]
WORKER_COMMAND = ["python", "-m", "tenant_app", "worker"]
#: SIGTERM makes the Celery worker finish its running task (a CNAB file, a report, a
#: webhook batch take up to a minute or two) before it exits; Kubernetes' default 30 s would
#: SIGKILL it mid-task, and the task (acknowledged late) would run again from the start on
#: another worker after the visibility timeout.
WORKER_GRACE_SECONDS = 120
HPA_CPU_UTILIZATION = 70


def app_replicas(sizing: Sizing, *, suspended: bool, current: int | None) -> int:
    """Replicas of the app Deployment.

    Zero when suspended; the plan minimum when created or resumed; otherwise
    whatever the HPA chose, clamped to the plan's bounds (so the operator
    never fights the autoscaler, yet a plan change re-bounds it at once).
    """
    if suspended:
        return 0
    if not current:
        return sizing.min_replicas
    return max(sizing.min_replicas, min(sizing.max_replicas, current))


def worker_replicas(sizing: Sizing, *, suspended: bool) -> int:
    """Celery workers: the plan's count, zero when suspended."""
    return 0 if suspended else sizing.worker_replicas


#: EKS's pod identity webhook gives the pods of a ServiceAccount with this annotation a
#: web-identity token and AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE for that role (IRSA).
IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"


def service_account(t: TenantView, *, role_arn: str = "") -> dict[str, Any]:
    """``tenant-app``: the identity the Vault Kubernetes-auth role and the control plane know.

    Its pods get no API-server token by default (the pod templates say so too):
    they only present the projected control-plane token. ``role_arn`` (object storage
    in aws-irsa mode) is the tenant's IAM role, annotated for EKS's IRSA.
    """
    metadata = t.metadata(names.SERVICE_ACCOUNT)
    if role_arn:
        metadata["annotations"] = {IRSA_ROLE_ANNOTATION: role_arn}
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": metadata,
        "automountServiceAccountToken": False,
    }


def _pod_annotations(version: str, schema_revision: str, secret_hash: str) -> dict[str, str]:
    return {
        names.APP_VERSION_ANNOTATION: version,
        names.SCHEMA_REVISION_ANNOTATION: schema_revision,
        # Changes when credentials rotate, which rolls the pods onto the new Secret.
        names.SECRET_HASH_ANNOTATION: secret_hash,
    }


def app_deployment(
    t: TenantView, *, version: str, schema_revision: str, secret_hash: str, replicas: int
) -> dict[str, Any]:
    """Deployment ``tenant-app``: the HTTP app, probed on /health and /ready."""
    c = container(t, name="app", version=version, command=SERVE_COMMAND)
    c["ports"] = [{"name": "http", "containerPort": APP_PORT, "protocol": "TCP"}]
    # The client's address (per-address login throttling) comes from the ingress's
    # X-Forwarded-For, believed only from these peers.
    c["env"] = [*c.get("env", []), {"name": "FORWARDED_ALLOW_IPS", "value": t.workload.trusted_proxies}]
    c["readinessProbe"] = {
        "httpGet": {"path": "/ready", "port": "http"},
        "periodSeconds": 5,
        "failureThreshold": 3,
    }
    c["livenessProbe"] = {
        "httpGet": {"path": "/health", "port": "http"},
        "periodSeconds": 10,
        "failureThreshold": 3,
    }
    c["startupProbe"] = {
        "httpGet": {"path": "/health", "port": "http"},
        "periodSeconds": 2,
        "failureThreshold": 30,
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": t.metadata(names.APP_DEPLOYMENT, **selector_labels(WEB)),
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": 3,
            "selector": {"matchLabels": selector_labels(WEB)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": pod_template(
                t,
                component=WEB,
                containers=[c],
                annotations=_pod_annotations(version, schema_revision, secret_hash),
                control_plane_token=True,
                vault_token=True,
            ),
        },
    }


def worker_deployment(
    t: TenantView, *, version: str, schema_revision: str, secret_hash: str, replicas: int
) -> dict[str, Any]:
    """Deployment ``tenant-worker``: the tenant's Celery worker."""
    c = container(t, name="worker", version=version, command=WORKER_COMMAND)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": t.metadata(names.WORKER_DEPLOYMENT, **selector_labels(WORKER)),
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": 3,
            "selector": {"matchLabels": selector_labels(WORKER)},
            "template": pod_template(
                t,
                component=WORKER,
                containers=[c],
                annotations=_pod_annotations(version, schema_revision, secret_hash),
                control_plane_token=True,
                vault_token=True,
                termination_grace_seconds=WORKER_GRACE_SECONDS,
            ),
        },
    }


def service(t: TenantView) -> dict[str, Any]:
    """Service ``tenant-app``: port 80 to the app's 8000."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": t.metadata(names.APP_SERVICE),
        "spec": {
            "type": "ClusterIP",
            "selector": selector_labels(WEB),
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
        },
    }


#: What the Ingress routes to the app: its users' paths only. ``/metrics`` (Prometheus scrapes
#: the pod directly), ``/schema`` (the OpenAPI document), ``/health`` and ``/ready`` (kubelet
#: probes) are reachable only inside the cluster (issue 20 item 7).
PUBLIC_PREFIXES: tuple[str, ...] = ("/api", "/app", "/cliente", "/problemas", "/publico")


def ingress(t: TenantView) -> dict[str, Any]:
    """Ingress for the tenant's host (spec.host or <name>.<base domain>), TLS on, public paths only."""
    backend = {"service": {"name": names.APP_SERVICE, "port": {"name": "http"}}}
    paths = [{"path": "/", "pathType": "Exact", "backend": backend}]  # the redirect to /app
    paths += [{"path": prefix, "pathType": "Prefix", "backend": backend} for prefix in PUBLIC_PREFIXES]
    spec: dict[str, Any] = {
        "tls": [{"hosts": [t.host], "secretName": names.TLS_SECRET}],
        "rules": [{"host": t.host, "http": {"paths": paths}}],
    }
    if t.workload.ingress_class:
        spec["ingressClassName"] = t.workload.ingress_class
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": t.metadata(names.APP_INGRESS),
        "spec": spec,
    }


def horizontal_pod_autoscaler(t: TenantView) -> dict[str, Any]:
    """HPA of the app between the plan's minimum and maximum replicas."""
    s = t.sizing
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": t.metadata(names.APP_HPA),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": names.APP_DEPLOYMENT},
            "minReplicas": s.min_replicas,
            "maxReplicas": s.max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": HPA_CPU_UTILIZATION},
                    },
                }
            ],
        },
    }


def pod_disruption_budget(t: TenantView) -> dict[str, Any]:
    """PDB keeping the plan's floor of app pods through voluntary disruptions."""
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": t.metadata(names.APP_PDB),
        "spec": {
            "minAvailable": t.sizing.pdb_min_available,
            "selector": {"matchLabels": selector_labels(WEB)},
        },
    }


def rollout_state(deployment: dict[str, Any] | None) -> tuple[bool, str]:
    """(complete, "ready/desired") of a live Deployment: the new template fully rolled out and available."""
    if deployment is None:
        return False, "missing"
    spec_replicas = int((deployment.get("spec") or {}).get("replicas", 1))
    st = deployment.get("status") or {}
    observed = int(st.get("observedGeneration", 0)) >= int(deployment["metadata"].get("generation", 0))
    updated = int(st.get("updatedReplicas", 0))
    available = int(st.get("availableReplicas", 0))
    total = int(st.get("replicas", 0))
    complete = observed and updated == spec_replicas and available == spec_replicas and total == spec_replicas
    return complete, f"{available}/{spec_replicas}"
