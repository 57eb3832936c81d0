"""The tenant app's access to Vault: where it is and how it logs in (shared by every use of Vault).

The app logs in with its Kubernetes-auth role (``VAULT_ROLE``, the operator's ``tenant-<slug>``)
using the projected service-account token the operator mounts with the Vault audience
(``VAULT_TOKEN_FILE``); without ``VAULT_ROLE`` the file holds a Vault token (local runs, tests).
Users: the PSP and webhook secrets in KV v2 (``cobranca.cofre``, ``notificacoes.webhooks.cofre``)
and the personal-data key wrapped by the tenant's Transit key (``dados_pessoais.transit``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import hvac

TOKEN_PADRAO = "/var/run/secrets/vault/token"


@dataclass(frozen=True)
class ConfigCofre:
    addr: str
    tenant_slug: str
    kv_mount: str = "secret"
    token_file: str = TOKEN_PADRAO
    role: str | None = None
    auth_mount: str = "kubernetes"
    #: PEM bundle of the CA that signed Vault's certificate (``VAULT_CACERT``, mounted by the
    #: operator when its Vault has a private CA); None: the system's trust store.
    ca_cert: str | None = None
    #: Seconds a Vault call may take (connect and each read). hvac's default is 30: a Vault
    #: that hangs would hold a staff request, and its worker thread, that long for a 503.
    timeout: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ConfigCofre | None:
        """None without ``VAULT_ADDR`` and ``TENANT_SLUG`` (no Vault access configured for a tenant).

        A process with a Vault address but no tenant (a test runner, a shell with
        the devstack's variables) is not a tenant: it must not guess a path.
        """
        addr = env.get("VAULT_ADDR", "").strip()
        slug = env.get("TENANT_SLUG", "").strip()
        if not addr or not slug:
            return None
        return cls(
            addr=addr,
            tenant_slug=slug,
            kv_mount=env.get("VAULT_KV_MOUNT", "secret"),
            token_file=env.get("VAULT_TOKEN_FILE", TOKEN_PADRAO),
            role=env.get("VAULT_ROLE") or None,
            auth_mount=env.get("VAULT_K8S_AUTH_MOUNT", "kubernetes"),
            ca_cert=env.get("VAULT_CACERT", "").strip() or None,
        )

    @property
    def verify(self) -> str | bool:
        """hvac's ``verify``: the private CA when given, else the system's trust store (never off)."""
        return self.ca_cert or True


def cliente_vault(config: ConfigCofre) -> hvac.Client:
    """A logged-in client (blocking calls: run them in a thread from async code).

    A fresh login per use: the projected token rotates, a Vault token expires (role ttl).
    """
    credencial = Path(config.token_file).read_text().strip()
    cliente = hvac.Client(url=config.addr, verify=config.verify, timeout=config.timeout)
    if config.role:
        cliente.auth.kubernetes.login(config.role, credencial, mount_point=config.auth_mount)
    else:
        cliente.token = credencial
    return cliente
