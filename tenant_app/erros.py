"""The tenant app's domain errors: what services raise when the client must change something.

No HTTP here: ``tenant_app.http.problems`` maps each class to one status
(400 malformed input, 401/403 identity, 404 not found, 409 state conflict,
422 rule violation, 428 missing precondition header, 423 locked account, 503 a dependency down) and renders
problem+json. ``code`` is stable and becomes the problem ``type``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from consorcio_kit.problems import DomainError, FieldError

__all__ = [
    "AcessoNegado",
    "ArquivoGrandeDemais",
    "ConflitoError",
    "ContaBloqueada",
    "DadosInvalidos",
    "ErroDominio",
    "FieldError",
    "IndisponivelError",
    "NaoAutenticado",
    "NaoEncontrado",
    "PrecondicaoExigida",
    "RegraVioladaError",
    "TipoArquivoNaoSuportado",
]


class ErroDominio(DomainError):
    """Base of the tenant app's errors; ``campo`` names the one field at fault, when there is one."""

    def __init__(
        self,
        detail: str,
        *,
        campo: str | None = None,
        code: str | None = None,
        title: str | None = None,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if campo is not None and not errors:
            errors = [FieldError(campo, detail)]
        super().__init__(detail, code=code, title=title, errors=errors, headers=headers)


class DadosInvalidos(ErroDominio):
    """The request is malformed: a header or parameter that cannot be read as sent."""

    code = "dados_invalidos"


class PrecondicaoExigida(ErroDominio):
    """A header the call requires before it may run is missing (e.g. Idempotency-Key on money moves)."""

    code = "precondicao_exigida"


class NaoAutenticado(ErroDominio):
    """Credentials missing, wrong or expired."""

    code = "credenciais_invalidas"

    def __init__(self, detail: str = "E-mail ou senha incorretos.", *, code: str | None = None) -> None:
        super().__init__(detail, code=code, headers={"WWW-Authenticate": "Bearer"})


class AcessoNegado(ErroDominio):
    """The actor's role does not allow the action."""

    code = "acesso_negado"


class NaoEncontrado(ErroDominio):
    """The id does not exist (in this tenant's database)."""

    code = "nao_encontrado"

    def __init__(self, what: str, *, code: str | None = None) -> None:
        super().__init__(f"{what} não encontrado(a).", code=code)


class ConflitoError(ErroDominio):
    """The action conflicts with the current state (already done, done concurrently, duplicate)."""

    code = "conflito"


class RegraVioladaError(ErroDominio):
    """A legal or contract rule forbids the action, or a value breaks one."""

    code = "regra_violada"


class ContaBloqueada(ErroDominio):
    """Too many failed logins: the account is locked for a while."""

    code = "conta_bloqueada"


class MuitasTentativas(ErroDominio):
    """Too many failed logins for this account or address: the next attempt must wait (429)."""

    code = "muitas_tentativas"

    def __init__(self, segundos: int) -> None:
        super().__init__(
            f"Muitas tentativas de login. Tente novamente em {segundos} segundo(s).",
            headers={"Retry-After": str(segundos)},
        )


class ArquivoGrandeDemais(ErroDominio):
    """An uploaded file is above the size limit (413)."""

    code = "arquivo_grande_demais"


class TipoArquivoNaoSuportado(ErroDominio):
    """An uploaded file's content is not of an accepted type, whatever its name says (415)."""

    code = "tipo_arquivo_nao_suportado"


class IndisponivelError(ErroDominio):
    """A service the action needs (Redis locks, …) is down; nothing was done, retry later."""

    code = "indisponivel"
