"""The DeprecationWarning gate (tests/support/deprecation_gate.py) is on and
fails a test when our code, or Litestar about our handlers, warns of a
deprecation, and leaves alone what tests and libraries cause themselves."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support import deprecation_gate

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]

SCRATCH_APP = """
from litestar import Litestar, get
from litestar.di import Provide


def provide_greeting() -> str:
    return "olá"


@get("/", sync_to_thread=False)
def hello(greeting: str) -> str:  # an inferred dependency: Litestar 3 wants NamedDependency[str]
    return greeting


def create_app() -> Litestar:
    return Litestar([hello], dependencies={"greeting": Provide(provide_greeting, sync_to_thread=False)})
"""

SCRATCH_CLOCK = """
import warnings


def legacy_now() -> str:
    warnings.warn("legacy_now() is deprecated; use now()", DeprecationWarning, stacklevel=1)
    return "now"
"""

SCRATCH_TESTS = {
    "test_ours.py": """
from scratchpkg.app import create_app
from scratchpkg.clock import legacy_now


def test_our_app_with_an_inferred_dependency():
    create_app()


def test_our_deprecated_call():
    assert legacy_now() == "now"
""",
    "test_not_ours.py": SCRATCH_APP.replace("def create_app", "def build_app")
    + """
import warnings


def test_a_test_may_build_its_own_app_and_warn():
    build_app()
    warnings.warn("the test's own", DeprecationWarning)


def test_a_library_warning_about_itself_at_import():
    import scratchpkg.uses_library  # imports scratchlib, which warns about itself
""",
}


def _run_scratch_session(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    package = tmp_path / "scratchpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "app.py").write_text(SCRATCH_APP)
    (package / "clock.py").write_text(SCRATCH_CLOCK)
    (package / "uses_library.py").write_text("import scratchlib  # noqa: F401\n")
    # An installed distribution (its folder is a site-packages) that warns about itself on import.
    installed = tmp_path / "site-packages"
    installed.mkdir()
    (installed / "scratchlib.py").write_text(
        "import warnings\n"
        "warnings.warn('scratchlib.old_mixin is deprecated', DeprecationWarning, stacklevel=1)\n"
    )
    for name, text in SCRATCH_TESTS.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(installed), str(REPO)])}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.support.deprecation_gate",
            "-o",
            "deprecation_gate_packages=scratchpkg",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-rA",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_gate_fails_deprecations_of_a_listed_package_and_only_those(tmp_path: Path) -> None:
    result = _run_scratch_session(tmp_path)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "FAILED test_ours.py::test_our_app_with_an_inferred_dependency" in out
    assert "FAILED test_ours.py::test_our_deprecated_call" in out
    assert "PASSED test_not_ours.py::test_a_test_may_build_its_own_app_and_warn" in out
    assert "PASSED test_not_ours.py::test_a_library_warning_about_itself_at_import" in out
    # The failure names Litestar's message and the line of our code that caused it.
    assert "Inferred dependency field 'greeting'" in out
    assert f"caused at {tmp_path / 'scratchpkg' / 'app.py'}" in out
    assert "legacy_now() is deprecated" in out
    assert "scratchlib.old_mixin is deprecated" in out  # shown as a warning, not failed


@pytest.mark.parametrize(
    "package", ["control_plane", "tenant_operator", "consorcio_contract", "consorcio_kit"]
)
def test_the_gate_is_on_for_our_packages_in_this_session(package: str, tmp_path: Path) -> None:
    gate = deprecation_gate._gate
    assert gate is not None, "tests.support.deprecation_gate is not loaded (pyproject addopts)"
    assert gate.is_ours(package)
    # A scratch module that Python sees as part of the package.
    scratch = tmp_path / "scratch.py"
    scratch.write_text(SCRATCH_CLOCK)
    namespace: dict[str, object] = {"__name__": f"{package}._scratch"}
    exec(compile(scratch.read_text(), str(scratch), "exec"), namespace)
    with pytest.warns(DeprecationWarning, match=r"legacy_now\(\) is deprecated"):
        namespace["legacy_now"]()  # type: ignore[operator]
    offences = gate.take()  # claimed here, so this test itself does not fail
    assert len(offences) == 1
    assert "legacy_now() is deprecated" in offences[0]
    assert f"caused at {scratch}" in offences[0]
