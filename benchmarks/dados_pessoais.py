"""Benchmark: the cost of personal data encrypted at rest (issue 20, item 8).

1. The pure core (``tenant_app.dados_pessoais.cifra``): median µs per AES-256-GCM encryption and
   decryption of a CPF-sized and an address-sized value, and per blind index (HMAC-SHA256).
2. Listing 50 consorciados through the real app (``python -m tenant_app serve``, one uvicorn
   worker, on a throwaway tenant of devstack's PostgreSQL and Redis, with the test key): the same
   page (``GET /api/consorciados/?q=…&limit=50``: name search or blind-index match) over 50 rows
   stored encrypted, and over 50 rows stored in clear as before the migration (inserted after the
   server started, so its start-up backfill leaves them alone). Each consorciado has an address
   and a contact, so a page decrypts 50 × (4 + 5 + 1) values. Median latency and the server's CPU
   per request over ``--vezes`` GETs per run; the median of ``--runs`` runs; the load average.

    .venv/bin/python benchmarks/dados_pessoais.py [--vezes 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import timeit
import uuid

import asyncpg
import httpx
from sqlalchemy import insert

from benchmarks.tenant_app_api import cpu_seconds  # type: ignore[import-not-found]
from benchmarks.tenant_app_servidor import Bancada, bancada, servir  # type: ignore[import-not-found]
from devstack import dados_pessoais as chave_dev
from tenant_app.consorciados.models import Consorciado, Contato, Endereco, TipoPessoa
from tenant_app.dados_pessoais import chaves, cifra
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.settings import DatabaseSettings
from tenant_app.unit_of_work import Actor, UnitOfWork
from tenant_app.users.roles import Role
from tenant_app.users.service import create_user

SENHA = "uma senha longa"


def micro() -> None:
    k = chaves.atuais()
    amostras = {
        "CPF (11 chars)": "52998224725",
        "logradouro (40 chars)": "Avenida Brigadeiro Faria Lima, 3477 - 1º",
    }
    for nome, valor in amostras.items():
        guardado = cifra.cifrar(k, "consorciados.documento", valor)
        medidas = {
            "encrypt": lambda v=valor: cifra.cifrar(k, "consorciados.documento", v),
            "decrypt": lambda g=guardado: cifra.decifrar(k, "consorciados.documento", g),
            "index": lambda v=valor: cifra.indice(k, "consorciados.documento", v),
        }
        for op, f in medidas.items():
            vezes = 20_000
            runs = timeit.repeat(f, number=vezes, repeat=7)
            print(f"  {op:<8} {nome:<22} median {statistics.median(runs) / vezes * 1e6:6.2f} µs")


def _pessoa(prefixo: str, n: int) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "tipo_pessoa": TipoPessoa.FISICA,
        "nome": f"{prefixo} {n:03d} de Souza",
        "documento": f"{n + (500 if prefixo == 'Legado' else 0):011d}",
        "email": f"{prefixo.lower()}{n}@exemplo.com.br",
        "telefone": "11987654321",
        "cpf_conjuge": f"{n + 900:011d}",
    }


def _endereco(pessoa: uuid.UUID) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "consorciado_id": pessoa,
        "tipo": "residencial",
        "logradouro": "Avenida Brigadeiro Faria Lima",
        "numero": "3477",
        "complemento": "conjunto 12",
        "bairro": "Itaim Bibi",
        "cidade": "São Paulo",
        "uf": "SP",
        "cep": "04538133",
    }


def _contato(pessoa: uuid.UUID) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "consorciado_id": pessoa,
        "tipo": "whatsapp",
        "valor": "11912345678",
        "principal": True,
    }


async def cifrados(dsn: str) -> None:
    """50 consorciados through the ORM (encrypted, indexed) and the admin."""
    engine = create_engine(DatabaseSettings(url=dsn))
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "benchmark")) as uow:
            await create_user(uow, "admin@bench.example", "Administrador", Role.ADMIN, SENHA)
            pessoas = [_pessoa("Cifrado", n) for n in range(50)]
            await uow.session.execute(insert(Consorciado), pessoas)
            await uow.session.execute(insert(Endereco), [_endereco(p["id"]) for p in pessoas])  # type: ignore[arg-type]
            await uow.session.execute(insert(Contato), [_contato(p["id"]) for p in pessoas])  # type: ignore[arg-type]
            await uow.commit()
    finally:
        await engine.dispose()


async def legados(dsn: str) -> None:
    """50 consorciados in clear, as rows written before the migration."""
    conn = await asyncpg.connect(dsn.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for n in range(50):
            p = _pessoa("Legado", n)
            await conn.execute(
                "INSERT INTO consorciados (id, tipo_pessoa, documento, nome, email, telefone, cpf_conjuge,"
                " created_at, updated_at) VALUES ($1, 'PF', $2, $3, $4, $5, $6, now(), now())",
                p["id"], p["documento"], p["nome"], p["email"], p["telefone"], p["cpf_conjuge"],
            )  # fmt: skip
            e = _endereco(p["id"])  # type: ignore[arg-type]
            await conn.execute(
                "INSERT INTO consorciado_enderecos (id, consorciado_id, tipo, logradouro, numero,"
                " complemento, bairro, cidade, uf, cep)"
                " VALUES ($1, $2, 'residencial', $3, $4, $5, $6, $7, $8, $9)",
                e["id"], e["consorciado_id"], e["logradouro"], e["numero"], e["complemento"], e["bairro"],
                e["cidade"], e["uf"], e["cep"],
            )  # fmt: skip
            c = _contato(p["id"])  # type: ignore[arg-type]
            await conn.execute(
                "INSERT INTO consorciado_contatos (id, consorciado_id, tipo, valor, principal)"
                " VALUES ($1, $2, 'whatsapp', $3, true)",
                c["id"], c["consorciado_id"], c["valor"],
            )  # fmt: skip
    finally:
        await conn.close()


async def medir(cliente: httpx.AsyncClient, pid: int, q: str, vezes: int) -> tuple[float, float]:
    latencias = []
    antes = cpu_seconds(pid)
    for _ in range(vezes):
        inicio = time.perf_counter()
        r = await cliente.get("/api/consorciados/", params={"q": q, "limit": 50})
        latencias.append((time.perf_counter() - inicio) * 1000)
        assert r.status_code == 200 and len(r.json()["items"]) == 50, r.text[:300]
    return statistics.median(latencias), (cpu_seconds(pid) - antes) * 1000 / vezes


async def listar(b: Bancada, args: argparse.Namespace) -> None:
    sem_limite = {"RATE_LIMIT_PER_USER_PER_MINUTE": "1000000", "RATE_LIMIT_PER_TENANT_PER_MINUTE": "1000000"}
    async with servir(b, **sem_limite) as servidor:
        await legados(b.dsn)
        async with httpx.AsyncClient(base_url=servidor.base, timeout=30) as cliente:
            r = await cliente.post(
                "/api/auth/login", json={"email": "admin@bench.example", "password": SENHA}
            )
            cliente.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
            amostra = (await cliente.get("/api/consorciados/", params={"q": "Cifrado 007"})).json()["items"][
                0
            ]
            assert amostra["documento"] == f"{7:011d}" and amostra["enderecos"][0]["logradouro"].startswith(
                "Avenida"
            )
            por_cpf = await cliente.get("/api/consorciados/", params={"q": "000.000.000-07"})
            assert [c["id"] for c in por_cpf.json()["items"]] == [amostra["id"]]
            print(
                f"GET /api/consorciados/?limit=50, 1 uvicorn worker, {args.vezes} sequential GETs per run"
                f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
            )
            for nome, q in (("encrypted rows", "Cifrado"), ("rows in clear", "Legado")):
                await medir(cliente, servidor.processo.pid, q, 10)  # warm-up
                runs = []
                for i in range(args.runs):
                    p50, cpu = await medir(cliente, servidor.processo.pid, q, args.vezes)
                    runs.append((p50, cpu, os.getloadavg()[0]))
                    print(
                        f"  {nome:<15} run {i + 1}: p50 {p50:6.2f} ms"
                        f"  server CPU {cpu:5.2f} ms/req  load {runs[-1][2]:.1f}"
                    )
                p50, cpu, carga = (statistics.median(c) for c in zip(*runs, strict=True))
                print(
                    f"  {nome:<15} MEDIAN: p50 {p50:6.2f} ms  server CPU {cpu:5.2f} ms/req  load {carga:.1f}"
                )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vezes", type=int, default=100, help="GETs per run")
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported")
    args = parser.parse_args()
    chave_dev.usar_chave_dev()  # this process and the server it starts share the test key
    print(
        f"pure core, 7 × 20,000 calls each (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    micro()
    async with bancada() as b:
        await cifrados(b.dsn)
        await listar(b, args)


if __name__ == "__main__":
    asyncio.run(main())
