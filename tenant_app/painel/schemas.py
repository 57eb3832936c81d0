"""Body of ``GET /api/painel``."""

from __future__ import annotations

import uuid
from datetime import date

import msgspec

from tenant_app.http.schemas import Dinheiro, Percentual


class MesOut(msgspec.Struct, kw_only=True):
    """One month: what the parcelas due in it charge and the money received in it."""

    mes: date
    previsto: Dinheiro
    arrecadado: Dinheiro


class ProximaAssembleiaOut(msgspec.Struct, kw_only=True):
    """An assembleia still to happen."""

    id: uuid.UUID
    grupo_codigo: str
    numero: int
    data_assembleia: date
    status: str


class PainelOut(msgspec.Struct, kw_only=True):
    """The diretor's numbers as of ``hoje`` (tenant's time zone)."""

    hoje: date
    meses: list[MesOut]
    arrecadado_mes: Dinheiro
    previsto_mes: Dinheiro
    cotas_ativas: int
    cotas_contempladas: int
    cotas_inadimplentes: int
    inadimplencia_pct: Percentual
    grupos_em_andamento: int
    proximas_assembleias: list[ProximaAssembleiaOut]
