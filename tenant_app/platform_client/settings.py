"""How the tenant app finds and authenticates to the control plane (environment variables).

| variable | default | meaning |
|---|---|---|
| ``CONTROL_PLANE_URL`` | unset: client disabled | base URL of the control-plane API |
| ``CONTROL_PLANE_TOKEN_FILE`` | the projected control-plane token | file holding the bearer token |
| ``TENANT_SLUG`` | derived from the token's namespace | the tenant this app serves |
| ``CONTROL_PLANE_FLAG_WAIT_SECONDS`` | 20 | long-poll duration for flag snapshots |
| ``CONTROL_PLANE_USAGE_SPOOL_SECONDS`` | 1 | how often measured usage is written to the spool table |
| ``CONTROL_PLANE_USAGE_FLUSH_SECONDS`` | 10 | how often the spool is sent to the control plane |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from consorcio_contract.names import CONTROL_PLANE_TOKEN_ENV, CONTROL_PLANE_TOKEN_FILE

# Where the operator mounts the projected ServiceAccount token for the
# control plane's audience (it also sets CONTROL_PLANE_TOKEN_FILE to it). The
# pod's default API-server token is not mounted, and the control plane refuses
# such tokens unless told otherwise.
DEFAULT_TOKEN_FILE = Path(CONTROL_PLANE_TOKEN_FILE)


@dataclass(frozen=True)
class PlatformClientSettings:
    """The tenant app's link to the control plane (absent: no flags from it, no usage reported)."""

    #: Base URL of the control-plane API.
    url: str
    #: File holding the projected ServiceAccount token (re-read when the kubelet rotates it).
    token_file: Path = DEFAULT_TOKEN_FILE
    #: The tenant this app serves; from the token's namespace when unset.
    tenant: str | None = None
    #: Long-poll duration of the flag snapshot request.
    flag_wait_seconds: int = 20
    #: Period of the usage sends (the spool is also sent on shutdown).
    usage_flush_seconds: float = 10.0
    #: Period of the meter -> spool writes: the most counts a crash can lose.
    usage_spool_seconds: float = 1.0
    #: Events per usage request (the control plane takes up to 5,000).
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
            token_file=Path(env.get(CONTROL_PLANE_TOKEN_ENV) or DEFAULT_TOKEN_FILE),
            tenant=env.get("TENANT_SLUG") or None,
            flag_wait_seconds=int(env.get("CONTROL_PLANE_FLAG_WAIT_SECONDS", "20")),
            usage_flush_seconds=float(env.get("CONTROL_PLANE_USAGE_FLUSH_SECONDS", "10")),
            usage_spool_seconds=float(env.get("CONTROL_PLANE_USAGE_SPOOL_SECONDS", "1")),
        )
