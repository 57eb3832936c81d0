"""Benchmark: local feature-flag evaluation in the tenant app's OpenFeature provider.

A snapshot of 200 flags (tenant/plan overrides, tenant rollouts, user
rollouts) is compiled once; then each kind of lookup is timed. Prints the
median time per call over several runs. Aim: <= 2 µs per call for the
provider's resolve (precomputed per snapshot). The full OpenFeature client
call (hooks, context merging) is printed too, for scale.

Times are the process's CPU time (``time.process_time``), not wall time: the
build machines are shared, and wall time would mostly measure how long the
scheduler kept this process waiting. The load average is printed alongside.
Run:

    .venv/bin/python benchmarks/control_plane_flag_evaluation.py [--runs 7] [--calls 200000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx
from openfeature import api as openfeature_api
from openfeature.evaluation_context import EvaluationContext

from consorcio_contract.flag_rules import (
    FlagDefinition,
    Rollout,
    RolloutUnit,
    ValueType,
    resolve_for_tenant,
)
from tenant_app.platform_client.flag_provider import ControlPlaneFlagProvider


def snapshot() -> dict:
    flags = []
    for i in range(200):
        kind = i % 4
        if kind == 0:
            flags.append(
                FlagDefinition(f"flag-{i}", ValueType.BOOLEAN, False, plan_values={"professional": True})
            )
        elif kind == 1:
            flags.append(FlagDefinition(f"flag-{i}", ValueType.BOOLEAN, False, tenant_values={"acme": True}))
        elif kind == 2:
            flags.append(FlagDefinition(f"flag-{i}", ValueType.BOOLEAN, False, rollout=Rollout(3000, True)))
        else:
            flags.append(
                FlagDefinition(
                    f"flag-{i}", ValueType.BOOLEAN, False, rollout=Rollout(3000, True, RolloutUnit.USER)
                )
            )
    return {f.key: resolve_for_tenant(f, "acme", "professional").to_wire() for f in flags}


def per_call(fn, calls: int) -> float:
    start = time.process_time()
    fn(calls)
    return (time.process_time() - start) / calls


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--calls", type=int, default=200_000)
    args = parser.parse_args()

    def long_poll(request: httpx.Request) -> httpx.Response:
        # Stands in for the control plane: nothing changes during the run.
        time.sleep(float(request.url.params.get("wait", "0")))
        return httpx.Response(304, headers={"ETag": '"bench"'})

    http = httpx.Client(base_url="http://control-plane", transport=httpx.MockTransport(long_poll))
    provider = ControlPlaneFlagProvider(http, "acme", lambda: {})
    provider.load_snapshot(snapshot(), '"bench"')
    openfeature_api.set_provider(provider, domain="bench")
    client = openfeature_api.get_client(domain="bench")
    users = [EvaluationContext(targeting_key=f"user-{i}") for i in range(1024)]
    resolve = provider.resolve_boolean_details

    def static_flag(n: int) -> None:
        for i in range(n):
            resolve("flag-0", False, users[i & 1023])

    def user_rollout(n: int) -> None:
        for i in range(n):
            resolve("flag-3", False, users[i & 1023])

    fresh_users = [EvaluationContext(targeting_key=f"new-user-{i}") for i in range(args.calls * args.runs)]
    offset = [0]

    def user_rollout_first_sight(n: int) -> None:
        base = offset[0]
        offset[0] += n
        for i in range(base, base + n):
            resolve("flag-3", False, fresh_users[i])

    def openfeature_client(n: int) -> None:
        for i in range(n):
            client.get_boolean_value("flag-0", False, users[i & 1023])

    def loop_only(n: int) -> None:
        for i in range(n):
            users[i & 1023]

    cases = {
        "provider resolve, tenant-resolved flag": (static_flag, args.calls),
        "provider resolve, user rollout, returning users": (user_rollout, args.calls),
        "provider resolve, user rollout, first sight (hashes)": (user_rollout_first_sight, args.calls // 4),
        "OpenFeature client get_boolean_value (full SDK path)": (openfeature_client, args.calls // 10),
    }
    overhead = statistics.median(per_call(loop_only, args.calls) for _ in range(args.runs))
    print(
        f"flag evaluation, {args.runs} runs, 200 flags, CPU time "
        f"(loop overhead {overhead * 1e9:.0f} ns subtracted); load average {load_average()}"
    )
    for name, (fn, calls) in cases.items():
        samples = [per_call(fn, calls) - overhead for _ in range(args.runs)]
        median = statistics.median(samples)
        print(
            f"  {name:58s} median {median * 1e6:6.3f} µs/call "
            f"(min {min(samples) * 1e6:.3f}, max {max(samples) * 1e6:.3f})"
        )
    print(f"aim: <= 2 µs per local evaluation (provider resolve); load average {load_average()}")
    openfeature_api.clear_providers()
    provider.shutdown()


if __name__ == "__main__":
    main()
