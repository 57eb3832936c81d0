"""What the assembleia routes share: their guards and how rows become answers."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import msgspec
from litestar.datastructures import State

from tenant_app.assembleias.apuracao.apurar import apurar_explicado
from tenant_app.assembleias.apuracao.canonico import entrada_de_json
from tenant_app.assembleias.models import (
    Apuracao,
    ContemplacaoCota,
    LanceAssembleia,
    RegrasAssembleiaGrupo,
    StatusLance,
)
from tenant_app.assembleias.schemas import (
    ApuracaoOut,
    ContemplacaoOut,
    ExplicacoesOut,
    LanceOut,
    MotivoContemplacaoOut,
    MotivoLanceOut,
    MotivoNaoRealizadoOut,
    RegrasAssembleiaOut,
)
from tenant_app.http.schemas import to_schema
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.ASSEMBLEIAS_READ)]
WRITE = [requires(Permission.ASSEMBLEIAS_WRITE)]


def regras_out(row: RegrasAssembleiaGrupo) -> RegrasAssembleiaOut:
    return to_schema(RegrasAssembleiaOut, row, tipos_lance=list(row.tipos_lance))


def com_motivo(lance: LanceOut, motivos: dict[int, MotivoLanceOut]) -> LanceOut:
    """The lance with the apuração's reason for it (none for a cancelled or sealed one)."""
    motivo = motivos.get(lance.cota_numero)
    if motivo is None or lance.sigiloso or lance.status is StatusLance.CANCELADO:
        return lance
    return msgspec.structs.replace(
        lance, situacao=motivo.situacao, motivo_codigo=motivo.codigo, motivo=motivo.texto
    )


def motivos_dos_lances(apuracao: Apuracao | None) -> dict[int, MotivoLanceOut]:
    """Each lance's reason in the latest apuração, by cota number (empty before the apuração)."""
    if apuracao is None:
        return {}
    return {m.cota: m for m in explicacoes(apuracao.entrada_canonica).lances}


def lance_out(row: LanceAssembleia, numero: int, *, selado: bool = False) -> LanceOut:
    if selado:
        return to_schema(
            LanceOut,
            row,
            cota_numero=numero,
            percentual=None,
            percentual_embutido=None,
            sigiloso=True,
            **_SEM_MOTIVO,
        )
    return to_schema(LanceOut, row, cota_numero=numero, sigiloso=False, **_SEM_MOTIVO)


#: A lance row has no reason: it comes from the apuração (``com_motivo``).
_SEM_MOTIVO: dict[str, Any] = {"situacao": None, "motivo_codigo": None, "motivo": None}


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
        explicacoes=explicacoes(apuracao.entrada_canonica),
    )


@lru_cache(maxsize=32)
def explicacoes(entrada_canonica: str) -> ExplicacoesOut:
    """The reasons of a record, from its stored inputs (the apuração is pure: same inputs, same
    decisions). Cached: a record's inputs never change."""
    resultado, _, porque = apurar_explicado(entrada_de_json(entrada_canonica))
    return ExplicacoesOut(
        contemplacoes=[
            MotivoContemplacaoOut(
                ordem=c.ordem, cota=c.cota, modalidade=c.modalidade.value, codigo=m.codigo, texto=m.texto
            )
            for c, m in zip(resultado.contemplacoes, porque.contemplacoes, strict=True)
        ],
        lances=[
            MotivoLanceOut(
                cota=lance.cota,
                situacao=lance.situacao.value,
                posicao=lance.posicao,
                codigo=porque.lances[lance.cota].codigo,
                texto=porque.lances[lance.cota].texto,
            )
            for lance in resultado.lances
        ],
        nao_realizados=[
            MotivoNaoRealizadoOut(modalidade=n.modalidade.value, cota=n.cota, codigo=m.codigo, texto=m.texto)
            for n, m in zip(resultado.nao_realizados, porque.nao_realizados, strict=True)
        ],
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
