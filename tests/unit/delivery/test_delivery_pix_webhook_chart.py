"""Issue 15: the operator chart's ``pixWebhook`` values (the tenants' PIX webhook hosts with mutual TLS at
ingress-nginx) reach the operator's environment and mount the PSPs' CA bundle; off by default, on in the
production values; the schema and the template refuse values the operator would refuse at startup."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pytest

from tests.support.chart_fixtures import CHARTS, KUBE_VERSION

pytestmark = pytest.mark.unit

PIX_ENV = ("OPERATOR_PIX_WEBHOOK_DOMAIN", "OPERATOR_PIX_WEBHOOK_CA_FILE", "OPERATOR_PIX_WEBHOOK_VERIFY_DEPTH")


def _pod(docs: list[dict[str, Any]]) -> dict[str, Any]:
    (deployment,) = [
        d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "consorcio-operator"
    ]
    return dict(deployment["spec"]["template"]["spec"])


def _env(pod: dict[str, Any]) -> dict[str, Any]:
    (container,) = pod["containers"]
    return {e["name"]: e for e in container.get("env", [])}


def test_off_by_default(render) -> None:
    pod = _pod(render("consorcio-operator", namespace="consorcio-operator"))
    assert not set(PIX_ENV) & set(_env(pod))
    assert "psp-ca" not in {v["name"] for v in pod["volumes"]}


def test_set_values_reach_the_env_and_the_ca_bundle_is_mounted_where_the_env_points(render) -> None:
    pod = _pod(
        render(
            "consorcio-operator",
            namespace="consorcio-operator",
            set_values=(
                "pixWebhook.domain=pix.tenants.acme.com.br",
                "pixWebhook.caSecret.name=psp-ca",
                "pixWebhook.caSecret.key=bundle.pem",
                "pixWebhook.verifyDepth=3",
            ),
        )
    )
    env = _env(pod)
    assert env["OPERATOR_PIX_WEBHOOK_DOMAIN"]["value"] == "pix.tenants.acme.com.br"
    assert env["OPERATOR_PIX_WEBHOOK_VERIFY_DEPTH"]["value"] == "3"
    ca_file = PurePosixPath(env["OPERATOR_PIX_WEBHOOK_CA_FILE"]["value"])
    assert ca_file.name == "bundle.pem"
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["psp-ca"] == {"name": "psp-ca", "secret": {"secretName": "psp-ca"}}
    (container,) = pod["containers"]
    mount = next(m for m in container["volumeMounts"] if m["name"] == "psp-ca")
    assert mount["readOnly"] is True and PurePosixPath(mount["mountPath"]) == ca_file.parent


def test_on_in_the_production_values(render) -> None:
    env = _env(_pod(render("consorcio-operator", "ci/production-values.yaml")))
    assert env["OPERATOR_PIX_WEBHOOK_DOMAIN"]["value"] == "pix.tenants.consorcio.example.com.br"
    assert env["OPERATOR_PIX_WEBHOOK_VERIFY_DEPTH"]["value"] == "2"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (("pixWebhook.domain=Pix_Hooks",), "at '/pixWebhook/domain': 'Pix_Hooks' does not match pattern"),
        (("pixWebhook.domain=pix.example.com",), "at '/pixWebhook/caSecret/name': minLength: got 0, want 1"),
        (("pixWebhook.verifyDepth=0",), "at '/pixWebhook/verifyDepth': minimum: got 0, want 1"),
        (("pixWebhook.verifyDepth=11",), "at '/pixWebhook/verifyDepth': maximum: got 11, want 10"),
        (("pixWebhook.mode=optional",), "additional properties 'mode' not allowed"),
        (
            ("pixWebhook.domain=consorcio.example.com", "pixWebhook.caSecret.name=psp-ca"),
            "pixWebhook.domain must differ from baseDomain",
        ),
    ],
    ids=["domain-pattern", "ca-required", "depth-min", "depth-max", "unknown-key", "same-as-base-domain"],
)
def test_bad_values_are_refused(helm_run, settings: tuple[str, ...], message: str) -> None:
    args = ["template", "o", str(CHARTS / "consorcio-operator"), "--kube-version", KUBE_VERSION]
    for s in settings:
        args += ["--set", s]
    proc = helm_run(*args)
    assert proc.returncode != 0, f"{settings} was accepted"
    assert message in proc.stderr, proc.stderr
