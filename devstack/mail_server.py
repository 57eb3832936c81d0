"""The local SMTP server: Mailpit on loopback, with its HTTP API to read delivered messages back.

SMTP on ``DEVSTACK_SMTP_PORT`` (11025) accepts any login (no TLS: loopback only); the
web UI and the API (``/api/v1/messages``, ``/api/v1/message/<id>``, ``/api/v1/search``)
on ``DEVSTACK_MAILPIT_PORT`` (18025). Messages persist in ``.devstack/mailpit/mailpit.db``
across restarts (at most 5,000 are kept).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

from devstack import procs
from devstack.binaries import binary_path
from devstack.config import HOST, StackConfig

NAME = "mailpit"
PROGRAM = "mailpit"


def smtp_port() -> int:
    return int(os.environ.get("DEVSTACK_SMTP_PORT", "11025"))


def http_port() -> int:
    return int(os.environ.get("DEVSTACK_MAILPIT_PORT", "18025"))


def ui_url() -> str:
    return f"http://{HOST}:{http_port()}"


def smtp_env() -> dict[str, str]:
    """What the tenant app and the control plane need to send through it."""
    return {"SMTP_HOST": HOST, "SMTP_PORT": str(smtp_port()), "SMTP_TLS": "none"}


def is_running(cfg: StackConfig) -> bool:
    return procs.running_pid(cfg, NAME, PROGRAM) is not None


def healthy(cfg: StackConfig | None = None) -> bool:
    try:
        with urllib.request.urlopen(f"{ui_url()}/livez", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(cfg: StackConfig, log=print) -> None:
    if is_running(cfg):
        return
    base = cfg.root / "mailpit"
    base.mkdir(parents=True, exist_ok=True)
    pid = procs.spawn(
        cfg,
        NAME,
        [
            str(binary_path(PROGRAM)),
            "--smtp",
            f"{HOST}:{smtp_port()}",
            "--listen",
            f"{HOST}:{http_port()}",
            "--database",
            str(base / "mailpit.db"),
            "--max",
            "5000",
            "--smtp-auth-accept-any",
            "--smtp-auth-allow-insecure",
            "--smtp-disable-rdns",
            "--disable-version-check",
        ],
    )
    procs.wait_until(lambda: healthy(cfg), "SMTP server (Mailpit)", 30, procs.log_file(cfg, NAME), pid=pid)


def stop(cfg: StackConfig) -> bool:
    return procs.stop(cfg, NAME, PROGRAM)


def api(path: str, method: str = "GET", body: Any = None) -> Any:
    """Call Mailpit's HTTP API (tests, the demo)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"{ui_url()}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None
