"""Container images: pinned, non-root, no build tools, and consistent with the charts.

No Docker engine runs on the build machines, so the Dockerfile is checked as
text (stages, users, ports, entrypoints) against what the charts render, and
its install step (`uv sync --frozen --no-dev --no-editable` from the context
the .dockerignore keeps) is replayed into a scratch venv, which then proves
the packages import and their subcommands exist.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
DOCKERFILE = REPO / "images" / "Dockerfile"
DOCKERIGNORE = REPO / "images" / "Dockerfile.dockerignore"
TARGETS = {"tenant-app": "tenant_app", "operator": "tenant_operator", "control-plane": "control_plane"}
PACKAGE_DIRS = {
    "tenant_app": REPO / "tenant_app",
    "tenant_operator": REPO / "operator" / "tenant_operator",
    "control_plane": REPO / "platform" / "control_plane",
}
# What the charts and the operator invoke, per package (the contract in the brief).
CONTRACT_SUBCOMMANDS = {
    "tenant_app": {"serve", "worker", "migrate"},
    "tenant_operator": {"run"},
    "control_plane": {"serve", "worker", "beat", "migrate"},
}


@dataclass
class Stage:
    """One FROM ... AS name block of the Dockerfile."""

    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def values(self, keyword: str) -> list[str]:
        return [arg for kw, arg in self.instructions if kw == keyword]


def parse_dockerfile(text: str) -> tuple[dict[str, str], dict[str, Stage]]:
    """Global ARG defaults and the stages, with continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    args: dict[str, str] = {}
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for raw in joined.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        rest = rest.strip()
        if keyword == "FROM":
            base, _, name = rest.partition(" AS ")
            current = Stage(name=name.strip(), base=base.strip())
            stages[current.name] = current
        elif current is None and keyword == "ARG":
            key, _, default = rest.partition("=")
            args[key] = default
        elif current is not None:
            current.instructions.append((keyword, rest))
    return args, stages


@pytest.fixture(scope="module")
def dockerfile() -> tuple[dict[str, str], dict[str, Stage]]:
    return parse_dockerfile(DOCKERFILE.read_text())


def stage_chain(stages: dict[str, Stage], name: str) -> list[Stage]:
    """The stage and every stage it is built FROM, outermost last."""
    chain = [stages[name]]
    while chain[-1].base in stages:
        chain.append(stages[chain[-1].base])
    return chain


def effective(stages: dict[str, Stage], name: str, keyword: str) -> str | None:
    """The last value of an instruction as inherited along the FROM chain."""
    for stage in stage_chain(stages, name):
        found = stage.values(keyword)
        if found:
            return found[-1]
    return None


def test_every_image_target_exists(dockerfile) -> None:
    _, stages = dockerfile
    assert set(TARGETS) <= set(stages)


def test_base_images_are_pinned(dockerfile) -> None:
    args, stages = dockerfile
    for stage in stages.values():
        base = stage.base
        if base in stages:
            continue
        ref = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], base)
        exact_tag = re.search(r":\d+\.\d+\.\d+[-\w.]*$", ref.split("@")[0])
        digest = re.search(r"@sha256:[0-9a-f]{64}$", ref)
        assert exact_tag or digest, f"stage {stage.name} uses an unpinned base {ref}"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_images_run_as_an_unprivileged_user(dockerfile, target: str) -> None:
    _, stages = dockerfile
    user = effective(stages, target, "USER")
    assert user is not None
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) > 0, f"{target} runs as {user}"
    # Kubernetes can only verify runAsNonRoot against a numeric user.
    assert gid.isdigit() and int(gid) > 0
    # The chart's runAsUser is the image's user.
    assert int(uid) == 10001


_CROSSING = (
    "--from=build /opt/consorcio/venv /opt/consorcio/venv",
    "--from=ui-assets /opt/consorcio/ui-assets /opt/consorcio/ui-assets",
)


def test_ui_assets_come_from_the_pinned_fetch_script(dockerfile) -> None:
    """The web UI's third-party JS is fetched by tenant_app/ui/assets.py (pinned versions, sha512
    integrity), the test-only ones left out, and lands where the app looks for it."""
    from tenant_app.ui.assets import IMAGE_DIR

    _, stages = dockerfile
    runs = stages["ui-assets"].values("RUN")
    assert runs == [f"python /tmp/assets.py fetch --served-only --dest {IMAGE_DIR}"]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_final_stages_carry_no_build_tools(dockerfile, target: str) -> None:
    _, stages = dockerfile
    chain = stage_chain(stages, target)
    assert "build" not in [s.name for s in chain], "a final image must not be built FROM the build stage"
    for stage in chain:
        for keyword, arg in stage.instructions:
            if keyword == "COPY" and "--from=" in arg:
                # Only the finished venv crosses over from the build stage, and the web UI's
                # verified npm files (the project's own fetch script, sha512-checked) into the tenant app.
                assert arg in _CROSSING, arg
            if keyword == "RUN":
                for tool in ("gcc", "build-essential", "make ", "uv ", "pip install", "git"):
                    assert tool not in arg, f"{stage.name}: {arg}"
                installs = re.findall(r"apt-get install ([^&]+)", arg)
                for pkgs in installs:
                    names = [p for p in pkgs.split() if not p.startswith("-")]
                    assert names == ["postgresql-client-15"], names


