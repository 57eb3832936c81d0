"""Terraform: formatting, checkov, layout, and an offline stand-in for `validate`.

The provider plugins cannot be downloaded on the build machines, so
`terraform validate` only runs when a local plugin mirror is configured
(CONSORCIO_TF_PLUGIN_DIR). What can be proven without the providers is proven
here: fmt, checkov, module interfaces and the chart values the releases set.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
TERRAFORM = REPO / "terraform"
MODULES = sorted(p for p in (TERRAFORM / "modules").iterdir() if p.is_dir())
ENVIRONMENTS = sorted(p for p in (TERRAFORM / "environments").iterdir() if p.is_dir())
META_ARGUMENTS = {"source", "count", "for_each", "depends_on", "providers", "version"}


def _plain(node: Any) -> Any:
    """Drop the parser's line markers and its one-element wrapping of attribute values."""
    if isinstance(node, dict):
        return {
            k: _plain(v[0] if isinstance(v, list) and len(v) == 1 else v)
            for k, v in node.items()
            if not k.startswith("__")
        }
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def load_dir(folder: Path) -> dict[str, list[Any]]:
    """Every top-level block of the .tf files in one folder, by block type."""
    blocks: dict[str, list[Any]] = {}
    for tf in sorted(folder.glob("*.tf")):
        with tf.open() as handle:
            parsed = hcl2.load(handle)
        for kind, items in parsed.items():
            blocks.setdefault(kind, []).extend(_plain(item) for item in items)
    return blocks


def declared_variables(folder: Path) -> dict[str, dict[str, Any]]:
    return {name: body for block in load_dir(folder).get("variable", []) for name, body in block.items()}


def declared_outputs(folder: Path) -> dict[str, dict[str, Any]]:
    return {name: body for block in load_dir(folder).get("output", []) for name, body in block.items()}


