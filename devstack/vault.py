"""Vault on file storage under ``.devstack/vault`` (KV v2 at secret/, the Transit engine at
transit/), with the Kubernetes auth method configured against the local API server so that tenant
workloads can log in with their ServiceAccount tokens.

Not dev mode: dev mode keeps everything in memory, so ``make down && make up`` lost every tenant's
Transit key while PostgreSQL kept the data keys they wrapped, and the demo's personal data became
unreadable. Initialised once (one unseal key, kept with a root token whose id is the configured
``vault_root_token`` in ``.devstack/vault/init.json``, mode 0600), unsealed at every start.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import hvac

from devstack import procs
from devstack.binaries import binary_path
from devstack.config import HOST, StackConfig

NAME = "vault"
K8S_AUTH_MOUNT = "kubernetes"
REVIEWER_SA = "vault-token-reviewer"


def is_running(cfg: StackConfig) -> bool:
    return procs.running_pid(cfg, NAME, "vault") is not None


def client(cfg: StackConfig) -> hvac.Client:
    return hvac.Client(url=cfg.vault_addr, token=cfg.vault_root_token, timeout=5)


def healthy(cfg: StackConfig) -> bool:
    try:
        return bool(client(cfg).sys.read_health_status(method="GET").get("initialized"))
    except Exception:  # connection refused while starting
        return False


def start(cfg: StackConfig, log=print) -> None:
    if not is_running(cfg):
        folder = cfg.root / "vault"
        folder.mkdir(parents=True, exist_ok=True)
        addr = f"{HOST}:{cfg.ports.vault}"
        hcl = folder / "vault.hcl"
        hcl.write_text(
            f'storage "file" {{ path = "{folder / "data"}" }}\n'
            f'listener "tcp" {{\n  address = "{addr}"\n  tls_disable = 1\n}}\n'
            f'api_addr = "http://{addr}"\ndisable_mlock = true\nui = false\n'
        )
        pid = procs.spawn(
            cfg,
            NAME,
            [str(binary_path("vault")), "server", f"-config={hcl}"],
            env={"VAULT_DISABLE_MLOCK": "true", "HOME": str(cfg.root)},
        )
        log_file = procs.log_file(cfg, NAME)
        procs.wait_until(lambda: procs.port_open(cfg.ports.vault), "Vault", 60, log_file, pid=pid)
        _initialise_and_unseal(cfg, folder / "init.json", log_file)
    procs.wait_until(lambda: healthy(cfg), "Vault", 60, procs.log_file(cfg, NAME))


def _initialise_and_unseal(cfg: StackConfig, init_file: Path, log_file: Path) -> None:
    """First start: initialise (1 share), give the root token the configured id, mount KV v2 at
    secret/ (what dev mode did); every start: unseal with the kept key."""
    anonymous = hvac.Client(url=cfg.vault_addr, timeout=5)
    procs.wait_until(lambda: _answers(anonymous), "Vault API", 30, log_file)
    if not anonymous.sys.is_initialized():
        keys = anonymous.sys.initialize(secret_shares=1, secret_threshold=1)
        init_file.write_text(json.dumps({"unseal_key": keys["keys"][0]}))
        init_file.chmod(0o600)
        anonymous.sys.submit_unseal_key(keys["keys"][0])
        procs.wait_until(lambda: not anonymous.sys.is_sealed(), "Vault unsealed", 30, log_file)
        first = hvac.Client(url=cfg.vault_addr, token=keys["root_token"], timeout=5)
        first.auth.token.create(id=cfg.vault_root_token, policies=["root"], no_parent=True)
        first.auth.token.revoke_self()
        client(cfg).sys.enable_secrets_engine("kv", path="secret", options={"version": "2"})
        return
    if not init_file.exists():
        raise procs.StartError(
            f"Vault's data in {init_file.parent / 'data'} has no unseal key next to it: remove the folder"
            " (its secrets and Transit keys are lost) and run `make up` again."
        )
    anonymous.sys.submit_unseal_key(json.loads(init_file.read_text())["unseal_key"])
    procs.wait_until(lambda: not anonymous.sys.is_sealed(), "Vault unsealed", 30, log_file)


def _answers(vault: hvac.Client) -> bool:
    try:
        vault.sys.is_initialized()
        return True
    except Exception:  # connection refused or 5xx while starting
        return False


def enable_transit(cfg: StackConfig) -> None:
    """The Transit secrets engine at ``transit/`` (idempotent): the operator keeps each tenant's
    key there (``tenant-<name>``), the tenant apps wrap their personal-data keys with it."""
    from consorcio_contract.names import VAULT_TRANSIT_MOUNT

    vault = client(cfg)
    if f"{VAULT_TRANSIT_MOUNT}/" not in vault.sys.list_mounted_secrets_engines():
        vault.sys.enable_secrets_engine("transit", path=VAULT_TRANSIT_MOUNT)


def configure_kubernetes_auth(cfg: StackConfig) -> None:
    """Enable auth/kubernetes with a token-reviewer ServiceAccount (idempotent)."""
    from kubernetes import client as k8s
    from kubernetes import config as k8s_config

    api_client = k8s_config.new_client_from_config(str(cfg.kubeconfig))
    core = k8s.CoreV1Api(api_client)
    rbac = k8s.RbacAuthorizationV1Api(api_client)
    ns = "kube-system"
    _create_if_absent(lambda: core.create_namespaced_service_account(ns, {"metadata": {"name": REVIEWER_SA}}))
    _create_if_absent(
        lambda: rbac.create_cluster_role_binding(
            {
                "metadata": {"name": f"{REVIEWER_SA}-auth-delegator"},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": "system:auth-delegator",
                },
                "subjects": [{"kind": "ServiceAccount", "name": REVIEWER_SA, "namespace": ns}],
            }
        )
    )
    # A long-lived token Secret: Vault keeps reviewing tokens for as long as it runs.
    _create_if_absent(
        lambda: core.create_namespaced_secret(
            ns,
            {
                "metadata": {
                    "name": REVIEWER_SA,
                    "annotations": {"kubernetes.io/service-account.name": REVIEWER_SA},
                },
                "type": "kubernetes.io/service-account-token",
            },
        )
    )
    token = ""
    deadline = time.monotonic() + 30
    while not token and time.monotonic() < deadline:
        data = core.read_namespaced_secret(REVIEWER_SA, ns).data or {}
        token = data.get("token", "")
        if not token:
            time.sleep(0.2)
    if not token:
        kcm_log = procs.log_file(cfg, "kube-controller-manager")
        raise procs.StartError(
            "the token controller (kube-controller-manager) did not fill the Vault reviewer token."
            f" Last lines of {kcm_log}:\n{procs.log_tail(kcm_log)}"
        )
    import base64

    vault = client(cfg)
    if f"{K8S_AUTH_MOUNT}/" not in vault.sys.list_auth_methods():
        vault.sys.enable_auth_method("kubernetes", path=K8S_AUTH_MOUNT)
    ca = (cfg.kube_dir / "pki" / "ca.crt").read_text()
    vault.auth.kubernetes.configure(
        kubernetes_host=cfg.apiserver_url,
        kubernetes_ca_cert=ca,
        token_reviewer_jwt=base64.b64decode(token).decode(),
        mount_point=K8S_AUTH_MOUNT,
    )
    install_tenant_policy(vault)


def install_tenant_policy(vault: hvac.Client, kv_mount: str = "secret") -> str:
    """Write the tenants' shared policy ``consorcio-tenant`` (what docs/deployment.md has the SRE do),
    templated on this Vault's Kubernetes auth accessor; idempotent. Returns the accessor."""
    from tenant_operator import names
    from tenant_operator.specs.vault_policy import shared_policy_hcl

    accessor = vault.sys.list_auth_methods()[f"{K8S_AUTH_MOUNT}/"]["accessor"]
    vault.sys.create_or_update_policy(name=names.VAULT_POLICY, policy=shared_policy_hcl(kv_mount, accessor))
    return str(accessor)


def _create_if_absent(create) -> None:
    from kubernetes.client import ApiException

    try:
        create()
    except ApiException as err:
        if err.status != 409:
            raise


def stop(cfg: StackConfig) -> bool:
    return procs.stop(cfg, NAME, "vault")
