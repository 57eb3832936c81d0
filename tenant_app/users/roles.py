"""Roles and what each may do. One table decides every guard in the app."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """Staff roles of an administradora."""

    ADMIN = "admin"
    GESTOR = "gestor"
    OPERADOR = "operador"
    FINANCEIRO = "financeiro"
    AUDITOR = "auditor"


class Permission(enum.StrEnum):
    """Actions a route may require."""

    USERS_MANAGE = "users:manage"
    CONSORCIADOS_READ = "consorciados:read"
    CONSORCIADOS_WRITE = "consorciados:write"
    LGPD_MANAGE = "lgpd:manage"
    GRUPOS_READ = "grupos:read"
    GRUPOS_WRITE = "grupos:write"
    COTAS_READ = "cotas:read"
    COTAS_WRITE = "cotas:write"
    PAGAMENTOS_READ = "pagamentos:read"
    PAGAMENTOS_WRITE = "pagamentos:write"
    PAGAMENTOS_ESTORNO = "pagamentos:estorno"
    INADIMPLENCIA_READ = "inadimplencia:read"
    INADIMPLENCIA_RUN = "inadimplencia:run"
    AUDITORIA_READ = "auditoria:read"
    ASSEMBLEIAS_READ = "assembleias:read"
    ASSEMBLEIAS_WRITE = "assembleias:write"
    #: Webhook endpoints, notification settings (admins).
    INTEGRACOES_MANAGE = "integracoes:manage"


_READ_ALL = frozenset(
    {
        Permission.CONSORCIADOS_READ,
        Permission.GRUPOS_READ,
        Permission.COTAS_READ,
        Permission.PAGAMENTOS_READ,
        Permission.INADIMPLENCIA_READ,
        Permission.ASSEMBLEIAS_READ,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    # Runs the groups: structure, members, assemblies; no cash handling.
    Role.GESTOR: _READ_ALL
    | {
        Permission.CONSORCIADOS_WRITE,
        Permission.LGPD_MANAGE,
        Permission.GRUPOS_WRITE,
        Permission.COTAS_WRITE,
        Permission.INADIMPLENCIA_RUN,
        Permission.ASSEMBLEIAS_WRITE,
    },
    # Front office: registers people and sells cotas.
    Role.OPERADOR: _READ_ALL | {Permission.CONSORCIADOS_WRITE, Permission.COTAS_WRITE},
    # Cash: records and reverses payments.
    Role.FINANCEIRO: _READ_ALL | {Permission.PAGAMENTOS_WRITE, Permission.PAGAMENTOS_ESTORNO},
    # Reads everything, including the audit trail, changes nothing.
    Role.AUDITOR: _READ_ALL | {Permission.AUDITORIA_READ},
}


def role_can(role: Role | str, permission: Permission) -> bool:
    """True when ``role`` grants ``permission``."""
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


#: Roles that handle money or accounts: their login needs a TOTP second factor (web UI).
SEGUNDO_FATOR: frozenset[Role] = frozenset({Role.ADMIN, Role.FINANCEIRO})


def exige_segundo_fator(role: Role | str) -> bool:
    """True when ``role`` must pass the TOTP second factor to log in."""
    try:
        return Role(role) in SEGUNDO_FATOR
    except ValueError:
        return False
