"""Issue 17: the operator chart's ``objectStorage.mode=aws-irsa`` (AWS S3, one shared bucket, a
tenant IAM role per slug) reaches the operator's environment without any static key, and the
operator accepts what the chart renders; the schema refuses what the operator would refuse."""

from __future__ import annotations

from typing import Any

import pytest
from tenant_operator.config import OperatorConfig

from tests.support.chart_fixtures import CHARTS, KUBE_VERSION

pytestmark = pytest.mark.unit

TEMPLATE = "arn:aws:iam::123456789012:role/consorcio-prod-tenant-{tenant}"
IRSA_VALUES = (
    "objectStorage.mode=aws-irsa",
    "objectStorage.sharedBucket=consorcio-prod-tenant-objects",
    f"objectStorage.tenantRoleArnTemplate={TEMPLATE}",
    "objectStorage.region=sa-east-1",
    "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn="
    "arn:aws:iam::123456789012:role/consorcio-prod-operator-storage",
)


def _env(docs: list[dict[str, Any]]) -> dict[str, Any]:
    (deployment,) = [
        d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "consorcio-operator"
    ]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return {e["name"]: e for e in container.get("env", [])}


def test_aws_irsa_values_reach_the_env_with_no_static_key(render) -> None:
    docs = render("consorcio-operator", set_values=IRSA_VALUES)
    env = _env(docs)
    s3 = {name: e.get("value") for name, e in env.items() if name.startswith("OPERATOR_S3_")}
    assert s3 == {
        "OPERATOR_S3_MODE": "aws-irsa",
        "OPERATOR_S3_SHARED_BUCKET": "consorcio-prod-tenant-objects",
        "OPERATOR_S3_TENANT_ROLE_ARN_TEMPLATE": TEMPLATE,
        "OPERATOR_S3_ENDPOINT": "",
        "OPERATOR_S3_TENANT_ENDPOINT": "",
        "OPERATOR_S3_REGION": "sa-east-1",
    }
    # The operator's own role (Snapshot copies, Delete) is its ServiceAccount's IRSA annotation.
    (sa,) = [d for d in docs if d["kind"] == "ServiceAccount"]
    assert sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].endswith(
        ":role/consorcio-prod-operator-storage"
    )

    # What the chart renders is what the operator accepts at startup.
    plain = {
        name: str(e["value"]) for name, e in env.items() if "value" in e and name.startswith("OPERATOR_S3_")
    }
    config = OperatorConfig.from_env(
        {
            **plain,
            "OPERATOR_PG_ADMIN_DSN": "postgresql://postgres:pw@db.internal:5432/postgres",
            "OPERATOR_REDIS_ADMIN_URL": "redis://default:pw@redis.internal:6379/0",
        }
    )
    assert config.s3.irsa and config.s3.tenant_role_arn("acme").endswith(":role/consorcio-prod-tenant-acme")


def test_admin_api_stays_the_default(render) -> None:
    env = _env(render("consorcio-operator"))
    assert "OPERATOR_S3_MODE" not in env


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            ("objectStorage.mode=aws",),
            "at '/objectStorage/mode': value must be one of 'admin-api', 'aws-irsa'",
        ),
        (
            ("objectStorage.mode=aws-irsa", f"objectStorage.tenantRoleArnTemplate={TEMPLATE}"),
            "at '/objectStorage/sharedBucket': minLength: got 0, want 1",
        ),
        (
            ("objectStorage.mode=aws-irsa", "objectStorage.sharedBucket=consorcio-prod-tenant-objects"),
            "at '/objectStorage/tenantRoleArnTemplate': minLength: got 0, want 1",
        ),
        # Without {tenant} every tenant would assume one role reaching every prefix.
        (
            (
                "objectStorage.mode=aws-irsa",
                "objectStorage.sharedBucket=consorcio-prod-tenant-objects",
                "objectStorage.tenantRoleArnTemplate=arn:aws:iam::123456789012:role/shared",
            ),
            "at '/objectStorage/tenantRoleArnTemplate': 'arn:aws:iam::123456789012:role/shared' "
            "does not match pattern",
        ),
        (("objectStorage.sharedBucket=Tenant_Objects",), "at '/objectStorage/sharedBucket'"),
    ],
    ids=["mode", "no-bucket", "no-template", "template-without-tenant", "bad-bucket"],
)
def test_schema_refuses_what_the_operator_would_refuse(
    helm_run, settings: tuple[str, ...], message: str
) -> None:
    args = [
        "template",
        "consorcio-operator",
        str(CHARTS / "consorcio-operator"),
        "--kube-version",
        KUBE_VERSION,
    ]
    for setting in settings:
        args += ["--set", setting]
    proc = helm_run(*args)
    assert proc.returncode != 0, f"{settings} were accepted"
    assert "values don't meet the specifications of the schema" in proc.stderr
    assert message in proc.stderr, proc.stderr
