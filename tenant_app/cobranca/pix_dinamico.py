"""The dynamic PIX of a título: a ``cobv`` (charge with due date, multa and juros) created at the account's
PSP through the BCB Pix API, and the BR Code that points at its location.

Used when the account names a PSP; the client secret comes from the tenant's Vault path. A PSP or Vault
failure never stops the boleto: the título keeps the static BR Code (logged for the operator).
"""

from __future__ import annotations

import logging

import httpx

from tenant_app.cobranca.cofre import CofrePsp
from tenant_app.cobranca.models import ContaCobranca, Titulo
from tenant_app.cobranca.pix import montar_brcode
from tenant_app.cobranca.psp import CredenciaisPsp, ErroPsp, cliente_para
from tenant_app.consorciados.models import Consorciado
from tenant_app.erros import ErroDominio

log = logging.getLogger(__name__)


def usa_psp(conta: ContaCobranca) -> bool:
    return bool(conta.psp and conta.psp_url and conta.psp_client_id and conta.chave_pix)


async def aplicar_cobv(
    conta: ContaCobranca,
    titulos: list[Titulo],
    pagador: Consorciado,
    cofre: CofrePsp | None,
    juros_mensal_pct: object,
) -> int:
    """Create a cobv per título at the PSP and switch its BR Code to the dynamic one; how many switched."""
    if not usa_psp(conta) or cofre is None or not titulos:
        return 0
    assert conta.psp and conta.psp_url and conta.psp_client_id and conta.chave_pix
    try:
        segredo = await cofre.ler(conta.id)
    except ErroDominio:
        log.warning("PSP secret of account %s unavailable: static BR Codes kept", conta.id)
        return 0
    feitos = 0
    try:
        cliente = cliente_para(conta.psp, CredenciaisPsp(conta.psp_url, conta.psp_client_id, segredo))
    except (ValueError, httpx.InvalidURL) as erro:  # an account saved before contas._validar_psp
        log.warning("PSP of account %s unusable (%s): static BR Codes kept", conta.id, erro)
        return 0
    async with cliente:
        for t in titulos:
            txid = t.id.hex  # 32 alphanumerics: unique, within the API's 26-35
            try:
                cobv = await cliente.criar_cobv(
                    txid,
                    chave=conta.chave_pix,
                    valor=t.valor,
                    vencimento=t.vencimento,
                    devedor_documento=pagador.documento or "",
                    devedor_nome=pagador.nome,
                    multa_pct=t.multa_pct,
                    juros_mensal_pct=juros_mensal_pct,  # type: ignore[arg-type]
                )
                brcode = montar_brcode(url=cobv.location, nome=conta.beneficiario_nome, cidade=conta.cidade)
            except (ErroPsp, httpx.HTTPError, ValueError) as erro:
                log.warning("cobv of título %s not created at the PSP: %s; static BR Code kept", t.id, erro)
                continue
            t.txid = txid
            t.brcode = brcode
            feitos += 1
    return feitos
