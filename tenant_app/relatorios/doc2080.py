"""Documento 2080 – Posição de Cotas e de Grupos das Operações de Consórcio (IN BCB 525/2024).

The BCB's XML leiaute (IN BCB 526/2024; published on the BCB's page for the
document) could not be found through the tools available here, so this is a
documented, versioned structure (``VERSAO``) holding every item the IN lists,
ready to be mapped onto the leiaute's fields:

* IN 525 art. 1º: monthly, by day 30 of the following month, with the data-base month;
  § 1º I grupos em formação; II grupos em andamento; III cotas dos grupos em andamento;
  IV recursos não procurados de grupos encerrados; V valores a receber de inadimplentes
  de grupos encerrados; § 2º sent even when there is nothing to report (every segment
  appears, with zeros).
* IN 525 art. 2º: segregated by segment: I imóveis; II veículos pesados, máquinas,
  embarcações, aeronaves (tratores, equipamentos rodoviários e agrícolas, carga > 1.500 kg);
  III veículos automotores leves; IV motocicletas e motonetas; V outros bens móveis; VI serviços.

Position at the data-base (last day of the month, Brasília time): cotas count by
their adesão/exclusão/contemplação dates, fund balances by the ledger entries
effective until then (a payment's on its payment date, others when recorded),
delinquency by the parcelas due until then and not paid by then. A cota is
"inadimplente" with any parcela due and unpaid at the data-base.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

VERSAO = "doc2080-estrutura-v1"
ZONA = ZoneInfo("America/Sao_Paulo")

#: IN BCB 525/2024 art. 2º: inciso, key, name; mapped from the grupo's ``tipo_bem``.
SEGMENTOS: tuple[tuple[str, str, str, str], ...] = (
    ("I", "imoveis", "Imóveis", "imovel"),
    ("II", "pesados", "Veículos pesados, máquinas, embarcações e aeronaves", "pesados"),
    ("III", "veiculos_leves", "Veículos automotores leves", "automovel"),
    ("IV", "motocicletas", "Motocicletas e motonetas", "motocicleta"),
    ("V", "outros_bens_moveis", "Outros bens móveis", "outros_moveis"),
    ("VI", "servicos", "Serviços", "servicos"),
)

_ZERO = Decimal("0.00")


def data_base(mes: str) -> date:
    """``AAAA-MM`` → the month's last day."""
    ano, m = (int(x) for x in mes.split("-"))
    return date(ano, m, calendar.monthrange(ano, m)[1])


def _fim_do_dia(d: date) -> datetime:
    return datetime.combine(d + timedelta(days=1), time(0), tzinfo=ZONA).astimezone(UTC)


_SQL_GRUPOS = text(
    """
    SELECT g.id, g.codigo, g.tipo_bem,
           CASE WHEN g.status = 'encerrado' AND g.data_encerramento <= :db THEN 'encerrado'
                WHEN g.data_inicio IS NOT NULL AND g.data_inicio <= :db THEN 'em_andamento'
                ELSE 'em_formacao' END AS situacao,
           g.valor_credito, g.prazo_meses, g.numero_cotas, g.taxa_administracao_pct, g.fundo_reserva_pct,
           g.indice_correcao, g.data_inicio, g.data_encerramento
    FROM grupos g
    WHERE g.created_at < :fim OR g.data_inicio <= :db
       OR EXISTS (SELECT 1 FROM cotas c WHERE c.grupo_id = g.id AND c.data_adesao <= :db)
    ORDER BY g.codigo
    """
)

_SQL_COTAS = text(
    """
    SELECT c.grupo_id,
           count(*) FILTER (WHERE c.data_adesao <= :db) AS comercializadas,
           count(*) FILTER (WHERE c.data_adesao <= :db AND (c.excluida_em IS NULL OR c.excluida_em > :db))
               AS ativas,
           count(*) FILTER (WHERE c.data_adesao <= :db AND c.contemplada AND c.contemplada_em <= :db
                            AND (c.excluida_em IS NULL OR c.excluida_em > :db)) AS contempladas,
           count(*) FILTER (WHERE c.excluida_em IS NOT NULL AND c.excluida_em <= :db) AS excluidas,
           count(*) FILTER (WHERE c.data_adesao <= :db AND (c.excluida_em IS NULL OR c.excluida_em > :db)
                            AND c.id IN (SELECT cota_id FROM atrasadas)) AS inadimplentes,
           count(*) FILTER (WHERE c.data_adesao <= :db AND (c.excluida_em IS NULL OR c.excluida_em > :db)
                            AND c.contemplada AND c.contemplada_em <= :db
                            AND c.id IN (SELECT cota_id FROM atrasadas)) AS inadimplentes_contempladas
    FROM cotas c
    GROUP BY c.grupo_id
    """
)

