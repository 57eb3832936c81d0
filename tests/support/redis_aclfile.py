"""terraform/modules/redis's aclfile seed script, rendered the way Terraform's templatefile()
renders it: the template's only interpolations are ``${aclfile}`` and the two rule strings
from ``platform_user_rules.json`` (generated from devstack/redis_server.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from devstack import redis_server

MODULE = Path(__file__).resolve().parents[2] / "terraform" / "modules" / "redis"
TEMPLATE = MODULE / "seed-aclfile.sh.tftpl"
RULES_FILE = MODULE / "platform_user_rules.json"
#: Template variable -> user whose rules it carries.
RULE_VARIABLES = {
    "operator_rules": redis_server.OPERATOR_USER,
    "control_plane_rules": redis_server.CONTROL_PLANE_USER,
}


def expected_rules_file() -> str:
    """What ``platform_user_rules.json`` must hold: the devstack's rules, one string per user."""
    rules = {
        redis_server.OPERATOR_USER: " ".join(redis_server.operator_rules()),
        redis_server.CONTROL_PLANE_USER: " ".join(redis_server.control_plane_rules()),
    }
    return json.dumps(rules, indent=2) + "\n"


def template_variables(template: str) -> set[str]:
    return set(re.findall(r"\$\{([^}]*)\}", template))


def render(aclfile: Path | str) -> str:
    """The script as templatefile() renders it for ``aclfile``."""
    template = TEMPLATE.read_text()
    rules = json.loads(RULES_FILE.read_text())
    values = {"aclfile": str(aclfile), **{var: rules[user] for var, user in RULE_VARIABLES.items()}}
    assert template_variables(template) == set(values), template_variables(template)
    assert "%{" not in template, "no template directives: the Python rendering stays trivial"
    for name, value in values.items():
        assert "'" not in value, f"{name} is put inside single quotes"
        template = template.replace("${" + name + "}", value)
    return template


if __name__ == "__main__":
    RULES_FILE.write_text(expected_rules_file())
    print(f"wrote {RULES_FILE}")
