"""Chaos run with invariants (issue 21 item 1), bounded, loopback only.

A tenant app (``python -m tenant_app serve``) and its Celery worker run on a PostgreSQL and a Redis
of their own (real servers, tests/support/private_*.py), while clients register payments with
Idempotency-Keys (a failed call is retried with the same key, as a real client would) and list
grupos. On a schedule, one at a time, a component is killed with SIGKILL (PostgreSQL: immediate
shutdown) and restarted: PostgreSQL, Redis (its ACL user put back, as the operator repairs it),
the tenant app, the worker.

Afterwards, the invariants:
* every payment a client saw acknowledged (201/200) is in ``pagamentos`` exactly once, and no key
  produced two payments;
* every grupo's ledger reconciles (``GET /api/grupos/{id}/fundos`` ``conciliado``);
* the audit chain verifies (``GET /api/auditoria/verificacao``).

Per fault: the errors clients saw (count by status) and the time until the app answered again
(p50 / max). Vault, the kube-apiserver, the operator and the control plane are killed by
benchmarks/chaos_plataforma.py (its own script: other servers, workload and invariants).

    .venv/bin/python benchmarks/chaos.py [--seconds 120] [--interval 15] [--clients 4]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import hashlib
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tenant_operator.specs.redis_acl import VETTED_SCRIPTS, acl_rules

from devstack import dados_pessoais
from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.private_postgres import PrivatePostgres
from tests.support.private_redis import PrivateRedis, free_port
from tests.support.processes import Process, wait_http_ok
from tests.support.tenant_app_fixtures import provision_tenant


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Plataforma:
    """The servers and processes of one tenant, each killable and restartable."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pg = PrivatePostgres(folder / "pg")
        self.redis = PrivateRedis(folder)
        self.env: dict[str, str] = {}
        self.port = free_port()
        self.app: Process | None = None
        self.worker: Process | None = None

    def start_app(self) -> None:
        self.app = Process(
            "tenant-app", ["tenant_app", "serve", "--port", str(self.port)], self.env, self.folder
        ).start()

    def start_worker(self) -> None:
        self.worker = Process("worker", ["tenant_app", "worker", "--no-beat"], self.env, self.folder).start()

    def redis_acl(self) -> None:
        """The tenant's ACL user, as the operator (re)creates it after a Redis restart."""
        slug = self.env["TENANT_SLUG"]
        senha = self.env["REDIS_URL"].split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
        admin = redis.Redis.from_url(self.redis.admin_url)
        user = self.env["REDIS_URL"].split("://", 1)[1].split(":", 1)[0]
        admin.execute_command(
            "ACL", "SETUSER", user, *acl_rules(slug, hashlib.sha256(senha.encode()).hexdigest())
        )
        for script in VETTED_SCRIPTS:
            admin.script_load(script)
        admin.close()

    @staticmethod
    def _kill(p: Process | None) -> None:
        if p is not None and p.proc is not None and p.proc.poll() is None:
            os.kill(p.proc.pid, signal.SIGKILL)
            p.proc.wait(10)

    def fault(self, name: str) -> None:
        """Kill ``name`` now; it is restarted after a short pause."""
        if name == "postgres":
            self.pg.crash()
        elif name == "redis":
            self.redis.kill()
        elif name == "app":
            self._kill(self.app)
        elif name == "worker":
            # The pool processes notice their parent is gone and exit.
            self._kill(self.worker)

    def restart(self, name: str) -> None:
        if name == "postgres":
            self.pg.start()
        elif name == "redis":
            self.redis.start()
            self.redis_acl()
        elif name == "app":
            self.start_app()
        elif name == "worker":
            self.start_worker()


async def _cliente(base: str, token: str, cotas: list[str], fim: float, out: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=10) as c:
        while time.monotonic() < fim:
            chave = uuid.uuid4().hex
            cota = random.choice(cotas)
            for _ in range(200):  # the same key until the server gives a final answer
                try:
                    r = await c.post(
                        f"/api/cotas/{cota}/pagamentos",
                        json={"valor": "10.00", "data_pagamento": "2025-02-10", "forma": "pix"},
                        headers={**headers, "Idempotency-Key": chave},
                    )
                except httpx.TransportError as err:
                    out["erros"][out["fase"]][type(err).__name__] += 1
                    await asyncio.sleep(0.25)
                    continue
                if r.status_code in (200, 201):
                    out["aceitos"].append((chave, r.json()["id"]))
                    break
                out["erros"][out["fase"]][str(r.status_code)] += 1
                if r.status_code < 500 and r.status_code not in (409, 429):
                    out["recusados"].append((chave, r.status_code, r.text[:200]))
                    break
                await asyncio.sleep(0.25)
            with contextlib.suppress(httpx.TransportError):
                await c.get("/api/grupos", headers=headers)


