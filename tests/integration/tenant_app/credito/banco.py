"""The bank's side of a CNAB 240 pagamentos exchange, for tests: the retorno a bank would send for a
remessa. A stand-in for a third party that cannot run here, written from the published FEBRABAN
positions (CNAB 240 v10.11, serviço Pagamentos), independently of the production writer and reader."""

from __future__ import annotations

from datetime import date


def retorno_do_banco(remessa: str, ocorrencias: dict[str, str], efetivado_em: date) -> str:
    """Per seu número (segment A, 74-93) the ocorrência codes (G059, 231-240); "00" pays the full
    amount on ``efetivado_em`` (data/valor real, 155-177); the header says retorno (143 = "2")."""
    saida = []
    for linha in remessa.split("\r\n")[:-1]:
        if linha[7] == "0":
            linha = linha[:142] + "2" + linha[143:]
        elif linha[7] == "3" and linha[13] == "A":
            seu = linha[73:93].rstrip()
            codigos = ocorrencias[seu]
            pago = codigos.startswith("00")
            linha = (
                linha[:134]
                + f"BCO{seu[-17:]}".ljust(20)[:20]
                + (f"{efetivado_em:%d%m%Y}" if pago else "00000000")
                + (linha[119:134] if pago else "0" * 15)
                + linha[177:230]
                + codigos.ljust(10)
            )
        assert len(linha) == 240
        saida.append(linha)
    return "\r\n".join(saida) + "\r\n"


def seus_numeros(remessa: str) -> list[str]:
    """The payouts a remessa carries, in order."""
    return [
        x[73:93].rstrip() for x in remessa.split("\r\n") if len(x) == 240 and x[7] == "3" and x[13] == "A"
    ]
