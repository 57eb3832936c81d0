"""Install the Debian packages the stack runs (PostgreSQL, Redis) when missing."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess

# Debian package -> a file that proves it is installed.
REQUIRED = {
    "postgresql": "/usr/lib/postgresql/*/bin/initdb",
    "redis-server": "/usr/bin/redis-server",
    "postgresql-client": "/usr/bin/pg_dump",
    # The web UI's browser tests drive Debian's Chromium (browser downloads
    # are not reachable here); fonts so screenshots show real glyphs.
    "chromium": "/usr/bin/chromium",
    "fonts-dejavu-core": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    # Tests read generated PDFs back: poppler renders to PNG / extracts
    # text, zbar decodes the carnê's barcodes and QR codes.
    "poppler-utils": "/usr/bin/pdftotext",
    "libzbar0": "/usr/lib/*/libzbar.so.0*",
    # The TypeScript client check runs openapi-typescript and tsc from npm
    # (devstack/npm_tools.py installs the pinned versions into the cache).
    "nodejs": "/usr/bin/node",
    "npm": "/usr/bin/npm",
}


class MissingPackages(RuntimeError):
    pass


def missing() -> list[str]:
    return [pkg for pkg, probe in REQUIRED.items() if not glob.glob(probe)]


def ensure(log=print) -> None:
    """apt-get install what is missing when root; otherwise say what to install."""
    needed = missing()
    if not needed:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise MissingPackages(
            "devstack needs these system packages: "
            + " ".join(needed)
            + f"\nInstall them with: sudo apt-get update && sudo apt-get install -y {' '.join(needed)}"
        )
    log(f"installing system packages: {' '.join(needed)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _apt(["apt-get", "update", "-q"], env)
    _apt(["apt-get", "install", "-y", "-q", "--no-install-recommends", *needed], env)
    # Debian starts the packaged services on install; we run our own on other
    # ports, so stop theirs to leave the machine as it was.
    for service in ("redis-server", "postgresql"):
        subprocess.run(["service", service, "stop"], capture_output=True)
    still = missing()
    if still:
        raise MissingPackages(f"apt-get did not provide: {' '.join(still)}")


def _apt(argv: list[str], env: dict[str, str]) -> None:
    """Run apt-get; a failure carries apt's own message (a lock, a mirror, a name)."""
    result = subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        output = "\n".join((result.stderr + result.stdout).strip().splitlines()[-25:])
        raise MissingPackages(f"{' '.join(argv)} failed (exit {result.returncode}):\n{output}")
