"""What each report holds: its columns and the SQL that streams its rows, computed from the ledger.

Every amount comes from the stored parcelas, the payments' allocations or the
ledger (``lancamentos_fundo``), the same sources ``GET /api/grupos/{id}/fundos``
reconciles, so a report's totals match the funds to the centavo. Rows are
streamed from a server-side cursor (``yield_per``), never loaded whole.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import TextClause, text

from tenant_app.relatorios.models import TipoRelatorio


class TipoColuna(enum.StrEnum):
    TEXTO = "texto"
    INTEIRO = "inteiro"
    DINHEIRO = "dinheiro"
    PERCENTUAL = "percentual"
    DATA = "data"


@dataclass(frozen=True)
class Coluna:
    titulo: str
    tipo: TipoColuna = TipoColuna.TEXTO
    #: Summed into the totals line (money columns of reports that have one).
    somar: bool = False


T, N, R, P, D = (
    TipoColuna.TEXTO,
    TipoColuna.INTEIRO,
    TipoColuna.DINHEIRO,
    TipoColuna.PERCENTUAL,
    TipoColuna.DATA,
)


@dataclass(frozen=True)
class Consulta:
    """One report's rows: the SQL, its parameters, and a COUNT for the progress bar."""

    titulo: str
    colunas: tuple[Coluna, ...]
    sql: TextClause
    contagem: TextClause
    parametros: Mapping[str, Any]
    #: Rows counted in the totals line must have this value in this column index (None: all rows).
    filtro_total: tuple[int, str] | None = None


def _filtro(alias: str, params: Mapping[str, Any]) -> str:
    partes = []
    if params.get("grupo_id"):
        partes.append(f"{alias}.grupo_id = :grupo_id")
    if params.get("cota_id"):
        partes.append(f"{alias}.id = :cota_id" if alias == "c" else f"{alias}.cota_id = :cota_id")
    return (" AND " + " AND ".join(partes)) if partes else ""


def extrato_cota(params: Mapping[str, Any]) -> Consulta:
    """Every parcela (what was charged) and every payment's allocation (what paid it: fundos, multa,
    juros; lances as their own kind), per cota, in date order. An index correction shows as the
    corrected values of the parcelas still due."""
    f_par = _filtro("p", params)
    f_pag = _filtro("pg", params)
    sql = text(
        f"""
        SELECT g.codigo, c.numero, cs.nome, x.data, x.lancamento, x.parcela,
               -- amounts as text ("1000.00"): decoding 5 million numerics into Decimals was the
               -- biggest CPU cost of a 10,000-cota extrato, and the writers only print them
               x.fc::text, x.ta::text, x.fr::text, x.sg::text, x.multa::text, x.juros::text, x.total::text,
               x.situacao
        FROM (
            SELECT p.grupo_id, p.cota_id, p.vencimento AS data, 0 AS ordem, 'Parcela' AS lancamento,
                   p.numero AS parcela, p.valor_fundo_comum AS fc, p.valor_taxa_administracao AS ta,
                   p.valor_fundo_reserva AS fr, p.valor_seguro AS sg,
                   0::numeric AS multa, 0::numeric AS juros,
                   p.valor_total AS total, p.status AS situacao
            FROM parcelas p WHERE true {f_par}
            UNION ALL
            SELECT pg.grupo_id, pg.cota_id, pg.data_pagamento, 1,
                   CASE WHEN pg.forma = 'lance' THEN 'Lance' ELSE 'Pagamento (' || pg.forma || ')' END,
                   a.parcela_numero, a.fundo_comum, a.taxa_administracao, a.fundo_reserva, a.seguro,
                   a.multa, a.juros,
                   a.fundo_comum + a.taxa_administracao + a.fundo_reserva + a.seguro + a.multa + a.juros,
                   pg.status
            FROM pagamento_alocacoes a JOIN pagamentos pg ON pg.id = a.pagamento_id
            WHERE true {f_pag}
        ) x
        JOIN cotas c ON c.id = x.cota_id
        JOIN grupos g ON g.id = x.grupo_id
        JOIN consorciados cs ON cs.id = c.consorciado_id
        ORDER BY g.codigo, c.numero, x.data, x.ordem, x.parcela
        """
    )
    contagem = text(
        f"""SELECT (SELECT count(*) FROM parcelas p WHERE true {f_par})
                 + (SELECT count(*) FROM pagamento_alocacoes a JOIN pagamentos pg ON pg.id = a.pagamento_id
                    WHERE true {f_pag})"""
    )
    colunas = (
        Coluna("Grupo"),
        Coluna("Cota", N),
        Coluna("Consorciado"),
        Coluna("Data", D),
        Coluna("Lançamento"),
        Coluna("Parcela", N),
        Coluna("Fundo comum", R),
        Coluna("Taxa de administração", R),
        Coluna("Fundo de reserva", R),
        Coluna("Seguro", R),
        Coluna("Multa", R),
        Coluna("Juros", R),
        Coluna("Total", R),
        Coluna("Situação"),
    )
    return Consulta("Extrato da cota", colunas, sql, contagem, dict(params))


