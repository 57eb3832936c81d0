"""How the tenant app finds and authenticates to the control plane (environment variables).

| variable | default | meaning |
|---|---|---|
| ``CONTROL_PLANE_URL`` | unset: client disabled | base URL of the control-plane API |
| ``CONTROL_PLANE_TOKEN_FILE`` | the projected control-plane token | file holding the bearer token |
| ``TENANT_SLUG`` | derived from the token's namespace | the tenant this app serves |
| ``CONTROL_PLANE_FLAG_WAIT_SECONDS`` | 20 | long-poll duration for flag snapshots |
| ``CONTROL_PLANE_USAGE_FLUSH_SECONDS`` | 10 | how often buffered usage events are sent |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Where the operator mounts the projected ServiceAccount token for the
# control plane's audience (it also sets CONTROL_PLANE_TOKEN_FILE to it). The
# pod's default API-server token is not mounted, and the control plane refuses
# such tokens unless told otherwise.
DEFAULT_TOKEN_FILE = Path("/var/run/secrets/consorcio.io/control-plane/token")


@dataclass(frozen=True)
class PlatformClientSettings:
    url: str
    token_file: Path = DEFAULT_TOKEN_FILE
    tenant: str | None = None
    flag_wait_seconds: int = 20
    usage_flush_seconds: float = 10.0
    usage_batch_size: int = 1000
    request_timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PlatformClientSettings | None:
        """None when ``CONTROL_PLANE_URL`` is unset (e.g. a developer's laptop without a platform)."""
        env = os.environ if env is None else env
        url = env.get("CONTROL_PLANE_URL", "").strip()
        if not url:
            return None
        return cls(
            url=url.rstrip("/"),
            token_file=Path(env.get("CONTROL_PLANE_TOKEN_FILE") or DEFAULT_TOKEN_FILE),
            tenant=env.get("TENANT_SLUG") or None,
            flag_wait_seconds=int(env.get("CONTROL_PLANE_FLAG_WAIT_SECONDS", "20")),
            usage_flush_seconds=float(env.get("CONTROL_PLANE_USAGE_FLUSH_SECONDS", "10")),
        )
