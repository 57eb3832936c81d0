"""Billing e-mails: the invoice (once issued) and the dunning notices, to the tenant's billing contact.

``dunning_notices`` is the outbox (``DunningService`` writes reminders and suspensions once
per invoice and kind); this module adds an ``invoice`` notice for every open invoice, then
sends every unsent notice over SMTP and marks it ``sent_at`` — at least once: a crash after
the server accepted a message and before the row is marked sends it again (same Message-ID).
A failed send is retried by the next run (``attempts``, ``last_error``).

SMTP from the environment: ``SMTP_HOST``, ``SMTP_PORT`` (587), ``SMTP_USERNAME``/``SMTP_PASSWORD``
(from Vault in production), ``SMTP_TLS`` (``starttls``/``tls``/``none``), ``BILLING_EMAIL_FROM``.
"""

from __future__ import annotations

import asyncio
import os
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.billing.models import DunningNotice, Invoice
from control_plane.billing.schemas import invoice_number
from control_plane.database.engine import make_engine, make_session_factory
from control_plane.settings import Settings
from control_plane.tenants.models import Tenant

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    tls: str = "starttls"
    sender: str = "Consórcio Plataforma <cobranca@consorcio.app>"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MailSettings | None:
        env = os.environ if env is None else env
        host = env.get("SMTP_HOST", "").strip()
        if not host:
            return None
        return cls(
            host=host,
            port=int(env.get("SMTP_PORT", "587")),
            username=env.get("SMTP_USERNAME") or None,
            password=env.get("SMTP_PASSWORD") or None,
            tls=env.get("SMTP_TLS", "starttls"),
            sender=env.get("BILLING_EMAIL_FROM") or cls.sender,
        )


def _reais(v: Decimal) -> str:
    inteiro, _, cent = f"{v:,.2f}".partition(".")
    return f"R$ {inteiro.replace(',', '.')},{cent}"


def conteudo(kind: str, tenant: Tenant, invoice: Invoice) -> tuple[str, str]:
    """Subject and body (pt-BR) of one notice."""
    numero = invoice_number(invoice.number)
    devido = _reais(invoice.total - invoice.amount_paid)
    vencimento = invoice.due_date.strftime("%d/%m/%Y") if invoice.due_date else "-"
    periodo = f"{invoice.period_start:%d/%m/%Y} a {invoice.period_end:%d/%m/%Y}"
    if kind == "invoice":
        assunto = f"Fatura {numero} disponível — vencimento {vencimento}"
        corpo = f"A fatura {numero} ({periodo}) de {devido} está disponível, com vencimento em {vencimento}."
    elif kind == "suspension":
        assunto = f"Aviso de suspensão — fatura {numero} em atraso"
        corpo = (
            f"A fatura {numero} ({periodo}), de {devido}, venceu em {vencimento} e passou do prazo de "
            "carência: o ambiente foi suspenso. Ele volta a funcionar assim que o pagamento for registrado; "
            "nenhum dado foi apagado."
        )
    else:
        dias = kind.split("-", 1)[1] if "-" in kind else ""
        assunto = f"Lembrete: fatura {numero} vencida"
        corpo = (
            f"Não identificamos o pagamento da fatura {numero} ({periodo}), de {devido}, vencida em "
            f"{vencimento} (lembrete de {dias} dias). Se já pagou, desconsidere."
        )
    texto = (
        f"Olá, {tenant.billing_contact_name},\n\n{corpo}\n\n"
        f"Administradora: {tenant.display_name} ({tenant.slug})\n\nAtenciosamente,\nEquipe de cobrança\n"
    )
    return assunto, texto


def _mensagem(
    settings: MailSettings, notice_id: uuid.UUID, para: str, assunto: str, texto: str
) -> EmailMessage:
    msg = EmailMessage(policy=SMTP.clone(max_line_length=998))
    msg["From"] = settings.sender
    msg["To"] = para
    msg["Subject"] = assunto
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = f"<{notice_id}@cobranca.consorcio>"
    msg.set_content(texto, charset="utf-8", cte="quoted-printable")
    return msg


def _enviar(settings: MailSettings, msgs: list[EmailMessage]) -> list[str | None]:
    ctx = ssl.create_default_context()
    conn = (
        smtplib.SMTP_SSL(settings.host, settings.port, timeout=20, context=ctx)
        if settings.tls == "tls"
        else smtplib.SMTP(settings.host, settings.port, timeout=20)
    )
    with conn:
        if settings.tls == "starttls":
            conn.starttls(context=ctx)
        if settings.username and settings.password:
            conn.login(settings.username, settings.password)
        out: list[str | None] = []
        for m in msgs:
            try:
                conn.send_message(m)
                out.append(None)
            except smtplib.SMTPException as err:
                out.append(f"{type(err).__name__}: {err}"[:500])
        return out


_INVOICE_NOTICES = text(
    """
    INSERT INTO dunning_notices (id, invoice_id, tenant_id, kind)
    SELECT gen_random_uuid(), i.id, i.tenant_id, 'invoice' FROM invoices i
    WHERE i.status = 'open' AND i.issued_at IS NOT NULL
    ON CONFLICT (invoice_id, kind) DO NOTHING
    """
)


async def send_pending(session: AsyncSession, settings: MailSettings, limit: int = 200) -> dict[str, int]:
    """Queue the invoice notices, send every unsent notice; returns counts."""
    await session.execute(_INVOICE_NOTICES)
    rows = (
        await session.execute(
            select(DunningNotice, Invoice, Tenant)
            .join(Invoice, Invoice.id == DunningNotice.invoice_id)
            .join(Tenant, Tenant.id == DunningNotice.tenant_id)
            .where(DunningNotice.sent_at.is_(None), DunningNotice.attempts < MAX_ATTEMPTS)
            .order_by(DunningNotice.created_at)
            .limit(limit)
            .with_for_update(of=DunningNotice, skip_locked=True)
        )
    ).all()
    msgs, ids = [], []
    for notice, invoice, tenant in rows:
        if not tenant.billing_contact_email:
            continue
        assunto, texto = conteudo(notice.kind, tenant, invoice)
        msgs.append(
            _mensagem(
                settings,
                notice.id,
                formataddr((tenant.billing_contact_name, tenant.billing_contact_email)),
                assunto,
                texto,
            )
        )
        ids.append(notice.id)
    if not msgs:
        await session.commit()
        return {"sent": 0, "failed": 0}
    try:
        erros = await asyncio.to_thread(_enviar, settings, msgs)
    except (OSError, smtplib.SMTPException) as err:
        erros = [f"{type(err).__name__}: {err}"[:500]] * len(msgs)
    agora = datetime.now(UTC)
    for notice_id, erro in zip(ids, erros, strict=True):
        await session.execute(
            update(DunningNotice)
            .where(DunningNotice.id == notice_id)
            .values(
                sent_at=agora if erro is None else None,
                attempts=DunningNotice.attempts + 1,
                last_error=erro,
            )
        )
    await session.commit()
    return {"sent": sum(e is None for e in erros), "failed": sum(e is not None for e in erros)}


async def run(settings: Settings) -> dict[str, int]:
    """The Celery task's body: one pass over the outbox (nothing without SMTP_HOST)."""
    mail = MailSettings.from_env()
    if mail is None:
        return {"sent": 0, "failed": 0}
    engine = make_engine(settings.database, pooled=False)
    try:
        async with make_session_factory(engine)() as session:
            return await send_pending(session, mail)
    finally:
        await engine.dispose()
