"""Assembleia rules: contract parameters and lifecycle (sealed lances: lances_service)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.assembleias.apuracao.regras import RegrasAssembleia, TipoLance
from tenant_app.assembleias.erros import ErroCampo, RegrasInvalidas, RegraViolada
from tenant_app.assembleias.models import (
    Assembleia,
    RegrasAssembleiaGrupo,
    StatusAssembleia,
)
from tenant_app.assembleias.schemas import AssembleiaCreate, AssembleiaUpdate, RegrasAssembleiaIn
from tenant_app.dinheiro.centavos import CASAS_PERCENTUAL, casas_decimais
from tenant_app.erros import ConflitoError, FieldError, NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.unit_of_work import UnitOfWork


def problema(erro: RegraViolada) -> RegraVioladaError:
    """A rule violation of the pure core as the app's domain error, with its field messages."""
    return RegraVioladaError(
        str(erro.titulo) + ".",
        title=erro.titulo,
        errors=[FieldError(e.campo, e.mensagem) for e in erro.erros],
        code="regra_violada",
    )


def regras_puras(row: RegrasAssembleiaGrupo) -> RegrasAssembleia:
    """The stored row as the pure apuração's rules."""
    tabela = row.tabela_equivalencia
    return RegrasAssembleia(
        metodo_sorteio=row.metodo_sorteio,
        zero_vale_mil=row.zero_vale_mil,
        zero_vale_maior_cota=row.zero_vale_maior_cota,
        aproximar_sem_candidato=row.aproximar_sem_candidato,
        tabela_equivalencia=None if tabela is None else {int(k): int(v) for k, v in tabela.items()},
        direcao_aproximacao=row.direcao_aproximacao,
        contemplacoes_sorteio=row.contemplacoes_sorteio,
        sorteios_restituicao=row.sorteios_restituicao,
        tipos_lance=frozenset(TipoLance(t) for t in row.tipos_lance),
        lance_minimo_percentual=row.lance_minimo_percentual,
        lance_fixo_percentual=row.lance_fixo_percentual,
        embutido_maximo_percentual=row.embutido_maximo_percentual,
        contemplacoes_lance_maximo=row.contemplacoes_lance_maximo,
        fundo_reserva_completa_sorteios=row.fundo_reserva_completa_sorteios,
        fundo_reserva_sorteios_extras=row.fundo_reserva_sorteios_extras,
        amortizacao_lance=row.amortizacao_lance,
        lance_paga=row.lance_paga,
    )


async def get_grupo(session: AsyncSession, grupo_id: uuid.UUID) -> Grupo:
    """The group or 404."""
    grupo = await session.get(Grupo, grupo_id)
    if grupo is None:
        raise NaoEncontrado("Grupo")
    return grupo


async def listar_assembleias(session: AsyncSession, grupo_id: uuid.UUID) -> list[Assembleia]:
    """Every assembleia of the group, by number (404 for an unknown group)."""
    await get_grupo(session, grupo_id)
    rows = await session.scalars(
        select(Assembleia).where(Assembleia.grupo_id == grupo_id).order_by(Assembleia.numero)
    )
    return list(rows)


async def get_regras(session: AsyncSession, grupo_id: uuid.UUID) -> RegrasAssembleiaGrupo:
    """The group's assembleia rules, or 404 when the contract was not entered yet."""
    row = await session.get(RegrasAssembleiaGrupo, grupo_id)
    if row is None:
        raise NaoEncontrado("Regras de assembleia do grupo")
    return row


