"""dados_pessoais_cifrados: personal data encrypted at rest, searchable by blind indexes (issue 20, item 8)

The key table (the data key wrapped by the tenant's Vault Transit key), the personal columns as
text (ciphertext is longer than the values), the blind indexes beside ``documento`` and
``cpf_conjuge`` (the uniqueness of a CPF/CNPJ moves to its index). This Job has no key: the rows
already there are encrypted and indexed by the app when it starts (``dados_pessoais.backfill``).
The downgrade restores the old lengths, which only fits data in clear.

Revision ID: 2026_12_07_1100
Revises: 2026_12_07_0440
Create Date: 2026-12-07 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_07_1100"
down_revision: str | None = "2026_12_07_0440"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, length before, nullable)
CIFRADAS = (
    ("consorciados", "documento", 14, True),
    ("consorciados", "email", 254, True),
    ("consorciados", "telefone", 20, True),
    ("consorciados", "cpf_conjuge", 11, True),
    ("consorciado_contatos", "valor", 254, False),
    ("consorciado_enderecos", "logradouro", 200, False),
    ("consorciado_enderecos", "numero", 20, False),
    ("consorciado_enderecos", "complemento", 100, True),
    ("consorciado_enderecos", "bairro", 100, False),
    ("consorciado_enderecos", "cep", 8, False),
    ("cartas_credito_pagamentos", "favorecido_documento", 14, False),
    ("cartas_credito_pagamentos", "banco", 3, True),
    ("cartas_credito_pagamentos", "agencia", 5, True),
    ("cartas_credito_pagamentos", "dv_agencia", 1, True),
    ("cartas_credito_pagamentos", "conta", 12, True),
    ("cartas_credito_pagamentos", "dv_conta", 1, True),
    ("cartas_credito_pagamentos", "chave_pix", 99, True),
    ("cartas_credito_bens", "vendedor_documento", 14, False),
)


def upgrade() -> None:
    op.create_table(
        "chaves_dados_pessoais",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chave_cifrada", sa.Text(), nullable=False),
        sa.Column("criada_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reembrulhada_em", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chaves_dados_pessoais")),
    )
    for tabela, coluna, tamanho, nula in CIFRADAS:
        op.alter_column(
            tabela, coluna, type_=sa.Text(), existing_type=sa.String(tamanho), existing_nullable=nula
        )
    op.drop_constraint(op.f("uq_consorciados_documento"), "consorciados", type_="unique")
    op.drop_index(op.f("ix_consorciados_cpf_conjuge"), table_name="consorciados")
    op.add_column("consorciados", sa.Column("documento_indice", sa.String(length=64), nullable=True))
    op.add_column("consorciados", sa.Column("cpf_conjuge_indice", sa.String(length=64), nullable=True))
    op.create_unique_constraint(
        op.f("uq_consorciados_documento_indice"), "consorciados", ["documento_indice"]
    )
    op.create_index(op.f("ix_consorciados_cpf_conjuge_indice"), "consorciados", ["cpf_conjuge_indice"])


def downgrade() -> None:
    op.drop_index(op.f("ix_consorciados_cpf_conjuge_indice"), table_name="consorciados")
    op.drop_constraint(op.f("uq_consorciados_documento_indice"), "consorciados", type_="unique")
    op.drop_column("consorciados", "cpf_conjuge_indice")
    op.drop_column("consorciados", "documento_indice")
    for tabela, coluna, tamanho, nula in CIFRADAS:
        op.alter_column(
            tabela, coluna, type_=sa.String(tamanho), existing_type=sa.Text(), existing_nullable=nula
        )
    op.create_index(op.f("ix_consorciados_cpf_conjuge"), "consorciados", ["cpf_conjuge"])
    op.create_unique_constraint(op.f("uq_consorciados_documento"), "consorciados", ["documento"])
    op.drop_table("chaves_dados_pessoais")
