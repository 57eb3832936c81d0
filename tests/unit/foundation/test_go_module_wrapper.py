"""The wrapper go.mod that builds Kubernetes and Vault from their modules."""

from __future__ import annotations

import pytest

from devstack.binaries import BUILDS, GoBuild, parse_go_mod, staging_version, wrapper_replaces

pytestmark = pytest.mark.unit

SERVED = """module k8s.io/kubernetes

go 1.24.0

require (
\tgithub.com/spf13/cobra v1.9.1
\tk8s.io/api v0.0.0
\tk8s.io/client-go v0.0.0 // indirect
)

replace (
\tk8s.io/api => ./staging/src/k8s.io/api
\tk8s.io/client-go => ./staging/src/k8s.io/client-go
)

replace github.com/a/b v1.0.0 => github.com/c/b v1.0.1 // a comment
"""


def test_parse_go_mod_reads_blocks_and_single_lines() -> None:
    requires, replaces = parse_go_mod(SERVED)
    assert requires == {
        "github.com/spf13/cobra": "v1.9.1",
        "k8s.io/api": "v0.0.0",
        "k8s.io/client-go": "v0.0.0",
    }
    assert ("k8s.io/api", None, "./staging/src/k8s.io/api", None) in replaces
    assert ("github.com/a/b", "v1.0.0", "github.com/c/b", "v1.0.1") in replaces


def test_staging_modules_map_to_their_published_versions() -> None:
    build = GoBuild("kubernetes", "k8s.io/kubernetes", "v1.34.4", {}, mirror_replaces=True)
    assert staging_version("v1.34.4") == "v0.34.4"
    assert wrapper_replaces(build, SERVED) == [
        "replace k8s.io/api => k8s.io/api v0.34.4",
        "replace k8s.io/client-go => k8s.io/client-go v0.34.4",
        "replace github.com/a/b v1.0.0 => github.com/c/b v1.0.1",
    ]


def test_local_replaces_use_the_required_version_when_published() -> None:
    served = (
        "module m\n"
        "require github.com/hashicorp/vault/api v1.22.0\n"
        "replace github.com/hashicorp/vault/api => ./api\n"
    )
    build = GoBuild("vault", "github.com/hashicorp/vault", "v1.21.4", {}, mirror_replaces=True)
    assert wrapper_replaces(build, served) == [
        "replace github.com/hashicorp/vault/api => github.com/hashicorp/vault/api v1.22.0"
    ]


def test_every_program_is_pinned_once() -> None:
    programs = [p for b in BUILDS for p in b.programs]
    assert len(programs) == len(set(programs))
    assert {
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kwok",
        "vault",
        "helm",
    } <= set(programs)
