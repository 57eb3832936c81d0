"""Billing e-mails from the control plane through the devstack SMTP server (read back from Mailpit):
the issued invoice and the dunning reminders/suspension, each once, to the tenant's billing contact."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from control_plane.billing.mailer import MailSettings, send_pending
from control_plane.billing.models import DunningNotice, Invoice, InvoiceStatus
from sqlalchemy import select

from devstack import mail_server
from tests.support.notificacoes_fixtures import Mailpit, email_unico
from tests.support.notificacoes_fixtures import mailpit as mailpit

pytestmark = pytest.mark.integration


async def test_fatura_e_lembretes_vao_por_email_uma_vez(
    cp_session_factory, seed_tenant, mailpit: Mailpit
) -> None:  # type: ignore[no-untyped-def]
    tenant = await seed_tenant()
    contato = email_unico()
    async with cp_session_factory() as s:
        t = await s.get(type(tenant), tenant.id)
        t.billing_contact_email = contato
        inv = Invoice(
            id=uuid.uuid4(),
            tenant_id=tenant.id,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 1, 31),
            status=InvoiceStatus.OPEN,
            total=Decimal("1490.00"),
            issued_at=datetime.now(UTC),
            due_date=date(2025, 2, 10),
        )
        s.add(inv)
        await s.flush()
        s.add(DunningNotice(id=uuid.uuid4(), invoice_id=inv.id, tenant_id=tenant.id, kind="reminder-3"))
        await s.commit()
    smtp = MailSettings.from_env(
        {**mail_server.smtp_env(), "BILLING_EMAIL_FROM": "cobranca@plataforma.example"}
    )
    assert smtp is not None
    async with cp_session_factory() as s:
        primeira = await send_pending(s, smtp)
    async with cp_session_factory() as s:
        segunda = await send_pending(s, smtp)
    assert primeira["sent"] >= 2 and segunda["sent"] == 0
    msgs = mailpit.esperar(contato, 2)
    assuntos = sorted(m["Subject"] for m in msgs)
    assert len(msgs) == 2
    assert assuntos[0].startswith("Fatura CP-") and "vencimento 10/02/2025" in assuntos[0]
    assert assuntos[1].startswith("Lembrete: fatura CP-")
    texto = mailpit.mensagem(msgs[0]["ID"])["Text"]
    assert "R$ 1.490,00" in texto and tenant.slug in texto
    assert msgs[0]["From"]["Address"] == "cobranca@plataforma.example"
    async with cp_session_factory() as s:
        notices = (await s.scalars(select(DunningNotice).where(DunningNotice.tenant_id == tenant.id))).all()
    assert {n.kind for n in notices} == {"invoice", "reminder-3"} and all(n.sent_at for n in notices)
