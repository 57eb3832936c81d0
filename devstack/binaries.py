"""Build the control-plane binaries from Go modules and cache them per version.

The build machines reach the Go module proxy but no release downloads, so
etcd, Kubernetes, kwok, Vault, Helm and the S3 server (Versity S3 Gateway)
are compiled from their modules once and kept under ``$XDG_CACHE_HOME/consorcio/<component>/<version>/bin``.
``CONSORCIO_BIN_DIR`` may point at a folder of prebuilt binaries instead.

Kubernetes and Vault cannot be ``go install``-ed directly: their go.mod maps
sibling modules to local folders (``replace k8s.io/api => ./staging/...``),
which only works inside their own repositories.  We build them from a small
wrapper module that requires the project and maps each of those siblings to
its published version instead, generated from the exact tag's go.mod.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from devstack import versions


@dataclass(frozen=True)
class GoBuild:
    """One Go module whose main packages we compile into the cache."""

    component: str
    module: str
    version: str
    # binary name -> main package path
    programs: dict[str, str]
    # Mirror the module's own local-path replaces as published versions.
    mirror_replaces: bool = False
    ldflags: tuple[str, ...] = ()
    # Extra requirements that pin sibling modules (name -> version).
    extra_env: dict[str, str] = field(default_factory=dict)
    # Only some tests need it: never required in CONSORCIO_BIN_DIR, built on demand.
    optional: bool = False


def _kubernetes_ldflags(version: str) -> tuple[str, ...]:
    major, minor = version.lstrip("v").split(".")[:2]
    flags = []
    # Tools (kubectl, client-go discovery, the apiserver's /version) read these.
    for pkg in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += [
            f"-X {pkg}.gitVersion={version}",
            f"-X {pkg}.gitMajor={major}",
            f"-X {pkg}.gitMinor={minor}",
            f"-X {pkg}.gitTreeState=clean",
            f"-X {pkg}.buildDate=1970-01-01T00:00:00Z",
        ]
    return tuple(flags)


BUILDS: tuple[GoBuild, ...] = (
    GoBuild(
        component="etcd",
        module="go.etcd.io/etcd/server/v3",
        version=versions.ETCD,
        programs={"etcd": "go.etcd.io/etcd/server/v3"},
    ),
    GoBuild(
        component="kwok",
        module="sigs.k8s.io/kwok",
        version=versions.KWOK,
        programs={"kwok": "sigs.k8s.io/kwok/cmd/kwok"},
    ),
    GoBuild(
        component="kubernetes",
        module="k8s.io/kubernetes",
        version=versions.KUBERNETES,
        programs={
            "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
            "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
            "kube-scheduler": "k8s.io/kubernetes/cmd/kube-scheduler",
            "kubectl": "k8s.io/kubernetes/cmd/kubectl",
        },
        mirror_replaces=True,
        ldflags=_kubernetes_ldflags(versions.KUBERNETES),
    ),
    GoBuild(
        component="helm",
        module="helm.sh/helm/v3",
        version=versions.HELM,
        programs={"helm": "helm.sh/helm/v3/cmd/helm"},
        ldflags=(f"-X helm.sh/helm/v3/internal/version.version={versions.HELM}",),
    ),
    GoBuild(
        component="vault",
        module="github.com/hashicorp/vault",
        version=versions.VAULT,
        programs={"vault": "github.com/hashicorp/vault"},
        mirror_replaces=True,
    ),
    GoBuild(
        component="versitygw",
        module="github.com/versity/versitygw",
        version=versions.VERSITYGW,
        programs={"versitygw": "github.com/versity/versitygw/cmd/versitygw"},
    ),
    GoBuild(
        component="promtool",
        module="github.com/prometheus/prometheus",
        version=versions.PROMTOOL,
        programs={"promtool": "github.com/prometheus/prometheus/cmd/promtool"},
        optional=True,
    ),
    GoBuild(
        component="mailpit",
        module="github.com/axllent/mailpit",
        version=versions.MAILPIT,
        programs={"mailpit": "github.com/axllent/mailpit"},
        ldflags=(f"-X github.com/axllent/mailpit/config.Version={versions.MAILPIT}",),
    ),
)

PROGRAM_TO_BUILD = {prog: b for b in BUILDS for prog in b.programs}


def cache_root() -> Path:
    """Where built binaries live; survives across checkouts of the project."""
    explicit = os.environ.get("CONSORCIO_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "consorcio"


def build_dir(build: GoBuild) -> Path:
    return cache_root() / build.component / build.version


def binary_path(program: str) -> Path:
    """Path of one program: the prebuilt folder if configured, else the cache."""
    prebuilt = os.environ.get("CONSORCIO_BIN_DIR")
    if prebuilt:
        return Path(prebuilt) / program
    return build_dir(PROGRAM_TO_BUILD[program]) / "bin" / program


def is_built(build: GoBuild) -> bool:
    return all(binary_path(p).exists() for p in build.programs)


class BuildError(RuntimeError):
    pass


def _go_env() -> dict[str, str]:
    env = dict(os.environ)
    # Never let go fetch another toolchain: the proxy is all we reach.
    env.setdefault("GOTOOLCHAIN", "local")
    env["CGO_ENABLED"] = "0"
    env.setdefault("GOFLAGS", "-mod=mod")
    return env


def _run(cmd: list[str], cwd: Path, log) -> None:
    log(f"$ {' '.join(cmd)}")
    proc = subprocess.run(
        cmd, cwd=cwd, env=_go_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if proc.returncode != 0:
        raise BuildError(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{proc.stdout[-4000:]}")


_REPLACE_LINE = re.compile(r"^\s*(?:replace\s+)?(\S+)(?:\s+(\S+))?\s+=>\s+(\S+)(?:\s+(\S+))?\s*$")
_REQUIRE_LINE = re.compile(r"^\s*(?:require\s+)?(\S+)\s+(v\S+)(?:\s*//.*)?$")


def parse_go_mod(text: str) -> tuple[dict[str, str], list[tuple[str, str | None, str, str | None]]]:
    """Return (requirements, replaces) from a go.mod file's text.

    replaces are (old path, old version or None, new path, new version or None).
    """
    requires: dict[str, str] = {}
    replaces: list[tuple[str, str | None, str, str | None]] = []
    block: str | None = None
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].rstrip() if "=>" in raw else raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        if stripped.endswith("(") and stripped.split()[0] in (
            "require",
            "replace",
            "exclude",
            "retract",
            "tool",
            "godebug",
        ):
            block = stripped.split()[0]
            continue
        if stripped == ")":
            block = None
            continue
        kind = block or stripped.split()[0]
        if kind == "replace":
            m = _REPLACE_LINE.match(stripped)
            if m:
                replaces.append((m.group(1), m.group(2), m.group(3), m.group(4)))
        elif kind == "require":
            m = _REQUIRE_LINE.match(stripped)
            if m:
                requires[m.group(1)] = m.group(2)
    return requires, replaces


def staging_version(project_version: str) -> str:
    """k8s.io/kubernetes vX.Y.Z publishes its staging modules as v0.Y.Z."""
    _, minor, patch = project_version.lstrip("v").split(".")
    return f"v0.{minor}.{patch}"


def wrapper_replaces(build: GoBuild, served_go_mod: str) -> list[str]:
    """Replace lines for the wrapper module, derived from the tag's own go.mod."""
    requires, replaces = parse_go_mod(served_go_mod)
    lines = []
    for old, old_version, new, new_version in replaces:
        if new.startswith("./") or new.startswith("../"):
            if not build.mirror_replaces:
                continue
            if "FORBIDDEN" in new:
                continue
            version = requires.get(old)
            if version is None or version.startswith("v0.0.0"):
                version = staging_version(build.version)
            lines.append(f"replace {old} => {old} {version}")
        else:
            left = f"{old} {old_version}" if old_version else old
            lines.append(f"replace {left} => {new} {new_version}")
    return lines