@pytest.fixture(scope="module")
def terraform_cli() -> Path:
    spec = importlib.util.spec_from_file_location("consorcio_opentofu", TERRAFORM / "tools" / "opentofu.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("consorcio_opentofu", module)
    spec.loader.exec_module(module)
    cli = module.terraform_cli()
    assert Path(cli).exists(), f"no terraform-compatible CLI at {cli}"
    return Path(cli)


def _tf_env() -> dict[str, str]:
    # No user CLI configuration, no telemetry, no interactive prompts.
    return {
        **os.environ,
        "TF_CLI_CONFIG_FILE": "/dev/null",
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
    }


def test_terraform_is_formatted(terraform_cli: Path) -> None:
    proc = subprocess.run(
        [str(terraform_cli), "fmt", "-check", "-recursive", "-list=true", str(TERRAFORM)],
        capture_output=True,
        text=True,
        env=_tf_env(),
        timeout=120,
    )
    assert proc.returncode == 0, f"unformatted (run `fmt -recursive terraform`):\n{proc.stdout}{proc.stderr}"


def test_checkov_finds_nothing() -> None:
    checkov = Path(sys.executable).parent / "checkov"
    assert checkov.exists(), "checkov is a dev dependency: run `make bootstrap`"
    proc = subprocess.run(
        [
            str(checkov),
            "-d",
            str(TERRAFORM),
            "--framework",
            "terraform",
            "--skip-download",
            "--quiet",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(proc.stdout)
    reports = report if isinstance(report, list) else [report]
    summaries = [r["summary"] for r in reports]
    failed = [
        f"{f['check_id']} {f['resource']} ({f['file_path']}:{f['file_line_range'][0]}): {f['check_name']}"
        for r in reports
        for f in r["results"]["failed_checks"]
    ]
    assert not failed, "\n".join(failed)
    assert all(s["parsing_errors"] == 0 for s in summaries), summaries
    assert sum(s["passed"] for s in summaries) > 200, summaries
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_every_checkov_skip_gives_its_reason() -> None:
    skips = []
    for tf in TERRAFORM.rglob("*.tf"):
        for number, line in enumerate(tf.read_text().splitlines(), 1):
            if "checkov:skip" in line:
                skips.append((tf, number, line))
                match = re.search(r"#checkov:skip=(CKV2?_[A-Z0-9]+_\d+):(.{20,})$", line.strip())
                assert match, f"{tf.relative_to(REPO)}:{number} skips without a reason: {line.strip()}"
    assert skips, "expected the documented skips (KMS key policy, EKS version, NAT EIPs, Route53)"


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_module_layout(module: Path) -> None:
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
        assert (module / name).exists(), f"{module.name} lacks {name}"


@pytest.mark.parametrize("folder", MODULES + ENVIRONMENTS, ids=[p.name for p in MODULES + ENVIRONMENTS])
def test_versions_are_minimums(folder: Path) -> None:
    (terraform_block,) = load_dir(folder)["terraform"]
    assert terraform_block["required_version"].startswith(">= "), terraform_block["required_version"]
    providers = terraform_block.get("required_providers", {})
    for name, spec in providers.items():
        assert spec["version"].startswith(">= "), f"{folder.name}: {name} pins {spec['version']}"
        assert spec["source"].startswith("hashicorp/"), spec


@pytest.mark.parametrize("folder", MODULES + ENVIRONMENTS, ids=[p.name for p in MODULES + ENVIRONMENTS])
def test_variables_and_outputs_are_documented(folder: Path) -> None:
    for name, body in declared_variables(folder).items():
        assert body.get("description"), f"{folder.name}: variable {name} has no description"
        assert "type" in body, f"{folder.name}: variable {name} has no type"
    for name, body in declared_outputs(folder).items():
        assert body.get("description"), f"{folder.name}: output {name} has no description"


def _module_calls(folder: Path) -> list[tuple[str, Path, dict[str, Any]]]:
    calls = []
    for block in load_dir(folder).get("module", []):
        for name, body in block.items():
            source = body["source"]
            assert source.startswith("../"), f"{folder.name}: module {name} has a non-local source {source}"
            calls.append((name, (folder / source).resolve(), body))
    return calls


@pytest.mark.parametrize("folder", MODULES + ENVIRONMENTS, ids=[p.name for p in MODULES + ENVIRONMENTS])
def test_module_calls_match_module_interfaces(folder: Path) -> None:
    """What `validate` would catch in the wiring, without the provider schemas."""
    calls = _module_calls(folder)
    outputs_by_call = {}
    for name, target, body in calls:
        assert target.is_dir(), f"{folder.name}: module {name} points at missing {target}"
        variables = declared_variables(target)
        passed = set(body) - META_ARGUMENTS
        unknown = passed - set(variables)
        assert not unknown, f"{folder.name}: module {name} passes undeclared {sorted(unknown)}"
        required = {v for v, spec in variables.items() if "default" not in spec}
        missing = required - passed
        assert not missing, f"{folder.name}: module {name} lacks required {sorted(missing)}"
        outputs_by_call[name] = set(declared_outputs(target))
    text = "\n".join(tf.read_text() for tf in folder.glob("*.tf"))
    for call, output in re.findall(r"\bmodule\.([a-z0-9_]+)(?:\[\d+\])?\.([a-z0-9_]+)", text):
        assert call in outputs_by_call, f"{folder.name}: module.{call} is not called here"
        assert output in outputs_by_call[call], f"{folder.name}: module.{call} has no output {output}"


def test_environments_install_the_repository_charts() -> None:
    for env in ENVIRONMENTS:
        (call,) = [body for block in load_dir(env)["module"] for body in block.values()]
        charts_dir = call["charts_dir"]
        assert charts_dir == "${path.root}/../../../charts", charts_dir
        resolved = (env / "../../../charts").resolve()
        assert resolved == REPO / "charts"
        assert (resolved / "consorcio-operator" / "Chart.yaml").exists()
        assert (resolved / "consorcio-platform" / "Chart.yaml").exists()


def _key_paths(node: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    paths = set()
    if isinstance(node, dict):
        for key, value in node.items():
            paths.add((*prefix, key))
            paths |= _key_paths(value, (*prefix, key))
    return paths


@pytest.mark.parametrize(
    ("local_name", "chart"),
    [("operator_values", "consorcio-operator"), ("platform_values", "consorcio-platform")],
)
def test_release_values_exist_in_the_charts(local_name: str, chart: str) -> None:
    """Every key platform_releases sets is a documented key of the chart (a typo would fail the release)."""
    (locals_block,) = [
        b for b in load_dir(TERRAFORM / "modules" / "platform_releases")["locals"] if local_name in b
    ]
    wired = _key_paths(locals_block[local_name])
    values = yaml.safe_load((REPO / "charts" / chart / "values.yaml").read_text())
    defaults = _key_paths(values)
    # Free-form maps (annotations, labels) default to {} and take any key; so do lists of
    # objects that default to [] (extraEnv: EnvVar items).
    free_maps = {path for path in defaults if _lookup(values, path) in ({}, [])}
    assert len(wired) > 10
    unknown = sorted(
        ".".join(path)
        for path in wired - defaults
        if not any(path[: len(free)] == free for free in free_maps)
    )
    assert not unknown, f"{chart} has no values {unknown}"


def _lookup(node: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


def test_terraform_validate_with_a_provider_mirror(terraform_cli: Path, tmp_path: Path) -> None:
    plugin_dir = os.environ.get("CONSORCIO_TF_PLUGIN_DIR")
    if not plugin_dir:
        pytest.skip(
            "terraform validate needs the aws/helm/kubernetes/random/tls provider plugins, which cannot be "
            "downloaded here; set CONSORCIO_TF_PLUGIN_DIR to a `terraform providers mirror` folder to run it"
        )
    for env in ENVIRONMENTS:
        work = tmp_path / env.name
        env_vars = {**_tf_env(), "TF_DATA_DIR": str(work)}
        init = subprocess.run(
            [str(terraform_cli), "init", "-backend=false", "-input=false", f"-plugin-dir={plugin_dir}"],
            cwd=env,
            capture_output=True,
            text=True,
            env=env_vars,
            timeout=600,
        )
        assert init.returncode == 0, init.stderr
        validate = subprocess.run(
            [str(terraform_cli), "validate", "-no-color"],
            cwd=env,
            capture_output=True,
            text=True,
            env=env_vars,
        )
        assert validate.returncode == 0, validate.stdout + validate.stderr


def _resources(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
    blocks = load_dir(folder)
    return {
        (kind, name): body
        for kind_block in blocks.get("resource", []) + blocks.get("data", [])
        for kind, named in kind_block.items()
        for name, body in named.items()
    }


def test_object_storage_bucket_is_private_encrypted_versioned_with_lifecycle() -> None:
    module = TERRAFORM / "modules" / "object_storage"
    res = _resources(module)
    assert res[("aws_s3_bucket_versioning", "this")]["versioning_configuration"]["status"] == "Enabled"
    sse = res[("aws_s3_bucket_server_side_encryption_configuration", "this")]["rule"]
    assert sse["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    assert sse["apply_server_side_encryption_by_default"]["kms_master_key_id"] == "${module.kms.arn}"
    block = res[("aws_s3_bucket_public_access_block", "this")]
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    assert (
        res[("aws_s3_bucket_ownership_controls", "this")]["rule"]["object_ownership"] == "BucketOwnerEnforced"
    )
    rules = {r["id"]: r for r in res[("aws_s3_bucket_lifecycle_configuration", "this")]["rule"]}
    assert rules["abort-incomplete-uploads"]["filter"] == {}
    assert "noncurrent_version_expiration" in rules["tenant-objects"]
    assert rules["deleted-tenant-backups"]["filter"] == {"prefix": "backups/"}
    assert "expiration" in rules["deleted-tenant-backups"]
    policy = res[("aws_iam_policy_document", "bucket")]["statement"]
    insecure = next(s for s in policy if s["sid"] == "DenyInsecureTransport")
    assert insecure["effect"] == "Deny" and insecure["condition"]["values"] == ["false"]


def test_each_tenant_role_reaches_only_its_own_prefix() -> None:
    """IRSA role per tenant: trust bound to tenant-<slug>:tenant-app, S3 access to tenants/<slug>/ only."""
    module = TERRAFORM / "modules" / "object_storage"
    res = _resources(module)
    statements = {s["sid"]: s for s in res[("aws_iam_policy_document", "tenant")]["statement"]}
    assert set(statements) == {"ListOwnPrefix", "ObjectsUnderOwnPrefix", "BucketKeyThroughS3Only"}
    listing = statements["ListOwnPrefix"]
    assert listing["resources"] == ["${aws_s3_bucket.this.arn}"]
    assert listing["condition"]["variable"] == "s3:prefix"
    assert listing["condition"]["values"] == ["tenants/${each.key}/", "tenants/${each.key}/*"]
    assert statements["ObjectsUnderOwnPrefix"]["resources"] == [
        "${aws_s3_bucket.this.arn}/tenants/${each.key}/*"
    ]
    # No statement grants anything on the whole bucket's objects or another prefix.
    for statement in statements.values():
        for resource in statement["resources"]:
            assert (
                resource in ("${aws_s3_bucket.this.arn}", "${module.kms.arn}")
                or "/tenants/${each.key}/" in resource
            )
    (call,) = [
        body for block in load_dir(module)["module"] for name, body in block.items() if name == "tenant_role"
    ]
    assert call["namespace"] == "${var.tenant_namespace_prefix}${each.key}"
    assert call["service_account"] == "${var.tenant_service_account}"
    variables = declared_variables(module)
    assert variables["tenant_namespace_prefix"]["default"] == "tenant-"
    assert variables["tenant_service_account"]["default"] == "tenant-app"


def test_environments_wire_the_object_storage() -> None:
    stack = {name for block in load_dir(TERRAFORM / "modules" / "platform_stack")["module"] for name in block}
    assert "object_storage" in stack
    for env in ENVIRONMENTS:
        (call,) = [body for block in load_dir(env)["module"] for body in block.values()]
        assert call["storage_tenants"] == "${var.storage_tenants}"
        assert "storage_bucket_name" in declared_outputs(env)
