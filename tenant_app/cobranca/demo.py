"""The demo tenant's cobrança: a bank account, carnês issued for some cotas, and one settled retorno.

The retorno is what the bank would answer (FEBRABAN CNAB 240, segments T/U) for part of the issued
títulos; it is imported through the same service as an uploaded file, so the settlement goes through
the money path. Idempotent: nothing is done when the tenant already has a default account.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from tenant_app.cobranca import contas, emissao, retornos
from tenant_app.cobranca.models import ContaCobranca, Titulo
from tenant_app.cotas.models import Cota
from tenant_app.grupos.models import Grupo
from tenant_app.unit_of_work import UnitOfWork

CONTA_DEMO = contas.DadosConta(
    grupo_id=None,
    banco="001",
    agencia="1606",
    dv_agencia="3",
    conta="68093",
    dv_conta="X",
    convenio="1234567",
    carteira="17",
    beneficiario_nome="Administradora Demonstração Ltda",
    beneficiario_documento="11222333000181",
    cidade="São Paulo",
    chave_pix="11222333000181",
    psp=None,
    psp_url=None,
    psp_client_id=None,
)


#: Títulos per lote: the detail records' sequence number has 5 digits and each título takes two (T, U),
#: so a bank splits a big retorno into lotes; 100,000 títulos need three.
TITULOS_POR_LOTE = 40_000


def retorno_do_banco(conta: ContaCobranca, titulos: Sequence[Titulo], credito: date, numero: int) -> bytes:
    """The retorno a bank sends when ``titulos`` were paid in full on ``credito`` (ocorrência 06)."""
    cc = conta.agencia.rjust(5, "0") + (conta.dv_agencia or " ") + conta.conta.rjust(12, "0")
    cc += (conta.dv_conta or " ") + " "
    doc = conta.beneficiario_documento
    nome = "ADMINISTRADORA DEMONSTRACAO".ljust(30)
    b = conta.banco
    linhas = [
        f"{b}00000{' ' * 9}2{doc.rjust(14, '0')}{conta.convenio.ljust(20)}{cc}{nome}{'BANCO'.ljust(30)}"
        f"{' ' * 10}2{credito:%d%m%Y}120000{numero:06d}10300000{' ' * 69}",
    ]
    partes = [titulos[i : i + TITULOS_POR_LOTE] for i in range(0, len(titulos), TITULOS_POR_LOTE)] or [[]]
    for n_lote, parte in enumerate(partes, start=1):
        lote = f"{n_lote:04d}"
        inicio = len(linhas)
        linhas.append(
            f"{b}{lote}1T01  060 2{doc.rjust(15, '0')}{conta.convenio.ljust(20)}{cc}{nome}{' ' * 80}"
            f"{numero:08d}{credito:%d%m%Y}00000000{' ' * 33}"
        )
        total = 0
        for i, t in enumerate(parte):
            centavos = int(t.valor * 100)
            total += centavos
            linhas.append(
                f"{b}{lote}3{2 * i + 1:05d}T 06{cc}{t.nosso_numero.ljust(20)}1{t.seu_numero.ljust(15)}"
                f"{t.vencimento:%d%m%Y}{centavos:015d}00100000 {t.id.hex[:25]}091{'0' * 15}{' ' * 40}"
                f"{'0' * 10}{'0' * 15}{'00'.ljust(10)}{' ' * 17}"
            )
            linhas.append(
                f"{b}{lote}3{2 * i + 2:05d}U 06{'0' * 60}{centavos:015d}{centavos:015d}{'0' * 30}"
                f"{credito:%d%m%Y}{credito:%d%m%Y}0000{'0' * 8}{'0' * 15}{' ' * 30}000{' ' * 27}"
            )
        registros = len(linhas) - inicio + 1  # header, details and this trailer
        linhas.append(f"{b}{lote}5{' ' * 9}{registros:06d}{len(parte):06d}{total:017d}{'0' * 69}{' ' * 125}")
    linhas.append(f"{b}99999{' ' * 9}{len(partes):06d}{len(linhas) + 1:06d}000000{' ' * 205}")
    return ("\r\n".join(linhas) + "\r\n").encode("ascii")


async def seed_cobranca(uow: UnitOfWork, grupo: Grupo, today: date, cotas: int = 10, pagos: int = 6) -> str:
    """Carnês of 3 parcelas for ``cotas`` cotas of the demo grupo and a retorno settling ``pagos`` títulos."""
    if (await uow.session.execute(select(ContaCobranca.id).where(ContaCobranca.grupo_id.is_(None)))).first():
        return ""
    conta = await contas.criar_conta(uow, CONTA_DEMO)
    cota_ids = list(
        (
            await uow.session.execute(
                select(Cota.id).where(Cota.grupo_id == grupo.id).order_by(Cota.numero).limit(cotas)
            )
        ).scalars()
    )
    primeiros: list[Titulo] = []
    emitidos = 0
    for cota_id in cota_ids:
        titulos = await emissao.emitir_carne(uow, cota_id, 3, hoje=today)
        emitidos += len(titulos)
        primeiros.append(titulos[0])
    pagar = primeiros[:pagos]
    conteudo = retorno_do_banco(conta, pagar, today, 1)
    lido = retornos.ler(conteudo)
    async with uow.one_transaction():  # the file and every settlement: one transaction, as the route does
        resumo = await retornos.importar(uow, f"DEMO-{uuid.uuid4().hex[:6]}.RET", conteudo, lido, conta)
    return f", {emitidos} títulos issued, a retorno settled {resumo.contagem.get('liquidado', 0)}"
