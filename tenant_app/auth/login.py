"""The API's token login: password, then the TOTP code when the account has 2FA enrolled.

The web UI asks for the code on a second screen (``ui/telas/entrada.py``); an API
client sends it with the password (``codigo``). Without it an enrolled account gets
401 ``segundo_fator_necessario`` (only after the right password, so it tells
nothing to someone who lacks it); a wrong code is 400 ``codigo_invalido`` and counts
like a wrong password (the throttle) and toward the second factor's lock.
"""

from __future__ import annotations

from consorcio_kit.login_throttle import LoginThrottle
from tenant_app.auth import dois_fatores
from tenant_app.auth.schemas import TokenOut
from tenant_app.auth.service import emitir_tokens, verificar_credenciais
from tenant_app.erros import DadosInvalidos, NaoAutenticado
from tenant_app.settings import AuthSettings
from tenant_app.unit_of_work import UnitOfWork


async def login(
    uow: UnitOfWork,
    settings: AuthSettings,
    email: str,
    password: str,
    codigo: str | None,
    *,
    throttle: LoginThrottle,
    origem: str,
) -> TokenOut:
    """Check the credentials (throttled, audited) and issue an access and a refresh token."""
    user = await verificar_credenciais(uow, settings, email, password, throttle=throttle, origem=origem)
    if user.totp_ativado_em is not None:
        user_id = user.id
        await uow.commit()  # the successful password step (last login, rehash) stands
        if not codigo:
            raise NaoAutenticado(
                "Informe o código de verificação do aplicativo autenticador.",
                code="segundo_fator_necessario",
            )
        try:
            user = await dois_fatores.verificar(uow, settings, user_id, codigo)
        except DadosInvalidos:
            await throttle.failed(email, origem)
            raise
    return await emitir_tokens(uow, settings, user)
