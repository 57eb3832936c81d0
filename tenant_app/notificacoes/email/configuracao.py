"""The tenant's sender settings as used when sending (stored row, or defaults)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.models import ConfiguracaoNotificacoes

ID_UNICO = 1


@dataclass(frozen=True)
class Remetente:
    administradora: str
    nome: str
    email: str
    responder_para: str | None
    email_alertas: str | None
    emails_consorciados: bool
    dias_aviso_vencimento: int

    @property
    def cabecalho_from(self) -> str:
        from email.utils import formataddr

        return formataddr((self.nome, self.email))


async def carregar(session: AsyncSession, nset: NotificacoesSettings) -> Remetente:
    row = await session.get(ConfiguracaoNotificacoes, ID_UNICO)
    if row is None:
        return Remetente(nset.slug, nset.slug, nset.remetente_padrao, None, None, True, 3)
    return Remetente(
        row.nome_administradora,
        row.remetente_nome,
        row.remetente_email,
        row.responder_para,
        row.email_alertas,
        row.emails_consorciados,
        row.dias_aviso_vencimento,
    )