async def _recuperacao(base: str, token: str, inicio: float) -> float:
    async with httpx.AsyncClient(base_url=base, timeout=5) as c:
        while True:
            try:
                r = await c.get("/api/grupos", headers={"Authorization": f"Bearer {token}"})
                if r.status_code == 200:
                    return time.monotonic() - inicio
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


async def main_async(args: argparse.Namespace) -> int:
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    folder = Path(tempfile.mkdtemp(prefix="chaos-"))
    ok = False
    p = Plataforma(folder)
    await asyncio.to_thread(p.pg.start)
    p.redis.start()
    slug = f"chaos{uuid.uuid4().hex[:6]}"
    url = await p.pg.create_database()
    t = await provision_tenant(lambda: url, p.redis.admin_url, slug)
    try:
        grupos = [await make_running_grupo(t, cotas=args.cotas) for _ in range(2)]
        cotas = [c["id"] for _, cs in grupos for c in cs]
        p.env = {**os.environ, **t.env}
        p.start_app()
        p.start_worker()
        base = f"http://127.0.0.1:{p.port}"
        assert p.app is not None
        await asyncio.to_thread(wait_http_ok, f"{base}/health", p.app, 300)
        token = t.tokens[Role.FINANCEIRO]
        out: dict[str, Any] = {
            "aceitos": [],
            "recusados": [],
            "fase": "sem falha",
            "erros": collections.defaultdict(collections.Counter),
        }
        print(
            f"load average before: {_load()} ({os.cpu_count()} CPUs);"
            f" {len(cotas)} cotas, {args.clients} clients"
        )
        fim = time.monotonic() + args.seconds
        clientes = [asyncio.create_task(_cliente(base, token, cotas, fim, out)) for _ in range(args.clients)]
        recuperacao: dict[str, list[float]] = collections.defaultdict(list)
        ordem = ["postgres", "redis", "app", "worker"]
        i = 0
        await asyncio.sleep(args.interval / 2)
        while time.monotonic() + args.interval / 2 < fim:
            nome = ordem[i % len(ordem)]
            i += 1
            out["fase"] = nome
            inicio = time.monotonic()
            await asyncio.to_thread(p.fault, nome)
            await asyncio.sleep(2)
            await asyncio.to_thread(p.restart, nome)
            recuperacao[nome].append(await _recuperacao(base, token, inicio))
            await asyncio.sleep(max(0.0, args.interval - (time.monotonic() - inicio)))
            out["fase"] = "sem falha"
        await asyncio.gather(*clientes)

        # Invariants.
        db = await asyncpg.connect(url)
        ids = [pid for _, pid in out["aceitos"]]
        achados = await db.fetch("SELECT id FROM pagamentos WHERE id = ANY($1::uuid[])", ids)
        total = await db.fetchval("SELECT count(*) FROM pagamentos")
        await db.close()
        perdidos = len(set(ids)) - len(achados)
        duplicados = len(ids) - len(set(ids))
        conciliados = []
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            h = {"Authorization": f"Bearer {t.tokens[Role.ADMIN]}"}
            for grupo, _ in grupos:
                conciliados.append(
                    (await c.get(f"/api/grupos/{grupo['id']}/fundos", headers=h)).json()["conciliado"]
                )
            auditoria = (await c.get("/api/auditoria/verificacao", headers=h)).json()
        print(
            f"payments acknowledged: {len(ids)}; in the ledger: {len(achados)}; lost: {perdidos}; "
            f"acknowledged twice: {duplicados}; rows in pagamentos: {total};"
            f" refused (4xx): {len(out['recusados'])}"
        )
        print(
            f"ledger reconciled per grupo: {conciliados}; audit chain: integra={auditoria.get('integra')} "
            f"({auditoria.get('entradas_verificadas')} entries)"
        )
        print("fault     | kills | client errors (by status)                 | recovery p50 / max")
        for nome in ordem:
            rec = recuperacao.get(nome, [])
            erros = dict(out["erros"].get(nome, {}))
            if rec:
                print(
                    f"{nome:9} | {len(rec):5} | {erros!s:41} |"
                    f" {statistics.median(rec):.1f} s / {max(rec):.1f} s"
                )
        print(f"outside faults: {dict(out['erros'].get('sem falha', {}))}")
        print(f"load average after: {_load()}")
        ok = (
            perdidos == 0
            and duplicados == 0
            and total == len(ids)
            and all(conciliados)
            and auditoria.get("integra") is True
        )
        print("INVARIANTS HOLD" if ok else f"INVARIANT VIOLATED (logs kept in {folder})")
        for recusa in out["recusados"][:5]:
            print("refused:", recusa)
        return 0 if ok else 1
    finally:
        await t.client.__aexit__(None, None, None)
        for proc in (p.app, p.worker):
            if proc is not None:
                proc.stop(10)
        p.redis.kill()
        await asyncio.to_thread(p.pg.remove)
        if not ok:
            print(f"process logs: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--interval", type=float, default=15, help="seconds between faults")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--cotas", type=int, default=5, help="cotas per grupo (2 grupos)")
    sys.exit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
