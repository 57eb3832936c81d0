"""The dynamic PIX of a título: a ``cobv`` (charge with due date, multa and juros) created at the account's
PSP through the BCB Pix API, and the BR Code that points at its location.

Used when the account names a PSP; the client secret comes from the tenant's Vault path. A PSP or Vault
failure never stops the boleto: the título keeps the static BR Code (logged for the operator).

A call someone asked for now (registering the webhook, an immediate ``cob``) cannot fall back: it opens
the client with ``cliente_da_conta`` and runs under ``erros_do_psp``, so a missing PSP, secret or Vault,
or the PSP's refusal, is one documented problem (``psp_nao_configurado``, ``cofre_indisponivel``,
``psp_recusou``, ``psp_indisponivel``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tenant_app.cobranca.cofre import CofreIndisponivel, CofrePsp
from tenant_app.cobranca.models import ContaCobranca, Titulo
from tenant_app.cobranca.pix import montar_brcode
from tenant_app.cobranca.psp import ClientePix, CredenciaisPsp, ErroPsp, cliente_para
from tenant_app.consorciados.models import Consorciado
from tenant_app.erros import ErroDominio, IndisponivelError, NaoEncontrado, RegraVioladaError

log = logging.getLogger(__name__)


def usa_psp(conta: ContaCobranca) -> bool:
    return bool(conta.psp and conta.psp_url and conta.psp_client_id and conta.chave_pix)


async def cliente_da_conta(conta: ContaCobranca, cofre: CofrePsp | None) -> ClientePix:
    """The account's PSP client, its secret read from Vault; what is missing is a problem, not a fallback."""
    if not usa_psp(conta):
        raise RegraVioladaError(
            "A conta não tem PSP configurado: informe psp, psp_url, psp_client_id e chave_pix.",
            campo="psp",
            code="psp_nao_configurado",
        )
    assert conta.psp and conta.psp_url and conta.psp_client_id
    if cofre is None:
        raise CofreIndisponivel("Este tenant não tem acesso ao Vault configurado (VAULT_ADDR).")
    try:
        segredo = await cofre.ler(conta.id)
    except NaoEncontrado:
        raise RegraVioladaError(
            "O segredo do PSP desta conta não está no Vault: guarde-o em PUT "
            f"/api/cobranca/contas/{conta.id}/psp-segredo.",
            campo="client_secret",
            code="psp_nao_configurado",
        ) from None
    try:
        return cliente_para(conta.psp, CredenciaisPsp(conta.psp_url, conta.psp_client_id, segredo))
    except (ValueError, httpx.InvalidURL) as erro:  # an account saved before contas._validar_psp
        raise RegraVioladaError(
            f"O PSP da conta não pode ser usado: {erro}"[:500], campo="psp", code="psp_nao_configurado"
        ) from None


@contextmanager
def erros_do_psp(o_que: str) -> Iterator[None]:
    """The PSP's refusal (4xx) as 422 ``psp_recusou`` with its reason; its failure or silence as 503
    ``psp_indisponivel``. ``o_que`` names the operation in the message (e.g. "o webhook")."""
    try:
        yield
    except ErroPsp as erro:
        if erro.status >= 500:
            raise IndisponivelError(
                f"O PSP falhou ({erro.status}) com {o_que}; nada foi alterado, tente de novo.",
                code="psp_indisponivel",
            ) from None
        raise RegraVioladaError(
            f"O PSP recusou {o_que}: {erro.tipo or erro.status} — {erro.detalhe}"[:500], code="psp_recusou"
        ) from None
    except (httpx.HTTPError, ValueError) as erro:
        raise IndisponivelError(
            f"O PSP não respondeu ({type(erro).__name__}); nada foi alterado.", code="psp_indisponivel"
        ) from None


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
