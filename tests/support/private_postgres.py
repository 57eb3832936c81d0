"""A PostgreSQL server of the test's own (the system's ``postgres``, loopback, trust auth) that the
test may crash and restart: degraded-mode tests cannot stop the shared devstack server under
other tests. Run as devstack runs its own: as the unprivileged service user when we are root."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import asyncpg

from devstack.postgres import SERVICE_ROOT, _as_service_user, _demote, _service_user, bindir
from tests.support.private_redis import free_port


class PrivatePostgres:
    """``postgres`` on a free port; ``admin_url`` is its superuser ``postgres`` (no password)."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.ids = _service_user()
        # The service user must reach its data directory: not under a 0700 pytest folder.
        self.home = (SERVICE_ROOT / f"test-{uuid.uuid4().hex[:10]}") if _as_service_user() else directory
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        if self.ids:
            SERVICE_ROOT.chmod(0o711)
            self.home.chmod(0o700)
            shutil.chown(self.home, *self.ids)
        subprocess.run(
            [
                *(str(bindir() / "initdb"), "-D", str(self.home / "data"), "--username", "postgres"),
                *("--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"),
            ],
            check=True,
            capture_output=True,
            preexec_fn=_demote(self.ids),
            cwd=self.home,
        )

    def start(self) -> PrivatePostgres:
        if not (self.home / "data" / "PG_VERSION").exists():
            self._prepare()
        log = (self.home / "server.log").open("ab")
        self.proc = subprocess.Popen(
            [
                *(str(bindir() / "postgres"), "-D", str(self.home / "data"), "-p", str(self.port)),
                *("-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.home}"),
                *("-c", "fsync=off", "-c", "max_connections=50"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_demote(self.ids),
            cwd=self.home,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready = subprocess.run(
                [str(bindir() / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True
            )
            if ready.returncode == 0:
                return self
            assert self.proc.poll() is None, (self.home / "server.log").read_text()[-2000:]
            time.sleep(0.1)
        raise AssertionError("private PostgreSQL did not start")

    def crash(self) -> None:
        """Immediate shutdown (SIGQUIT): no checkpoint, every connection cut, as in a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            self.proc.wait(30)

    async def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(self.admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)

    def remove(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.home, ignore_errors=True)
