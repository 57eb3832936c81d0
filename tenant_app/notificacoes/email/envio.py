"""Sending queued e-mails over SMTP: claim a batch (lease), send on one connection, settle each row.

At least once: a crash after the server accepted a message and before its row is marked
sends it again on the next run; the Message-ID (``<row id@sender domain>``) lets mail
systems and tests spot the duplicate.
"""

from __future__ import annotations

import asyncio
import random
import smtplib
import ssl
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, text, update

from tenant_app.notificacoes.config import NotificacoesSettings, SmtpSettings
from tenant_app.notificacoes.email.configuracao import Remetente, carregar
from tenant_app.notificacoes.models import EmailMensagem, StatusEntrega
from tenant_app.unit_of_work import UnitOfWork

ESPERAS = (60, 300, 1800, 7200, 21600, 43200)
MAX_TENTATIVAS = len(ESPERAS) + 1

#: Core table: executemany UPDATEs by a bound id (the ORM's bulk path wants the key by name).
_EMAILS = cast(Table, EmailMensagem.__table__)

_REIVINDICAR = text(
    """
    WITH devidas AS (
        SELECT id FROM email_mensagens
        WHERE status = 'pendente' AND proxima_tentativa_em <= now()
        ORDER BY proxima_tentativa_em LIMIT :limite FOR UPDATE SKIP LOCKED
    )
    UPDATE email_mensagens m
    SET proxima_tentativa_em = now() + make_interval(secs => :lease), tentativas = m.tentativas + 1
    FROM devidas WHERE m.id = devidas.id
    RETURNING m.id
    """
)


def montar_mensagem(row: EmailMensagem, remetente: Remetente) -> EmailMessage:
    # RFC 5322's 998-character lines: a long URL header (List-Unsubscribe) stays a plain URL
    # instead of being folded into encoded words that mail clients would not parse.
    msg = EmailMessage(policy=SMTP.clone(max_line_length=998))
    msg["From"] = remetente.cabecalho_from
    msg["To"] = row.destinatario
    msg["Subject"] = row.assunto
    msg["Date"] = format_datetime(datetime.now(UTC))
    dominio = remetente.email.rsplit("@", 1)[-1]
    msg["Message-ID"] = f"<{row.id}@{dominio}>"
    if remetente.responder_para:
        msg["Reply-To"] = remetente.responder_para
    msg["X-Consorcio-Categoria"] = row.categoria.value
    for nome, valor in (row.cabecalhos or {}).items():
        msg[nome] = valor
    msg.set_content(row.texto, charset="utf-8", cte="quoted-printable")
    msg.add_alternative(row.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def _enviar_sync(smtp: SmtpSettings, mensagens: list[EmailMessage]) -> list[str | None]:
    """One connection for the batch; per message None (accepted) or the error."""
    contexto = ssl.create_default_context()
    cls = smtplib.SMTP_SSL if smtp.tls == "tls" else smtplib.SMTP
    kwargs: dict[str, Any] = {"timeout": smtp.timeout_seconds}
    if smtp.tls == "tls":
        kwargs["context"] = contexto
    with cls(smtp.host, smtp.port, **kwargs) as conn:
        if smtp.tls == "starttls":
            conn.starttls(context=contexto)
        if smtp.username and smtp.password:
            conn.login(smtp.username, smtp.password)
        erros: list[str | None] = []
        for m in mensagens:
            try:
                conn.send_message(m)
                erros.append(None)
            except smtplib.SMTPException as err:
                erros.append(f"{type(err).__name__}: {err}"[:500])
        return erros


async def enviar_agora(smtp: SmtpSettings, mensagem: EmailMessage) -> str | None:
    """Send one message now, outside the queue (None: accepted; else the error).

    For messages worthless a few minutes later and that must not rest in the e-mail log, like the
    área do consorciado's login codes: a failure is shown to the user, who asks again.
    """
    try:
        return (await asyncio.to_thread(_enviar_sync, smtp, [mensagem]))[0]
    except (OSError, smtplib.SMTPException) as err:
        return f"{type(err).__name__}: {err}"[:500]


async def enviar_lote(uow: UnitOfWork, nset: NotificacoesSettings, limite: int = 100) -> int:
    """Send one batch of due e-mails; returns how many were tried (0: none due or no SMTP)."""
    if nset.smtp is None:
        return 0
    session = uow.session
    ids = [r[0] for r in (await session.execute(_REIVINDICAR, {"limite": limite, "lease": 120})).all()]
    if not ids:
        await uow.rollback()
        return 0
    rows = list((await session.scalars(select(EmailMensagem).where(EmailMensagem.id.in_(ids)))).all())
    remetente = await carregar(session, nset)
    mensagens = [montar_mensagem(r, remetente) for r in rows]
    feitas = {r.id: r.tentativas for r in rows}
    # The claim (lease) is committed before talking to the server.
    await uow.commit()
    try:
        erros = await asyncio.to_thread(_enviar_sync, nset.smtp, mensagens)
    except (OSError, smtplib.SMTPException) as err:
        erros = [f"{type(err).__name__}: {err}"[:500]] * len(rows)
    agora = datetime.now(UTC)
    enviados: list[dict[str, Any]] = []
    falhas: list[dict[str, Any]] = []
    for (row_id, n), erro in zip(feitas.items(), erros, strict=True):
        if erro is None:
            enviados.append({"b_id": row_id})
            continue
        fim = n >= MAX_TENTATIVAS
        espera = 0.0 if fim else ESPERAS[n - 1] * random.uniform(0.8, 1.2)
        falhas.append(
            {
                "b_id": row_id,
                "b_status": StatusEntrega.FALHOU if fim else StatusEntrega.PENDENTE,
                "b_quando": agora + timedelta(seconds=espera),
                "b_erro": erro,
            }
        )
    if enviados:
        await session.execute(
            update(_EMAILS)
            .where(_EMAILS.c.id == bindparam("b_id"))
            .values(status=StatusEntrega.ENTREGUE, enviado_em=agora, ultimo_erro=None)
            .execution_options(synchronize_session=False),
            enviados,
        )
    if falhas:
        await session.execute(
            update(_EMAILS)
            .where(_EMAILS.c.id == bindparam("b_id"))
            .values(
                status=bindparam("b_status"),
                proxima_tentativa_em=bindparam("b_quando"),
                ultimo_erro=bindparam("b_erro"),
            )
            .execution_options(synchronize_session=False),
            falhas,
        )
    await uow.commit()
    return len(feitas)