def posicao_grupos(params: Mapping[str, Any]) -> Consulta:
    """Per grupo: cotas by situation and the funds from the ledger (as ``/fundos`` reports them)."""
    f = " AND g.id = :grupo_id" if params.get("grupo_id") else ""
    sql = text(
        f"""
        SELECT g.codigo, g.tipo_bem, g.status, g.valor_credito, g.prazo_meses, g.numero_cotas,
               coalesce(c.ativas, 0), coalesce(c.contempladas, 0), coalesce(c.excluidas, 0),
               coalesce(l.fc, 0), coalesce(l.fr, 0), coalesce(l.ta, 0), coalesce(l.sg, 0),
               CASE WHEN g.saldo_fundo_comum = coalesce(l.fc, 0) AND g.saldo_fundo_reserva = coalesce(l.fr, 0)
                    THEN 'sim' ELSE 'NÃO' END
        FROM grupos g
        LEFT JOIN (
            SELECT grupo_id, count(*) FILTER (WHERE status = 'ativa') AS ativas,
                   count(*) FILTER (WHERE contemplada) AS contempladas,
                   count(*) FILTER (WHERE status = 'excluida') AS excluidas
            FROM cotas GROUP BY grupo_id
        ) c ON c.grupo_id = g.id
        LEFT JOIN (
            SELECT grupo_id, sum(valor) FILTER (WHERE fundo = 'fundo_comum') AS fc,
                   sum(valor) FILTER (WHERE fundo = 'fundo_reserva') AS fr,
                   sum(valor) FILTER (WHERE fundo = 'taxa_administracao') AS ta,
                   sum(valor) FILTER (WHERE fundo = 'seguro') AS sg
            FROM lancamentos_fundo GROUP BY grupo_id
        ) l ON l.grupo_id = g.id
        WHERE true {f}
        ORDER BY g.codigo
        """
    )
    contagem = text(f"SELECT count(*) FROM grupos g WHERE true {f}")
    colunas = (
        Coluna("Grupo"),
        Coluna("Segmento"),
        Coluna("Situação"),
        Coluna("Crédito", R),
        Coluna("Prazo (meses)", N),
        Coluna("Cotas do grupo", N),
        Coluna("Cotas ativas", N),
        Coluna("Cotas contempladas", N),
        Coluna("Cotas excluídas", N),
        Coluna("Saldo fundo comum", R, True),
        Coluna("Saldo fundo de reserva", R, True),
        Coluna("Taxa de administração recebida", R, True),
        Coluna("Seguro recebido", R, True),
        Coluna("Conciliado"),
    )
    return Consulta("Posição dos grupos", colunas, sql, contagem, dict(params))


def inadimplencia(params: Mapping[str, Any]) -> Consulta:
    """Parcelas due before the reference date and not fully paid, with days late and what is open."""
    f = " AND p.grupo_id = :grupo_id" if params.get("grupo_id") else ""
    base = f"""
        FROM parcelas p JOIN cotas c ON c.id = p.cota_id JOIN grupos g ON g.id = p.grupo_id
        JOIN consorciados cs ON cs.id = c.consorciado_id
        WHERE p.vencimento < CAST(:data_referencia AS date) AND p.status <> 'paga'
          AND c.status = 'ativa' {f}"""
    sql = text(
        f"""
        SELECT g.codigo, c.numero, cs.nome, CASE WHEN c.contemplada THEN 'sim' ELSE 'não' END,
               p.numero, p.vencimento, (CAST(:data_referencia AS date) - p.vencimento), p.valor_total,
               p.pago_fundo_comum + p.pago_taxa_administracao + p.pago_fundo_reserva + p.pago_seguro,
               p.valor_total - (p.pago_fundo_comum + p.pago_taxa_administracao + p.pago_fundo_reserva
                                + p.pago_seguro)
        {base}
        ORDER BY g.codigo, c.numero, p.numero
        """
    )
    colunas = (
        Coluna("Grupo"),
        Coluna("Cota", N),
        Coluna("Consorciado"),
        Coluna("Contemplada"),
        Coluna("Parcela", N),
        Coluna("Vencimento", D),
        Coluna("Dias em atraso", N),
        Coluna("Valor da parcela", R, True),
        Coluna("Pago", R, True),
        Coluna("Em aberto", R, True),
    )
    return Consulta("Inadimplência", colunas, sql, text(f"SELECT count(*) {base}"), dict(params))


