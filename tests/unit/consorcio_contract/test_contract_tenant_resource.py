"""The ConsorcioTenant contract: spec model, validation, resource builder."""

from __future__ import annotations

import pytest

from consorcio_contract import crd_identity
from consorcio_contract.plans import PlanName
from consorcio_contract.tenant_resource import (
    DeletionPolicy,
    InvalidTenantSpec,
    TenantSpec,
    build_tenant_resource,
    validate_spec,
)

pytestmark = pytest.mark.unit

VALID = {"displayName": "ACME Administradora", "cnpj": "11.222.333/0001-81", "plan": "professional"}


def fields(problems):
    return {p.field for p in problems}


def test_constants_name_the_resource():
    assert (crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, crd_identity.KIND) == (
        "consorcio.io",
        "v1alpha1",
        "consorciotenants",
        "ConsorcioTenant",
    )


def test_valid_spec_has_no_problems_and_parses_with_defaults():
    assert validate_spec(VALID, "acme") == []
    spec = TenantSpec.from_dict(VALID)
    assert spec.plan is PlanName.PROFESSIONAL
    assert spec.deletion_policy is DeletionPolicy.RETAIN
    assert spec.suspended is False
    assert spec.app_version is None and spec.host is None
    assert spec.normalized_cnpj == "11222333000181"


@pytest.mark.parametrize(
    "cnpj", ["11222333000181", "11.222.333/0001-81", "12.ABC.345/01DE-35", "12ABC34501DE35"]
)
def test_numeric_and_alphanumeric_cnpj_with_valid_check_digits_pass(cnpj):
    assert validate_spec({**VALID, "cnpj": cnpj}) == []


def test_wrong_check_digits_are_rejected_with_a_readable_message():
    problems = validate_spec({**VALID, "cnpj": "11.222.333/0001-82"})
    assert [str(p) for p in problems] == [
        "spec.cnpj: check digits do not match: the last two digits are not the mod-11 digits of the "
        "first 12 characters (not a valid CNPJ)"
    ]


@pytest.mark.parametrize("cnpj", ["00000000000000", "00.000.000/0000-00", "11111111111111"])
def test_one_repeated_character_is_refused_as_such_not_as_wrong_check_digits(cnpj):
    # 00000000000000 even has matching mod-11 digits: the message must name the real rule.
    problems = validate_spec({**VALID, "cnpj": cnpj})
    assert [str(p) for p in problems] == [
        "spec.cnpj: cannot repeat one character 14 times (such as 00.000.000/0000-00): not a valid CNPJ"
    ]


@pytest.mark.parametrize("cnpj", ["1122233300018", "11.222.333/0001-8A", "11-222-333-0001-81", ""])
def test_badly_shaped_cnpj_is_rejected(cnpj):
    assert "spec.cnpj" in fields(validate_spec({**VALID, "cnpj": cnpj}))


def test_every_problem_is_reported_at_once():
    problems = validate_spec(
        {"cnpj": "x", "plan": "gold", "deletionPolicy": "Purge", "suspended": "yes", "extra": 1}, "Bad_Name"
    )
    assert fields(problems) == {
        "metadata.name",
        "spec.displayName",
        "spec.cnpj",
        "spec.plan",
        "spec.deletionPolicy",
        "spec.suspended",
        "spec.extra",
    }


@pytest.mark.parametrize("name", ["a", "acme", "acme-2", "x" * 40])
def test_slug_names_pass(name):
    assert validate_spec(VALID, name) == []


@pytest.mark.parametrize("name", ["", "Acme", "acme.corp", "-acme", "acme-", "x" * 41, "acme_corp"])
def test_non_slug_names_fail(name):
    assert fields(validate_spec(VALID, name)) == {"metadata.name"}


def test_optional_fields_may_be_empty_strings():
    assert validate_spec({**VALID, "appVersion": "", "host": ""}) == []
    spec = TenantSpec.from_dict({**VALID, "appVersion": "", "host": ""})
    assert spec.app_version is None and spec.host is None


@pytest.mark.parametrize(("key", "value"), [("appVersion", "1.2 beta"), ("host", "ACME.example.com")])
def test_malformed_optional_fields_fail(key, value):
    assert fields(validate_spec({**VALID, key: value})) == {f"spec.{key}"}


def test_build_tenant_resource_is_a_complete_body_without_none_values():
    body = build_tenant_resource("acme", {**VALID, "plan": PlanName.STARTER, "host": None})
    assert body == {
        "apiVersion": "consorcio.io/v1alpha1",
        "kind": "ConsorcioTenant",
        "metadata": {"name": "acme", "labels": {"consorcio.io/tenant": "acme"}},
        "spec": {"displayName": "ACME Administradora", "cnpj": "11.222.333/0001-81", "plan": "starter"},
    }


def test_build_tenant_resource_refuses_invalid_input():
    with pytest.raises(InvalidTenantSpec) as err:
        build_tenant_resource("ACME", {**VALID, "cnpj": "11.222.333/0001-80"})
    assert {p.field for p in err.value.problems} == {"metadata.name", "spec.cnpj"}


def test_to_dict_round_trips():
    spec = TenantSpec.from_dict(
        {**VALID, "deletionPolicy": "Snapshot", "appVersion": "1.2.0", "suspended": True}
    )
    assert TenantSpec.from_dict(spec.to_dict()) == spec
    assert spec.to_dict()["deletionPolicy"] == "Snapshot"


def test_deletion_protection_and_grace_period_default_and_parse():
    spec = TenantSpec.from_dict(VALID)
    assert spec.deletion_protection is False and spec.deletion_grace_period_days == 7
    spec = TenantSpec.from_dict({**VALID, "deletionProtection": True, "deletionGracePeriodDays": 0})
    assert spec.deletion_protection is True and spec.deletion_grace_period_days == 0
    assert spec.to_dict()["deletionGracePeriodDays"] == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "must be at least 0"),
        (91, "must be at most 90"),
        ("7", "must be a whole number"),
        (True, "must be a whole number"),
        (1.5, "must be a whole number"),
    ],
)
def test_grace_period_must_be_a_whole_number_of_days_in_range(value, message):
    problems = validate_spec({**VALID, "deletionGracePeriodDays": value})
    assert [str(p) for p in problems] == [f"spec.deletionGracePeriodDays: {message}"]