async def definir_regras(
    uow: UnitOfWork, grupo_id: uuid.UUID, data: RegrasAssembleiaIn
) -> RegrasAssembleiaGrupo:
    """Create or replace the rules; refused once an assembleia was apurada (the contract is fixed by then)."""
    session = uow.session
    grupo = await get_grupo(session, grupo_id)
    tabela: dict[str, int] | None = None
    if data.tabela_equivalencia is not None:
        try:
            tabela = {str(int(k)): v for k, v in data.tabela_equivalencia.items()}
        except ValueError:
            raise RegraVioladaError(
                "As chaves da tabela de equivalência são números sorteados (001 a 1000).",
                campo="tabela_equivalencia",
            ) from None
    valores = {
        "metodo_sorteio": data.metodo_sorteio,
        "zero_vale_mil": data.zero_vale_mil,
        "zero_vale_maior_cota": data.zero_vale_maior_cota,
        "aproximar_sem_candidato": data.aproximar_sem_candidato,
        "tabela_equivalencia": tabela,
        "direcao_aproximacao": data.direcao_aproximacao,
        "contemplacoes_sorteio": data.contemplacoes_sorteio,
        "sorteios_restituicao": data.sorteios_restituicao,
        "tipos_lance": sorted({t.value for t in data.tipos_lance}),
        "lance_minimo_percentual": data.lance_minimo_percentual,
        "lance_fixo_percentual": data.lance_fixo_percentual,
        "embutido_maximo_percentual": data.embutido_maximo_percentual,
        "contemplacoes_lance_maximo": data.contemplacoes_lance_maximo,
        "fundo_reserva_completa_sorteios": data.fundo_reserva_completa_sorteios,
        "fundo_reserva_sorteios_extras": data.fundo_reserva_sorteios_extras,
        "amortizacao_lance": data.amortizacao_lance,
        "prazo_pagamento_lance_dias": data.prazo_pagamento_lance_dias,
        "lance_paga": data.lance_paga,
    }
    formato = [
        ErroCampo(nome, "Informe um percentual com no máximo 4 casas decimais.")
        for nome in ("lance_minimo_percentual", "lance_fixo_percentual", "embutido_maximo_percentual")
        if isinstance(valor := valores[nome], Decimal)
        and (not valor.is_finite() or casas_decimais(valor) > CASAS_PERCENTUAL)
    ]
    if formato:
        raise problema(RegrasInvalidas(formato))
    candidata = RegrasAssembleiaGrupo(grupo_id=grupo.id, **valores)
    erros = regras_puras(candidata).erros(grupo.numero_cotas)
    if erros:
        raise problema(RegrasInvalidas(erros))
    apurada = await session.scalar(
        select(Assembleia.id).where(
            Assembleia.grupo_id == grupo.id,
            Assembleia.status.in_([StatusAssembleia.APURADA, StatusAssembleia.ENCERRADA]),
        )
    )
    if apurada is not None:
        raise ConflitoError(
            "O grupo já tem assembleia apurada: as regras do contrato não podem mais mudar.",
            code="regras_fixadas",
        )
    row = await session.get(RegrasAssembleiaGrupo, grupo.id, with_for_update=True)
    if row is None:
        uow.add(candidata)
        await uow.commit()
        return candidata
    uow.track(row)
    for nome, valor in valores.items():
        setattr(row, nome, valor)
    await uow.commit()
    return row


def validar_datas(data_assembleia: date, corte: datetime, fuso: str, agora: datetime | None = None) -> None:
    """The cut-off has a time zone, is in the future, and falls on or before the assembleia's date."""
    if corte.tzinfo is None:
        raise RegraVioladaError(
            "Informe o corte com fuso horário (ex.: 2026-12-10T18:00:00-03:00).",
            campo="corte_lances_em",
            code="datas_invalidas",
        )
    erros = []
    if corte <= (agora or datetime.now(UTC)):
        erros.append(FieldError("corte_lances_em", "O corte de lances não pode estar no passado."))
    if corte.astimezone(ZoneInfo(fuso)).date() > data_assembleia:
        erros.append(
            FieldError(
                "corte_lances_em",
                f"O corte de lances deve ser até a data da assembleia ({data_assembleia.isoformat()}).",
            )
        )
    if erros:
        raise RegraVioladaError(erros[0].message, errors=erros, code="datas_invalidas")


async def criar_assembleia(
    uow: UnitOfWork, grupo_id: uuid.UUID, data: AssembleiaCreate, fuso: str
) -> Assembleia:
    """A new AGO, agendada: its cut-off in the future and on or before its date."""
    session = uow.session
    grupo = await get_grupo(session, grupo_id)
    if grupo.status is StatusGrupo.ENCERRADO:
        raise RegraVioladaError("O grupo está encerrado.", code="grupo_encerrado")
    validar_datas(data.data_assembleia, data.corte_lances_em, fuso)
    existente = await session.scalar(
        select(Assembleia.id).where(Assembleia.grupo_id == grupo.id, Assembleia.numero == data.numero)
    )
    if existente is not None:
        raise ConflitoError(f"O grupo já tem a assembleia nº {data.numero}.", code="assembleia_duplicada")
    assembleia = Assembleia(
        grupo_id=grupo.id,
        numero=data.numero,
        data_assembleia=data.data_assembleia,
        corte_lances_em=data.corte_lances_em,
        status=StatusAssembleia.AGENDADA,
    )
    uow.add(assembleia)
    await uow.commit()
    return assembleia


