"""What the assembleia routes share: their guards and how rows become answers."""

from __future__ import annotations

import json
from typing import Any

from litestar.datastructures import State

from tenant_app.assembleias.models import (
    Apuracao,
    ContemplacaoCota,
    LanceAssembleia,
    RegrasAssembleiaGrupo,
)
from tenant_app.assembleias.schemas import (
    ApuracaoOut,
    ContemplacaoOut,
    LanceOut,
    RegrasAssembleiaOut,
)
from tenant_app.http.schemas import to_schema
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.ASSEMBLEIAS_READ)]
WRITE = [requires(Permission.ASSEMBLEIAS_WRITE)]


def regras_out(row: RegrasAssembleiaGrupo) -> RegrasAssembleiaOut:
    return to_schema(RegrasAssembleiaOut, row, tipos_lance=list(row.tipos_lance))


def lance_out(row: LanceAssembleia, numero: int, *, selado: bool = False) -> LanceOut:
    if selado:
        return to_schema(
            LanceOut, row, cota_numero=numero, percentual=None, percentual_embutido=None, sigiloso=True
        )
    return to_schema(LanceOut, row, cota_numero=numero, sigiloso=False)


def apuracao_out(apuracao: Apuracao, contemplacoes: list[ContemplacaoCota]) -> ApuracaoOut:
    return ApuracaoOut(
        assembleia_id=apuracao.assembleia_id,
        revisao=apuracao.revisao,
        hash_entrada=apuracao.hash_entrada,
        apurada_em=apuracao.apurada_em,
        contemplacoes=[
            to_schema(
                ContemplacaoOut,
                c,
                modalidade=c.modalidade.value,
                status=c.status.value,
                # After an estorno of the lance's pagamento the lance is unpaid again.
                lance_pago_em=c.lance_pago_em if c.lance_pago else None,
            )
            for c in contemplacoes
        ],
        resultado=json.loads(apuracao.resultado_canonico),
    )


def celery_do_tenant(state: State) -> Any:
    """The tenant's Celery app, created on first use (None when the worker package is absent)."""
    app = state.get("celery")
    if app is None:
        try:
            from tenant_app.worker import create_celery  # type: ignore[import-not-found]
        except ImportError:
            return None
        app = create_celery(state.settings)
        state.celery = app
    return app
