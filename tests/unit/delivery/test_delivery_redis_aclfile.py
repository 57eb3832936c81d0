"""terraform/modules/redis gives production the devstack's least-privilege Redis users and an
aclfile (issue 20 item 3). One truth for the rules: ``platform_user_rules.json``, which the
module reads, must equal devstack/redis_server.py's operator_rules() / control_plane_rules();
the seed script's rendering here must equal Terraform's own templatefile(); and the operator
and the control plane are wired to those users, never to ``default``.

The script itself runs against a real redis-server in
tests/integration/foundation/test_redis_aclfile_seed.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devstack import redis_server
from tests.support.redis_aclfile import (
    MODULE,
    RULES_FILE,
    TEMPLATE,
    expected_rules_file,
    render,
    template_variables,
)

pytestmark = pytest.mark.unit

TERRAFORM = MODULE.parents[1]


def test_the_module_rules_are_exactly_the_devstack_rules() -> None:
    assert RULES_FILE.read_text() == expected_rules_file(), (
        "terraform/modules/redis/platform_user_rules.json differs from devstack/redis_server.py: "
        "regenerate it with `.venv/bin/python -m tests.support.redis_aclfile`"
    )
    rules = json.loads(RULES_FILE.read_text())
    assert rules[redis_server.OPERATOR_USER].split() == redis_server.operator_rules()
    assert rules[redis_server.CONTROL_PLANE_USER].split() == redis_server.control_plane_rules()


def test_the_template_interpolates_only_the_path_and_the_rules() -> None:
    template = TEMPLATE.read_text()
    # No ${ in the shell part (it would be a template interpolation) and no directives.
    assert template_variables(template) == {"aclfile", "operator_rules", "control_plane_rules"}
    assert "%{" not in template
    main = (MODULE / "main.tf").read_text()
    call = re.search(r'templatefile\("\$\{path\.module\}/seed-aclfile\.sh\.tftpl", \{(.*?)\}\)', main, re.S)
    assert call, "main.tf renders the seed script with templatefile()"
    assert set(re.findall(r"^\s*([a-z_]+)\s*=", call.group(1), re.M)) == template_variables(template)
    assert 'jsondecode(file("${path.module}/platform_user_rules.json"))' in main


def test_the_rendered_script_is_posix_sh(tmp_path: Path) -> None:
    script = tmp_path / "seed.sh"
    script.write_text(render("/data/users.acl"))
    proc = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr


def _terraform_cli() -> Path:
    spec = importlib.util.spec_from_file_location("consorcio_opentofu", TERRAFORM / "tools" / "opentofu.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("consorcio_opentofu", module)
    spec.loader.exec_module(module)
    return Path(module.terraform_cli())


def test_python_rendering_equals_terraform_templatefile(tmp_path: Path) -> None:
    """The integration test runs the Python rendering: prove it is what Terraform renders."""
    expression = (
        f'jsonencode(templatefile("{TEMPLATE}", {{ aclfile = "/data/users.acl", '
        f'operator_rules = jsondecode(file("{RULES_FILE}"))["{redis_server.OPERATOR_USER}"], '
        f'control_plane_rules = jsondecode(file("{RULES_FILE}"))["{redis_server.CONTROL_PLANE_USER}"] }}))'
    )
    proc = subprocess.run(
        [str(_terraform_cli()), "console"],
        input=expression + "\n",
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "TF_CLI_CONFIG_FILE": "/dev/null",
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
        },
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rendered = json.loads(json.loads(proc.stdout))
    assert rendered == render("/data/users.acl")


def test_the_master_runs_the_seed_with_the_aclfile_on_its_volume() -> None:
    main = (MODULE / "main.tf").read_text()
    assert re.search(r'data_dir\s*=\s*"/data"', main)
    assert re.search(r'aclfile\s*=\s*"\$\{local\.data_dir\}/users\.acl"', main)
    assert re.search(r"persistence\s*=\s*\{[^}]*path\s*=\s*local\.data_dir", main)
    assert re.search(r'configuration\s*=\s*"aclfile \$\{local\.aclfile\}"', main)
    assert 'preExecCmds = ["sh ${local.seed_mount}/seed-aclfile.sh || exit 1"]' in main
    # The env the script reads comes from the module's Secret, which holds the passwords.
    env_names = set(re.findall(r"\$([A-Z_]+_PASSWORD)\b", TEMPLATE.read_text()))
    assert env_names == {"REDIS_PASSWORD", "CONSORCIO_OPERATOR_PASSWORD", "CONSORCIO_CONTROL_PLANE_PASSWORD"}
    for name in env_names - {"REDIS_PASSWORD"}:  # REDIS_PASSWORD: the chart's own, from existingSecret
        key = re.search(rf'{name}\s*=\s*"([a-z-]+)"', main)
        assert key, f"{name} is not in master.extraEnvVars"
        assert re.search(rf'"{key.group(1)}"\s*=\s*random_password\.', main), (
            f"the Secret has no {key.group(1)}"
        )


def test_the_platform_gets_its_least_privilege_users_never_default() -> None:
    outputs = (MODULE / "outputs.tf").read_text()
    assert re.search(
        r'output "operator_url".*?redis://consorcio-operator:.*?:6379/0".*?sensitive\s*=\s*true',
        outputs,
        re.S,
    )
    assert re.search(
        r'output "control_plane_url".*?redis://consorcio-control-plane:.*?:6379/1".*?sensitive\s*=\s*true',
        outputs,
        re.S,
    )
    stack = (TERRAFORM / "modules" / "platform_stack" / "main.tf").read_text()
    assert "module.redis.admin_url" not in stack
    assert "redis_operator_url      = module.redis.operator_url" in stack
    releases = (TERRAFORM / "modules" / "platform_releases").glob("*.tf")
    text = "\n".join(p.read_text() for p in releases)
    assert "redis_admin_url" not in text
    assert "OPERATOR_REDIS_REQUIRE_ACL_SAVE" not in text  # the strict ACL SAVE works now
    assert "url = var.redis_operator_url" in text
    for env in ("dev", "prod"):
        env_outputs = (TERRAFORM / "environments" / env / "outputs.tf").read_text()
        assert "module.platform.redis_control_plane_url" in env_outputs
