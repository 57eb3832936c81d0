"""Guards and response shaping shared by the cobrança routes."""

from __future__ import annotations

from tenant_app.cobranca.boleto import formatar_linha
from tenant_app.cobranca.models import Titulo
from tenant_app.cobranca.schemas import TituloOut
from tenant_app.http.schemas import to_schema
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

#: Reading títulos and reports: whoever reads payments.
LER = [requires(Permission.PAGAMENTOS_READ)]
#: Issuing, baixa, retornos, resolving valores: the cash role (financeiro) and admin.
ESCREVER = [requires(Permission.PAGAMENTOS_WRITE)]
#: The bank account itself: admin only (it decides where the money goes).
CONFIGURAR = [requires(Permission.USERS_MANAGE)]


def titulo_out(t: Titulo) -> TituloOut:
    return to_schema(TituloOut, t, linha_formatada=formatar_linha(t.linha_digitavel))
