"""The S3 server: Versity S3 Gateway on its posix backend, on loopback.

Objects live as plain files under ``.devstack/s3/data`` and the users the
operator creates (one per tenant) in ``.devstack/s3/iam``, so both survive a
restart. The root user signs the admin API (create users, give a bucket to
a user); its keys are the local-only ones in StackConfig.
"""

from __future__ import annotations

import urllib.error
import urllib.request

from devstack import procs
from devstack.binaries import binary_path
from devstack.config import HOST, StackConfig

NAME = "s3"
PROGRAM = "versitygw"
HEALTH_PATH = "/health"


def is_running(cfg: StackConfig) -> bool:
    return procs.running_pid(cfg, NAME, PROGRAM) is not None


def healthy(cfg: StackConfig) -> bool:
    try:
        with urllib.request.urlopen(f"{cfg.s3_endpoint}{HEALTH_PATH}", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(cfg: StackConfig, log=print) -> None:
    if is_running(cfg):
        return
    base = cfg.root / "s3"
    data, iam, versions = base / "data", base / "iam", base / "versions"
    for folder in (data, iam, versions):
        folder.mkdir(parents=True, exist_ok=True)
    pid = procs.spawn(
        cfg,
        NAME,
        [
            str(binary_path(PROGRAM)),
            "--port",
            f"{HOST}:{cfg.ports.s3}",
            "--region",
            cfg.s3_region,
            "--iam-dir",
            str(iam),
            "--health",
            HEALTH_PATH,
            "--quiet",
            "posix",
            # Versioning, as the production bucket has it (Terraform).
            "--versioning-dir",
            str(versions),
            str(data),
        ],
        # The root keys go through the environment, not the command line (ps).
        env={"ROOT_ACCESS_KEY_ID": cfg.s3_access_key, "ROOT_SECRET_ACCESS_KEY": cfg.s3_secret_key},
    )
    procs.wait_until(lambda: healthy(cfg), "S3 server (versitygw)", 30, procs.log_file(cfg, NAME), pid=pid)


def stop(cfg: StackConfig) -> bool:
    return procs.stop(cfg, NAME, PROGRAM)
