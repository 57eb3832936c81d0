"""The CRD is generated from the spec model, and the chart's copy is that output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from tenant_operator.cli import main
from tenant_operator.conditions import CONDITION_TYPES
from tenant_operator.crd import CRD_FILE_NAME, build_crd, render_crd_yaml

from consorcio_contract import crd_identity, tenant_resource
from consorcio_contract.plans import PlanName

pytestmark = pytest.mark.unit

CHART_CRD = Path(__file__).resolve().parents[3] / "charts" / "consorcio-operator" / "crds" / CRD_FILE_NAME


def test_chart_crd_matches_the_spec_model():
    assert CHART_CRD.read_text() == render_crd_yaml(), (
        "charts/consorcio-operator/crds is stale: run "
        f"`python -m tenant_operator crd > {CHART_CRD.relative_to(CHART_CRD.parents[3])}`"
    )


def test_cli_prints_the_crd(capsys):
    assert main(["crd"]) == 0
    assert capsys.readouterr().out == render_crd_yaml()


def _version():
    return build_crd()["spec"]["versions"][0]


def test_identity_scope_and_names():
    crd = build_crd()
    assert crd["metadata"]["name"] == "consorciotenants.consorcio.io"
    assert crd["spec"]["scope"] == "Cluster"
    assert crd["spec"]["names"]["shortNames"] == list(crd_identity.SHORT_NAMES)
    assert _version()["name"] == "v1alpha1" and _version()["subresources"] == {"status": {}}


def test_every_spec_field_of_the_model_is_in_the_schema_with_its_enum():
    spec = _version()["schema"]["openAPIV3Schema"]["properties"]["spec"]
    assert list(spec["properties"]) == [s.json_name for _, s in tenant_resource.spec_fields()]
    assert spec["required"] == ["displayName", "cnpj", "plan"]
    assert spec["properties"]["plan"]["enum"] == [p.value for p in PlanName]
    assert spec["properties"]["deletionPolicy"]["enum"] == ["Retain", "Snapshot", "Delete"]
    assert spec["properties"]["deletionPolicy"]["default"] == "Retain"
    assert spec["properties"]["suspended"]["default"] is False


def _walk(schema, path="root"):
    yield path, schema
    for key, sub in (schema.get("properties") or {}).items():
        yield from _walk(sub, f"{path}.{key}")
    if "items" in schema:
        yield from _walk(schema["items"], f"{path}[]")


def test_every_field_except_metadata_has_a_description_for_kubectl_explain():
    missing = [
        path
        for path, node in _walk(_version()["schema"]["openAPIV3Schema"])
        if not node.get("description") and path != "root.metadata"
    ]
    assert missing == []


def test_cel_rules_guard_the_name_and_cnpj():
    root = _version()["schema"]["openAPIV3Schema"]
    rules = [r["rule"] for r in root["x-kubernetes-validations"]]
    assert any("size(self.metadata.name) <= 40" in r for r in rules)
    assert any("self.metadata.name.matches(" in r for r in rules)
    cnpj_rules = {
        r["rule"]: r for r in root["properties"]["spec"]["properties"]["cnpj"]["x-kubernetes-validations"]
    }
    assert cnpj_rules["self == oldSelf"]["message"] == "cnpj is immutable"


def test_cel_pattern_literal_decodes_to_the_model_regex():
    rule = _version()["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["cnpj"][
        "x-kubernetes-validations"
    ][0]["rule"]
    literal = re.fullmatch(r"self\.matches\('(.*)'\)", rule).group(1)
    assert literal.encode().decode("unicode_escape") == tenant_resource.CNPJ_PATTERN


def test_printer_columns():
    columns = {c["name"]: c["jsonPath"] for c in _version()["additionalPrinterColumns"]}
    assert columns["Plan"] == ".spec.plan"
    assert columns["Ready"] == '.status.conditions[?(@.type=="Ready")].status'
    assert columns["Reason"] == '.status.conditions[?(@.type=="Ready")].reason'
    assert columns["Suspended"] == '.status.conditions[?(@.type=="Suspended")].status'
    assert columns["URL"] == ".status.url"
    assert columns["Age"] == ".metadata.creationTimestamp"


def test_status_shows_the_observed_plan_and_suspension():
    fields = _version()["schema"]["openAPIV3Schema"]["properties"]["status"]["properties"]
    assert fields["plan"]["type"] == "string" and fields["suspended"]["type"] == "boolean"


def test_status_conditions_are_metav1_conditions_listed_by_type():
    conditions = _version()["schema"]["openAPIV3Schema"]["properties"]["status"]["properties"]["conditions"]
    assert conditions["x-kubernetes-list-map-keys"] == ["type"]
    assert set(conditions["items"]["required"]) == {
        "type",
        "status",
        "lastTransitionTime",
        "reason",
        "message",
    }
    for t in CONDITION_TYPES:
        assert t in conditions["items"]["properties"]["type"]["description"]


def test_yaml_is_a_single_document_that_loads_back():
    assert yaml.safe_load(render_crd_yaml()) == build_crd()