_CTE_ATRASADAS = """
    WITH atrasadas AS (
        SELECT p.cota_id, p.grupo_id,
               sum(p.valor_total - CASE WHEN p.paga_em IS NOT NULL AND p.paga_em <= :db
                                        THEN p.valor_total
                                        ELSE p.pago_fundo_comum + p.pago_taxa_administracao
                                             + p.pago_fundo_reserva + p.pago_seguro END) AS em_aberto
        FROM parcelas p
        WHERE p.vencimento <= :db AND (p.paga_em IS NULL OR p.paga_em > :db)
        GROUP BY p.cota_id, p.grupo_id
    )
"""

_SQL_ATRASO_GRUPO = text(
    _CTE_ATRASADAS + "SELECT grupo_id, count(*), coalesce(sum(em_aberto), 0) FROM atrasadas GROUP BY grupo_id"
)

_SQL_FUNDOS = text(
    """
    SELECT l.grupo_id, l.fundo, sum(l.valor)
    FROM lancamentos_fundo l LEFT JOIN pagamentos pg ON pg.id = l.pagamento_id
    -- a payment's movement counts on its payment date (also when typed in later); others when recorded
    WHERE coalesce(pg.data_pagamento, (l.registrado_em AT TIME ZONE 'America/Sao_Paulo')::date) <= :db
    GROUP BY l.grupo_id, l.fundo
    """
)