async def get_assembleia(
    session: AsyncSession, assembleia_id: uuid.UUID, *, lock: bool = False
) -> Assembleia:
    """The assembleia or 404 (a row lock when ``lock``)."""
    stmt = select(Assembleia).where(Assembleia.id == assembleia_id)
    if lock:
        stmt = stmt.with_for_update()
    assembleia = (await session.execute(stmt)).scalar_one_or_none()
    if assembleia is None:
        raise NaoEncontrado("Assembleia")
    return assembleia


async def corrigir_assembleia(
    uow: UnitOfWork, assembleia_id: uuid.UUID, data: AssembleiaUpdate, fuso: str
) -> Assembleia:
    """Change the date or the cut-off of an assembleia until its lance window opens (audited)."""
    assembleia = await get_assembleia(uow.session, assembleia_id, lock=True)
    if assembleia.status is not StatusAssembleia.AGENDADA:
        situacao = assembleia.status.value.replace("_", " ")
        raise ConflitoError(
            f"Só uma assembleia agendada pode ser corrigida (situação: {situacao}).",
            code="transicao_invalida",
        )
    nova_data = data.data_assembleia or assembleia.data_assembleia
    novo_corte = data.corte_lances_em or assembleia.corte_lances_em
    validar_datas(nova_data, novo_corte, fuso)
    uow.track(assembleia)
    assembleia.data_assembleia = nova_data
    assembleia.corte_lances_em = novo_corte
    await uow.commit()
    return assembleia


async def cancelar_assembleia(uow: UnitOfWork, assembleia_id: uuid.UUID, motivo: str) -> Assembleia:
    """Call off an assembleia before its lance window opens; the reason goes to the audit trail."""
    assembleia = await get_assembleia(uow.session, assembleia_id, lock=True)
    if assembleia.status is not StatusAssembleia.AGENDADA:
        raise ConflitoError(
            "Só uma assembleia agendada (antes da abertura dos lances) pode ser cancelada "
            f"(situação: {assembleia.status.value.replace('_', ' ')}).",
            code="transicao_invalida",
        )
    uow.track(assembleia)
    assembleia.status = StatusAssembleia.CANCELADA
    uow.auditar("cancelamento", Assembleia.__tablename__, str(assembleia.id), None, {"motivo": motivo})
    await uow.commit()
    return assembleia


_TRANSICOES = {
    StatusAssembleia.AGENDADA: StatusAssembleia.RECEBENDO_LANCES,
    StatusAssembleia.APURADA: StatusAssembleia.ENCERRADA,
}


async def avancar(
    uow: UnitOfWork, assembleia_id: uuid.UUID, para: StatusAssembleia, agora: datetime | None = None
) -> Assembleia:
    """Open lances (only before the cut-off) or close the assembleia; the apuração has its own path."""
    session = uow.session
    assembleia = await get_assembleia(session, assembleia_id, lock=True)
    uow.track(assembleia)
    if _TRANSICOES.get(assembleia.status) is not para:
        raise ConflitoError(
            f"A assembleia está {assembleia.status.value.replace('_', ' ')} e não pode passar a "
            f"{para.value.replace('_', ' ')}.",
            code="transicao_invalida",
        )
    if para is StatusAssembleia.RECEBENDO_LANCES:
        await get_regras(session, assembleia.grupo_id)
        if assembleia.corte_lances_em <= (agora or datetime.now(UTC)):
            raise RegraVioladaError(
                "O corte de lances já passou: corrija-o (PATCH da assembleia) antes de abrir os lances.",
                campo="corte_lances_em",
                code="datas_invalidas",
            )
    assembleia.status = para
    if para is StatusAssembleia.ENCERRADA:
        assembleia.encerrada_em = datetime.now(UTC)
    await uow.commit()
    return assembleia
