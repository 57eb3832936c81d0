"""Marketing e-mails (comunicados): only to consorciados whose latest ``marketing`` consent is
granted (LGPD art. 7 I, art. 8 §5: revocable at any time), each with a one-click unsubscribe
link (RFC 8058 ``List-Unsubscribe`` headers too). The link carries an HMAC of the consorciado
id, so it needs no login and cannot be forged for someone else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on

from tenant_app.consorciados.models import ConsentimentoLGPD, Consorciado
from tenant_app.erros import FieldError, NaoEncontrado, RegraVioladaError
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.email import modelos
from tenant_app.notificacoes.email.configuracao import carregar
from tenant_app.notificacoes.models import CategoriaEmail, EmailMensagem, StatusEntrega
from tenant_app.unit_of_work import UnitOfWork

FINALIDADE = "marketing"
#: Characters per paragraph of a comunicado (checked here: the document cannot state a bound
#: on a list's items, so the decoder must not enforce one).
MAX_PARAGRAFO = 5000
CANAL_DESCADASTRO = "email_descadastro"


def token_descadastro(chave: str, consorciado_id: uuid.UUID) -> str:
    mac = hmac.new(("descadastro\0" + chave).encode(), consorciado_id.bytes, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(consorciado_id.bytes + mac).decode().rstrip("=")


def ler_token(chave: str, token: str) -> uuid.UUID:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        ident = uuid.UUID(bytes=raw[:16])
    except (ValueError, TypeError):
        raise NaoEncontrado("Link de descadastro") from None
    if not hmac.compare_digest(token_descadastro(chave, ident), token):
        raise NaoEncontrado("Link de descadastro")
    return ident


async def consentidos(uow: UnitOfWork, ids: list[uuid.UUID] | None) -> list[Consorciado]:
    """Consorciados with an e-mail whose most recent marketing consent is a grant."""
    ultimo = (
        select(ConsentimentoLGPD.consorciado_id, ConsentimentoLGPD.concedido)
        .where(ConsentimentoLGPD.finalidade == FINALIDADE)
        .ext(distinct_on(ConsentimentoLGPD.consorciado_id))
        .order_by(ConsentimentoLGPD.consorciado_id, ConsentimentoLGPD.registrado_em.desc())
        .subquery()
    )
    stmt = (
        select(Consorciado)
        .join(ultimo, ultimo.c.consorciado_id == Consorciado.id)
        .where(ultimo.c.concedido, Consorciado.email.is_not(None), Consorciado.anonimizado_em.is_(None))
    )
    if ids is not None:
        stmt = stmt.where(Consorciado.id.in_(ids))
    return list((await uow.session.scalars(stmt)).all())


async def enviar_comunicado(
    uow: UnitOfWork,
    nset: NotificacoesSettings,
    base_url: str,
    assunto: str,
    paragrafos: list[str],
    ids: list[uuid.UUID] | None,
) -> int:
    """Queue one marketing e-mail per consenting consorciado; returns how many. Blank paragraphs
    are dropped; none left, or one too long, is a 422 naming the paragraph."""
    erros = modelos.erros_de_paragrafos(paragrafos, MAX_PARAGRAFO)
    if erros:
        raise RegraVioladaError(
            "O comunicado precisa de pelo menos um parágrafo com texto, cada um com até "
            f"{MAX_PARAGRAFO} caracteres.",
            errors=[FieldError(campo, mensagem) for campo, mensagem in erros],
        )
    paragrafos = [p.strip() for p in paragrafos if p.strip()]
    remetente = await carregar(uow.session, nset)
    agora = datetime.now(UTC)
    n = 0
    for pessoa in await consentidos(uow, ids):
        url = f"{base_url.rstrip('/')}/publico/descadastro/{token_descadastro(nset.chave, pessoa.id)}"
        email = modelos.montar(
            assunto,
            paragrafos,
            administradora=remetente.administradora,
            nome=pessoa.nome,
            descadastro_url=url,
        )
        uow.session.add(
            EmailMensagem(
                id=uuid.uuid4(),
                consorciado_id=pessoa.id,
                categoria=CategoriaEmail.MARKETING,
                destinatario=pessoa.email,
                assunto=email.assunto,
                texto=email.texto,
                html=email.html,
                cabecalhos={
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
                status=StatusEntrega.PENDENTE,
                proxima_tentativa_em=agora,
            )
        )
        n += 1
    uow.auditar("comunicado", "email_mensagens", None, depois={"assunto": assunto, "destinatarios": n})
    await uow.commit()
    return n


async def descadastrar(uow: UnitOfWork, nset: NotificacoesSettings, token: str) -> None:
    """Record the withdrawal of the marketing consent (idempotent in effect)."""
    ident = ler_token(nset.chave, token)
    if await uow.session.get(Consorciado, ident) is None:
        raise NaoEncontrado("Link de descadastro")
    uow.add(
        ConsentimentoLGPD(
            consorciado_id=ident,
            finalidade=FINALIDADE,
            concedido=False,
            canal=CANAL_DESCADASTRO,
            versao_termo="descadastro",
            observacao="Descadastro pelo link do e-mail",
            registrado_em=datetime.now(UTC),
            registrado_por=None,
        )
    )
    await uow.commit()
