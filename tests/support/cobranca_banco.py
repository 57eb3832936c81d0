"""A synthetic bank for the cobrança tests: the CNAB 240 retorno a bank answers for títulos it received.

No bank runs here. This writes the retorno from the published FEBRABAN layout ("Layout Padrão de
Arquivos — CNAB 240 posições", versão 10.11: header de arquivo with 143 = 2, header de lote with
operação T, segments T and U per título, trailers with the counts and totals), independently of the
production writer and reader, so a misplaced field on either side shows up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class OcorrenciaBanco:
    nosso_numero: str
    codigo: str  # 02 entrada confirmada, 03 rejeição, 06 liquidação, 09 baixa, 17, 28 tarifa
    valor_nominal: Decimal
    valor_pago: Decimal = Decimal("0")
    tarifa: Decimal = Decimal("0")
    data_ocorrencia: date = date(2026, 12, 6)
    data_credito: date | None = None
    seu_numero: str = ""
    vencimento: date = date(2026, 12, 10)


def _conta(agencia: str, dv_agencia: str, conta: str, dv_conta: str) -> str:
    return agencia.rjust(5, "0") + (dv_agencia or " ") + conta.rjust(12, "0") + (dv_conta or " ") + " "


def retorno(
    *,
    banco: str,
    inscricao: str,
    convenio: str,
    agencia: str,
    conta: str,
    ocorrencias: Sequence[OcorrenciaBanco],
    numero: int = 1,
    dv_agencia: str = "",
    dv_conta: str = "",
    gerado_em: date = date(2026, 12, 7),
) -> bytes:
    """The retorno file (CRLF lines of 240) with one T/U pair per ocorrência, in one lote."""
    tipo = "1" if len(inscricao) == 11 else "2"
    cc = _conta(agencia, dv_agencia, conta, dv_conta)
    header = (
        f"{banco}00000"
        + " " * 9
        + tipo
        + inscricao.rjust(14, "0")
        + convenio.ljust(20)
        + cc
        + "ADMINISTRADORA TESTE".ljust(30)
        + "BANCO".ljust(30)
        + " " * 10
        + "2"
        + f"{gerado_em:%d%m%Y}"
        + "120000"
        + f"{numero:06d}"
        + "103"
        + "00000"
        + " " * 69
    )
    header_lote = (
        f"{banco}00011T01  060 "
        + tipo
        + inscricao.rjust(15, "0")
        + convenio.ljust(20)
        + cc
        + "ADMINISTRADORA TESTE".ljust(30)
        + " " * 80
        + f"{numero:08d}"
        + f"{gerado_em:%d%m%Y}"
        + "00000000"
        + " " * 33
    )
    saida = [header, header_lote]
    sequencial = 0
    total = 0
    for o in ocorrencias:
        sequencial += 1
        nominal = int(o.valor_nominal * 100)
        total += nominal
        t = (
            f"{banco}00013{sequencial:05d}T {o.codigo}"
            + cc
            + o.nosso_numero.ljust(20)
            + "1"
            + o.seu_numero.ljust(15)
            + f"{o.vencimento:%d%m%Y}"
            + f"{nominal:015d}"
            + "341"
            + "01234"
            + " "
            + o.nosso_numero.ljust(25)
            + "09"
            + "1"
            + "000052998224725"
            + "JOSE DA CONCEICAO ARAUJO".ljust(40)
            + "0" * 10
            + f"{int(o.tarifa * 100):015d}"
            + ("A1" if o.codigo == "03" else "00").ljust(10)
            + " " * 17
        )
        sequencial += 1
        liquido = o.valor_pago - o.tarifa if o.codigo in ("06", "17") else Decimal(0)
        credito = "00000000" if o.data_credito is None else f"{o.data_credito:%d%m%Y}"
        u = (
            f"{banco}00013{sequencial:05d}U {o.codigo}"
            + "0" * 15 * 4
            + f"{int(o.valor_pago * 100):015d}"
            + f"{int(liquido * 100):015d}"
            + "0" * 15 * 2
            + f"{o.data_ocorrencia:%d%m%Y}"
            + credito
            + "0000"
            + "00000000"
            + "0" * 15
            + " " * 30
            + "000"
            + " " * 20
            + " " * 7
        )
        saida.extend([t, u])
    saida.append(
        f"{banco}00015"
        + " " * 9
        + f"{sequencial + 2:06d}"
        + f"{len(ocorrencias):06d}"
        + f"{total:017d}"
        + "0" * 69
        + " " * 8
        + " " * 117
    )
    saida.append(f"{banco}99999" + " " * 9 + "000001" + f"{len(saida) + 1:06d}" + "000000" + " " * 205)
    for linha in saida:
        assert len(linha) == 240, (len(linha), linha[:20])
    return ("\r\n".join(saida) + "\r\n").encode("ascii")
