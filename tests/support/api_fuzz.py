"""API fuzzing with schemathesis against the real apps (shared by the fuzz tests and benchmarks/fuzz_api.py).

The apps run as real HTTP servers on real PostgreSQL and Redis; schemathesis runs as
its own process (``st run``, as an API's user would run it) so that it and the server
each get a core. Every case is sent as one of the app's roles, drawn at random per
case by the auth hook in ``tests/support/api_fuzz_hooks.py`` (the tokens come in
``FUZZ_TOKENS``), so every operation is tried by every role within one run.

Checks: no 5xx, every response documented (status code, content type, headers and
body schema), every error ``application/problem+json`` (a check of ours, in the hooks
module), accepted data is accepted and rejected data rejected. The stateful phase
follows the OpenAPI links of the documents (create → read/act).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.support.operator_harness import REPO_ROOT

ST = Path(sys.executable).with_name("st")
CONFIG = Path(__file__).with_name("schemathesis.toml")
STREAMS = r"/stream$"
#: ``make test``'s seed (see ``seed_from_env``).
DEFAULT_SEED = 20261206

#: Defects the fuzz run found in routes of other features, left out of the run until their owners
#: fix them (each reported in /tmp/coord/NOTES.md); operation id -> what is wrong. Remove an entry
#: with its fix: the run then covers the route again.
KNOWN_DEFECTS: dict[str, str] = {}

#: The checks every fuzz run applies (schemathesis names).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
)


@dataclass
class FuzzRun:
    """What ``st run`` reported: exit code, its console output, and the figures of its report."""

    exit_code: int
    output: str
    seconds: float
    cases: int = 0
    operations: int = 0
    failures: list[str] = field(default_factory=list)
    #: Scenarios whose checks failed (a defect in the API or its document).
    failed_scenarios: int = 0
    #: Operations on which the engine itself gave up (``ENGINE_ERRORS``), so no failed check was
    #: recorded for them.
    flaky: list[str] = field(default_factory=list)

    @property
    def only_flaky(self) -> bool:
        """Red only because of engine-level flaky errors: no check failed anywhere."""
        return self.exit_code != 0 and self.failed_scenarios == 0 and bool(self.flaky)

    def summary(self) -> str:
        return f"{self.cases} cases on {self.operations} operations in {self.seconds:.0f} s"


#: Errors of the fuzzing engine, not answers of the API (a server error, a timeout or a refused
#: connection stays red): the operation is checked again by ``rerun_flaky``.
ENGINE_ERRORS = {
    # hypothesis could not replay the case that first failed (state moved on, or the case never
    # reached the server).
    "FlakyFailure",
    # CPython 3.11's ast module ("AST constructor recursion depth mismatch") while hypothesis
    # describes one of schemathesis's filter lambdas; seen once in a 15,562-case control-plane run.
    "SystemError",
}


def seed_from_env() -> int | None:
    """The run's seed: fixed by default so that ``make test`` is a regression gate that gives the
    same answer on the same code; ``FUZZ_SEED=random`` explores (what ``benchmarks/fuzz_api.py``
    does), and any number replays a run whose report printed it."""
    value = os.environ.get("FUZZ_SEED", str(DEFAULT_SEED))
    return None if value == "random" else int(value)


def in_chunk(path: str) -> bool:
    """Whether ``path`` is fuzzed by this run (``FUZZ_PATH_REGEX``, searched as schemathesis does)."""
    chunk = os.environ.get("FUZZ_PATH_REGEX")
    return not chunk or re.search(chunk, path) is not None


def run_schemathesis(
    schema_url: str,
    tokens: dict[str, str],
    *,
    max_examples: int,
    report_dir: Path,
    phases: str = "examples,coverage,fuzzing,stateful",
    workers: int = 1,
    seed: int | None = None,
    max_time: float | None = None,
    weights: dict[str, float] | None = None,
    ids: dict[str, list[str]] | None = None,
    login: dict[str, Any] | None = None,
    extra_args: tuple[str, ...] = (),
) -> FuzzRun:
    """``st run`` against ``schema_url`` with a role per case drawn from ``tokens`` (role -> bearer token)
    and ``login`` (``{"url": login URL, "accounts": {role: [email, password]}}``, logged in by the hook)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    seed = seed if seed is not None else seed_from_env()
    paths = os.environ.get("FUZZ_PATH_REGEX")
    if paths:
        # A chunk of a long run: the stateful phase follows links out of the chunk, so it is a chunk of
        # its own (the full document), not part of each.
        phases = ",".join(p for p in phases.split(",") if p != "stateful") or phases
    ndjson = report_dir / "events.ndjson"
    args = [
        str(ST),
        "--config-file",
        str(CONFIG),
        "run",
        schema_url,
        "--checks",
        ",".join(CHECKS),
        "--phases",
        phases,
        "--max-examples",
        str(max_examples),
        "--workers",
        str(workers),
        "--report",
        "ndjson,junit",
        "--report-dir",
        str(report_dir),
        "--report-ndjson-path",
        str(ndjson),
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--no-color",
        # Server-sent event streams stay open by design: each case would wait for the timeout.
        "--exclude-path-regex",
        STREAMS,
        *(arg for operation in KNOWN_DEFECTS for arg in ("--exclude-operation-id", operation)),
        *(("--seed", str(seed)) if seed is not None else ()),
        *(("--max-time", str(max_time)) if max_time is not None else ()),
        # A long run in chunks (benchmarks/fuzz_api.py --paths): only the paths this regex matches.
        *(("--include-path-regex", paths) if paths else ()),
        *extra_args,
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.support.api_fuzz_hooks",
        "FUZZ_TOKENS": json.dumps(tokens),
        "FUZZ_WEIGHTS": json.dumps(weights or {}),
        "FUZZ_IDS": json.dumps(ids or {}),
        "FUZZ_LOGIN": json.dumps(login or {}),
        "PYTHONPATH": str(REPO_ROOT),
        "COLUMNS": "160",
    }
    started = time.monotonic()
    # ``make test``'s bounded runs take minutes; a 1,000-cases run takes hours (FUZZ_TIMEOUT_SECONDS).
    timeout = float(os.environ.get("FUZZ_TIMEOUT_SECONDS", "3600"))
    done = subprocess.run(args, env=env, cwd=report_dir, capture_output=True, text=True, timeout=timeout)
    run = FuzzRun(done.returncode, done.stdout + done.stderr, time.monotonic() - started)
    _read_figures(run, ndjson)
    return run


