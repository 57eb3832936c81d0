"""Benchmark: apuração of a 5,000-cota group with 2,000 lances.

Prints the median (and spread) of several runs of:

1. the pure apuração (sorteio + lance ranking + funds + canonical result +
   SHA-256 over the inputs) — the figure the issue aims at (<= 500 ms);
2. with ``--banco``: the whole service path on a real PostgreSQL and Redis
   from devstack — Redis lock, eligibility snapshot of 5,000 cotas and
   10,000 parcelas at the cut-off, 2,000 lances, the pure apuração in a
   thread, and writing the record, awards and ledger entries (each run is
   rolled back so every run apura the same month).

    .venv/bin/python benchmarks/assembleias_apuracao.py [--runs 9] [--banco]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from decimal import Decimal

from tenant_app.assembleias.apuracao import (
    CotaAtiva,
    CotaExcluida,
    EntradaApuracao,
    Lance,
    RegrasAssembleia,
    TipoLance,
    apurar,
    entrada_canonica,
    resultado_canonico,
)
from tenant_app.assembleias.sorteio import DirecaoAproximacao, MetodoSorteio, parse_extracao

TAMANHO = 5000
LANCES = 2000


def montar_entrada(semente: int = 2024) -> EntradaApuracao:
    """A realistic month: 4% in arrears, 2% excluded, 2,000 lances of all kinds."""
    rnd = random.Random(semente)
    numeros = list(range(1, TAMANHO + 1))
    rnd.shuffle(numeros)
    excluidas = set(numeros[:100])
    inadimplentes = set(numeros[100:300])
    ativas = [n for n in range(1, TAMANHO + 1) if n not in excluidas and n not in inadimplentes]
    credito = Decimal("120000.00")
    cotas = tuple(
        CotaAtiva(n, credito, Decimal(rnd.randint(3000, 9500)) / 100, rnd.randint(10, 100)) for n in ativas
    )
    lances: list[Lance] = []
    for n in rnd.sample(ativas, LANCES):
        tipo = rnd.choice([TipoLance.LIVRE, TipoLance.LIVRE, TipoLance.FIXO, TipoLance.EMBUTIDO])
        if tipo is TipoLance.FIXO:
            lances.append(Lance(n, tipo, Decimal("25")))
        elif tipo is TipoLance.EMBUTIDO:
            lances.append(
                Lance(n, tipo, Decimal(rnd.randint(1000, 3000)) / 100, Decimal(rnd.randint(100, 1000)) / 100)
            )
        else:
            lances.append(Lance(n, tipo, Decimal(rnd.randint(500, 2900)) / 100))
    return EntradaApuracao(
        grupo="BENCH-5000",
        assembleia=37,
        tamanho_grupo=TAMANHO,
        regras=RegrasAssembleia(
            metodo_sorteio=MetodoSorteio.FINAIS,
            direcao_aproximacao=DirecaoAproximacao.ALTERNADA,
            contemplacoes_sorteio=2,
            sorteios_restituicao=1,
            tipos_lance=frozenset(TipoLance),
            lance_minimo_percentual=Decimal("5"),
            lance_fixo_percentual=Decimal("25"),
            embutido_maximo_percentual=Decimal("30"),
            fundo_reserva_completa_sorteios=True,
        ),
        extracao=parse_extracao(6001, ["83127", "10450", "22222", "31415", "40404"]),
        cotas_ativas=cotas,
        cotas_excluidas=tuple(CotaExcluida(n, Decimal("15000.00")) for n in sorted(excluidas)),
        lances=tuple(lances),
        # enough for the sorteios, one restitution and a few dozen lances
        saldo_fundo_comum=Decimal("3500000.00"),
        saldo_fundo_reserva=Decimal("400000.00"),
    )


def main() -> None:
    """Time the apuração and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--banco", action="store_true", help="also time the service path on devstack")
    args = parser.parse_args()
    pura(args.runs)
    if args.banco:
        from assembleias_apuracao_banco import medir_servico  # type: ignore[import-not-found]

        asyncio.run(medir_servico(montar_entrada(), args.runs))


def pura(runs: int) -> None:
    """The pure function alone."""
    entrada = montar_entrada()
    tempos: list[float] = []
    resultado = apurar(entrada)  # warm-up, also used for the summary
    for _ in range(runs):
        inicio = time.perf_counter()
        resultado = apurar(entrada)
        resultado_canonico(resultado)
        tempos.append((time.perf_counter() - inicio) * 1000)
    contempladas = len(resultado.contemplacoes)
    print(
        f"apuração: {TAMANHO} cotas, {LANCES} lances, {len(entrada_canonica(entrada)) // 1024} KiB of inputs"
    )
    print(f"  contemplações: {contempladas}, hash {resultado.hash_entrada[:16]}…")
    print(
        f"  median {statistics.median(tempos):.1f} ms  min {min(tempos):.1f} ms  max {max(tempos):.1f} ms"
        f"  over {runs} runs (aim <= 500 ms)"
    )


if __name__ == "__main__":
    main()
