"""PIX para pagar hoje: an immediate charge (BCB Pix API ``cob``, ``calendario.expiracao`` in seconds) at the
account's PSP for what a live título's parcela owes today, and the dynamic BR Code of its ``location``.

The amount is the reemissão's (``emissao.valores_na_data``): the open principal plus multa and juros up to
today when the título is overdue, the título's own amount while it is not. The título stays as it is (its
boleto and BR Code still pay it): the cob is one more way to pay the same título, not a re-issue, so no
nosso número is spent and no baixa goes to the bank.

Nothing new is stored: the cob's txid is the título's id (32 hex digits) plus 3 random letters/digits,
35 characters — a length no other txid here has (static ≤ 25, cobv 32) — so the PSP's webhook finds the
título from the txid alone (``titulo_do_txid``) and settles it through ``pix_recebimento`` like any PIX:
one money path, each endToEndId once. The creation is audited (``pix_imediato_criado``).

Without a PSP there is no fallback to a static BR Code: nothing would tell us it was paid (no webhook), and
a static code never expires, so today's amount could be paid next week. The caller gets 422
``psp_nao_configurado`` and the way out (the reemissão with vencimento hoje).
"""

from __future__ import annotations

import re
import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tenant_app import calendario
from tenant_app.cobranca.cofre import CofrePsp
from tenant_app.cobranca.emissao import Valores, obter_titulo, parcela_e_grupo, valores_na_data
from tenant_app.cobranca.models import ATIVOS, ContaCobranca, Titulo
from tenant_app.cobranca.pix import montar_brcode
from tenant_app.cobranca.pix_dinamico import cliente_da_conta, erros_do_psp, usa_psp
from tenant_app.erros import ConflitoError, RegraVioladaError
from tenant_app.parcelas.models import StatusParcela
from tenant_app.unit_of_work import UnitOfWork

#: How long the charge can be paid, in seconds (the cob's ``calendario.expiracao``). One hour: time to
#: open the bank's app and pay, short enough that today's multa/juros cannot be paid on another day. A
#: constant, not an account setting, until an administradora asks for another value.
EXPIRACAO_SEGUNDOS = 3600

_SUFIXO = string.ascii_letters + string.digits
_TXID_IMEDIATO = re.compile(r"^([0-9a-fA-F]{32})[A-Za-z0-9]{3}$")


def txid_imediato(titulo_id: uuid.UUID, sufixo: str | None = None) -> str:
    """The txid of an immediate charge of ``titulo_id``: its 32 hex digits and 3 random letters/digits
    (a new cob each time: the PSP refuses a txid twice)."""
    sufixo = sufixo if sufixo is not None else "".join(secrets.choice(_SUFIXO) for _ in range(3))
    txid = titulo_id.hex + sufixo
    if not _TXID_IMEDIATO.fullmatch(txid):
        raise ValueError("sufixo do txid: 3 letras ou dígitos")
    return txid


def titulo_do_txid(txid: str) -> uuid.UUID | None:
    """The título an immediate charge's txid names, or None for any other txid."""
    m = _TXID_IMEDIATO.fullmatch(txid)
    return uuid.UUID(m.group(1)) if m else None


@dataclass(frozen=True)
class PixImediato:
    """The cob created at the PSP for a título: what it charges and until when, and its BR Code."""

    titulo: Titulo
    txid: str
    #: The day the amount was computed for (today in the administradora's zone).
    data: date
    valores: Valores
    expiracao: int
    criado_em: datetime
    location: str
    brcode: str

    @property
    def expira_em(self) -> datetime:
        return self.criado_em + timedelta(seconds=self.expiracao)


def valores_hoje(titulo: Titulo, valores: Valores) -> Valores:
    """``valores`` if they can settle ``titulo``, else the refusal: settling takes at least the título's
    amount (``liquidacao.triagem``), so a parcela paid in part since the título was issued needs a new one."""
    if valores.total < titulo.valor:
        raise ConflitoError(
            f"A parcela deve hoje {valores.total}, menos que os {titulo.valor} do título: ela recebeu um "
            "pagamento depois da emissão. Reemita o título para cobrar o valor atualizado.",
            code="titulo_desatualizado",
        )
    return valores


async def criar(
    uow: UnitOfWork,
    titulo_id: uuid.UUID,
    cofre: CofrePsp | None,
    *,
    hoje: date | None = None,
) -> PixImediato:
    """Create the cob for what the live título's parcela owes today and return its BR Code.

    409 ``titulo_inativo`` (liquidado, baixado, rejeitado) or ``titulo_desatualizado``; 422
    ``parcela_paga``, ``psp_nao_configurado`` (no PSP, no secret in Vault or no webhook registered),
    ``psp_recusou``; 503 ``psp_indisponivel`` or ``cofre_indisponivel``. Nothing is written when the
    PSP did not take the charge.
    """
    hoje = hoje or calendario.hoje()
    titulo = await obter_titulo(uow, titulo_id)
    if titulo.status not in ATIVOS:
        raise ConflitoError(
            f"O título está {titulo.status.value}: só um título emitido ou registrado pode ser pago por PIX.",
            code="titulo_inativo",
        )
    parcela, grupo = await parcela_e_grupo(uow, titulo.parcela_id)
    if parcela.status is StatusParcela.PAGA or parcela.saldo <= 0:
        raise RegraVioladaError(f"A parcela {parcela.numero} já está paga.", code="parcela_paga")
    valores = valores_hoje(titulo, valores_na_data(parcela, grupo, max(hoje, titulo.vencimento)))
    conta = await uow.session.get(ContaCobranca, titulo.conta_id)
    assert conta is not None
    _exigir_psp_com_webhook(conta)
    assert conta.chave_pix
    cliente = await cliente_da_conta(conta, cofre)
    txid = txid_imediato(titulo.id)
    with erros_do_psp("a cobrança imediata"):
        async with cliente as c:
            cob = await c.criar_cob(
                txid,
                chave=conta.chave_pix,
                valor=valores.total,
                expiracao=EXPIRACAO_SEGUNDOS,
                solicitacao=f"Parcela {titulo.parcela_numero}, nosso número {titulo.nosso_numero}",
            )
        brcode = montar_brcode(url=cob.location, nome=conta.beneficiario_nome, cidade=conta.cidade)
    pix = PixImediato(
        titulo, txid, hoje, valores, EXPIRACAO_SEGUNDOS, datetime.now(UTC), cob.location, brcode
    )
    uow.auditar(
        "pix_imediato_criado",
        "titulo_cobranca",
        str(titulo.id),
        None,
        {
            "txid": txid,
            "valor": str(valores.total),
            "multa": str(valores.multa),
            "juros": str(valores.juros),
            "data": hoje.isoformat(),
            "expira_em": pix.expira_em.isoformat(),
            "location": cob.location,
        },
    )
    await uow.commit()
    return pix


def _exigir_psp_com_webhook(conta: ContaCobranca) -> None:
    if not usa_psp(conta):
        raise RegraVioladaError(
            "A conta de cobrança deste título não tem PSP: o PIX para pagar hoje é uma cobrança imediata "
            "criada no PSP. Sem PSP, reemita o título com vencimento hoje (boleto e PIX com multa e juros "
            "até hoje).",
            campo="psp",
            code="psp_nao_configurado",
        )
    if not conta.webhook_segredo_sha256:
        raise RegraVioladaError(
            "A conta de cobrança não tem o webhook PIX registrado no PSP, e sem ele o pagamento não seria "
            f"baixado: registre-o em PUT /api/cobranca/contas/{conta.id}/webhook-pix/psp.",
            campo="webhook",
            code="psp_nao_configurado",
        )