def test_build_stage_installs_exactly_the_lock(dockerfile) -> None:
    _, stages = dockerfile
    build = stages["build"]
    copies = " ".join(build.values("COPY"))
    assert "uv.lock" in copies and "pyproject.toml" in copies
    syncs = [r for r in build.values("RUN") if "uv sync" in r]
    assert len(syncs) == 2
    for sync in syncs:
        assert "--frozen" in sync and "--no-dev" in sync and "--no-editable" in sync


def test_dockerignore_keeps_everything_the_build_copies(dockerfile) -> None:
    _, stages = dockerfile
    kept = {line[1:].rstrip("/") for line in DOCKERIGNORE.read_text().splitlines() if line.startswith("!")}
    for copy in stages["build"].values("COPY"):
        if "--from=" in copy:
            continue
        sources = shlex.split(copy)[:-1]
        for source in sources:
            assert source.rstrip("/") in kept, f"{source} is copied but excluded from the context"


def _exec_form(arg: str | None) -> list[str]:
    assert arg is not None
    return list(json.loads(arg))


def rendered_containers(render) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(where, container, manifest) for every container the charts can render."""
    renders = [
        render("consorcio-operator"),
        render("consorcio-operator", "ci/production-values.yaml"),
        render("consorcio-platform"),
        render("consorcio-platform", set_values=("secrets.source=vault",)),
        render("consorcio-platform", "ci/production-values.yaml"),
    ]
    found = []
    for docs in renders:
        for doc in docs:
            if doc["kind"] in ("Deployment", "Job"):
                for c in doc["spec"]["template"]["spec"]["containers"]:
                    found.append((f"{doc['kind']}/{doc['metadata']['name']}/{c['name']}", c, doc))
    return found


def python_invocation(container: dict[str, Any]) -> list[str]:
    """The `python -m pkg sub ...` argv a container runs, unwrapping `sh -c '... && exec ...'`."""
    command = container.get("command", []) + container.get("args", [])
    if command[:2] == ["/bin/sh", "-c"]:
        script = command[2]
        exec_part = script.split("&& exec ", 1)
        assert len(exec_part) == 2, script
        return shlex.split(exec_part[1])
    return command


def test_chart_commands_and_ports_exist_in_the_images(render, dockerfile) -> None:
    _, stages = dockerfile
    checked = 0
    for where, container, _ in rendered_containers(render):
        repository = container["image"].split("@")[0].rsplit(":", 1)[0]
        target = repository.rsplit("/", 1)[-1]
        assert target in TARGETS, f"{where}: image {repository} is no Dockerfile target"
        entrypoint = _exec_form(effective(stages, target, "ENTRYPOINT"))
        argv = python_invocation(container)
        assert argv[: len(entrypoint)] == entrypoint, f"{where}: {argv} vs ENTRYPOINT {entrypoint}"
        subcommand = argv[len(entrypoint)]
        labels = " ".join(stages[target].values("LABEL"))
        declared = re.search(r'io\.consorcio\.subcommands="([^"]+)"', labels)
        assert declared, f"{target} declares no subcommands"
        assert subcommand in declared.group(1).split(), f"{where}: {subcommand} not in {target}"
        exposed = {int(p) for e in stages[target].values("EXPOSE") for p in e.split()}
        for port in container.get("ports", []):
            assert port["containerPort"] in exposed, f"{where}: port {port['containerPort']} not exposed"
        checked += 1
    assert checked >= 12


def test_image_defaults_match_the_contract(dockerfile) -> None:
    _, stages = dockerfile
    for target, package in TARGETS.items():
        assert _exec_form(effective(stages, target, "ENTRYPOINT")) == ["python", "-m", package]
        labels = " ".join(stages[target].values("LABEL"))
        declared = re.search(r'io\.consorcio\.subcommands="([^"]+)"', labels)
        assert declared and set(declared.group(1).split()) == CONTRACT_SUBCOMMANDS[package]
    assert _exec_form(effective(stages, "tenant-app", "CMD")) == [
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
    ]
    assert _exec_form(effective(stages, "control-plane", "CMD")) == [
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "8100",
    ]
    assert stages["operator"].values("EXPOSE") == ["8080 9090"]


def test_operator_runs_tenants_from_the_tenant_app_image(render) -> None:
    """The operator's tenant workloads and migration Jobs use the `tenant-app` target."""
    for values in (None, "ci/production-values.yaml"):
        docs = render("consorcio-operator", values)
        deploy = next(d for d in docs if d["kind"] == "Deployment")
        env = {e["name"]: e.get("value") for e in deploy["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert env["OPERATOR_IMAGE_REPOSITORY"].rsplit("/", 1)[-1] == "tenant-app"


def _uv() -> str:
    found = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    assert Path(found).exists(), "uv is missing: run `make bootstrap`"
    return found


@pytest.fixture(scope="module")
def image_venv(tmp_path_factory) -> Path:
    """Replay the build stage: the kept context, then uv sync exactly as the Dockerfile does."""
    context = tmp_path_factory.mktemp("image-context")
    kept = [line[1:].rstrip("/") for line in DOCKERIGNORE.read_text().splitlines() if line.startswith("!")]
    for item in kept:
        source = REPO / item
        target = context / item
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    venv = context / "venv"
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_LINK_MODE": "copy",
    }
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(
        [_uv(), "sync", "--frozen", "--no-dev", "--no-editable", "--quiet"],
        cwd=context,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    # The source tree goes away, as in the final image: only the venv remains.
    for item in kept:
        path = context / item
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return venv


def test_image_venv_holds_the_three_packages_and_no_dev_tools(image_venv: Path) -> None:
    python = image_venv / "bin" / "python"
    code = (
        "import tenant_app, control_plane, tenant_operator, consorcio_contract, consorcio_kit;"
        "print(tenant_app.__file__)"
    )
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd="/", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert str(image_venv) in proc.stdout  # installed into the venv, not read from the repository
    for dev_tool in ("pytest", "ruff", "mypy"):
        assert not (image_venv / "bin" / dev_tool).exists(), dev_tool
    # The local stack and the tests are not shipped.
    for local_only in ("devstack", "tests"):
        found = subprocess.run(
            [str(python), "-c", f"import importlib.util; print(importlib.util.find_spec({local_only!r}))"],
            capture_output=True,
            text=True,
            cwd="/",
            timeout=120,
        )
        assert found.stdout.strip() == "None", (local_only, found.stdout, found.stderr)


@pytest.mark.parametrize("package", sorted(CONTRACT_SUBCOMMANDS))
def test_image_packages_offer_the_contract_subcommands(image_venv: Path, package: str) -> None:
    if not (PACKAGE_DIRS[package] / "__main__.py").exists():
        pytest.skip(f"{package}/__main__.py is not written yet; the subcommand check runs once it is")
    python = image_venv / "bin" / "python"
    # The top-level help lists the subcommands; running one (`beat --help` hands
    # --help to Celery) would need its configuration.
    proc = subprocess.run(
        [str(python), "-m", package, "--help"],
        capture_output=True,
        text=True,
        cwd="/",
        timeout=120,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")},
    )
    assert proc.returncode == 0, f"python -m {package} --help: {proc.stdout}{proc.stderr}"
    choices = re.search(r"\{([a-z0-9,-]+)\}", proc.stdout)
    assert choices, proc.stdout
    offered = set(choices.group(1).split(","))
    missing = CONTRACT_SUBCOMMANDS[package] - offered
    assert not missing, f"python -m {package} lacks {sorted(missing)} (offers {sorted(offered)})"


def test_operator_tenant_workloads_use_tenant_app_contract(dockerfile) -> None:
    """The commands the operator puts in tenant Deployments and migration Jobs exist in the image."""
    from tenant_operator.specs import migration_job, network_policies, workload

    _, stages = dockerfile
    entrypoint = _exec_form(effective(stages, "tenant-app", "ENTRYPOINT"))
    labels = " ".join(stages["tenant-app"].values("LABEL"))
    declared = re.search(r'io\.consorcio\.subcommands="([^"]+)"', labels)
    assert declared
    for command in (workload.SERVE_COMMAND, workload.WORKER_COMMAND, migration_job.MIGRATE_COMMAND):
        assert command[: len(entrypoint)] == entrypoint, command
        assert command[len(entrypoint)] in declared.group(1).split(), command
    exposed = {int(p) for e in stages["tenant-app"].values("EXPOSE") for p in e.split()}
    assert network_policies.APP_PORT in exposed
