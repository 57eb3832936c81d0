"""The ClusterRole rules file is plain YAML, least-privilege, and covers what the code calls."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tenant_operator.drift.watched_kinds import WATCHED_KINDS, group_version
from tenant_operator.kube.resources import KINDS

pytestmark = pytest.mark.unit

RULES = (
    Path(__file__).resolve().parents[3] / "charts" / "consorcio-operator" / "files" / "clusterrole-rules.yaml"
)


def rules():
    return yaml.safe_load(RULES.read_text())


def allowed(group: str, resource: str) -> set[str]:
    verbs: set[str] = set()
    for rule in rules():
        if group in rule["apiGroups"] and resource in rule["resources"]:
            verbs |= set(rule["verbs"])
    return verbs


def test_is_a_list_of_rules_without_wildcards_or_escalation_verbs():
    parsed = rules()
    assert isinstance(parsed, list) and parsed
    for rule in parsed:
        assert set(rule) == {"apiGroups", "resources", "verbs"}
        for key in ("apiGroups", "resources", "verbs"):
            assert "*" not in rule[key], rule
        assert not {"escalate", "bind", "impersonate", "update"} & set(rule["verbs"]), rule
    assert not allowed("", "pods") and not allowed("rbac.authorization.k8s.io", "clusterroles")


def test_every_kind_the_operator_applies_can_be_read_and_patched():
    for kind in KINDS.values():
        if kind.kind in ("CustomResourceDefinition",):
            continue
        group = kind.api_version.rpartition("/")[0]
        assert {"get", "patch"} <= allowed(group, kind.plural), kind.kind


def test_deletion_rights_are_limited_to_what_the_operator_deletes():
    deletable = {
        (rule_group, resource)
        for rule in rules()
        if "delete" in rule["verbs"]
        for rule_group in rule["apiGroups"]
        for resource in rule["resources"]
    }
    assert deletable == {("", "namespaces"), ("batch", "jobs"), ("networking.k8s.io", "ingresses")}
    assert allowed("apiextensions.k8s.io", "customresourcedefinitions") == {"get", "list", "watch"}


def test_every_watched_kind_can_be_listed_and_watched():
    for kind in WATCHED_KINDS:
        group, _ = group_version(kind)
        assert {"get", "list", "watch", "create", "patch"} <= allowed(group, kind.plural), kind.kind
