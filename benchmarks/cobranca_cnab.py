"""Benchmark: the pure CNAB 240 code of tenant_app.cobranca (no database).

Prints the median (and spread) of several runs of:

1. issuing 10,000 boletos (campo livre, barcode, linha digitável: `montar_boleto`) and writing their
   remessa de cobrança (`escrever_remessa`, segments P, Q, R) — the issue aims at <= 5 s for the remessa;
2. parsing a retorno with 100,000 títulos (segments T and U, every field and trailer checked:
   `ler_retorno`) — the pure part of "import and settle a retorno with 100,000 títulos" (<= 20 s
   in total with the settlement).

The retorno is generated here the way a bank would answer (entradas confirmadas, liquidações,
baixas, tarifas); nothing is read from disk.

    .venv/bin/python benchmarks/cobranca_cnab.py [--runs 5] [--boletos 10000] [--titulos 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from devstack import dados_pessoais
from tenant_app.cobranca.bancos import CarteiraBB
from tenant_app.cobranca.boleto import montar_boleto
from tenant_app.cobranca.cnab240 import (
    ContaEmpresa,
    Pagador,
    Remessa,
    TituloRemessa,
    escrever_remessa,
    ler_retorno,
)

CONTA = ContaEmpresa(
    banco="001",
    nome_banco="BANCO DO BRASIL S.A.",
    inscricao="11222333000181",
    nome="Administradora de Consórcios Exemplo Ltda",
    convenio="1234567",
    agencia="1606",
    dv_agencia="3",
    conta="68093",
    dv_conta="X",
)
CARTEIRA = CarteiraBB(convenio="1234567", carteira="17")


def emitir_e_escrever(quantos: int) -> tuple[str, float, float]:
    """Issue `quantos` boletos and write their remessa; return it and the two times in ms."""
    inicio = time.perf_counter()
    hoje = date(2026, 12, 6)
    titulos = []
    for numero in range(1, quantos + 1):
        vencimento = hoje + timedelta(days=5 + numero % 30)
        valor = Decimal(35_000 + numero % 9_000).scaleb(-2)
        boleto = montar_boleto("001", carteira=CARTEIRA, numero=numero, vencimento=vencimento, valor=valor)
        titulos.append(
            TituloRemessa(
                nosso_numero=boleto.nosso_numero,
                seu_numero=f"P{numero:09d}",
                vencimento=vencimento,
                valor=valor,
                emissao=hoje,
                pagador=Pagador(
                    inscricao="52998224725",
                    nome=f"Consorciado Número {numero}",
                    endereco="Rua São João, 100",
                    bairro="Centro",
                    cep="01001000",
                    cidade="São Paulo",
                    uf="SP",
                ),
                juros_por_dia=Decimal("0.12"),
                multa_percentual=Decimal("2.00"),
                uso_empresa=f"{numero:025d}",
            )
        )
    emitidos = time.perf_counter()
    texto = escrever_remessa(
        Remessa(conta=CONTA, numero=1, gerada_em=datetime(2026, 12, 6, 10, 0, 0), titulos=titulos)
    )
    fim = time.perf_counter()
    return texto, (emitidos - inicio) * 1000, (fim - emitidos) * 1000


def retorno_sintetico(quantos: int) -> str:
    """A bank's retorno with `quantos` títulos (T + U each) in lotes of 49,999, trailers right."""
    banco = CONTA.banco
    conta = "01606" + "3" + "000000068093" + "X" + " "
    header = (
        f"{banco}00000" + " " * 9 + "2" + "11222333000181" + "1234567".ljust(20) + conta
        + "ADMINISTRADORA DE CONSORCIOS E".ljust(30) + "BANCO DO BRASIL S.A.".ljust(30) + " " * 10
        + "2" + "07122026" + "060000" + "000001" + "103" + "00000" + " " * 69
    )  # fmt: skip
    linhas = [header]
    codigos = ("06", "06", "06", "02", "09", "28", "03", "17")
    por_lote = 49_999  # 2 records each; the lote's sequential number has 5 digits
    for lote, primeiro in enumerate(range(1, quantos + 1, por_lote), start=1):
        linhas.append(
            f"{banco}{lote:04d}1" + "T" + "01" + "  " + "060" + " " + "2" + "011222333000181"
            + "1234567".ljust(20) + conta + "ADMINISTRADORA DE CONSORCIOS E".ljust(30) + " " * 80
            + "00000001" + "07122026" + "08122026" + " " * 33
        )  # fmt: skip
        total = 0
        ultimo = min(primeiro + por_lote, quantos + 1)
        for i in range(primeiro, ultimo):
            codigo = codigos[i % len(codigos)]
            valor = 35_000 + i % 9_000
            total += valor
            pago = valor if codigo in ("06", "17") else 0
            tarifa = 150 if codigo in ("06", "28", "17") else 0
            credito = "08122026" if pago else "00000000"
            seq = 2 * (i - primeiro) + 1
            linhas.append(
                f"{banco}{lote:04d}3{seq:05d}T {codigo}" + conta + f"1234567{i:010d}".ljust(20) + "1"
                + f"P{i:09d}".ljust(15) + "15122026" + f"{valor:015d}" + "001" + "01606" + " "
                + f"{i:025d}" + "09" + "1" + "000052998224725" + "CONSORCIADO".ljust(40) + "0" * 10
                + f"{tarifa:015d}" + ("A1" if codigo == "03" else "").ljust(10) + " " * 17
            )  # fmt: skip
            linhas.append(
                f"{banco}{lote:04d}3{seq + 1:05d}U {codigo}" + "0" * 60 + f"{pago:015d}"
                + f"{max(pago - tarifa, 0):015d}" + "0" * 30 + "07122026" + credito + "0000" + "00000000"
                + "0" * 15 + " " * 30 + "000" + " " * 27
            )  # fmt: skip
        titulos = ultimo - primeiro
        linhas.append(
            f"{banco}{lote:04d}5" + " " * 9 + f"{2 * titulos + 2:06d}" + f"{titulos:06d}" + f"{total:017d}"
            + "0" * 69 + " " * 125
        )  # fmt: skip
        lotes = lote
    linhas.append(
        f"{banco}99999" + " " * 9 + f"{lotes:06d}" + f"{len(linhas) + 1:06d}" + "000000" + " " * 205
    )
    return "\r\n".join(linhas) + "\r\n"


