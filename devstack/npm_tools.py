"""Command-line tools from npm (pinned versions), installed once into a cache and reused.

    python -m devstack.npm_tools install      # every pinned tool
    python -m devstack.npm_tools path tsc     # where one tool's executable is

Each tool lives in its own prefix, ``~/.cache/consorcio/npm-tools/<name>-<version>``
(``$CONSORCIO_CACHE_DIR`` or ``$XDG_CACHE_HOME/consorcio`` move it), installed with
``npm install --prefix`` at the pinned version, its tarball's integrity checked against
the pinned hash (from the lockfile npm writes); a
prefix whose executable exists is reused without touching the network. Node.js and npm
come from Debian (devstack/system_packages.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class NpmToolError(RuntimeError):
    """npm is missing or an install failed (npm's own message included)."""


@dataclass(frozen=True)
class NpmTool:
    """One pinned npm package and the executable it provides in ``node_modules/.bin``."""

    package: str
    version: str
    executable: str
    #: The registry tarball's SRI hash (``npm view <package>@<version> dist.integrity``).
    integrity: str

    @property
    def folder(self) -> str:
        return f"{self.package}-{self.version}"


TYPESCRIPT = NpmTool(
    "typescript",
    "5.9.3",
    "tsc",
    "sha512-jl1vZzPDinLr9eUt3J/t7V6FgNEw9QjvBPdysz9KfQDD41fQrC2Y4vKQdiaUpFT4bXlb1RHhLpp8wtm6M5TgSw==",
)
OPENAPI_TYPESCRIPT = NpmTool(
    "openapi-typescript",
    "7.13.0",
    "openapi-typescript",
    "sha512-EFP392gcqXS7ntPvbhBzbF8TyBA+baIYEm791Hy5YkjDYKTnk/Tn5OQeKm5BIZvJihpp8Zzr4hzx0Irde1LNGQ==",
)

# openapi-typescript declares typescript ^5.x as a peer: its prefix also gets the
# pinned TypeScript so npm does not pick whatever 5.x is newest.
_PEERS: dict[str, tuple[NpmTool, ...]] = {OPENAPI_TYPESCRIPT.package: (TYPESCRIPT,)}

TOOLS = {tool.executable: tool for tool in (TYPESCRIPT, OPENAPI_TYPESCRIPT)}


def cache_dir() -> Path:
    """``npm-tools`` in ``$CONSORCIO_CACHE_DIR``, ``$XDG_CACHE_HOME/consorcio`` or ``~/.cache/consorcio``."""
    root = os.environ.get("CONSORCIO_CACHE_DIR")
    if root:
        return Path(root) / "npm-tools"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "consorcio" / "npm-tools"


def executable(tool: NpmTool, root: Path | None = None) -> Path:
    return (root or cache_dir()) / tool.folder / "node_modules" / ".bin" / tool.executable


def ensure(tool: NpmTool, *, root: Path | None = None, log: Callable[[str], None] = print) -> Path:
    """The tool's executable, installing the pinned version first when it is not cached."""
    binary = executable(tool, root)
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise NpmToolError(
            f"{tool.package} needs Node.js and npm: sudo apt-get install -y nodejs npm "
            "(python -m devstack.system_packages installs them)"
        )
    prefix = binary.parents[2]
    # Install into a sibling folder and rename it at the end: an interrupted install
    # never leaves a prefix that looks complete.
    partial = prefix.with_name(prefix.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    specs = [f"{peer.package}@{peer.version}" for peer in _PEERS.get(tool.package, ())]
    specs.append(f"{tool.package}@{tool.version}")
    log(f"installing {' '.join(specs)} into {prefix} (npm)")
    result = subprocess.run(
        [npm, "install", "--prefix", str(partial), "--save-exact", "--no-audit", "--no-fund", *specs],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        output = "\n".join((result.stderr + result.stdout).strip().splitlines()[-25:])
        shutil.rmtree(partial, ignore_errors=True)
        raise NpmToolError(f"npm install {' '.join(specs)} failed (exit {result.returncode}):\n{output}")
    _verify(partial, (*_PEERS.get(tool.package, ()), tool))
    shutil.rmtree(prefix, ignore_errors=True)
    partial.rename(prefix)
    if not binary.exists():
        raise NpmToolError(f"npm installed {tool.package}@{tool.version} without {binary}")
    log(f"installed {tool.package}@{tool.version}")
    return binary


def _verify(prefix: Path, tools: tuple[NpmTool, ...]) -> None:
    """npm checked each tarball against the registry's hash; this checks that hash is the pinned one."""
    lock = json.loads((prefix / "package-lock.json").read_text())
    for tool in tools:
        entry = lock.get("packages", {}).get(f"node_modules/{tool.package}", {})
        if entry.get("version") != tool.version or entry.get("integrity") != tool.integrity:
            shutil.rmtree(prefix, ignore_errors=True)
            raise NpmToolError(
                f"{tool.package}: npm installed {entry.get('version')} {entry.get('integrity')}, "
                f"pinned {tool.version} {tool.integrity}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.npm_tools", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="install every pinned tool that is not cached")
    path_cmd = sub.add_parser("path", help="install if needed and print one tool's executable")
    path_cmd.add_argument("name", choices=sorted(TOOLS))
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            for tool in TOOLS.values():
                print(ensure(tool))
        else:
            print(ensure(TOOLS[args.name], log=lambda line: print(line, file=sys.stderr)))
    except NpmToolError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
