"""devstack's PostgreSQL starts wherever the checkout is, and a failed start
quotes the tool's own message.

A new user's first `make up` ran as root in a clone under a private folder
(mode 0700, like /root or `mktemp -d`): initdb, run as the unprivileged
service user, could not reach the data directory and its error was swallowed.
Each test here gets its own stack directory inside such a folder and its own
port, so it never touches the shared stack.
"""

from __future__ import annotations

import os
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from devstack import postgres
from devstack.config import HOST, StackConfig
from devstack.procs import StartError

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@pytest.fixture
def private_checkout(monkeypatch: pytest.MonkeyPatch) -> Iterator[StackConfig]:
    """A stack directory inside a fresh 0700 folder, on a port of its own."""
    private = Path(tempfile.mkdtemp(prefix="devstack-private-"))
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    monkeypatch.setenv("DEVSTACK_DIR", str(private / "repo" / ".devstack"))
    monkeypatch.setenv("DEVSTACK_PG_PORT", str(_free_port()))
    cfg = StackConfig.from_env()
    yield cfg
    postgres.stop(cfg)
    postgres.remove(cfg)
    for path in sorted(private.rglob("*"), reverse=True):
        path.unlink() if path.is_file() or path.is_symlink() else path.rmdir()
    private.rmdir()


async def test_postgres_starts_from_a_checkout_in_a_private_folder(private_checkout: StackConfig) -> None:
    cfg = private_checkout
    postgres.start(cfg, log=lambda msg: None)

    conn = await asyncpg.connect(cfg.database_url)
    try:
        data_directory = await conn.fetchval("SELECT current_setting('data_directory')")
        server_user = await conn.fetchval("SELECT usename FROM pg_stat_activity WHERE pid = pg_backend_pid()")
    finally:
        await conn.close()
    assert Path(data_directory) == postgres.data_dir(cfg)
    assert server_user == cfg.pg_superuser
    if os.geteuid() == 0:
        # Run as root, the cluster belongs to the service user and lives where it can reach it.
        assert not Path(data_directory).is_relative_to(cfg.root.parent.parent)
        assert postgres.home(cfg).stat().st_uid != 0
        assert stat.S_IMODE(postgres.home(cfg).stat().st_mode) == 0o700

    # A second start finds it running; a restart reuses the cluster.
    postgres.start(cfg, log=lambda msg: None)
    assert postgres.stop(cfg)
    postgres.start(cfg, log=lambda msg: pytest.fail(f"the cluster was initialised again: {msg}"))
    conn = await asyncpg.connect(cfg.database_url)
    await conn.close()


def test_a_failing_initdb_shows_initdbs_own_message(private_checkout: StackConfig) -> None:
    data = postgres.data_dir(private_checkout)
    data.mkdir(parents=True)
    (data / "leftover").write_text("not a cluster")

    with pytest.raises(StartError) as failure:
        postgres.start(private_checkout, log=lambda msg: None)

    message = str(failure.value)
    assert "initdb" in message
    assert "exists but is not empty" in message  # initdb's stderr, verbatim


def test_a_server_that_exits_while_starting_is_reported_at_once_with_its_log(
    private_checkout: StackConfig,
) -> None:
    postgres.start(private_checkout, log=lambda msg: None)  # a valid cluster
    assert postgres.stop(private_checkout)
    with socket.socket() as taken:  # someone else holds the port
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind((HOST, private_checkout.ports.postgres))
        taken.listen()
        started = time.monotonic()
        with pytest.raises(StartError) as failure:
            postgres.start(private_checkout, log=lambda msg: None)
        elapsed = time.monotonic() - started

    assert "PostgreSQL exited while starting" in str(failure.value)
    assert "Address already in use" in str(failure.value)  # the server's own log line
    assert elapsed < 30, "a dead server must not be waited for until the 60 s timeout"
