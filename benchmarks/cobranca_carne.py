"""Benchmark: a 12-page carnê PDF (tenant_app.cobranca.carne.gerar_pdf: ficha fields, ITF-25, QR code).

The issue aims at <= 300 ms. Prints the median wall and CPU time of several runs and the load average.

    .venv/bin/python benchmarks/cobranca_carne.py [--runs 7] [--paginas 12]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from tenant_app.cobranca.bancos import CarteiraBB
from tenant_app.cobranca.boleto import montar_boleto
from tenant_app.cobranca.carne import FolhaCarne, gerar_pdf
from tenant_app.cobranca.pix import montar_brcode


def folhas(paginas: int) -> list[FolhaCarne]:
    carteira = CarteiraBB("1234567")
    saida = []
    for n in range(1, paginas + 1):
        vencimento = date(2027, 1, 10) + timedelta(days=30 * n)
        b = montar_boleto("001", carteira=carteira, numero=n, vencimento=vencimento, valor=Decimal("1543.21"))
        saida.append(
            FolhaCarne(
                banco="001",
                beneficiario="Administradora Exemplo Ltda",
                beneficiario_documento="11222333000181",
                agencia_conta="1606-3 / 68093-X",
                pagador="Maria da Conceição",
                pagador_documento="52998224725",
                grupo="G-001",
                cota=17,
                parcela=n,
                nosso_numero=b.nosso_numero,
                vencimento=vencimento,
                valor=b.valor,
                linha_digitavel=b.linha_digitavel,
                codigo_barras=b.codigo_barras,
                brcode=montar_brcode("11222333000181", nome="Adm Exemplo", cidade="Sao Paulo", valor=b.valor),
            )
        )
    return saida


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--paginas", type=int, default=12)
    args = parser.parse_args()
    dados = folhas(args.paginas)
    gerar_pdf(dados[:1])  # warm-up: fonts and modules
    paredes, cpus = [], []
    tamanho = 0
    for _ in range(args.runs):
        p0, c0 = time.perf_counter(), time.process_time()
        tamanho = len(gerar_pdf(dados))
        paredes.append((time.perf_counter() - p0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    carga = os.getloadavg()
    print(
        f"carnê {args.paginas} pages ({tamanho} bytes): median {statistics.median(paredes):.1f} ms wall, "
        f"{statistics.median(cpus):.1f} ms CPU (min {min(paredes):.1f}, max {max(paredes):.1f}; "
        f"{args.runs} runs); load average {carga[0]:.2f} {carga[1]:.2f} {carga[2]:.2f}"
    )


if __name__ == "__main__":
    main()
