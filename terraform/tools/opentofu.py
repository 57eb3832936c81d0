"""Locate a Terraform-compatible CLI, building OpenTofu from Go modules if needed.

The build machines reach the Go module proxy but not releases.hashicorp.com
or the Terraform/OpenTofu registries, so a fresh machine cannot download a
terraform binary.  OpenTofu's go.mod has a single non-local ``replace`` (its
HCL fork), which the devstack's wrapper-module builder already mirrors, so it
compiles with ``go build`` like the Kubernetes binaries and is cached under
``$XDG_CACHE_HOME/consorcio/opentofu/<version>/bin``.

Resolution order: ``$TERRAFORM_BIN`` (explicit), the cached OpenTofu build,
``terraform`` or ``tofu`` on PATH, otherwise build OpenTofu (several minutes
on a cold Go cache).  Run ``python terraform/tools/opentofu.py`` to print the
path (building first if necessary).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from devstack.binaries import GoBuild, build, build_dir

OPENTOFU_VERSION = "v1.10.10"

OPENTOFU = GoBuild(
    component="opentofu",
    module="github.com/opentofu/opentofu",
    version=OPENTOFU_VERSION,
    programs={"tofu": "github.com/opentofu/opentofu/cmd/tofu"},
)


def cached_tofu() -> Path:
    """Where the OpenTofu build lives (it may not exist yet)."""
    prebuilt = os.environ.get("CONSORCIO_BIN_DIR")
    if prebuilt:
        return Path(prebuilt) / "tofu"
    return build_dir(OPENTOFU) / "bin" / "tofu"


def terraform_cli(log=print) -> Path:
    """Return a terraform-compatible CLI, building OpenTofu when none is available."""
    explicit = os.environ.get("TERRAFORM_BIN")
    if explicit:
        return Path(explicit)
    tofu = cached_tofu()
    if tofu.exists():
        return tofu
    for name in ("terraform", "tofu"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return build(OPENTOFU, log) / "tofu"


if __name__ == "__main__":
    print(terraform_cli(log=lambda line: print(line, file=sys.stderr)))
