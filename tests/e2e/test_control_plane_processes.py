"""The control plane's real processes: ``python -m control_plane migrate | create-admin |
serve | worker | beat``, as ``make up`` and the Helm chart run them.

Tenants created here carry an operator-instance label no operator runs, so
nothing reconciles them; the operator is exercised in test_control_plane_operator_e2e.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.celery_app import create_celery
from control_plane.settings import Settings
from kubernetes import client as k8s

from tests.support.control_plane_fixtures import new_cnpj
from tests.support.crds import install_crds

pytestmark = pytest.mark.e2e


TODAY = local_date(datetime.now(UTC))
LAST_MONTH = BillingPeriod.containing(TODAY).previous()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Process:
    """A long-running ``python -m control_plane ...`` with its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.log_path = logs / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "control_plane", *args],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, pattern: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.text()):
            assert self.proc.poll() is None, (
                f"process exited ({self.proc.returncode}):\n{self.text()[-3000:]}"
            )
            assert time.monotonic() < deadline, f"no {pattern!r} in log:\n{self.text()[-3000:]}"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "control_plane", *args], env=env, capture_output=True, text=True, timeout=180
    )


@pytest.fixture(scope="module")
def env(redis_url, make_database, kubeconfig, k8s_api_client, tmp_path_factory) -> dict[str, str]:
    install_crds(k8s_api_client)
    run = uuid.uuid4().hex[:8]
    return os.environ | {
        "CONTROL_PLANE_DATABASE_URL": make_database(),
        "CONTROL_PLANE_REDIS_URL": redis_url,
        "KUBECONFIG": str(kubeconfig),
        "CONTROL_PLANE_PORT": str(free_port()),
        "CONTROL_PLANE_CELERY_QUEUE": f"control-plane-e2e-{run}",
        "CONTROL_PLANE_BEAT_SCHEDULE_FILE": str(tmp_path_factory.mktemp("beat") / "schedule"),
        "CONTROL_PLANE_OPERATOR_INSTANCE": "control-plane-e2e-no-operator",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("logs")


def test_migrate_is_idempotent_even_when_started_twice_at_once(env) -> None:
    racing = [
        subprocess.Popen(
            [sys.executable, "-m", "control_plane", "migrate"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for proc in racing:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err.decode()
    again = cli(env, "migrate")
    assert again.returncode == 0, again.stderr
    assert "at head" in again.stderr


def test_missing_configuration_is_a_clear_error(env) -> None:
    broken = {k: v for k, v in env.items() if k != "CONTROL_PLANE_DATABASE_URL"}
    result = cli(broken, "serve")
    assert result.returncode == 2
    assert "CONTROL_PLANE_DATABASE_URL is required" in result.stderr


@pytest.fixture(scope="module")
def api(env, logs) -> Iterator[str]:
    assert cli(env, "migrate").returncode == 0
    server = Process("serve", ["serve"], env, logs)
    url = f"http://127.0.0.1:{env['CONTROL_PLANE_PORT']}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/readyz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert server.proc.poll() is None, server.text()
        assert time.monotonic() < deadline, server.text()
        time.sleep(0.2)
    yield url
    server.stop()


@pytest.fixture(scope="module")
def admin_token(env, api) -> str:
    first = cli(
        env, "create-admin", "--email", "ops@platform.example", "--password", "s3nha-forte", "--print-token"
    )
    assert first.returncode == 0, first.stderr
    again = cli(
        env, "create-admin", "--email", "ops@platform.example", "--password", "s3nha-forte", "--print-token"
    )
    assert again.returncode == 0, again.stderr
    token = again.stdout.strip()
    assert token.count(".") == 2 and first.stdout.strip() != token
    return token


def test_create_admin_token_and_password_login_work_against_serve(api, admin_token) -> None:
    me = httpx.get(f"{api}/api/auth/me", headers={"Authorization": f"Bearer {admin_token}"})
    assert me.status_code == 200 and me.json()["role"] == "platform-admin"
    login = httpx.post(
        f"{api}/api/auth/token", json={"email": "ops@platform.example", "password": "s3nha-forte"}
    )
    assert login.status_code == 200 and login.json()["token_type"] == "Bearer"
    assert httpx.get(f"{api}/api/schema/openapi.json").status_code == 200


def test_worker_runs_the_invoice_and_dunning_tasks(env, api, admin_token, logs, k8s_api_client) -> None:
    headers = {"Authorization": f"Bearer {admin_token}"}
    slug = f"cpe2e{uuid.uuid4().hex[:8]}"
    body = {
        "slug": slug,
        "displayName": "Administradora E2E",
        "cnpj": new_cnpj(),
        "plan": "professional",
        "billingContact": {"name": "Financeiro", "email": "fin@e2e.example"},
        "contractStart": (LAST_MONTH.start - timedelta(days=40)).isoformat(),
    }
    assert httpx.post(f"{api}/api/tenants", json=body, headers=headers).status_code == 201

    worker = Process("worker", ["worker"], env, logs)
    custom = k8s.CustomObjectsApi(k8s_api_client)
    try:
        worker.wait_for_log(r"ready\.")
        celery = create_celery(Settings.from_env(env))
        issued = celery.send_task("control_plane.issue_invoices", kwargs={"period": LAST_MONTH.label}).get(
            timeout=120
        )
        assert issued["created"] >= 1
        invoices = httpx.get(f"{api}/api/invoices?tenant={slug}", headers=headers).json()
        assert [i["status"] for i in invoices] == ["open"]
        assert invoices[0]["total"] == "4990.00"

        far = (date.fromisoformat(invoices[0]["dueDate"]) + timedelta(days=60)).isoformat()
        dunning = celery.send_task("control_plane.run_dunning", kwargs={"as_of": far}).get(timeout=120)
        assert slug in dunning["suspended"]
        spec = custom.get_cluster_custom_object("consorcio.io", "v1alpha1", "consorciotenants", slug)["spec"]
        assert spec["suspended"] is True
    finally:
        worker.stop()
        with contextlib.suppress(k8s.ApiException):
            custom.delete_cluster_custom_object("consorcio.io", "v1alpha1", "consorciotenants", slug)


def test_beat_starts_and_keeps_its_schedule(env, logs) -> None:
    beat = Process("beat", ["beat"], env, logs)
    try:
        beat.wait_for_log(r"beat: Starting")
        schedule = Path(env["CONTROL_PLANE_BEAT_SCHEDULE_FILE"])
        deadline = time.monotonic() + 30
        while not list(schedule.parent.glob(schedule.name + "*")):
            assert time.monotonic() < deadline, beat.text()
            time.sleep(0.2)
        assert beat.proc.poll() is None
    finally:
        beat.stop()
