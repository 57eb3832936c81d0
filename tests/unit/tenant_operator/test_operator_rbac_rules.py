"""The operator's RBAC rules files are plain YAML, least-privilege, and cover what the code calls.

Two files (issue 20): files/clusterrole-rules.yaml is bound cluster-wide and
holds no namespaced write right and no Secret read; files/tenant-role-rules.yaml
is what the operator binds to itself in each tenant namespace.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tenant_operator.drift.watched_kinds import NAMESPACE_WATCHED_KINDS, WATCHED_KINDS, group_version
from tenant_operator.kube.resources import KINDS

pytestmark = pytest.mark.unit

FILES = Path(__file__).resolve().parents[3] / "charts" / "consorcio-operator" / "files"
CLUSTER = FILES / "clusterrole-rules.yaml"
TENANT = FILES / "tenant-role-rules.yaml"
CLUSTER_SCOPED = {
    ("", "namespaces"),
    ("consorcio.io", "consorciotenants"),
    ("consorcio.io", "consorciotenants/status"),
}


def rules(path: Path = CLUSTER) -> list[dict]:
    return yaml.safe_load(path.read_text())


def allowed(group: str, resource: str, path: Path = CLUSTER) -> set[str]:
    verbs: set[str] = set()
    for rule in rules(path):
        if group in rule["apiGroups"] and resource in rule["resources"] and "resourceNames" not in rule:
            verbs |= set(rule["verbs"])
    return verbs


def test_are_lists_of_rules_without_wildcards_or_escalation_verbs():
    for path in (CLUSTER, TENANT):
        parsed = rules(path)
        assert isinstance(parsed, list) and parsed
        for rule in parsed:
            for key in ("apiGroups", "resources", "verbs"):
                assert "*" not in rule[key], rule
            assert not {"escalate", "impersonate", "update"} & set(rule["verbs"]), rule
            if "bind" in rule["verbs"]:
                # Only the tenant role may be bound, by name.
                assert rule == {
                    "apiGroups": ["rbac.authorization.k8s.io"],
                    "resources": ["clusterroles"],
                    "verbs": ["bind"],
                    "resourceNames": ["TENANT_ROLE_NAME"],
                }
            else:
                assert set(rule) == {"apiGroups", "resources", "verbs"}, rule
        assert not allowed("", "pods", path) and not allowed(
            "rbac.authorization.k8s.io", "clusterroles", path
        )


def test_operator_cluster_role_grants_no_namespaced_write_and_no_secret_read():
    """The old ClusterRole let the operator patch Deployments and read Secrets in kube-system."""
    for rule in rules(CLUSTER):
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                writes = {"create", "patch", "delete"} & set(rule["verbs"])
                if writes and (group, resource) not in CLUSTER_SCOPED:
                    # The only namespaced write: RoleBindings, confined by admission
                    # (files/operator-confinement.yaml) to the tenant role and namespaces.
                    assert (group, resource) in {
                        ("", "events"),
                        ("rbac.authorization.k8s.io", "rolebindings"),
                    }, rule
    assert not allowed("", "secrets")
    assert not allowed("apps", "deployments") & {"get", "create", "patch", "delete"}


def test_every_kind_the_operator_applies_can_be_read_and_patched_in_a_tenant_namespace():
    for kind in KINDS.values():
        if kind.kind in ("CustomResourceDefinition",):
            continue
        group = kind.api_version.rpartition("/")[0]
        where = TENANT if kind.namespaced and kind.kind != "RoleBinding" else CLUSTER
        assert {"get", "patch"} <= allowed(group, kind.plural, where), kind.kind


def test_deletion_rights_are_limited_to_what_the_operator_deletes():
    def deletable(path: Path) -> set[tuple[str, str]]:
        return {
            (g, r)
            for rule in rules(path)
            if "delete" in rule["verbs"]
            for g in rule["apiGroups"]
            for r in rule["resources"]
        }

    assert deletable(CLUSTER) == {("", "namespaces"), ("rbac.authorization.k8s.io", "rolebindings")}
    assert deletable(TENANT) == {
        ("batch", "jobs"),
        ("networking.k8s.io", "ingresses"),
        ("networking.k8s.io", "networkpolicies"),
    }
    assert allowed("apiextensions.k8s.io", "customresourcedefinitions") == {"get", "list", "watch"}


def test_every_watched_kind_can_be_listed_and_watched_where_it_is_watched():
    for kind in WATCHED_KINDS:
        group, _ = group_version(kind)
        assert {"list", "watch"} <= allowed(group, kind.plural), kind.kind
        if kind.namespaced:
            assert {"get", "list", "watch", "create", "patch"} <= allowed(group, kind.plural, TENANT), (
                kind.kind
            )
    for kind in NAMESPACE_WATCHED_KINDS:
        group, _ = group_version(kind)
        assert not allowed(group, kind.plural), kind.kind
        assert {"get", "list", "watch", "create", "patch"} <= allowed(group, kind.plural, TENANT), kind.kind
