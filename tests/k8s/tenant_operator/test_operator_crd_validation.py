"""The API server itself rejects invalid ConsorcioTenants, with readable messages (no operator needed)."""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest
from kubernetes import client

from consorcio_contract import crd_identity
from consorcio_contract.identifiers import is_valid_cnpj
from devstack.binaries import binary_path
from tests.support.operator_harness import apply_crd

pytestmark = pytest.mark.k8s

GVP = (crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL)
# Labelled for an operator instance that never runs: no operator touches these.
INSTANCE = "crd-validation-nobody"


@pytest.fixture(scope="module")
def api(kubeconfig, k8s_api_client):
    apply_crd(kubeconfig, str(binary_path("kubectl")))
    custom = client.CustomObjectsApi(k8s_api_client)
    created: list[str] = []
    yield custom, created
    for name in created:
        try:
            custom.delete_cluster_custom_object(*GVP, name)
        except client.ApiException as err:
            if err.status != 404:
                raise


def body(name: str, **spec) -> dict:
    return {
        "apiVersion": crd_identity.API_VERSION,
        "kind": crd_identity.KIND,
        "metadata": {"name": name, "labels": {"consorcio.io/operator-instance": INSTANCE}},
        "spec": {"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "starter", **spec},
    }


def rejected(custom, obj: dict) -> str:
    with pytest.raises(client.ApiException) as err:
        custom.create_cluster_custom_object(*GVP, obj)
    assert err.value.status == 422
    return json.loads(err.value.body)["message"]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def test_a_valid_tenant_is_accepted_with_defaults(api):
    custom, created = api
    name = unique("valid")
    obj = custom.create_cluster_custom_object(*GVP, body(name))
    created.append(name)
    assert obj["spec"]["deletionPolicy"] == "Retain" and obj["spec"]["suspended"] is False


def test_badly_shaped_cnpj_is_rejected_with_a_sentence(api):
    message = rejected(api[0], body(unique("cnpj"), cnpj="11.222.333/0001"))
    assert "cnpj must have 14 characters" in message


def test_unknown_plan_lists_the_valid_plans(api):
    message = rejected(api[0], body(unique("plan"), plan="gold"))
    assert 'Unsupported value: "gold"' in message and '"starter", "professional", "enterprise"' in message


def test_unknown_deletion_policy_is_rejected(api):
    assert '"Retain", "Snapshot", "Delete"' in rejected(api[0], body(unique("pol"), deletionPolicy="Purge"))


def test_names_must_be_short_dns_labels(api):
    assert "at most 40 characters" in rejected(api[0], body("x" * 41))
    assert "DNS-1123 label" in rejected(api[0], body("acme.corp"))


def test_missing_required_fields_are_named(api):
    obj = body(unique("req"))
    del obj["spec"]["cnpj"]
    assert "spec.cnpj: Required value" in rejected(api[0], obj)


def test_cnpj_cannot_change(api):
    custom, created = api
    name = unique("immut")
    custom.create_cluster_custom_object(*GVP, body(name))
    created.append(name)
    with pytest.raises(client.ApiException) as err:
        custom.patch_cluster_custom_object(*GVP, name, {"spec": {"cnpj": "11222333000181"}})
    assert err.value.status == 422
    assert "cnpj is immutable" in json.loads(err.value.body)["message"]
    # Other fields stay editable.
    custom.patch_cluster_custom_object(*GVP, name, {"spec": {"plan": "enterprise", "suspended": True}})


def test_status_is_a_subresource(api):
    custom, created = api
    name = unique("status")
    custom.create_cluster_custom_object(*GVP, body(name))
    created.append(name)
    # A status written through the main resource is ignored by the API server.
    obj = custom.patch_cluster_custom_object(*GVP, name, {"status": {"url": "https://x"}})
    assert "status" not in obj or "url" not in obj["status"]


# --- CNPJ check digits at admission (CEL rules generated from the contract) -----------------

VALID_CNPJS = [
    "11.222.333/0001-81",
    "11222333000181",
    "12.ABC.345/01DE-35",
    "12ABC34501DE35",
    "12abc34501de35",
]


@pytest.mark.parametrize("cnpj", VALID_CNPJS)
def test_valid_numeric_and_alphanumeric_cnpjs_are_admitted(api, cnpj):
    custom, created = api
    name = unique("okcnpj")
    custom.create_cluster_custom_object(*GVP, body(name, cnpj=cnpj))
    created.append(name)


@pytest.mark.parametrize(
    "cnpj", ["11.222.333/0001-82", "11222333000180", "12.ABC.345/01DE-36", "12ABC34501DE53", "21ABC34501DE35"]
)
def test_wrong_check_digits_are_refused_by_the_api_server(api, cnpj):
    message = rejected(api[0], body(unique("dv"), cnpj=cnpj))
    assert "spec.cnpj" in message and "cnpj check digits do not match" in message
    assert "repeat" not in message


@pytest.mark.parametrize(
    "cnpj", ["00000000000000", "00.000.000/0000-00", "11111111111111", "99.999.999/9999-99"]
)
def test_one_repeated_character_is_refused_as_such(api, cnpj):
    message = rejected(api[0], body(unique("same"), cnpj=cnpj))
    assert "cnpj cannot repeat one character 14 times" in message
    assert "check digits" not in message  # 00000000000000's mod-11 digits even match


def test_kubectl_apply_of_a_bad_cnpj_fails_at_once_with_the_sentence(kubeconfig):
    manifest = json.dumps(body(unique("kubectl"), cnpj="11.222.333/0001-82"))
    done = subprocess.run(
        [str(binary_path("kubectl")), f"--kubeconfig={kubeconfig}", "apply", "-f", "-"],
        input=manifest,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "cnpj check digits do not match" in done.stderr


def test_the_api_server_and_the_contract_agree_on_every_cnpj(api):
    """Dry-run creates of CNPJs around valid ones (each check digit and each position changed)."""
    custom, _ = api
    base = ["11222333000181", "12ABC34501DE35", "ZZ999999000191", "00000000000191"]
    candidates = set(base)
    for cnpj in base:
        for position in range(14):
            alphabet = "0123456789" if position >= 12 else "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            for step in (1, 7):
                replacement = alphabet[(alphabet.index(cnpj[position]) + step) % len(alphabet)]
                candidates.add(cnpj[:position] + replacement + cnpj[position + 1 :])
    disagreements = []
    for cnpj in sorted(candidates):
        try:
            custom.create_cluster_custom_object(*GVP, body(unique("agree"), cnpj=cnpj), dry_run="All")
            admitted = True
        except client.ApiException as err:
            assert err.status == 422, err.body
            admitted = False
        if admitted != is_valid_cnpj(cnpj):
            disagreements.append((cnpj, admitted))
    assert disagreements == []