def _read_figures(run: FuzzRun, ndjson: Path) -> None:
    """Cases and operations from the NDJSON event stream (one ``ScenarioFinished`` per scenario)."""
    if not ndjson.exists():
        return
    operations: set[str] = set()
    for line in ndjson.read_text().splitlines():
        try:
            event: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError:
            continue
        for name, body in event.items():
            if not isinstance(body, dict):
                continue
            if name == "NonFatalError":
                value = body.get("value") or {}
                if value.get("type") in ENGINE_ERRORS and body.get("label"):
                    run.flaky.append(str(body["label"]))
            if name == "ScenarioFinished":
                if body.get("status") == "failure":
                    run.failed_scenarios += 1
                recorder = body.get("recorder") or {}
                cases = recorder.get("cases") or {}
                run.cases += len(cases)
                label = recorder.get("label")
                if label and not str(label).startswith("Stateful"):
                    operations.add(str(label))
    run.operations = len(operations)


def seed_tenant_for_fuzzing(base_url: str, admin_token: str) -> dict[str, list[str]]:
    """Over the API: the seeded demo group gets its assembleia rules and an assembleia receiving
    lances, and one lance; returns the tenant's real ids by parameter name (for ``FUZZ_IDS``)."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:

        def items(path: str, **params: Any) -> list[dict[str, Any]]:
            r = client.get(path, params={"limit": 200, **params})
            r.raise_for_status()
            return list(r.json()["items"])

        grupos = items("/api/grupos")
        grupo_id = str(grupos[0]["id"])
        cotas = items(f"/api/grupos/{grupo_id}/cotas")
        # Rules may already be there (the demo seed holds assembleias): a 409 is fine.
        client.put(
            f"/api/grupos/{grupo_id}/regras-assembleia",
            json={
                "metodo_sorteio": "finais",
                "direcao_aproximacao": "alternada",
                "contemplacoes_sorteio": 1,
                "tipos_lance": ["livre", "embutido"],
                "lance_minimo_percentual": "5",
                "embutido_maximo_percentual": "30",
            },
        )
        hoje = date.today()
        r = client.post(
            f"/api/grupos/{grupo_id}/assembleias",
            json={
                "numero": 1000,
                "data_assembleia": (hoje + timedelta(days=20)).isoformat(),
                "corte_lances_em": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
            },
        )
        lances: list[str] = []
        if r.status_code == 201:
            aberta = str(r.json()["id"])
            client.post(f"/api/assembleias/{aberta}/abertura-lances")
            lance = client.post(
                f"/api/assembleias/{aberta}/lances",
                json={"cota_numero": cotas[0]["numero"], "tipo": "livre", "percentual": "10"},
            )
            if lance.status_code == 201:
                lances.append(str(lance.json()["id"]))
        assembleias = client.get(f"/api/grupos/{grupo_id}/assembleias").json()
        assembleias = assembleias.get("items", assembleias) if isinstance(assembleias, dict) else assembleias
        return {
            "grupo_id": [str(g["id"]) for g in grupos],
            "cota_id": [str(c["id"]) for c in cotas[:20]],
            "consorciado_id": [str(c["id"]) for c in items("/api/consorciados")[:20]],
            "pagamento_id": [str(p["id"]) for p in items("/api/pagamentos")[:20]],
            # No "user_id": a PATCH could switch off or demote the fuzz accounts themselves.
            "assembleia_id": [str(a["id"]) for a in assembleias][:20],
            "lance_id": lances,
        }


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rate_limit_overrides(emails: list[str], per_minute: int = 1_000_000) -> str:
    """``RATE_LIMIT_USER_OVERRIDES`` raising the fuzz accounts' limit (the others keep the default)."""
    return ",".join(f"{email}={per_minute}" for email in emails)


def rerun_flaky(run: FuzzRun, *args: Any, **kwargs: Any) -> FuzzRun:
    """``run`` again, on its flaky operations alone, when nothing but engine-level flaky errors
    made it red; otherwise ``run`` itself. The second run checks those operations afresh (every
    phase but stateful), so a real defect on them still fails the test."""
    if not run.only_flaky:
        return run
    names = tuple(arg for label in sorted(set(run.flaky)) for arg in ("--include-name", label))
    kwargs["extra_args"] = (*kwargs.get("extra_args", ()), *names)
    kwargs["phases"] = "examples,coverage,fuzzing"
    kwargs["report_dir"] = Path(kwargs["report_dir"]) / "flaky-rerun"
    print(f"engine-level flaky errors on {sorted(set(run.flaky))}: checking them again")
    again = run_schemathesis(*args, **kwargs)
    again.cases += run.cases
    again.operations = run.operations
    again.seconds += run.seconds
    return again


def failures_section(output: str, limit: int = 12000) -> str:
    """The FAILURES and SUMMARY part of ``st run``'s output (the assertion message of a red run)."""
    start = output.find("FAILURES")
    return output[start if start >= 0 else 0 :][-limit:]
