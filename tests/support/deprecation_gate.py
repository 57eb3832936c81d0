"""pytest plugin: a test fails when our own code causes a DeprecationWarning.

What will stop working in the next major version of a library (Litestar 3
drops inferred dependencies, untyped ``data`` and path/query parameters
without markers) must fail `make test` now, not on the day of the upgrade.

A ``filterwarnings = error::DeprecationWarning:control_plane`` line is not
enough: Python attributes a warning to the module at the warning's
``stacklevel``, and Litestar warns about a handler's signature from deep
inside itself while building the app, so that module is always
``litestar._kwargs...``. The cause is still ours: our ``create_app`` handed
Litestar the handler. So the gate looks at the whole stack when a warning is
emitted, walking out from where it was raised past library code (stdlib and
site-packages): if the first frame it reaches is in one of our packages, the
warning is ours. Two exceptions keep it honest:

* a library warning about itself while it is being imported (the walk passes
  through importlib) is not ours even when our module did the importing;
* a frame of a test or script reached first means the test caused it.

The packages are listed in pyproject.toml (``deprecation_gate_packages``).
A deprecation we cannot fix (a library warning about its own internals at
run time) is silenced with a commented ``ignore::`` line in
``filterwarnings``: ignored warnings never reach the gate.
"""

from __future__ import annotations

import sys
import sysconfig
import threading
import warnings
from collections.abc import Callable, Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

INI_NAME = "deprecation_gate_packages"

_STDLIB = tuple(sorted({sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib")}))
_INSTALLED = ("site-packages", "dist-packages")


def _is_library(filename: str) -> bool:
    """The interpreter, the standard library or an installed distribution."""
    if filename.startswith("<"):  # "<frozen importlib._bootstrap>", "<string>"
        return True
    return filename.startswith(_STDLIB) or any(part in _INSTALLED for part in Path(filename).parts)


class DeprecationGate:
    """Decides whether a warning comes from our packages, and keeps the offences."""

    def __init__(self, packages: tuple[str, ...]) -> None:
        self.packages = packages
        self.offences: list[str] = []
        self._lock = threading.Lock()

    def is_ours(self, module: str) -> bool:
        return any(module == p or module.startswith(p + ".") for p in self.packages)

    def culprit(self, frame: FrameType | None) -> FrameType | None:
        """The frame of our code that caused a warning raised at `frame`, if any."""
        importing = False
        while frame is not None:
            filename = frame.f_code.co_filename
            if self.is_ours(frame.f_globals.get("__name__", "")):
                return None if importing else frame
            if not _is_library(filename):
                return None  # a test or a script got there first
            importing = importing or "importlib" in filename
            frame = frame.f_back
        return None

    def check(self, message: warnings.WarningMessage, frame: FrameType | None) -> None:
        if not issubclass(message.category, DeprecationWarning):
            return
        culprit = self.culprit(frame)
        if culprit is None:
            return
        where = f"{culprit.f_code.co_filename}:{culprit.f_lineno} ({culprit.f_code.co_name})"
        with self._lock:
            self.offences.append(f"{message.category.__name__}: {message.message}\n    caused at {where}")

    def take(self) -> list[str]:
        with self._lock:
            taken, self.offences = self.offences, []
        return taken


_gate: DeprecationGate | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        INI_NAME,
        type="linelist",
        help="packages whose DeprecationWarnings (direct, or Litestar's about their handlers) fail the test",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _gate
    packages = tuple(config.getini(INI_NAME))
    if not packages:
        return
    gate = DeprecationGate(packages)
    # Python ignores DeprecationWarning outside __main__ by default; pytest's
    # warnings plugin lifts that for each test, but `-p no:warnings` would not.
    warnings.simplefilter("default", DeprecationWarning)
    # warnings.warn (C or Python) hands every warning that no filter ignored
    # to warnings._showwarnmsg, with the warning's stack still live; pytest's
    # own recording happens further down, so it is kept.
    original: Callable[[warnings.WarningMessage], Any] = warnings._showwarnmsg  # type: ignore[attr-defined]

    def show(message: warnings.WarningMessage) -> None:
        gate.check(message, sys._getframe(1))
        original(message)

    warnings._showwarnmsg = show  # type: ignore[attr-defined]
    _gate = gate

    def restore() -> None:
        global _gate
        warnings._showwarnmsg = original  # type: ignore[attr-defined]
        _gate = None

    config.add_cleanup(restore)


def _fail_on_offences() -> None:
    if _gate is None:
        return
    offences = _gate.take()
    if offences:
        pytest.fail(
            "DeprecationWarning from our own code (it stops working in the library's next major):\n"
            + "\n".join(offences),
            pytrace=False,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    # Session fixtures (an app built once) are set up in the first test that
    # needs them: that test fails, which is enough to fail the run.
    yield
    _fail_on_offences()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    yield
    _fail_on_offences()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    yield
    _fail_on_offences()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Offences outside any test (collection, imports) fail the session."""
    if _gate is None:
        return
    offences = _gate.take()
    if offences:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        text = "DeprecationWarning from our own code outside any test:\n" + "\n".join(offences)
        if reporter is not None:
            reporter.write_line(text, red=True)
        else:
            print(text, file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
