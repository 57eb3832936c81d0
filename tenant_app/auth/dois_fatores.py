"""TOTP second factor (RFC 6238, 30-second steps, 6 digits; ``consorcio_kit.totp``) for the roles that
handle money or users.

Enrolment: a new secret is stored unactivated and shown once (QR code + text);
the first valid code activates it. Verification accepts the previous, current
and next step (clock drift) but never a step at or before the last one accepted,
so a code read over someone's shoulder cannot be used again. Wrong codes count
toward the same lockout as wrong passwords (``service.registrar_falha``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from consorcio_kit import totp
from tenant_app.auth.service import registrar_falha
from tenant_app.erros import ConflitoError, ContaBloqueada, DadosInvalidos, NaoAutenticado
from tenant_app.settings import AuthSettings
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.models import User
from tenant_app.users.roles import exige_segundo_fator

EMISSOR = "Consórcio"


def uri_provisionamento(segredo: str, email: str) -> str:
    """``otpauth://`` URI of the user's secret, issued by "Consórcio" (``consorcio_kit.totp``)."""
    return totp.provisioning_uri(segredo, email, EMISSOR)


async def _usuario(uow: UnitOfWork, user_id: uuid.UUID) -> User:
    user = await uow.session.get(User, user_id, with_for_update=True)
    if user is None or not user.active:
        raise NaoAutenticado("Usuário inativo.")
    if user.locked_until is not None and user.locked_until > datetime.now(UTC):
        raise ContaBloqueada(
            "Conta bloqueada temporariamente por excesso de tentativas. Tente mais tarde.",
            code="conta_bloqueada",
        )
    return user


async def iniciar_ativacao(uow: UnitOfWork, user_id: uuid.UUID) -> tuple[str, str]:
    """A fresh unactivated secret for ``user_id`` and its provisioning URI (409 when already active)."""
    user = await _usuario(uow, user_id)
    if user.totp_ativado_em is not None:
        raise ConflitoError("A verificação em duas etapas já está ativa.", code="transicao_invalida")
    user.totp_secret = totp.new_secret()
    segredo, email = user.totp_secret, user.email
    await uow.commit()
    return segredo, uri_provisionamento(segredo, email)


async def verificar(
    uow: UnitOfWork, settings: AuthSettings, user_id: uuid.UUID, codigo: str, agora: float | None = None
) -> User:
    """Accept ``codigo`` (activating an enrolment on its first valid code) or count a failure."""
    user = await _usuario(uow, user_id)
    if user.totp_secret is None:
        raise ConflitoError("A verificação em duas etapas não foi iniciada.", code="transicao_invalida")
    instante = datetime.now(UTC) if agora is None else datetime.fromtimestamp(agora, UTC)
    passo = totp.accepted_step(user.totp_secret, codigo, user.totp_ultimo_passo, instante.timestamp())
    if passo is None:
        uow.track(user)
        await registrar_falha(uow, settings, user, instante)
        raise DadosInvalidos("Código inválido ou já utilizado.", campo="codigo", code="codigo_invalido")
    uow.track(user)
    user.totp_ultimo_passo = passo
    user.failed_logins = 0
    if user.totp_ativado_em is None:
        user.totp_ativado_em = instante
        uow.auditar("segundo_fator_ativado", "users", str(user.id), depois={"totp_ativado_em": instante})
    await uow.commit()
    return user


def precisa_segundo_fator(user: User) -> bool:
    """The role requires it (``roles.exige_segundo_fator``)."""
    return exige_segundo_fator(user.role)
