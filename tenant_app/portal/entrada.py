"""Login of the área do consorciado: ask for a code (e-mailed at once), type it (see ``acesso``)."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from tenant_app.consorciados.models import DOCUMENTO, Consorciado
from tenant_app.dados_pessoais import indices
from tenant_app.erros import IndisponivelError
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.email import modelos
from tenant_app.notificacoes.email.configuracao import carregar
from tenant_app.notificacoes.email.envio import enviar_agora, montar_mensagem
from tenant_app.notificacoes.models import CategoriaEmail, EmailMensagem
from tenant_app.portal.acesso import VALIDADE_SEGUNDOS, Codigos
from tenant_app.unit_of_work import UnitOfWork

log = logging.getLogger("tenant_app.portal")

SEM_ENVIO = "O envio de e-mails está indisponível agora. Tente de novo em alguns minutos."


async def titular_do_documento(uow: UnitOfWork, documento: str) -> Consorciado | None:
    """The (not anonymised) consorciado with this normalised CPF/CNPJ and an e-mail on file."""
    if not documento or len(documento) > 14:
        return None
    pessoa = await uow.session.scalar(
        select(Consorciado).where(
            Consorciado.documento_indice == indices.indice(DOCUMENTO, documento),
            Consorciado.anonimizado_em.is_(None),
        )
    )
    return pessoa if pessoa is not None and pessoa.email else None


def _mensagem(nome: str, codigo: str, administradora: str) -> modelos.Email:
    minutos = VALIDADE_SEGUNDOS // 60
    return modelos.montar(
        "Seu código de acesso",
        [
            f"Seu código para entrar na área do consorciado é {codigo}.",
            f"Ele vale por {minutos} minutos e serve uma única vez.",
            "Se não foi você quem pediu, ignore esta mensagem: sem o código ninguém entra.",
        ],
        administradora=administradora,
        nome=nome.split(" ", 1)[0],
    )


async def pedir_codigo(
    uow: UnitOfWork, codigos: Codigos, nset: NotificacoesSettings, documento: str
) -> uuid.UUID | None:
    """E-mail a code to the holder of ``documento``; his id (None when there is nobody to send to).

    The caller answers the same whatever comes back (no enumeration of CPFs). The code is sent
    right away, not queued: it is worthless ten minutes later and must not rest in the e-mail log.
    """
    if nset.smtp is None:
        raise IndisponivelError(SEM_ENVIO)
    pessoa = await titular_do_documento(uow, documento)
    if pessoa is None:
        return None
    codigo = await codigos.emitir(pessoa.id)
    if codigo is None:  # the hourly quota: the codes already sent are still good
        return pessoa.id
    remetente = await carregar(uow.session, nset)
    email = _mensagem(pessoa.nome, codigo, remetente.administradora)
    mensagem = EmailMensagem(
        id=uuid.uuid4(),
        consorciado_id=pessoa.id,
        categoria=CategoriaEmail.TRANSACIONAL,
        destinatario=pessoa.email,
        assunto=email.assunto,
        texto=email.texto,
        html=email.html,
        cabecalhos={},
    )
    erro = await enviar_agora(nset.smtp, montar_mensagem(mensagem, remetente))
    if erro is not None:
        log.warning("código de acesso não enviado: %s", erro)
        raise IndisponivelError(SEM_ENVIO)
    uow.auditar("portal_codigo_enviado", "consorciados", str(pessoa.id))
    await uow.commit()
    return pessoa.id


async def confirmar_codigo(
    uow: UnitOfWork, codigos: Codigos, consorciado_id: uuid.UUID | None, codigo: str
) -> tuple[bool, bool]:
    """(logged in, ask for a new code). The login is audited."""
    if consorciado_id is None:
        return False, False
    resultado = await codigos.verificar(consorciado_id, codigo)
    if resultado.valido:
        uow.auditar("portal_login", "consorciados", str(consorciado_id))
        await uow.commit()
    return resultado.valido, resultado.esgotado and not resultado.valido
