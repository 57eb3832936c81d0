"""The long API fuzz run (issue 21 item 3): both apps, ``--examples`` cases per operation (default 1,000).

It runs the same tests as ``make test`` (the tenant app's and the control plane's fuzz
tests, real servers, every role) with ``FUZZ_EXAMPLES`` raised, and prints per app the
cases sent, the operations covered, the wall time, the CPU seconds of this process tree
and the 1-minute load average before and after, then pytest's verdict. Failures are
listed by schemathesis with a ``curl`` to reproduce each.

    .venv/bin/python benchmarks/fuzz_api.py [--examples 1000] [--only tenant|control-plane] [--seed N]
        [--paths REGEX] [--hours 6]

At 1,000 cases per operation the tenant app's fuzzing phase took about 1.4 min per operation on the
2-core build machine (2026-12-07, load 3–4): hours for the whole document, so a long run can be
taken in chunks of paths (``--paths``), each reporting its own figures. Taken so far (2026-12-07,
random seeds; every case passed every check):

* control plane, whole document: ``--paths '^/api/(tenants|plans)'`` 15,562 cases on 20 operations in
  469 s (load 2.2 → 1.4; the run was red from an engine error, CPython's ast ``SystemError`` inside
  hypothesis, now re-checked as ``FlakyFailure`` is); ``--paths '^/api/(?!tenants|plans)'`` 15,135
  cases on 24 operations in 541 s (load 0.9 → 1.5);
* tenant app, 53 of 164 operations: ``--paths '^/api/(cotas|pagamentos|parcelas|inadimplencia)'``
  5,025 cases on 18 operations in 183 s (hypothesis ran out of distinct inputs well before 1,000 on
  most of them); ``--paths '^/api/(consorciados|grupos)'`` 28,393 cases on 35 operations in 804 s
  found two 500s, both fixed (``ee12398``): audit entries of deleted rows (anonymization) and an
  unchecked percentage overflowing its column;
* tenant app, again with those fixes (2026-12-07, load 0.4 → 2.6):
  ``--paths '^/api/(consorciados|grupos|cobranca)'`` 33,193 cases on 61 operations in 1,079 s; one
  failure, a class rather than a route: a query parameter sent twice (``?offset={'': 0}&offset=0.0``
  on ``GET /api/cobranca/valores-a-identificar``) answered 200, the framework keeping the last value;
  now refused on every route of both apps;
* tenant app, the other 88 operations (every path not above, and the valores a identificar again):
  81,293 cases in 2,743 s, no failed scenario; one engine error (hypothesis's ``FlakyFailure`` while
  drawing ``POST /api/creditos/{carta_id}/pagamentos``'s examples), on which the harness re-runs the
  whole chunk — the re-run was stopped by hand after 36 min. Operations with few distinct inputs got
  fewer cases (``/health``, ``/metrics``, ``/ready`` 10 each; a report by id 28).
  With the chunks above, all 164 operations of the tenant app's document have had their run.

Unlike ``make test`` (a fixed seed, so the gate gives the same answer on the same code), this
explores: a new random seed each run, printed in the report for replay.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TESTS = {
    "tenant": "tests/integration/tenant_app/http/test_tenant_app_fuzz.py",
    "control-plane": "tests/k8s/control_plane/test_control_plane_fuzz.py",
}
SUMMARY = re.compile(r"^(tenant app|control plane) fuzz: (.*)$", re.MULTILINE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--only", choices=sorted(TESTS))
    parser.add_argument("--seed", default="random", help="a number replays a run; make test uses a fixed one")
    parser.add_argument(
        "--paths",
        help="only the API paths this regex matches (a chunk of a long run: at 1,000 cases the tenant app's"
        " 164 operations take about 4 hours on 2 cores), e.g. '^/api/(grupos|cotas)'",
    )
    parser.add_argument("--hours", type=float, default=6.0, help="stop a run after this long (default 6)")
    args = parser.parse_args()
    selected = [TESTS[args.only]] if args.only else list(TESTS.values())
    seconds = int(args.hours * 3600)
    env = {
        **os.environ,
        "FUZZ_EXAMPLES": str(args.examples),
        "FUZZ_SEED": args.seed,
        "FUZZ_TIMEOUT_SECONDS": str(seconds),
        **({"FUZZ_PATH_REGEX": args.paths} if args.paths else {}),
    }
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    pytest = [sys.executable, "-m", "pytest", *selected, "-q", "-s", "-p", "no:randomly"]
    done = subprocess.run(
        [*pytest, "--timeout", str(seconds + 600)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"API fuzz, {args.examples} cases per operation, {os.cpu_count()} cores")
    for app, figures in SUMMARY.findall(done.stdout):
        print(f"  {app}: {figures}")
    print(
        f"  total wall {wall:.0f} s, CPU {usage.ru_utime + usage.ru_stime:.0f} s (this process tree),"
        f" load {load_before:.1f} -> {os.getloadavg()[0]:.1f}"
    )
    print("  verdict:", done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "no output")
    if done.returncode:
        print(done.stdout[-20000:])
        print(done.stderr[-5000:], file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
