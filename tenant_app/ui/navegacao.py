"""The menu: each entry needs the same permission as the API routes it shows (``users.roles``)."""

from __future__ import annotations

from dataclasses import dataclass

from tenant_app.users.roles import Permission, Role, role_can


@dataclass(frozen=True)
class ItemMenu:
    """One entry of the navigation."""

    rotulo: str
    caminho: str
    permissao: Permission


MENU: tuple[ItemMenu, ...] = (
    ItemMenu("Painel", "/app/", Permission.GRUPOS_READ),
    ItemMenu("Consorciados", "/app/consorciados", Permission.CONSORCIADOS_READ),
    ItemMenu("Grupos", "/app/grupos", Permission.GRUPOS_READ),
    ItemMenu("Pagamentos", "/app/pagamentos", Permission.PAGAMENTOS_READ),
    ItemMenu("Cobrança", "/app/cobranca", Permission.PAGAMENTOS_READ),
    ItemMenu("Assembleias", "/app/assembleias", Permission.ASSEMBLEIAS_READ),
    ItemMenu("Créditos", "/app/creditos", Permission.COTAS_READ),
    ItemMenu("Inadimplência", "/app/inadimplencia", Permission.INADIMPLENCIA_READ),
    ItemMenu("Relatórios", "/app/relatorios", Permission.PAGAMENTOS_READ),
    ItemMenu("Auditoria", "/app/auditoria", Permission.AUDITORIA_READ),
    ItemMenu("Usuários", "/app/usuarios", Permission.USERS_MANAGE),
    ItemMenu("Integrações", "/app/integracoes", Permission.USERS_MANAGE),
    ItemMenu("Comunicados", "/app/comunicados", Permission.INTEGRACOES_MANAGE),
    ItemMenu("Configurações", "/app/configuracoes", Permission.INTEGRACOES_MANAGE),
)


def menu_do_papel(role: Role) -> list[ItemMenu]:
    """The entries ``role`` may open."""
    return [item for item in MENU if role_can(role, item.permissao)]


def item_ativo(caminho: str) -> str:
    """The menu path the current page belongs to (longest prefix; the painel only for itself)."""
    melhor = ""
    for item in MENU:
        alvo = item.caminho
        if alvo == "/app/":
            if caminho in ("/app", "/app/"):
                return alvo
            continue
        if (caminho == alvo or caminho.startswith(alvo + "/")) and len(alvo) > len(melhor):
            melhor = alvo
    return melhor
