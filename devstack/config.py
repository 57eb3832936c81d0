"""Where the local stack lives and which loopback ports it uses.

Defaults avoid the standard ports, because another PostgreSQL or Redis may
already be running on the machine; every port can be moved with an
environment variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Ports:
    """Loopback ports of every component (env var in brackets)."""

    postgres: int  # DEVSTACK_PG_PORT
    redis: int  # DEVSTACK_REDIS_PORT
    etcd_client: int  # DEVSTACK_ETCD_PORT
    etcd_peer: int  # DEVSTACK_ETCD_PEER_PORT
    apiserver: int  # DEVSTACK_APISERVER_PORT
    controller_manager: int  # DEVSTACK_KCM_PORT
    scheduler: int  # DEVSTACK_SCHEDULER_PORT
    kwok: int  # DEVSTACK_KWOK_PORT
    vault: int  # DEVSTACK_VAULT_PORT
    s3: int  # DEVSTACK_S3_PORT

    @classmethod
    def from_env(cls) -> Ports:
        return cls(
            postgres=_port("DEVSTACK_PG_PORT", 15432),
            redis=_port("DEVSTACK_REDIS_PORT", 16379),
            etcd_client=_port("DEVSTACK_ETCD_PORT", 12379),
            etcd_peer=_port("DEVSTACK_ETCD_PEER_PORT", 12380),
            apiserver=_port("DEVSTACK_APISERVER_PORT", 16443),
            controller_manager=_port("DEVSTACK_KCM_PORT", 16457),
            scheduler=_port("DEVSTACK_SCHEDULER_PORT", 16459),
            kwok=_port("DEVSTACK_KWOK_PORT", 16480),
            vault=_port("DEVSTACK_VAULT_PORT", 18200),
            s3=_port("DEVSTACK_S3_PORT", 17070),
        )


@dataclass(frozen=True)
class StackConfig:
    """Everything the components need to know about the local stack."""

    root: Path  # DEVSTACK_DIR, default <repo>/.devstack
    ports: Ports
    # Local-only credentials: the stack listens on loopback and is for development.
    pg_superuser: str = "postgres"
    pg_password: str = "devstack"
    redis_password: str = "devstack"
    vault_root_token: str = "devstack-root"
    admin_token: str = "devstack-admin-token"
    # The S3 server's root user: signs the admin API (users, bucket owners).
    s3_access_key: str = "devstack-s3-admin"
    s3_secret_key: str = "devstack-s3-secret"
    s3_region: str = "us-east-1"

    @classmethod
    def from_env(cls) -> StackConfig:
        root = Path(os.environ.get("DEVSTACK_DIR", REPO_ROOT / ".devstack")).resolve()
        return cls(root=root, ports=Ports.from_env())

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def kube_dir(self) -> Path:
        return self.root / "kube"

    @property
    def kubeconfig(self) -> Path:
        return self.kube_dir / "admin.kubeconfig"

    @property
    def database_url(self) -> str:
        return f"postgresql://{self.pg_superuser}:{self.pg_password}@{HOST}:{self.ports.postgres}/postgres"

    @property
    def redis_url(self) -> str:
        return f"redis://default:{self.redis_password}@{HOST}:{self.ports.redis}/0"

    @property
    def vault_addr(self) -> str:
        return f"http://{HOST}:{self.ports.vault}"

    @property
    def s3_endpoint(self) -> str:
        return f"http://{HOST}:{self.ports.s3}"

    @property
    def apiserver_url(self) -> str:
        return f"https://{HOST}:{self.ports.apiserver}"

    def connection_env(self) -> dict[str, str]:
        """The variables every client needs (what `devstack env` prints)."""
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "KUBECONFIG": str(self.kubeconfig),
            "VAULT_ADDR": self.vault_addr,
            "VAULT_TOKEN": self.vault_root_token,
            # The AWS SDKs' and CLI's own names, so `aws s3 ls` and boto3 just work.
            "AWS_ENDPOINT_URL_S3": self.s3_endpoint,
            "AWS_ACCESS_KEY_ID": self.s3_access_key,
            "AWS_SECRET_ACCESS_KEY": self.s3_secret_key,
            "AWS_REGION": self.s3_region,
        }
