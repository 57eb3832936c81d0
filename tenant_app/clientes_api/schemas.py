"""Bodies of ``/api/clientes-api``."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from tenant_app.users.roles import Permission


class PerfilCliente(enum.StrEnum):
    """The staff roles a client may be bounded by (never ``admin``)."""

    GESTOR = "gestor"
    OPERADOR = "operador"
    FINANCEIRO = "financeiro"
    AUDITOR = "auditor"


Nome = Annotated[
    str,
    msgspec.Meta(
        min_length=2,
        max_length=120,
        description="Nome do sistema integrado, único no tenant.",
        examples=["ERP Financeiro"],
    ),
]
Descricao = Annotated[
    str, msgspec.Meta(max_length=500, description="Para que serve a integração e quem a mantém.")
]
Permissoes = Annotated[
    list[Permission],
    msgspec.Meta(
        max_length=len(Permission),
        description=(
            "Subconjunto das permissões do perfil (tabela de perfis e permissões do README); "
            "vazio = todas as do perfil."
        ),
        examples=[["pagamentos:read", "pagamentos:write"]],
    ),
]
Limite = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=100_000,
        description="Requisições por minuto deste cliente (sem valor: o limite por usuário do tenant).",
        examples=[300],
    ),
]
PerfilDoc = msgspec.Meta(
    description="Perfil que limita o cliente: gestor, operador, financeiro ou auditor (nunca admin)."
)
Horas = Annotated[
    int,
    msgspec.Meta(
        ge=0,
        le=168,
        description="Horas em que as chaves anteriores continuam valendo ao lado da nova (0 a 168).",
        examples=[24],
    ),
]


class ClienteApiIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new API client and its first key."""

    nome: Nome
    perfil: Annotated[PerfilCliente, PerfilDoc]
    descricao: Descricao | None = None
    permissoes: Permissoes = msgspec.field(default_factory=list)
    limite_por_minuto: Limite | None = None


class ClienteApiPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Change name, description, scope or rate limit (the fields given)."""

    nome: Nome | None = None
    descricao: Descricao | None = None
    perfil: Annotated[PerfilCliente, PerfilDoc] | None = None
    permissoes: Permissoes | None = None
    limite_por_minuto: Limite | None = None


class RotacaoChaveIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How long the previous keys overlap the new one."""

    sobreposicao_horas: Horas = 24


class ChaveApiOut(msgspec.Struct, kw_only=True):
    """A key without its secret."""

    id: Annotated[uuid.UUID, msgspec.Meta(description="Identificador da chave.")]
    prefixo: Annotated[
        str,
        msgspec.Meta(
            description="Parte pública da chave (o 3º trecho de `cak.<tenant>.<prefixo>.<segredo>`)."
        ),
    ]
    criada_em: Annotated[datetime, msgspec.Meta(description="Quando a chave foi criada (UTC).")]
    expira_em: Annotated[
        datetime | None,
        msgspec.Meta(description="Fim da sobreposição de uma rotação; vazio = vale até ser revogada."),
    ]
    revogada_em: Annotated[
        datetime | None, msgspec.Meta(description="Quando foi revogada; vazio = não revogada.")
    ]
    ultimo_uso_em: Annotated[
        datetime | None, msgspec.Meta(description="Último uso registrado (precisão de um minuto).")
    ]
    valida: Annotated[bool, msgspec.Meta(description="A chave autentica agora (não revogada nem expirada).")]


class ClienteApiOut(msgspec.Struct, kw_only=True):
    """An API client and its keys (never their secrets)."""

    id: Annotated[
        uuid.UUID, msgspec.Meta(description="Identificador do cliente; é o `autor_id` na auditoria.")
    ]
    nome: Annotated[str, msgspec.Meta(description="Nome do sistema integrado.")]
    descricao: Annotated[str | None, msgspec.Meta(description="Para que serve a integração.")]
    perfil: Annotated[PerfilCliente, PerfilDoc]
    permissoes: Annotated[
        list[Permission],
        msgspec.Meta(description="Permissões efetivas do cliente (as do perfil, se vazio no cadastro)."),
    ]
    limite_por_minuto: Annotated[
        int | None,
        msgspec.Meta(description="Requisições por minuto; vazio = o limite por usuário do tenant."),
    ]
    ativo: Annotated[bool, msgspec.Meta(description="Falso depois da revogação: nenhuma chave autentica.")]
    revogado_em: Annotated[datetime | None, msgspec.Meta(description="Quando o cliente foi revogado.")]
    criado_em: Annotated[datetime, msgspec.Meta(description="Quando o cliente foi cadastrado.")]
    chaves: Annotated[
        list[ChaveApiOut], msgspec.Meta(description="Chaves do cliente, das mais novas às mais antigas.")
    ]


class ChaveCriadaOut(msgspec.Struct, kw_only=True):
    """A new key: the only time its secret is shown."""

    cliente_id: Annotated[uuid.UUID, msgspec.Meta(description="O cliente dono da chave.")]
    chave_id: Annotated[uuid.UUID, msgspec.Meta(description="Identificador da nova chave.")]
    chave: Annotated[
        str,
        msgspec.Meta(
            description=(
                "A chave, exibida só agora: guarde-a num cofre de segredos. Use-a como "
                "`Authorization: Bearer <chave>`."
            ),
            examples=["cak.acme.3f9a1c2b4d5e6f70.Vt0m3E…"],
        ),
    ]
    anteriores_expiram_em: Annotated[
        datetime | None,
        msgspec.Meta(description="Até quando as chaves anteriores ainda valem (rotação); vazio na criação."),
    ]


class ClienteApiCriadoOut(msgspec.Struct, kw_only=True):
    """The new client and its first key."""

    cliente: Annotated[ClienteApiOut, msgspec.Meta(description="O cliente cadastrado.")]
    chave: Annotated[
        ChaveCriadaOut, msgspec.Meta(description="A primeira chave (o segredo aparece só aqui).")
    ]


class TokenClienteIn(msgspec.Struct, kw_only=True):
    """RFC 6749 §4.4 token request, form-encoded (the client may also authenticate with HTTP Basic)."""

    grant_type: Annotated[
        Literal["client_credentials"], msgspec.Meta(description="Sempre `client_credentials`.")
    ]
    client_id: (
        Annotated[
            str,
            msgspec.Meta(max_length=64, description="O `id` do cliente de API (opcional com HTTP Basic)."),
        ]
        | None
    ) = None
    client_secret: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=200, description="A chave do cliente (`cak.…`), se não vier em HTTP Basic."
            ),
        ]
        | None
    ) = None
    scope: (
        Annotated[
            str, msgspec.Meta(max_length=1000, description="Ignorado: o token tem o escopo do cliente.")
        ]
        | None
    ) = None


class TokenClienteOut(msgspec.Struct, kw_only=True):
    """RFC 6749 token response (field names as the standard spells them)."""

    access_token: Annotated[
        str,
        msgspec.Meta(
            description="Token de acesso opaco (`cat.<tenant>.…`) para `Authorization: Bearer`; "
            "deixa de valer na revogação da chave ou do cliente."
        ),
    ]
    token_type: Annotated[str, msgspec.Meta(description="Sempre `Bearer`.")] = "Bearer"
    expires_in: Annotated[int, msgspec.Meta(description="Validade do token, em segundos.")]
    scope: Annotated[str, msgspec.Meta(description="As permissões do cliente, separadas por espaço.")]