def build(build: GoBuild, log=print) -> Path:
    """Compile one module's programs into the cache (idempotent, one builder at a time)."""
    target = build_dir(build)
    bin_dir = target / "bin"
    if all((bin_dir / p).exists() for p in build.programs):
        return bin_dir
    target.mkdir(parents=True, exist_ok=True)
    # Several test sessions or a `make up` may ask for the same build at once.
    with FileLock(str(target / "build.lock"), timeout=7200):
        return _build_locked(build, target, bin_dir, log)


def _build_locked(build: GoBuild, target: Path, bin_dir: Path, log) -> Path:
    if all((bin_dir / p).exists() for p in build.programs):
        return bin_dir
    src = target / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    started = time.monotonic()
    log(f"building {build.component} {build.version} (cached in {target})")

    (src / "go.mod").write_text(f"module consorcio.local/build/{build.component}\n\ngo 1.24\n")
    proc = subprocess.run(
        ["go", "mod", "download", "-json", f"{build.module}@{build.version}"],
        cwd=src,
        env=_go_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise BuildError(
            f"go mod download {build.module}@{build.version} failed:\n{proc.stdout}{proc.stderr}"
        )
    served = Path(json.loads(proc.stdout)["GoMod"]).read_text()
    replaces = wrapper_replaces(build, served)
    (src / "go.mod").write_text(
        f"module consorcio.local/build/{build.component}\n\ngo 1.24\n\n"
        f"require {build.module} {build.version}\n\n" + "\n".join(replaces) + "\n"
    )
    for package in build.programs.values():
        _run(["go", "get", f"{package}@{build.version}"], src, log)
    bin_dir.mkdir(parents=True, exist_ok=True)
    for program, package in build.programs.items():
        tmp = bin_dir / f".{program}.partial"
        cmd = ["go", "build", "-trimpath", "-o", str(tmp)]
        if build.ldflags:
            cmd += ["-ldflags", " ".join(("-s", "-w", *build.ldflags))]
        else:
            cmd += ["-ldflags", "-s -w"]
        _run([*cmd, package], src, log)
        tmp.rename(bin_dir / program)  # atomic: a half-built binary never looks cached
    log(f"built {build.component} {build.version} in {time.monotonic() - started:.0f}s")
    return bin_dir


def ensure_all(log=print, only: list[str] | None = None) -> dict[str, Path]:
    """Make sure every program exists, building what is missing."""
    if os.environ.get("CONSORCIO_BIN_DIR"):
        missing = [p for p, b in PROGRAM_TO_BUILD.items() if not b.optional and not binary_path(p).exists()]
        if missing:
            raise BuildError(f"CONSORCIO_BIN_DIR lacks: {', '.join(missing)}")
        return {p: binary_path(p) for p in PROGRAM_TO_BUILD}
    if shutil.which("go") is None:
        raise BuildError("Go is required to build the local Kubernetes binaries (apt-get install golang-go)")
    for b in BUILDS:
        if only and b.component not in only:
            continue
        build(b, log)
    return {p: binary_path(p) for p in PROGRAM_TO_BUILD}


if __name__ == "__main__":
    ensure_all(only=sys.argv[1:] or None)