async def calcular(
    session: AsyncSession, mes: str, administradora: dict[str, str] | None = None
) -> dict[str, Any]:
    """The Doc 2080 structure for the data-base month ``mes`` (``AAAA-MM``)."""
    db = data_base(mes)
    fim = _fim_do_dia(db)
    p = {"db": db, "fim": fim}
    grupos = (await session.execute(_SQL_GRUPOS, p)).mappings().all()
    cotas = {
        r["grupo_id"]: r
        for r in (await session.execute(text(_CTE_ATRASADAS + _SQL_COTAS.text), p)).mappings()
    }
    atraso = {g: (int(n), Decimal(v)) for g, n, v in (await session.execute(_SQL_ATRASO_GRUPO, p)).all()}
    fundos: dict[Any, dict[str, Decimal]] = {}
    for g, fundo, valor in (await session.execute(_SQL_FUNDOS, {"db": db})).all():
        fundos.setdefault(g, {})[str(fundo)] = Decimal(valor)

    segmentos: dict[str, dict[str, Any]] = {}
    for inciso, chave, nome, _ in SEGMENTOS:
        segmentos[chave] = {
            "inciso": inciso,
            "segmento": nome,
            "grupos_em_formacao": {
                "quantidade": 0,
                "cotas_comercializadas": 0,
                "valor_total_creditos": _ZERO,
            },
            "grupos_em_andamento": {
                "quantidade": 0,
                "saldo_fundo_comum": _ZERO,
                "saldo_fundo_reserva": _ZERO,
                "creditos_a_pagar": _ZERO,
            },
            "cotas_grupos_em_andamento": {
                "ativas": 0,
                "contempladas": 0,
                "nao_contempladas": 0,
                "inadimplentes_contempladas": 0,
                "inadimplentes_nao_contempladas": 0,
                "excluidas": 0,
                "valor_em_atraso": _ZERO,
            },
            "recursos_nao_procurados_grupos_encerrados": {"grupos": 0, "valor": _ZERO},
            "valores_a_receber_inadimplentes_grupos_encerrados": {"grupos": 0, "cotas": 0, "valor": _ZERO},
        }
    por_tipo = {tipo: chave for _, chave, _, tipo in SEGMENTOS}
    individualizados = []
    for g in grupos:
        seg = segmentos[por_tipo[g["tipo_bem"]]]
        c = cotas.get(g["id"])
        n = {
            k: int(c[k]) if c else 0
            for k in (
                "comercializadas",
                "ativas",
                "contempladas",
                "excluidas",
                "inadimplentes",
                "inadimplentes_contempladas",
            )
        }
        f = fundos.get(g["id"], {})
        cotas_atraso, valor_atraso = atraso.get(g["id"], (0, _ZERO))
        situacao = g["situacao"]
        if situacao == "em_formacao":
            s = seg["grupos_em_formacao"]
            s["quantidade"] += 1
            s["cotas_comercializadas"] += n["comercializadas"]
            s["valor_total_creditos"] += g["valor_credito"] * n["comercializadas"]
        elif situacao == "em_andamento":
            s = seg["grupos_em_andamento"]
            s["quantidade"] += 1
            s["saldo_fundo_comum"] += f.get("fundo_comum", _ZERO)
            s["saldo_fundo_reserva"] += f.get("fundo_reserva", _ZERO)
            s["creditos_a_pagar"] += f.get("creditos_a_pagar", _ZERO)
            k = seg["cotas_grupos_em_andamento"]
            k["ativas"] += n["ativas"]
            k["contempladas"] += n["contempladas"]
            k["nao_contempladas"] += n["ativas"] - n["contempladas"]
            k["inadimplentes_contempladas"] += n["inadimplentes_contempladas"]
            k["inadimplentes_nao_contempladas"] += n["inadimplentes"] - n["inadimplentes_contempladas"]
            k["excluidas"] += n["excluidas"]
            k["valor_em_atraso"] += valor_atraso
        else:
            nao_procurados = f.get("nao_procurados", _ZERO)
            r = seg["recursos_nao_procurados_grupos_encerrados"]
            if nao_procurados:
                r["grupos"] += 1
                r["valor"] += nao_procurados
            v = seg["valores_a_receber_inadimplentes_grupos_encerrados"]
            if valor_atraso:
                v["grupos"] += 1
                v["cotas"] += cotas_atraso
                v["valor"] += valor_atraso
        individualizados.append(
            {
                "codigo": g["codigo"],
                "segmento": por_tipo[g["tipo_bem"]],
                "situacao": situacao,
                "data_inicio": g["data_inicio"],
                "data_encerramento": g["data_encerramento"],
                "prazo_meses": g["prazo_meses"],
                "numero_cotas": g["numero_cotas"],
                "valor_credito": g["valor_credito"],
                "taxa_administracao_pct": g["taxa_administracao_pct"],
                "fundo_reserva_pct": g["fundo_reserva_pct"],
                "indice_correcao": g["indice_correcao"],
                "cotas": n,
                "fundos": {
                    k: f.get(k, _ZERO)
                    for k in ("fundo_comum", "fundo_reserva", "creditos_a_pagar", "nao_procurados")
                },
                "em_atraso": {"cotas": cotas_atraso, "valor": valor_atraso},
            }
        )
    return {
        "documento": "2080",
        "nome": "Posição de Cotas e de Grupos das Operações de Consórcio - Bens Imóveis e Móveis",
        "norma": "Instrução Normativa BCB nº 525/2024 (Resolução BCB nº 285/2023, art. 54)",
        "versao_estrutura": VERSAO,
        "leiaute_bcb": (
            "Leiaute XML do BCB (IN BCB nº 526/2024) não disponível nesta geração: estrutura própria "
            "versionada, com todos os itens do art. 1º § 1º e os segmentos do art. 2º."
        ),
        "data_base": db,
        "prazo_entrega": _prazo(db),
        "administradora": administradora or {},
        "segmentos": list(segmentos.values()),
        "grupos": individualizados,
    }


def _prazo(db: date) -> date:
    """Day 30 of the month after the data-base (the last day when the month is shorter)."""
    ano, mes = (db.year + 1, 1) if db.month == 12 else (db.year, db.month + 1)
    return date(ano, mes, min(30, calendar.monthrange(ano, mes)[1]))


def linhas(estrutura: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """Flattened (segmento, item, campo, valor) rows for CSV/XLSX/PDF renderings."""
    for seg in estrutura["segmentos"]:
        nome = f"{seg['inciso']} - {seg['segmento']}"
        for item, campos in seg.items():
            if isinstance(campos, dict):
                for campo, valor in campos.items():
                    yield nome, item, campo, valor