def arrecadacao(params: Mapping[str, Any]) -> Consulta:
    """Payments by payment date, each split as its allocations booked it (the totals line counts
    confirmed payments only; estornados are listed for the record)."""
    f = " AND pg.grupo_id = :grupo_id" if params.get("grupo_id") else ""
    base = f"FROM pagamentos pg WHERE pg.data_pagamento BETWEEN :desde AND :ate {f}"
    sql = text(
        f"""
        SELECT pg.data_pagamento, g.codigo, c.numero, pg.forma, pg.status, pg.valor,
               coalesce(a.fc, 0), coalesce(a.ta, 0), coalesce(a.fr, 0), coalesce(a.sg, 0),
               coalesce(a.multa, 0), coalesce(a.juros, 0), coalesce(a.adm, 0),
               coalesce(a.fc, 0) + coalesce(a.multa, 0) + coalesce(a.juros, 0) - coalesce(a.adm, 0)
        FROM pagamentos pg
        JOIN cotas c ON c.id = pg.cota_id JOIN grupos g ON g.id = pg.grupo_id
        LEFT JOIN (
            SELECT pagamento_id, sum(fundo_comum) AS fc, sum(taxa_administracao) AS ta,
                   sum(fundo_reserva) AS fr, sum(seguro) AS sg, sum(multa) AS multa, sum(juros) AS juros,
                   sum(encargos_administradora) AS adm
            FROM pagamento_alocacoes GROUP BY pagamento_id
        ) a ON a.pagamento_id = pg.id
        WHERE pg.data_pagamento BETWEEN :desde AND :ate {f}
        ORDER BY pg.data_pagamento, g.codigo, c.numero, pg.registrado_em
        """
    )
    colunas = (
        Coluna("Data do pagamento", D),
        Coluna("Grupo"),
        Coluna("Cota", N),
        Coluna("Forma"),
        Coluna("Situação"),
        Coluna("Valor", R, True),
        Coluna("Fundo comum", R, True),
        Coluna("Taxa de administração", R, True),
        Coluna("Fundo de reserva", R, True),
        Coluna("Seguro", R, True),
        Coluna("Multa", R, True),
        Coluna("Juros", R, True),
        Coluna("Encargos da administradora", R, True),
        Coluna("Ao fundo comum (com encargos)", R, True),
    )
    return Consulta(
        "Arrecadação",
        colunas,
        sql,
        text(f"SELECT count(*) {base}"),
        dict(params),
        filtro_total=(4, "confirmado"),
    )


def contemplacoes(params: Mapping[str, Any]) -> Consulta:
    """Contemplações by assembleia: modality, lance, credit released and the funds it came from."""
    partes = []
    if params.get("grupo_id"):
        partes.append("ct.grupo_id = :grupo_id")
    if params.get("assembleia_id"):
        partes.append("ct.assembleia_id = :assembleia_id")
    f = (" AND " + " AND ".join(partes)) if partes else ""
    base = f"FROM contemplacoes ct WHERE true {f}"
    sql = text(
        f"""
        SELECT g.codigo, a.numero, a.data_assembleia, ct.cota_numero, ct.modalidade, ct.status,
               ct.valor_credito, ct.percentual_lance, ct.valor_lance, ct.valor_embutido, ct.valor_liberado,
               ct.do_fundo_comum, ct.do_fundo_reserva
        FROM contemplacoes ct JOIN assembleias a ON a.id = ct.assembleia_id
        JOIN grupos g ON g.id = ct.grupo_id
        WHERE true {f}
        ORDER BY g.codigo, a.numero, ct.cota_numero
        """
    )
    colunas = (
        Coluna("Grupo"),
        Coluna("Assembleia", N),
        Coluna("Data", D),
        Coluna("Cota", N),
        Coluna("Modalidade"),
        Coluna("Situação"),
        Coluna("Crédito", R),
        Coluna("Lance (% do crédito)", P),
        Coluna("Valor do lance", R),
        Coluna("Lance embutido", R),
        Coluna("Crédito liberado", R, True),
        Coluna("Do fundo comum", R, True),
        Coluna("Do fundo de reserva", R, True),
    )
    return Consulta(
        "Contemplações por assembleia",
        colunas,
        sql,
        text(f"SELECT count(*) {base}"),
        dict(params),
        filtro_total=(5, "ativa"),
    )


CONSULTAS = {
    TipoRelatorio.EXTRATO_COTA: extrato_cota,
    TipoRelatorio.POSICAO_GRUPOS: posicao_grupos,
    TipoRelatorio.INADIMPLENCIA: inadimplencia,
    TipoRelatorio.ARRECADACAO: arrecadacao,
    TipoRelatorio.CONTEMPLACOES: contemplacoes,
}


def parametros_sql(params: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-stored parameters back to the types the SQL binds (UUIDs, dates)."""
    out: dict[str, Any] = {}
    for k, v in params.items():
        if v is None:
            continue
        if k.endswith("_id"):
            out[k] = uuid.UUID(str(v))
        elif k in ("desde", "ate", "data_referencia"):
            out[k] = date.fromisoformat(str(v))
        else:
            out[k] = v
    return out