def _resumo(nome: str, tempos: list[float], alvo: str) -> None:
    print(
        f"  {nome}: median {statistics.median(tempos):,.0f} ms "
        f"(min {min(tempos):,.0f}, max {max(tempos):,.0f}; {len(tempos)} runs) — {alvo}"
    )


def main() -> None:
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--boletos", type=int, default=10_000)
    parser.add_argument("--titulos", type=int, default=100_000)
    args = parser.parse_args()

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    emitir, escrever, total, cpu_total = [], [], [], []
    texto = ""
    for _ in range(args.runs):
        cpu = time.process_time()
        texto, ms_emitir, ms_escrever = emitir_e_escrever(args.boletos)
        cpu_total.append((time.process_time() - cpu) * 1000)
        emitir.append(ms_emitir)
        escrever.append(ms_escrever)
        total.append(ms_emitir + ms_escrever)
    print(f"remessa: {args.boletos:,} boletos, {texto.count(chr(10)):,} lines, {len(texto) // 1024:,} KiB")
    _resumo("montar_boleto × N", emitir, "boleto, linha digitável, nosso número")
    _resumo("escrever_remessa", escrever, "issue target <= 5,000 ms")
    _resumo(
        "both",
        total,
        f"CPU median {statistics.median(cpu_total):,.0f} ms (wall time includes waiting for a core)",
    )

    retorno = retorno_sintetico(args.titulos)
    ler, cpu_ler = [], []
    lido = None
    for _ in range(args.runs):
        inicio, cpu = time.perf_counter(), time.process_time()
        lido = ler_retorno(retorno)
        ler.append((time.perf_counter() - inicio) * 1000)
        cpu_ler.append((time.process_time() - cpu) * 1000)
    assert lido is not None and len(lido.titulos) == args.titulos
    print(
        f"retorno: {args.titulos:,} títulos, {retorno.count(chr(10)):,} lines, {len(retorno) // 1024:,} KiB"
    )
    _resumo(
        "ler_retorno",
        ler,
        f"CPU median {statistics.median(cpu_ler):,.0f} ms; parse only (issue: <= 20 s with the settlement)",
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
