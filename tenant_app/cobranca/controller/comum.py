"""Guards and response shaping shared by the cobrança routes."""

from __future__ import annotations

from litestar.datastructures import State

from tenant_app.cobranca.boleto import formatar_linha
from tenant_app.cobranca.cofre import CofrePsp, cofre_do_ambiente
from tenant_app.cobranca.models import Titulo
from tenant_app.cobranca.pix_imediato import PixImediato
from tenant_app.cobranca.schemas import PixImediatoOut, TituloOut
from tenant_app.http.schemas import to_schema
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

#: Reading títulos and reports: whoever reads payments.
LER = [requires(Permission.PAGAMENTOS_READ)]
#: Issuing, baixa, retornos, resolving valores: the cash role (financeiro) and admin.
ESCREVER = [requires(Permission.PAGAMENTOS_WRITE)]
#: The bank account itself: admin only (it decides where the money goes).
CONFIGURAR = [requires(Permission.USERS_MANAGE)]


def cofre_do_app(state: State) -> CofrePsp | None:
    """The tenant's Vault access for PSP secrets (from VAULT_* when the operator configured it)."""
    if "cofre_psp" not in state:
        state.cofre_psp = cofre_do_ambiente()
    cofre: CofrePsp | None = state.cofre_psp
    return cofre


def titulo_out(t: Titulo) -> TituloOut:
    return to_schema(TituloOut, t, linha_formatada=formatar_linha(t.linha_digitavel))


def pix_imediato_out(p: PixImediato) -> PixImediatoOut:
    return to_schema(
        PixImediatoOut,
        p,
        titulo_id=p.titulo.id,
        parcela_numero=p.titulo.parcela_numero,
        valor=p.valores.total,
        valor_principal=p.valores.principal,
        multa=p.valores.multa,
        juros=p.valores.juros,
        expira_em=p.expira_em,
    )
