"""A private ``redis-server`` configured like devstack's (password, optional aclfile, no
RDB/AOF) that a test may restart: the shared devstack Redis must not restart under others."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis

from tests.support.private_redis import PrivateRedis

ADMIN_PASSWORD = "pw-admin-persist"


class AclRedis(PrivateRedis):
    """A private redis-server started from a config file; ``aclfile`` optional; restartable."""

    def __init__(self, directory: Path, *, aclfile: bool) -> None:
        super().__init__(directory)
        self.aclfile = directory / "users.acl" if aclfile else None

    @property
    def admin_url(self) -> str:
        return f"redis://default:{ADMIN_PASSWORD}@127.0.0.1:{self.port}/0"

    def start(self) -> AclRedis:
        conf = self.directory / "redis.conf"
        lines = [f"port {self.port}", "bind 127.0.0.1", f"dir {self.directory}", "save ''", "appendonly no"]
        if self.aclfile is not None:
            if not self.aclfile.exists():
                self.aclfile.write_text(f"user default on >{ADMIN_PASSWORD} ~* &* +@all\n")
            lines.append(f"aclfile {self.aclfile}")
        else:
            lines.append(f"requirepass {ADMIN_PASSWORD}")
        conf.write_text("\n".join(lines) + "\n")
        self.proc = subprocess.Popen(
            ["redis-server", str(conf)],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.admin_url, socket_timeout=1).ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        raise AssertionError("private redis-server did not start")

    def stop(self) -> None:
        """SIGTERM: Redis shuts down cleanly (as on a rolling restart)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
